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
from director.sinks.frame_bus_sink import frame_digest


def replay_digests(record: Timeline, live_sizes: Sequence[tuple[int, int]] | None = None) -> list[str]:
    """``frame_digest`` of every frame of ``record`` replayed from the start: at its own size, or with
    ``live_sizes`` (one (width, height) per frame, as ``WanderWorld.live_sizes``) each chunk at the size
    its first frame was made at live. Frames past the end of ``live_sizes`` are made at full size."""
    director = Director(record, reader=RULES_ONLY)  # as the live world reads
    digests: list[str] = []
    try:
        for chunk in _run(director, live_sizes):
            digests.extend(frame_digest(f) for f in chunk.frames)
    finally:
        director.close()
    return digests


def _run(director: Director, live_sizes: Sequence[tuple[int, int]] | None):
    """``director.run()`` with the live size set before each chunk (it applies at the chunk's boundary)."""
    def size_at(frame: int) -> tuple[int, int] | None:
        return live_sizes[frame] if live_sizes is not None and frame < len(live_sizes) else None

    director.set_live_size(size_at(director.next_frame))
    for chunk in director.run():
        yield chunk
        director.set_live_size(size_at(director.next_frame))
