"""The Director: runs one generation chunk by chunk.

Each chunk: (1) apply the live commands queued since the last chunk, recording them at this
boundary; (2) checkpoint the engine; (3) build the ChunkRequest from the compiled Script;
(4) call the engine; (5) hand the Chunk to the caller. Stop is cooperative (checked between
chunks). ``rewind(t)`` restores the checkpoint at or before t so generation continues from there.
"""

from __future__ import annotations

import dataclasses

import logging
import threading
from bisect import bisect_right
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from director.plan.assets import Assets
from director.plan.timeline_images import check_images
from director.engines.protocol import Chunk, ChunkRequest, Engine, EngineState, RenderSettings, sample_index
from director.run.events import Progress
from director.engines import create_engine
from director.world.prompt import compose_prompt
from director.world.incremental import append_directives
from director.commands.reader import Reader
from director.world import Interpretation, Script, compile_timeline
from director.plan.timecode import format_time
from director.plan.timeline import Directive, Timeline, sorted_directives
from director.world.state import WorldState
from director.plan.limits import check_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppliedCommand:
    """A live command as it took effect: its boundary time and how it was read."""

    text: str
    at: float
    interpretation: Interpretation


@dataclass
class RunCheckpoint:
    """Everything needed to continue at a chunk boundary (pickles; the engine state is opaque)."""

    chunk_index: int
    frame: int
    engine_state: EngineState
    record_json: str


@dataclass
class _Live:
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: deque[Directive | str] = field(default_factory=deque)


