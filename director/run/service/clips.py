"""Render takes to MP4 files through a session service (what ``python -m director render --ray``
and batch renders use): the caller writes the clip from the streamed chunks; the engine is elsewhere.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from director.run.render import PRESET, QUALITY, RATE_CONTROL
from director.run.service.protocol import (
    ChunkReady, Event, Failed, Notice, Queued, Session, SessionService, Started, Stopped, TakeSpec,
)
from director.sinks.clip_writer import ClipWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TakeClip:
    """The outcome of one take rendered through the service."""

    label: str
    path: Path | None  # the published clip; None when the take failed or made nothing
    frames: int
    fps: float
    wall_seconds: float
    notices: tuple[str, ...]  # queue positions, failovers: what the creator was told on the way
    error: str | None = None  # set when the take failed

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps else 0.0


def write_take(session: Session, out: str | Path, label: str = "",
               on_event: Callable[[str, Event], None] | None = None) -> TakeClip:
    """Read ``session``'s events to the end, writing its chunks to ``out`` (crash-safe ``.part``)."""
    started = time.perf_counter()
    out = Path(out)
    writer: ClipWriter | None = None
    notices: list[str] = []
    fps = 0.0
    error: str | None = None
    try:
        for event in session.events():
            if on_event is not None:
                on_event(label, event)
            if isinstance(event, Queued):
                notices.append(event.message)
            elif isinstance(event, Started):
                fps = event.fps
                if writer is None:
                    writer = ClipWriter(out, width=event.width, height=event.height, fps=event.fps,
                                        sample_rate=event.sample_rate, keyframe_interval=event.chunk_frames,
                                        rate_control=RATE_CONTROL, quality=QUALITY, preset=PRESET)
            elif isinstance(event, ChunkReady):
                assert writer is not None, "a chunk before Started"
                writer.write(event)  # type: ignore[arg-type]  # ChunkReady has the fields a Chunk has
            elif isinstance(event, Failed):
                error = event.error
            elif isinstance(event, Notice):
                notices.append(event.text)
            if isinstance(event, Stopped):
                notices.append(f"stopped: {event.reason}")
    except BaseException:
        session.stop()
        if writer is not None:
            writer.abort()
        raise
    frames = writer.frames_written if writer is not None else 0
    path = None
    if writer is not None:
        if error is None and frames:
            path = writer.finish()
        else:
            writer.abort()
    return TakeClip(label or out.name, path, frames, fps, time.perf_counter() - started, tuple(notices), error)


def render_batch(service: SessionService, jobs: list[tuple[TakeSpec, Path]],
                 on_event: Callable[[str, Event], None] | None = None) -> list[TakeClip]:
    """Submit every take at once and write each clip as its chunks come; the service's admission
    decides how many run together (the rest wait in its queue). Results follow ``jobs``' order."""
    results: list[TakeClip | None] = [None] * len(jobs)
    sessions = [service.submit(spec) for spec, _ in jobs]

    def read(i: int) -> None:
        spec, out = jobs[i]
        try:
            results[i] = write_take(sessions[i], out, spec.label or out.name, on_event)
        except Exception as exc:  # one bad take must not sink the batch
            log.exception("take %s", out)
            results[i] = TakeClip(spec.label or out.name, None, 0, 0.0, 0.0, (), f"{type(exc).__name__}: {exc}")

    readers = [threading.Thread(target=read, args=(i,), name=f"clip-{i}", daemon=True) for i in range(len(jobs))]
    for t in readers:
        t.start()
    try:
        for t in readers:
            while t.is_alive():
                t.join(timeout=0.5)  # wakes for Ctrl-C
    except KeyboardInterrupt:
        for s in sessions:
            s.stop()
        raise
    return [r for r in results if r is not None]
