"""One generation as the Direct tab sees it: Director → (ClipWriter, LiveStream), as typed events.

``LiveRun.events()`` is iterated by the Start handler (a gradio generator); ``send`` and ``stop``
come from other requests on other threads and go straight to the Director, which applies them at the
next chunk boundary. Whatever ends the run (the last frame, Stop, an error, the tab closing), the
clip made so far is finished into a playable MP4.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from director.assets import Assets
from director.clip_writer import ClipWriter, Prefix
from director.director import AppliedCommand, Director
from director.timecode import format_time
from director.timeline import Timeline
from director.ui.live_stream import LiveStream
from director.ui.takes import Take, Takes

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


@dataclass(frozen=True)
class RunDone:
    take: Take


@dataclass(frozen=True)
class RunFailed:
    message: str
    take: Take | None


Event = ChunkShown | RunDone | RunFailed


class RewindError(ValueError):
    pass


def picture_settings(t: Timeline) -> tuple:
    """Settings that change frames already made: a rewind must keep them."""
    return (t.width, t.height, t.fps, t.seed, t.engine, t.chunk_seconds)


class LiveRun:
    def __init__(self, take: Take, writer: ClipWriter, stream: LiveStream):
        self.take = take
        self.director = take.director
        self.writer = writer
        self.stream = stream
        self.started = time.monotonic()
        self._ended = False

    # -- starting ---------------------------------------------------------
    @classmethod
    def start(cls, folder: Path, timeline: Timeline, assets: Assets, takes: Takes, *,
              rewind_to: float | None = None, use_embeddings: bool = True,
              engine_options: dict | None = None) -> LiveRun:
        """Make a new take of ``timeline``: from the start, or (``rewind_to``) branching from the
        shown take at the last chunk boundary at or before that time. ``engine_options``: the app's
        options for the timeline's engine (weights and the like)."""
        number = takes.next_number()
        path = folder / f"take-{number}.mp4"
        keep = PREVIZ_CHECKPOINTS if timeline.engine == "previz" else OTHER_CHECKPOINTS
        director = Director(timeline, assets=assets, use_embeddings=use_embeddings, keep_checkpoints=keep,
                            engine_options=engine_options)
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
        return cls(take, writer, stream)

    # -- control (any thread) ---------------------------------------------
    def send(self, text: str) -> None:
        self.director.send(text)

    def stop(self) -> None:
        self.director.stop()

    # -- the run ----------------------------------------------------------
    def events(self) -> Iterator[Event]:
        d = self.director
        seen = len(d.applied)
        failure: str | None = None
        try:
            for chunk in d.run():
                self.writer.write(chunk)
                self.take.frames = self.writer.frames_written
                segment = self.stream.add(chunk.frames, chunk.audio)
                new = tuple(d.applied[seen:])
                seen = len(d.applied)
                yield ChunkShown(d.time, d.record.duration, chunk.info["progress"].fps, segment, new)
            last = self.stream.flush()
            if last is not None:
                yield ChunkShown(d.time, d.record.duration, 0.0, last, ())
        except Exception as exc:  # the engine or encoder failed: keep what was made
            log.exception("run failed")
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            self._finish()  # also when the generator is closed because the tab went away
        if failure is not None:
            yield RunFailed(failure, self.take if self.take.finished else None)
        else:
            yield RunDone(self.take)

    def _finish(self) -> None:
        take = self.take
        if take.finished or self._ended:
            return
        self._ended = True
        take.stopped = not self.director.done
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
