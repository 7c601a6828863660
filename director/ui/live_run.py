"""One generation as the Direct tab sees it: Director → (ClipWriter, LiveStream), as typed events.

``LiveRun.events()`` is iterated by the Start handler (a gradio generator); ``send`` and ``stop``
come from other requests on other threads and go straight to the Director, which applies them at the
next chunk boundary. Whatever ends the run (the last frame, Stop, an error, the tab closing), the
clip made so far is finished into a playable MP4.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from director.plan.assets import Assets
from director.sinks.clip_writer import ClipWriter, Prefix
from director.run.director import AppliedCommand, Director
from director.plan.timecode import format_time
from director.run.pace_governor import LiveLevel, PaceGovernor
from director.plan.timeline import Timeline
from director.ui.export_rerender import ExportRerender, RerenderProgress
from director.sinks.live_stream import LiveStream
from director.ui.takes import Take, Takes
from director.world.script import Interpretation

log = logging.getLogger(__name__)

PREVIZ_CHECKPOINTS = None  # previz checkpoints are tiny: keep every boundary for rewinds
OTHER_CHECKPOINTS = 24  # neural checkpoints hold a KV cache


@dataclass(frozen=True)
class ChunkShown:
    seconds: float  # video made so far
    total: float
    fps: float  # frames made per wall-clock second
    segment: Path | None  # a new live segment, if one is complete
    commands: tuple[AppliedCommand, ...]  # live commands that took effect at this chunk
    live: LiveLevel | None = None  # the size this chunk was rendered at
    next_live: LiveLevel | None = None  # the size the governor chose for the next chunk


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


Event = ChunkShown | ExportProgress | RunDone | RunFailed
EXPORT_POLL_S = 0.5  # how often export progress is reported


class RewindError(ValueError):
    pass


def picture_settings(t: Timeline) -> tuple:
    """Settings that change frames already made: a rewind must keep them."""
    return (t.width, t.height, t.fps, t.seed, t.engine, t.chunk_seconds)


class LiveRun:
    def __init__(self, take: Take, writer: ClipWriter, stream: LiveStream,
                 make_director: Callable[[Timeline], Director] | None = None, *, pace: bool = True):
        """``make_director(timeline)``: a full-size Director like this one (for the export re-render);
        ``pace``: keep to real time and adapt the live size (False: as fast as possible, full size)."""
        self.take = take
        self.director = take.director
        self.writer = writer
        self.stream = stream
        self.started = time.monotonic()
        self.pace = pace
        self.governor = PaceGovernor(self.director.settings.width, self.director.settings.height,
                                     lock_full=not (pace and self.director.proxy_sizes and make_director))
        self.first_frame_s: float | None = None  # wall seconds from start() to the first segment
        self.export: ExportRerender | None = None
        self._make_director = make_director
        self._export_from: int | None = None  # the writer waits at this frame (live view below full size)
        self._stopping = threading.Event()
        self._ended = False

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        """How the run's current script reads each directive of its record, live commands included
        (read-only)."""
        return tuple(self.director.script.interpretations)

    # -- starting ---------------------------------------------------------
    @classmethod
    def start(cls, folder: Path, timeline: Timeline, assets: Assets, takes: Takes, *,
              rewind_to: float | None = None, use_embeddings: bool = True,
              engine_options: dict | None = None, pace: bool = True) -> LiveRun:
        """Make a new take of ``timeline``: from the start, or (``rewind_to``) branching from the
        shown take at the last chunk boundary at or before that time. ``engine_options``: the app's
        options for the timeline's engine (weights and the like)."""
        number = takes.next_number()
        path = folder / f"take-{number}.mp4"
        keep = PREVIZ_CHECKPOINTS if timeline.engine == "previz" else OTHER_CHECKPOINTS
        def make_director(t: Timeline) -> Director:
            return Director(t, assets=assets, use_embeddings=use_embeddings, keep_checkpoints=keep,
                            engine_options=engine_options)

        director = make_director(timeline)
        base = takes.shown if rewind_to is not None else None
        size = dict(width=timeline.width, height=timeline.height, fps=timeline.fps,
                    sample_rate=director.settings.sample_rate, keyframe_interval=director.chunk_frames)
        prefix = None
        from_time = 0.0
        if base is not None:
            from_time, prefix = _branch(director, base, timeline, rewind_to or 0.0)
        writer = ClipWriter(path, **size, prefix=prefix)
        take = Take(number, path, director, from_time=from_time, parent=base.number if base else None,
                    frames=writer.frames_written)
        stream = LiveStream(folder / f"live-{number}", timeline.width, timeline.height, timeline.fps,
                            director.settings.sample_rate)
        takes.add(take)
        return cls(take, writer, stream, make_director, pace=pace)

    # -- control (any thread) ---------------------------------------------
    def send(self, text: str) -> None:
        self.director.send(text)

    def stop(self) -> None:
        self.director.stop()
        self._stopping.set()  # also ends a wait for real time at once

    # -- the run ----------------------------------------------------------
    def events(self) -> Iterator[Event]:
        d = self.director
        gov = self.governor
        seen = len(d.applied)
        failure: str | None = None
        try:
            d.open()  # painting / loading is not a chunk's pace
            d.set_live_size(gov.level.size)
            handed = time.perf_counter()
            for chunk in d.run():
                level = self._level_of(chunk)
                self._write(chunk, level)
                segment = self.stream.add(chunk.frames, chunk.audio)
                if segment is not None and self.first_frame_s is None:
                    self.first_frame_s = time.monotonic() - self.started
                new = tuple(d.applied[seen:])
                seen = len(d.applied)
                yield ChunkShown(d.time, d.record.duration, chunk.info["progress"].fps, segment, new, level,
                                 gov.level)
                # the chunk's wall time includes the encoders and whatever the consumer did with it
                now = time.perf_counter()
                gov.record(chunk.num_frames / d.fps, now - handed)
                d.set_live_size(gov.level.size)
                wait = gov.sleep_before_next() if self.pace else 0.0
                if wait > 0:
                    self._stopping.wait(wait)
                    gov.waited(time.perf_counter() - now)
                handed = time.perf_counter()
            last = self.stream.flush()
            if last is not None:
                yield ChunkShown(d.time, d.record.duration, 0.0, last, (), gov.level, gov.level)
            if self._export_from is not None:
                yield from self._export()
        except Exception as exc:  # the engine or encoder failed: keep what was made
            log.exception("run failed")
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            self._finish()  # also when the generator is closed because the tab went away
        if failure is None and self.export is not None:
            failure = self.export.progress.error
        if failure is not None:
            yield RunFailed(failure, self.take if self.take.finished else None)
        else:
            yield RunDone(self.take)

    def _level_of(self, chunk) -> LiveLevel:
        height, width = chunk.frames.shape[1:3]
        return next((lv for lv in self.governor.levels if lv.size == (width, height)), self.governor.levels[0])

    def _write(self, chunk, level: LiveLevel) -> None:
        """Full-size chunks go to the clip until the first proxy chunk; from there the export re-render
        writes the rest after the live part."""
        if self._export_from is None and level.full:
            self.writer.write(chunk)
            self.take.frames = self.writer.frames_written
        elif self._export_from is None:
            self._export_from = chunk.start_frame
            log.info("take %d: live view below full size from frame %d; the clip is finished after Stop",
                     self.take.number, chunk.start_frame)

    def _export(self) -> Iterator[ExportProgress]:
        """Render the rest of the clip at full quality, reporting progress until it is written."""
        d = self.director
        assert self._make_director is not None and self._export_from is not None
        live_seconds = d.time
        self.take.stopped = not d.done
        self.export = ExportRerender(d, self.writer, self._export_from, d.next_frame, self._make_director,
                                     on_done=self._exported)
        self.export.start()
        while not self.export.wait(EXPORT_POLL_S):
            yield ExportProgress(self.export.progress, live_seconds)

    def _exported(self) -> None:
        """On the export thread, when the clip is written (also if nobody is listening any more)."""
        self.take.frames = self.writer.frames_written
        self.take.finished = self.writer.frames_written > 0 and self.writer.path.exists()

    def _finish(self) -> None:
        take = self.take
        if take.finished or self._ended:
            return
        self._ended = True
        take.stopped = not self.director.done
        if self.export is not None:  # its thread owns the writer (it keeps going if the tab went away)
            self.director.close()
            return
        if self.writer.frames_written:
            try:
                self.writer.finish(keep_sidecar=True)  # the sidecar's exact audio serves later rewinds
                take.finished = True
            except Exception:
                log.exception("could not finish %s", take.path)
                self.writer.abort()
        else:
            self.writer.abort()
        take.frames = self.writer.frames_written
        self.director.close()


def _branch(director: Director, base: Take, timeline: Timeline, t: float) -> tuple[float, Prefix | None]:
    """Prepare ``director`` to continue ``base`` from its boundary at or before ``t``."""
    old = base.director
    if picture_settings(old.record) != picture_settings(timeline):
        raise RewindError("size, fps, seed and engine must stay as they were to rewind; press Start for a new take")
    if not base.finished:
        raise RewindError(f"take {base.number} is still rendering: stop it first")
    try:
        boundary = director.branch(old, t, timeline, made_frames=base.frames)
    except ValueError:
        raise RewindError(f"cannot rewind to {format_time(t)}: take {base.number} has nothing before it") from None
    start = int(round(boundary * director.fps))
    return boundary, (Prefix(base.path, start) if start else None)
