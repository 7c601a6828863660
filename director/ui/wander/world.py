"""One live world a user wanders through: a Director over an open-ended timeline, fed by held keys.

The worker thread, per chunk: (1) wait for the chunk's wall-clock start (real time, never ahead);
(2) turn the input held now into directives and ``send`` them (they apply at this boundary and are
recorded there); (3) render the chunk at the live size; its sinks encode its frames and add its sound
to the ring the page polls; (4) a ``PaceGovernor`` is told the chunk's wall time and picks the live size
of the next chunk: the world's own size, or a proxy 3/4 or 1/2 as wide when the machine cannot
render it fast enough for the key → screen budget (the same world drawn with fewer pixels,
``Director.set_live_size``), stepping back up when it can; (5) the frames are queued for the publisher,
which shows each at its time plus a small constant delay (following the render time), so motion is
smooth.
Everything the user did is ``director.record``: a full-size timeline that replays to the same frames
(at the world's own size; ``replay.replay_digests`` with ``live_sizes`` reproduces the live ones).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from director.plan.assets import Assets
from director.commands.reader import RULES_ONLY
from director.run.director import Director
from director.run.events import ChunkReady, Failed, Finished, Stopped
from director.run.pace_governor import LiveLevel, PaceGovernor
from director.run.run import Run
from director.engines.protocol import Engine
from director.plan.timeline import Character, Directive, Timeline, World
from director.ui.wander.controls import Controller, FirstPerson, InputState, ThirdPerson
from director.sinks.frame_bus import Frame, FrameBus
from director.sinks.frame_bus_sink import FrameBusSink, frame_digest  # noqa: F401 - frame_digest: replays compare with it
from director.sinks.sound_ring import SoundRing
from director.sinks.sound_ring_sink import SoundRingSink

log = logging.getLogger(__name__)

State = Literal["starting", "running", "stopped", "failed", "ended"]

MAX_WANDER_SECONDS = 600.0  # a wander ends by itself after this long
LAG_RESET_SECONDS = 0.25  # fallen this far behind real time: stop trying to catch up
MIN_DELAY, MAX_DELAY = 0.02, 0.5  # seconds between a frame's due time and its showing

# The live size policy. Key → screen is about 90 ms (the wait for the next boundary, one frame, the
# browser) plus 2.15x the render time (the render, then the display delay of 1.15x it): see "Wander
# latency" in benchmarks/README.md. A chunk rendered in at most 3/4 of its 83 ms keeps p90 near 225 ms.
PACE_MARGIN = 0.75  # a chunk may take this share of its video time, on average over the window
PACE_UP_MARGIN = 0.6  # the next size up, estimated by its pixels, must take less than this share
# Chunks are 6x shorter than the Direct tab's, so the governor's windows are set in video seconds.
PACE_WINDOW_SECONDS = 0.5  # chunks whose mean pace decides a step down (one slow chunk is a hiccup)
PACE_SETTLE_SECONDS = 2.0  # at a size before a step up is tried (doubled after a try that failed)
PACE_WARMUP_CHUNKS = 1  # a size's first chunk paints its textures (previz: 0.5-1.6 s): not its pace
# Two proxy sizes, not the Direct tab's three: previz keeps the renderers of the two proxy sizes used
# last, so with two each is painted once per world; with a third, a step back to an evicted size is
# another repaint that freezes the view for a second (a measured max key → screen: 760 ms).
LIVE_SCALES = (1.0, 0.75, 0.5)  # 1280 -> 960 -> 640 wide


@dataclass(frozen=True)
class WanderConfig:
    scene: str = "a quiet street"
    character: str | None = None  # text of the one character walked in third person; None = first person
    character_name: str = "walker"
    scene_image: str | None = None  # asset key (already in the world's Assets)
    width: int = 1280
    height: int = 720
    fps: float = 24.0
    chunk_frames: int = 2  # short chunks: a key press applies within one chunk
    seed: int = 0
    engine: str = "previz"
    max_seconds: float = MAX_WANDER_SECONDS
    pace: bool = True  # render the live picture at the size the machine sustains (False: always width x height)

    def timeline(self) -> Timeline:
        """The open-ended timeline the wander runs over (its record is trimmed when saved)."""
        characters = [Character(name=self.character_name, text=self.character)] if self.character else []
        return Timeline(
            duration=self.max_seconds, max_duration=self.max_seconds, width=self.width, height=self.height,
            fps=self.fps, seed=self.seed, engine=self.engine, chunk_seconds=self.chunk_frames / self.fps,
            title=f"Wander: {self.scene}"[:120],
            world=World(scene=self.scene, scene_image=self.scene_image, characters=characters),
        )


class WanderWorld:
    """A live wander. ``start()`` runs it in real time on a worker thread; ``step()`` runs chunks
    synchronously (tests, benchmarks) at the live size the governor chose, which only ``paced`` (the
    worker calls it after each chunk) changes. Thread-safe: ``input``, ``send_text`` and ``stop`` from
    anywhere.

    ``keep_digests``: keep ``frame_digest`` of every frame made, as made: at the live size it was
    rendered at, which ``live_sizes`` lists frame by frame. A replay of ``record()`` gives full-size
    frames; one at the same live sizes (``replay.replay_digests``) gives the same digests."""

    def __init__(self, config: WanderConfig, *, assets: Assets | None = None, engine: Engine | str | None = None,
                 keep_digests: bool = False):
        self.config = config
        self.director = Director(config.timeline(), engine=engine, assets=assets, reader=RULES_ONLY, keep_checkpoints=2)
        self.input = InputState()
        self.frames = FrameBus()
        self.sound = SoundRing(self.director.settings.sample_rate)  # what the page plays when unmuted
        self.controller: Controller = ThirdPerson(config.character_name) if config.character else FirstPerson()
        self._input_seq = 0  # the browser's input counter of the chunk being made
        self._encoded = FrameBusSink(self.director.fps, input_seq=lambda: self._input_seq, keep_digests=keep_digests)
        self.digests: list[str] = self._encoded.digests  # one per frame made, by frame index
        self.live_sizes: list[tuple[int, int]] = []  # (width, height) each digest's frame was made at
        window = self._chunks(PACE_WINDOW_SECONDS)
        self.governor = PaceGovernor(
            config.width, config.height, scales=LIVE_SCALES, margin=PACE_MARGIN, up_margin=PACE_UP_MARGIN,
            window=window, min_window=window, settle=self._chunks(PACE_SETTLE_SECONDS), warmup=PACE_WARMUP_CHUNKS,
            up_ahead=0.0,  # the worker never runs ahead of real time (it waits for each chunk's time)
            lock_full=not (config.pace and self.director.proxy_sizes))
        self.live: LiveLevel = self.governor.level  # the size the newest chunk was rendered at
        self._made_any = False  # a chunk was made
        self._new_level = True  # the newest chunk is the first at its size (or the world's first)
        self.state: State = "starting"
        self.error: str | None = None
        self.render_seconds = 0.0  # smoothed wall time of one chunk (render + encode)
        self.delay = 0.1  # seconds frames are shown after their due time
        self._run = Run(self.director, [self._encoded, SoundRingSink(self.sound, self.director.fps)])
        self._events = self._run.events()
        self._stop = threading.Event()
        self._publish_q: queue.Queue[tuple[float, Frame] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._applied_seq = 0
        self._lock = threading.Lock()

    @property
    def keep_digests(self) -> bool:
        """Keep a hash of every frame made in ``digests`` (replay checks); may be turned on later."""
        return self._encoded.keep_digests

    @keep_digests.setter
    def keep_digests(self, keep: bool) -> None:
        self._encoded.keep_digests = keep

    def _chunks(self, seconds: float) -> int:
        """How many of this world's chunks hold ``seconds`` of video (at least 2)."""
        return max(2, round(seconds * self.director.fps / self.director.chunk_frames))

    # -- control ----------------------------------------------------------
    def start(self) -> None:
        self._threads = [threading.Thread(target=self._work, name="wander-worker", daemon=True),
                         threading.Thread(target=self._publish, name="wander-publisher", daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the chunk in progress and release the engine."""
        self._stop.set()
        self._run.stop()
        self._publish_q.put(None)
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout)
        if self.state in ("starting", "running"):
            self.state = "stopped"
        self.frames.close()
        with self._lock:
            self._events.close()  # the Run closes its sinks and the engine
            self.director.close()  # (also when it never made a chunk)

    @property
    def alive(self) -> bool:
        return self.state in ("starting", "running")

    def send_text(self, text: str) -> None:
        """A live command ("it starts to rain"): applies at the next chunk boundary."""
        self.director.send(text)

    def send(self, directive: Directive) -> None:
        self.director.send(directive)

    @property
    def time(self) -> float:
        return self.director.time

    @property
    def assets(self) -> Assets:
        """The world's images (the scene image the user gave, preloaded)."""
        return self.director.assets

    def record(self) -> Timeline:
        """The wander so far as a timeline of the length walked: replaying it gives the same frames."""
        with self._lock:
            record, t = self.director.record, self.director.time
        length = max(t, 1.0 / record.fps)
        # model_copy, not with_settings: re-validating a dump marks every directive's duration as
        # written, which turns "night falls" (default 4 s transition) into an instant change.
        return record.model_copy(update={"duration": length, "max_duration": max(record.max_duration, length)})

    # -- the loop ---------------------------------------------------------
    def step(self) -> tuple[np.ndarray, list[Frame]] | None:
        """Apply the input held now and make one chunk: its frames [n, H, W, 3] and encoded Frames.
        None when the wander has ended."""
        d = self.director
        dt = d.chunk_frames / d.fps
        at = d.time
        controls = self.input.consume()
        with self._lock:
            predicted = d.state_at(min(at + dt, d.total_frames / d.fps))
            for directive in self.controller.directives(controls, predicted, at, dt):
                d.send(directive)
            self._input_seq = controls.seq
            d.set_live_size(self.governor.level.size)  # applies to this chunk, at its boundary
            ready = self._next_chunk()
        if ready is None:
            return None
        self._applied_seq = controls.seq
        frames = ready.chunk.frames
        height, width = frames.shape[1:3]
        level = self.governor.level_of(width, height)
        self._new_level, self.live = level != self.live or not self._made_any, level
        self._made_any = True
        if self.keep_digests:
            self.live_sizes.extend([(width, height)] * len(frames))
        return frames, self._encoded.last

    def paced(self, wall_s: float) -> LiveLevel:
        """Account the newest chunk's wall time (input, render, encode): the display delay follows it,
        and the governor picks the size the next chunk renders at, which it returns. The worker calls
        this after each chunk; tests and benchmarks driving ``step`` may feed their own timings."""
        if not self._new_level:  # a size's first chunk paid one-off costs: not the render time to expect
            self.render_seconds = wall_s if self.render_seconds == 0 else 0.8 * self.render_seconds + 0.2 * wall_s
            self.delay = min(MAX_DELAY, max(MIN_DELAY, 1.15 * self.render_seconds + 0.005))
        return self.governor.record(self.director.chunk_frames / self.director.fps, wall_s)

    def _next_chunk(self) -> ChunkReady | None:
        """The Run's next chunk (already JPEG-encoded by its frame sink); None once it ended."""
        for event in self._events:
            if isinstance(event, ChunkReady):
                return event
            if isinstance(event, Failed):
                raise event.error
            if isinstance(event, (Finished, Stopped)):
                return None
        return None

    def _work(self) -> None:
        d = self.director
        self.state = "running"
        wall0 = time.perf_counter()
        try:
            while not self._stop.is_set():
                # 1. Real time: start the chunk at its wall-clock time, never ahead of it.
                due = wall0 + d.time
                wait = due - time.perf_counter()
                if wait > 0:
                    if self._stop.wait(wait):
                        break
                    self.governor.waited(wait)
                elif -wait > LAG_RESET_SECONDS:  # slower than real time: drop the debt, don't burst
                    wall0 -= wait
                    self.governor.rejoin()
                # 2-3. Input → directives, render at the live size, encode.
                started = time.perf_counter()
                made = self.step()
                if made is None:
                    self.state = "ended"
                    break
                # 4. Pace: the next chunk's live size, the display delay.
                self.paced(time.perf_counter() - started)
                # 5. Queue for showing at due time + delay.
                for f in made[1]:
                    self._publish_q.put((wall0 + f.t + self.delay, f))
        except Exception as exc:  # keep the server alive; tell the user
            log.exception("wander failed")
            self.error = f"{type(exc).__name__}: {exc}"
            self.state = "failed"
        finally:
            self._publish_q.put(None)

    def _publish(self) -> None:
        seq = 0
        while True:
            item = self._publish_q.get()
            if item is None:
                break
            due, f = item
            wait = due - time.perf_counter()
            if wait > 0 and self._stop.wait(wait):
                break
            seq += 1
            self.frames.publish(Frame(seq, f.index, f.t, f.input_seq, f.jpeg))
        self.frames.close()
