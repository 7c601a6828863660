"""The clip writer as a sink: each chunk to a ``ClipWriter``; at the end the MP4 is published (or the
``.part`` kept for ``--resume``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from director.run.events import ChunkReady, Ending, Failed
from director.sinks.clip_writer import ClipWriter

log = logging.getLogger(__name__)


class ClipSink:
    """Write chunks to ``writer``; on close publish the clip if it holds frames, else abort.

    Args:
        writer: an open ``ClipWriter`` (fresh, resumed, or with a prefix from another take).
        on_failure: ``"abort"`` keeps ``NAME.part`` and the checkpoints for ``render --resume``;
            ``"finish"`` publishes what was made (a live take stays playable after an engine error).
        keep_sidecar: keep the sidecar (exact audio, checkpoints) after publishing; later rewinds
            of a take copy from it.
        full_size_only: stop writing at the first chunk smaller than the clip (a live proxy); that
            chunk's first frame is then ``paused_at`` and the rest is for someone else to write
            (``ExportRerender``), who takes the writer with ``hand_over()``.
    """

    def __init__(self, writer: ClipWriter, *, on_failure: Literal["abort", "finish"] = "abort",
                 keep_sidecar: bool = False, full_size_only: bool = False) -> None:
        self.writer = writer
        self.on_failure = on_failure
        self.keep_sidecar = keep_sidecar
        self.full_size_only = full_size_only
        self.paused_at: int | None = None  # frame where a proxy chunk made the clip wait
        self.published: Path | None = None  # the final MP4 once closed cleanly with frames
        self.handed_over = False

    @property
    def frames(self) -> int:
        return self.writer.frames_written

    def write(self, ready: ChunkReady) -> None:
        chunk = ready.chunk
        if self.paused_at is not None:
            return
        height, width = chunk.frames.shape[1:3]
        if self.full_size_only and (width, height) != (self.writer.settings.width, self.writer.settings.height):
            self.paused_at = chunk.start_frame
            log.info("%s: live view below full size from frame %d; the clip is finished after the run",
                     self.writer.path.name, chunk.start_frame)
            return
        self.writer.write(chunk)

    def hand_over(self) -> ClipWriter:
        """Give the (still open) writer to whoever finishes the clip; ``close`` then leaves it alone."""
        self.handed_over = True
        return self.writer

    def close(self, ending: Ending) -> None:
        if self.handed_over:
            return
        if isinstance(ending, Failed) and self.on_failure == "abort":
            self.writer.abort()
            return
        if not self.writer.frames_written:
            self.writer.abort()
            return
        try:
            self.published = self.writer.finish(keep_sidecar=self.keep_sidecar)
        except BaseException:
            self.writer.abort()
            raise
