"""The live stream as a sink: chunks become short ``.ts`` segments at preview resolution."""

from __future__ import annotations

from pathlib import Path

from director.run.events import ChunkReady, Ending
from director.sinks.live_stream import LiveStream


class LiveStreamSink:
    """Feed a ``LiveStream``. After each ``write``, ``segment`` is the segment that chunk completed
    (None while one is still filling); ``close`` flushes the rest into ``last_segment``."""

    def __init__(self, stream: LiveStream) -> None:
        self.stream = stream
        self.segment: Path | None = None
        self.segments: list[Path] = []  # every segment written, in order
        self.last_segment: Path | None = None  # the partial segment flushed at the end, if any

    def write(self, ready: ChunkReady) -> None:
        self.segment = self.stream.add(ready.chunk.frames, ready.chunk.audio)
        if self.segment is not None:
            self.segments.append(self.segment)

    def close(self, ending: Ending) -> None:
        self.segment = None
        self.last_segment = self.stream.flush()
        if self.last_segment is not None:
            self.segments.append(self.last_segment)
