"""One generation as the Direct tab sees it: Director → (ClipWriter, LiveFeed), as typed events.

``LiveRun.events()`` is iterated by the Start handler (a gradio generator); ``send`` and ``stop``
come from other requests on other threads and go straight to the Director, which applies them at the
next chunk boundary. The browser watches the take through ``feed`` (a ``LiveFeed``: frames at their
time over MJPEG, and the sound), not through these events. Whatever ends the run (the last frame,
Stop, an error, the tab closing), the clip made so far is finished into a playable MP4.

Live means real time: a ``PaceGovernor`` measures each chunk's wall time and picks the size the next
one is rendered at (the take's own size, or a proxy 3/4, 1/2, 3/8 as wide), and the run waits when it
is more than a second ahead of real time (a view that runs ahead buffers, and live commands then show
late). The clip is always full quality: written in the same run while the live size is the take's
own, otherwise finished after the live part by ``ExportRerender`` (``ExportProgress`` events).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from director.commands.reader import WITH_MEANING, Reader
from director.plan.assets import Assets
from director.plan.timeline import Timeline
from director.run.director import AppliedCommand, Director
from director.run.events import ChunkReady, Failed
from director.run.pace_governor import LiveLevel, PaceGovernor, PaceMemory, live_levels
from director.run.run import Run
from director.run.takes import RewindError, Take, Takes, branch, picture_settings
from director.sinks.clip_sink import ClipSink
from director.sinks.clip_writer import ClipWriter
from director.sinks.live_feed import LiveFeed
from director.ui.export_rerender import ExportRerender, RerenderProgress
from director.world import Interpretation

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class ChunkShown:
    seconds: float  # video made so far
    total: float
    fps: float  # frames made per wall-clock second
    commands: tuple[AppliedCommand, ...]  # live commands that took effect at this chunk
    live: LiveLevel | None = None  # the size this chunk was rendered at
    next_live: LiveLevel | None = None  # the size the governor chose for the next chunk
    authors: tuple[str | None, ...] = ()  # who sent each of ``commands`` (None: not said), same order


@dataclass(frozen=True)
class ExportProgress:
    """The full-quality clip is being rendered after the live part (the live view went below it)."""

    progress: RerenderProgress
    live_seconds: float  # how long the live part ran


@dataclass(frozen=True)
class RunDone:
    take: Take


@dataclass(frozen=True)
class RunFailed:
    message: str
    take: Take | None


@dataclass(frozen=True)
class RunNotice:
    """Something the creator should see while the take waits or runs elsewhere (a session service's
    "2 creators ahead of you", "the worker was lost; the take resumed on another one")."""

    text: str


Event = ChunkShown | ExportProgress | RunNotice | RunDone | RunFailed
EXPORT_POLL_S = 0.5  # how often export progress is reported


__all__ = ["ChunkShown", "Event", "ExportProgress", "LiveRun", "RewindError", "RunDone", "RunFailed", "RunNotice",
           "picture_settings"]


class LiveRun:
    def __init__(self, take: Take, writer: ClipWriter, feed: LiveFeed,
                 make_director: Callable[[Timeline], Director] | None = None, *, pace: bool = True,
                 pace_memory: PaceMemory | None = None):
        """``make_director(timeline)``: a full-size Director like this one (for the export re-render);
        ``pace``: keep to real time and adapt the live size (False: as fast as possible, full size);
        ``pace_memory``: what earlier runs sustained on this machine (the first chunk's size), and
        what this one did, for the next."""
        self.take = take
        self.director = take.director
        self.writer = writer
        self.feed = feed
        self.live_token: str | None = None  # the feed's token, once a surface registered it
        self.started = time.monotonic()
        self.pace = pace
        width, height, fps = self.director.settings.width, self.director.settings.height, self.director.fps
        locked = not (pace and self.director.proxy_sizes and make_director)
        self.pace_memory = None if locked else pace_memory
        levels = live_levels(width, height)
        # The live view is shown no wider than the feed's frames: a run below full size gains nothing
        # above that size (the clip is re-rendered after it anyway), and a machine not known yet starts
        # there rather than stall its first seconds at full size (editors start on proxies too).
        preview = next((lv.index for lv in levels if lv.width <= feed.max_width), len(levels) - 1)
        start = (self.pace_memory.start_level(self._engine, levels, fps, unknown=preview)
                 if self.pace_memory else 0)
        self.governor = PaceGovernor(width, height, lock_full=locked, start_level=start, ceiling=preview)
        self.first_frame_s: float | None = None  # wall seconds from start() to the first frame handed to the feed
        self.export: ExportRerender | None = None
        self._make_director = make_director
        # The clip takes full-size chunks until the first proxy one; the export re-render writes the rest.
        self._clip = ClipSink(writer, on_failure="finish", keep_sidecar=True, full_size_only=True)
        self._run = Run(self.director, [self._clip, feed])
        self._stopping = threading.Event()
        self._ended = False
        self._authors: deque[str | None] = deque()  # of the commands sent and not applied yet, in order
        self._send_lock = threading.Lock()
        self.observers: list[Callable[[ChunkShown], None]] = []  # told of each chunk (a shared take)

    # -- starting ---------------------------------------------------------
    @classmethod
    def start(cls, folder: Path, timeline: Timeline, assets: Assets, takes: Takes, *,
              rewind_to: float | None = None, reader: Reader = WITH_MEANING,
              engine_options: dict | None = None, pace: bool = True,
              pace_memory: PaceMemory | None = None) -> LiveRun:
        """Make a new take of ``timeline``: from the start, or (``rewind_to``) branching from the
        shown take at the last chunk boundary at or before that time. ``engine_options``: the app's
        options for the timeline's engine (weights and the like). How often the run checkpoints (so
        how finely it can be rewound) is the engine's ``snapshot_policy``."""
        number = takes.next_number()
        path = folder / f"take-{number}.mp4"

        def make_director(t: Timeline) -> Director:
            return Director(t, assets=assets, reader=reader, engine_options=engine_options)

        director = make_director(timeline)
        base = takes.shown if rewind_to is not None else None
        size = dict(width=timeline.width, height=timeline.height, fps=timeline.fps,
                    sample_rate=director.settings.sample_rate, keyframe_interval=director.chunk_frames)
        prefix = None
        from_time = 0.0
        if base is not None:
            point = branch(director, base, rewind_to or 0.0, timeline)
            from_time, prefix = point.seconds, point.prefix
        writer = ClipWriter(path, **size, prefix=prefix)
        take = Take(number, path, director, from_time=from_time, parent=base.number if base else None,
                    frames=writer.frames_written)
        feed = LiveFeed(timeline.fps, director.settings.sample_rate)
        takes.add(take)
        return cls(take, writer, feed, make_director, pace=pace, pace_memory=pace_memory)

    # -- reading (any thread) ---------------------------------------------
    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        """How each directive of the record played so far (live commands included) was read."""
        return self._run.interpretations

    @property
    def record(self) -> Timeline:
        """The timeline as played so far (live commands included)."""
        return self._run.record

    @property
    def seconds_made(self) -> float:
        """Seconds of video made so far (a live command sent now applies there)."""
        return self._run.seconds_made

    # -- control (any thread) ---------------------------------------------
    def send(self, text: str, author: str | None = None) -> None:
        """A live command, applied at the next chunk boundary in the order sent; ``author`` comes back
        with it in ``ChunkShown.authors``."""
        with self._send_lock:  # the Director's queue and the authors stay in the same order
            self.director.send(text)
            self._authors.append(author)

    def stop(self) -> None:
        self._run.stop()
        self._stopping.set()  # also ends a wait for real time at once

    # -- the run ----------------------------------------------------------
    def events(self) -> Iterator[Event]:
        d = self.director
        gov = self.governor
        failure: str | None = None
        run_events = self._run.events()
        try:
            d.set_live_size(gov.level.size)  # first: the engine prepares the size the first chunk is made at
            d.open()  # painting / loading is not a chunk's pace
            handed = time.perf_counter()
            for event in run_events:
                if isinstance(event, Failed):  # the engine or encoder failed: the clip keeps what was made
                    log.error("run failed", exc_info=event.error)
                    failure = event.message
                if not isinstance(event, ChunkReady):
                    continue
                chunk = event.chunk
                level = gov.level_of(chunk.frames.shape[2], chunk.frames.shape[1])
                self.take.frames = self.writer.frames_written
                if self._clip.paused_at is not None and not self._clip.handed_over:
                    self._clip.hand_over()  # the export re-render finishes the clip after the run
                if self.first_frame_s is None:
                    self.first_frame_s = time.monotonic() - self.started
                with self._send_lock:
                    authors = tuple(self._authors.popleft() if self._authors else None for _ in event.commands)
                shown = ChunkShown(event.seconds, d.record.duration, event.progress.fps, event.commands,
                                   level, gov.level, authors)
                for observer in self.observers:
                    observer(shown)
                yield shown
                # the chunk's wall time includes the encoders and whatever the consumer did with it
                now = time.perf_counter()
                gov.record(chunk.num_frames / d.fps, now - handed)
                on_screen = self.feed.pacer.view_time()
                if on_screen is not None:  # keep to the viewer's clock (it stalls when a chunk comes late)
                    gov.align(event.seconds - on_screen)
                d.set_live_size(gov.level.size)
                wait = gov.sleep_before_next() if self.pace else 0.0
                if wait > 0:
                    self._stopping.wait(wait)
                    gov.waited(time.perf_counter() - now)
                handed = time.perf_counter()
            if failure is None:
                if self._clip.paused_at is not None:
                    yield from self._export()
        except Exception as exc:  # opening the engine failed: nothing was made
            log.exception("run failed")
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            if self.pace_memory is not None:
                self.pace_memory.remember(self._engine, gov, d.fps)
            run_events.close()  # the tab went away mid-run: the Run closes its sinks now, not at GC
            self._finish()  # also when the generator is closed because the tab went away
        if failure is None and self.export is not None:
            failure = self.export.progress.error
        if failure is not None:
            yield RunFailed(failure, self.take if self.take.finished else None)
        else:
            yield RunDone(self.take)

    @property
    def _engine(self) -> str:
        """What the pace memory knows this run's speed by: its engine's kind."""
        return type(self.director.engine).__name__

    def _export(self) -> Iterator[ExportProgress]:
        """Render the rest of the clip at full quality, reporting progress until it is written."""
        d = self.director
        assert self._make_director is not None and self._clip.paused_at is not None
        live_seconds = d.time
        self.take.stopped = not d.done
        self.export = ExportRerender(d, self.writer, self._clip.paused_at, d.next_frame, self._make_director,
                                     on_done=self._exported)
        self.export.start()
        while not self.export.wait(EXPORT_POLL_S):
            yield ExportProgress(self.export.progress, live_seconds)

    def _exported(self) -> None:
        """On the export thread, when the clip is written (also if nobody is listening any more)."""
        self.take.frames = self.writer.frames_written
        self.take.finished = self.writer.frames_written > 0 and self.writer.path.exists()

    def _finish(self) -> None:
        """The take's bookkeeping once the run ended (the Run closed the clip and the engine)."""
        take = self.take
        if take.finished or self._ended:
            return
        self._ended = True
        take.stopped = not self.director.done
        self.director.close()  # also when opening it failed before the Run started
        if self.export is not None:  # its thread owns the writer (it keeps going if the tab went away)
            return
        if self._clip.handed_over:  # the tab went away before the export began: publish the full-size part
            self._clip.handed_over = False
            try:
                self._clip.close(self._run.ending or Failed(self.writer.frames_written, 0.0, RuntimeError("closed")))
            except Exception:
                log.exception("could not finish %s", take.path)
        elif self._run.ending is None:  # the Run never started (the engine failed to open)
            self.writer.abort()
        take.finished = self._clip.published is not None
        take.frames = self.writer.frames_written
