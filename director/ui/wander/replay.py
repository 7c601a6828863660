"""Replaying a wander's record: the frames it gives, by digest, to check a live world against.

A wander's record is a full-size timeline: replayed as is, it gives every frame at the world's own size.
The live picture may have been rendered smaller (``WanderWorld.live_sizes``: the pace governor's proxy
sizes); replayed with those sizes, chunk by chunk, it gives exactly the frames that were shown live.
"""

from __future__ import annotations

from collections.abc import Sequence

from director.commands.reader import RULES_ONLY
from director.plan.timeline import Timeline
from director.run.director import Director
from director.run.events import ChunkReady, Failed
from director.run.run import Run
from director.sinks.frame_bus_sink import frame_digest


def replay_digests(record: Timeline, live_sizes: Sequence[tuple[int, int]] | None = None) -> list[str]:
    """``frame_digest`` of every frame of ``record`` replayed from the start: at its own size, or with
    ``live_sizes`` (one (width, height) per frame, as ``WanderWorld.live_sizes``) each chunk at the size
    its first frame was made at live. Frames past the end of ``live_sizes`` are made at full size."""

    def size_at(frame: int) -> tuple[int, int] | None:
        return live_sizes[frame] if live_sizes is not None and frame < len(live_sizes) else None

    director = Director(record, reader=RULES_ONLY)  # read as the live world reads
    digests: list[str] = []
    director.set_live_size(size_at(0))
    for event in Run(director).events():  # the Run makes each chunk when asked for the next event
        if isinstance(event, Failed):
            raise event.error
        if isinstance(event, ChunkReady):
            digests.extend(frame_digest(f) for f in event.chunk.frames)
            director.set_live_size(size_at(director.next_frame))  # applies at the next chunk's boundary
    return digests