class Director:
    """Direct one run. Thread-safe: ``send`` and ``stop`` may be called from any thread while
    another iterates ``run()``."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        engine: Engine | str | None = None,
        assets: Assets | None = None,
        base_dir: str | Path | None = None,
        reader: Reader | None = None,
        use_embeddings: bool | None = None,
        engine_options: Any = None,
        keep_checkpoints: int | None = None,
        checkpoint_interval: int | None = None,
    ):
        """``keep_checkpoints``: how many chunk-boundary checkpoints rewind can use, and
        ``checkpoint_interval``: take one every this many chunks. Both default to the engine's
        ``snapshot_policy`` (previz: every chunk, all kept; a neural engine: fewer, its KV cache is big);
        a caller that never rewinds in memory (a render, Wander) may keep fewer.
        ``engine_options``: the engine's options when ``engine`` is a name (a mapping or its options
        dataclass; ``create_engine`` checks them). ``reader``: how free text is read (``commands.Reader``;
        default: by rules, then by meaning); ``use_embeddings`` is its older spelling, kept for notebooks."""
        self._record = timeline
        self.assets = assets or Assets(base_dir=Path(base_dir) if base_dir else None)
        self.reader = Reader.of(use_embeddings, reader)
        self._cache: dict[tuple, Any] = {}
        self.script: Script = compile_timeline(timeline, reader=self.reader, cache=self._cache)
        self._check_assets(timeline)
        if hasattr(engine, "render") and engine_options:
            raise ValueError("engine_options go to the engine when it is made: pass an engine name, "
                             "or build the engine with its options (create_engine)")
        self.engine: Engine = create_engine(engine or timeline.engine, engine_options) if not hasattr(engine, "render") else engine  # type: ignore[assignment]
        self.settings = RenderSettings(timeline.width, timeline.height, timeline.fps, timeline.seed)
        native = self.engine.chunk_frames(timeline.fps)
        self.chunk_frames = native or max(1, round(timeline.chunk_seconds * timeline.fps))
        if not isinstance(self.engine, Engine):
            missing = [m for m in ("name", "snapshot_policy", "chunk_frames", "open", "render", "snapshot", "restore",
                                   "close") if not hasattr(self.engine, m)]
            raise TypeError(f"engine {type(self.engine).__name__} does not follow the Engine protocol: missing {missing}")
        policy = self.engine.snapshot_policy
        self.keep_checkpoints = keep_checkpoints if keep_checkpoints is not None else policy.keep
        self.checkpoint_interval = max(1, checkpoint_interval or policy.every_chunks)
        self.progress: Progress | None = None  # after each chunk of run(): how far, how fast
        self.checkpoints: dict[int, RunCheckpoint] = {}
        self.applied: list[AppliedCommand] = []
        self._live = _Live()
        self._stop = threading.Event()
        self._opened = False
        self._next_frame = 0
        self._chunk_index = 0
        self._last: tuple[str, int, str, str | None] | None = None
        self.live_size: tuple[int, int] | None = None  # a smaller picture for live proxies; see set_live_size

    # -- public state -----------------------------------------------------
    @property
    def record(self) -> Timeline:
        """The timeline as played so far: what was planned plus every live command at its time."""
        return self._record

    @property
    def use_embeddings(self) -> bool:
        """Whether free text is also read by meaning (the older spelling of ``reader.meaning``)."""
        return self.reader.meaning

    @property
    def fps(self) -> float:
        return self._record.fps

    @property
    def total_frames(self) -> int:
        return int(round(self._record.duration * self._record.fps))

    @property
    def next_frame(self) -> int:
        return self._next_frame

    @property
    def time(self) -> float:
        """Seconds made so far (the boundary the next chunk starts at)."""
        return self._next_frame / self.fps

    @property
    def done(self) -> bool:
        return self._next_frame >= self.total_frames

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        """How each directive of the record (live commands included) was read, in record order."""
        return tuple(self.script.interpretations)

    def state_at(self, t: float) -> WorldState:
        return self.script.state_at(t)

    # -- control (any thread) -------------------------------------------
    def send(self, command: str | Directive) -> None:
        """Queue a live command (text, or a Directive whose ``at`` is ignored). It takes effect at
        the next chunk boundary and is recorded there."""
        if isinstance(command, str) and not command.strip():
            raise ValueError("empty command")
        if isinstance(command, str):
            check_text(command, "live command")  # LimitError: parsing is ~10 KB/s, a book would stall the run
        with self._live.lock:
            self._live.pending.append(command)

    @property
    def proxy_sizes(self) -> bool:
        """True when the engine can render a chunk at a smaller live size (``set_live_size``)."""
        return bool(getattr(self.engine, "proxy_sizes", False))

    def set_live_size(self, size: tuple[int, int] | None) -> None:
        """Render the next chunks at ``size`` (a live proxy: same world, fewer pixels), or at the run's
        own size with None. Applies at the next chunk boundary; ignored by engines without proxy sizes."""
        full = (self.settings.width, self.settings.height)
        self.live_size = None if size is None or tuple(size) == full or not self.proxy_sizes else tuple(size)

    def stop(self) -> None:
        """Ask the run to stop after the chunk in progress."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- generation -------------------------------------------------------
    def run(self) -> Iterator[Chunk]:
        """Generate chunks from the current position to the end (or until ``stop``)."""
        self._stop.clear()
        self._open()
        started = time.perf_counter()
        made = 0
        while not self.done and not self._stop.is_set():
            self._apply()
            self._checkpoint()
            request = self._request()
            chunk = self.engine.render(request)
            self._check_chunk(chunk, request)
            self._next_frame += request.num_frames
            self._chunk_index += 1
            made += request.num_frames
            if not chunk.info.prompt:
                chunk.info.prompt = request.prompt
            self.progress = Progress(self._chunk_index, self._next_frame, self.total_frames,
                                     made / max(1e-9, time.perf_counter() - started))
            yield chunk

    def rewind(self, t: float, timeline: Timeline | None = None) -> float:
        """Go back to the last chunk boundary at or before ``t`` and return its time.

        With ``timeline``, directives at or after that boundary (and the settings that do not change
        the picture already made) come from it; directives before it stay as recorded, so the frames
        already made remain true.
        """
        frame = int(round(max(0.0, t) * self.fps))
        usable = [f for f in self.checkpoints if f <= frame]
        if not usable:
            raise ValueError(f"cannot rewind to {format_time(t)}: no checkpoint at or before it")
        ckpt = self.checkpoints[max(usable)]
        boundary = ckpt.frame / self.fps
        record = Timeline.model_validate_json(ckpt.record_json)
        if timeline is not None:
            kept = [d for d in record.directives if d.at < boundary]
            new = [d for d in timeline.directives if d.at >= boundary]
            record = timeline.model_copy(update={"directives": sorted_directives(kept + new)})
        self._restore(ckpt, record)
        self.applied = [a for a in self.applied if a.at < boundary]
        return boundary

    def branch(self, source: Director, t: float, timeline: Timeline | None = None, made_frames: int | None = None) -> float:
        """Start this (new, unused) run as a branch of ``source`` at its boundary at or before ``t``:
        a new take that keeps ``source``'s past. ``made_frames`` caps the boundary to what ``source``
        really wrote. Returns the boundary in seconds; ``source`` is left untouched."""
        if self._next_frame or self.checkpoints:
            raise ValueError("branch() starts a new run: this Director has already made frames")
        frame = int(round(max(0.0, t) * source.fps))
        if made_frames is not None:
            frame = min(frame, made_frames)
        self.checkpoints = {f: c for f, c in source.checkpoints.items() if f <= frame}
        self.applied = list(source.applied)
        return self.rewind(frame / source.fps, timeline)

    def resume(self, ckpt: RunCheckpoint) -> None:
        """Continue from a checkpoint saved by an earlier process (``render --resume``)."""
        self._restore(ckpt, Timeline.model_validate_json(ckpt.record_json))

    def open(self) -> None:
        """Open the engine now (painting, loading) instead of in the first step of ``run()``."""
        self._open()

    def close(self) -> None:
        if self._opened:
            self.engine.close()
            self._opened = False

    def __enter__(self) -> Director:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps ------------------------------------------------------------
    def _open(self) -> None:
        if not self._opened:
            # A live run that starts at a proxy size has the engine prepare that size, not the full one.
            settings = dataclasses.replace(self.settings, first_size=self.live_size)
            self.engine.open(settings, self.script.state_at(0.0), self.assets)
            self._opened = True

    def _restore(self, ckpt: RunCheckpoint, record: Timeline) -> None:
        self._open()
        self.engine.restore(ckpt.engine_state)
        self._next_frame = ckpt.frame
        self._chunk_index = ckpt.chunk_index
        self._set_record(record)
        self.checkpoints = {f: c for f, c in self.checkpoints.items() if f <= ckpt.frame}
        self._last = None
        with self._live.lock:
            self._live.pending.clear()

    def _set_record(self, record: Timeline) -> None:
        script = compile_timeline(record, reader=self.reader, cache=self._cache,
                                  previous=self.script)
        self._check_assets(record)
        self._record, self.script = record, script

    def _apply(self) -> None:
        """The one step a live command takes at the boundary: queued commands become directives at this
        time, read incrementally into the script (``world.incremental``), and are recorded as applied."""
        with self._live.lock:
            pending = list(self._live.pending)
            self._live.pending.clear()
        if not pending:
            return
        at = self.time
        added: list[Directive] = []
        for command in pending:
            if isinstance(command, str):
                directive = Directive(at=at, text=command.strip(), source="live")
            else:
                directive = command.model_copy(update={"at": at, "source": "live"})
            added.append(directive)
        try:
            # Only the new directives are read; the script is assembled from the readings it had.
            script = append_directives(self.script, added, reader=self.reader, cache=self._cache)
            if any(d.image for d in added):  # a text command brings no image; the record's were checked
                self._check_assets(script.timeline)
            self._record, self.script = script.timeline, script
        except ValueError as exc:  # a command naming someone unknown: report, keep running
            log.warning("live command rejected at %s: %s", format_time(at), exc)
            for d in added:
                interp = Interpretation(-1, at, d.text, (), False, "rejected", (str(exc),))
                self.applied.append(AppliedCommand(d.text or "", at, interp))
            return
        # The stable sort put them, in order, right after every directive at or before ``at``.
        end = bisect_right([x.at for x in self._record.directives], at)
        for d, index in zip(added, range(end - len(added), end)):
            self.applied.append(AppliedCommand(d.text or d.prompt or "", at, self.script.interpretations[index]))

    def _checkpoint(self) -> None:
        frame = self._next_frame
        if self._chunk_index % self.checkpoint_interval and frame not in self.checkpoints:
            return
        self.checkpoints[frame] = RunCheckpoint(self._chunk_index, frame, self.engine.snapshot(), self._record.model_dump_json())
        if self.keep_checkpoints is not None and len(self.checkpoints) > self.keep_checkpoints:
            for f in sorted(self.checkpoints)[: len(self.checkpoints) - self.keep_checkpoints]:
                if f != 0:
                    del self.checkpoints[f]

    def latest_checkpoint(self) -> RunCheckpoint:
        return self.checkpoints[max(self.checkpoints)]

    def checkpoint_now(self) -> RunCheckpoint:
        """A checkpoint at the current position (after the last chunk made), for saving to disk."""
        return RunCheckpoint(self._chunk_index, self._next_frame, self.engine.snapshot(), self._record.model_dump_json())

    def _request(self) -> ChunkRequest:
        start = self._next_frame
        end = min(self.total_frames, start + self.chunk_frames)
        times = tuple(f / self.fps for f in range(start, end))
        states = tuple(self.script.state_at(t) for t in times)
        first = states[0]
        prompt = compose_prompt(first, _style_prompt(first.style))
        key = (prompt, first.camera.cut, first.scene, first.style)
        changed: set[str] = set()
        if self._last is not None:
            names = ("prompt", "cut", "scene", "style")
            changed = {n for n, a, b in zip(names, key, self._last) if a != b}
        self._last = key
        return ChunkRequest(
            index=self._chunk_index,
            start_frame=start,
            frame_times=times,
            states=states,
            prompt=prompt,
            changed=frozenset(changed),
            sample_start=sample_index(start, self.fps, self.settings.sample_rate),
            sample_end=sample_index(end, self.fps, self.settings.sample_rate),
            size=self.live_size,
        )

    def _check_chunk(self, chunk: Chunk, request: ChunkRequest) -> None:
        s = self.settings
        width, height = request.size or (s.width, s.height)
        expected = (request.num_frames, height, width, 3)
        if tuple(chunk.frames.shape) != expected or chunk.frames.dtype.name != "uint8":
            raise RuntimeError(f"engine {self.engine.name!r} returned frames {chunk.frames.shape} {chunk.frames.dtype}, expected {expected} uint8")
        if tuple(chunk.audio.shape) != (request.num_samples, 2) or chunk.audio.dtype.name != "float32":
            raise RuntimeError(f"engine {self.engine.name!r} returned audio {chunk.audio.shape} {chunk.audio.dtype}, expected ({request.num_samples}, 2) float32")

    def _check_assets(self, timeline: Timeline) -> None:
        check_images(timeline, self.assets)


def _style_prompt(style: str | None) -> str:
    if not style:
        return ""
    from director.plan.styles import STYLES

    found = STYLES.get(style)
    return found.prompt if found else style
