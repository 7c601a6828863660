"""The full-quality clip of a take whose live view went down to a proxy size, made after Stop.

A live run writes the exported clip itself while it renders at the take's own size. Once its pace
governor steps down, the writer waits at that chunk boundary (``start_frame``); when the live run
ends, ``ExportRerender`` continues the same writer from there with a fresh full-size Director branched
from the live one at that boundary: same session record (live commands included at their times),
same seed, the live engine's checkpoint there. Frames and sound are pure functions of those, so the
clip is the one an uninterrupted full-quality run would have made. It runs on its own thread so the
app stays usable; ``progress`` and ``wait`` report on it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from director.run.director import Director
from director.run.events import ChunkReady, Failed, Finished
from director.run.run import Run
from director.sinks.clip_sink import ClipSink
from director.sinks.clip_writer import ClipWriter
from director.plan.timeline import Timeline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RerenderProgress:
    frames_done: int  # frames of the clip written, the part made live included
    total_frames: int  # frames the finished clip will hold
    done: bool
    error: str | None = None

    @property
    def fraction(self) -> float:
        return self.frames_done / max(1, self.total_frames)


class ExportRerender:
    """Finish ``writer`` at full quality from ``start_frame`` to ``end_frame`` (see the module docstring).

    ``make_director(timeline)`` builds a full-size Director like the live one (engine, options,
    assets). ``finish()`` on the writer is called here, with the sidecar kept for later rewinds;
    ``on_done()`` is called on the export thread once the clip is written or the export failed.
    """

    def __init__(self, live: Director, writer: ClipWriter, start_frame: int, end_frame: int,
                 make_director: Callable[[Timeline], Director], on_done: Callable[[], None] | None = None) -> None:
        if not 0 <= start_frame <= end_frame:
            raise ValueError(f"export re-render: frames {start_frame}..{end_frame} are not a range")
        self.live = live
        self.writer = writer
        self.start_frame = start_frame
        self.end_frame = end_frame
        self._make_director = make_director
        self._on_done = on_done
        self._frames = writer.frames_written
        self._error: str | None = None
        self._done = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start rendering on a background thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="export-rerender", daemon=True)
            self._thread.start()

    def cancel(self) -> None:
        """Stop after the chunk in progress; the clip then holds what was written (still playable)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once finished (or failed) within ``timeout`` seconds."""
        return self._done.wait(timeout)

    @property
    def progress(self) -> RerenderProgress:
        return RerenderProgress(self._frames, self.end_frame, self._done.is_set(), self._error)

    def _run(self) -> None:
        director: Director | None = None
        try:
            # 1. A full-size run of the live record, continuing at the boundary the writer stopped at
            record = self.live.record
            director = self._make_director(record)
            if self.start_frame:
                branch_at = self.start_frame / self.live.fps
                director.branch(self.live, branch_at, record, made_frames=self.start_frame)
            # 2. Render and write up to where the live run got; 3. publish the MP4 (the clip sink
            # finishes it whatever the ending: what was made stays playable)
            clip = _CountingClipSink(self.writer, self)
            if self.start_frame < self.end_frame:
                run = Run(director, [clip], stop=self._cancel, until_frame=self.end_frame)
                for event in run.events():
                    if isinstance(event, Failed):
                        self._error = event.message
            else:
                clip.close(Finished(self.writer.frames_written, self.end_frame / self.live.fps))
            self._frames = self.writer.frames_written
        except Exception as exc:  # keep what was made: the clip up to the failure stays playable
            log.exception("full-quality export failed")
            self._error = f"{type(exc).__name__}: {exc}"
            try:
                self.writer.finish(keep_sidecar=True)
            except Exception:
                log.exception("could not finish the clip after a failed export")
                self.writer.abort()
        finally:
            if director is not None:
                director.close()
            if self._on_done is not None:
                try:
                    self._on_done()
                except Exception:
                    log.exception("export on_done failed")
            self._done.set()


class _CountingClipSink(ClipSink):
    """The clip sink of an export: keeps the export's progress up to date; a failure still finishes
    the clip (it stays playable up to the failure)."""

    def __init__(self, writer: ClipWriter, export: ExportRerender) -> None:
        super().__init__(writer, on_failure="finish", keep_sidecar=True)
        self._export = export

    def write(self, ready: ChunkReady) -> None:
        super().write(ready)
        self._export._frames = self.writer.frames_written
