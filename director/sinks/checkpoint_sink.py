"""The checkpoint store as a sink: the run's state saved to disk every few seconds of video, so a
render that died can ``resume`` from the last one its ``.part`` really holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from director.run.checkpoints import CheckpointStore
from director.run.events import ChunkReady, Ending

if TYPE_CHECKING:
    from director.run.director import Director

KEPT_ON_DISK = 6  # enough to fall back past frames ffmpeg had not flushed when a render died


class CheckpointSink:
    """Save ``director.checkpoint_now()`` to ``store`` after every ``every_chunks``-th chunk (never
    after the last: a finished render needs none), keeping the newest ``keep`` files."""

    def __init__(self, store: CheckpointStore, director: Director, every_chunks: int, *,
                 keep: int = KEPT_ON_DISK) -> None:
        if every_chunks < 1:
            raise ValueError(f"CheckpointSink: every_chunks must be >= 1, got {every_chunks}")
        self.store = store
        self.director = director
        self.every_chunks = every_chunks
        self.keep = keep
        self.saved: list[int] = []  # frames checkpointed by this sink, in order

    def write(self, ready: ChunkReady) -> None:
        if (ready.chunk.index + 1) % self.every_chunks or self.director.done:
            return
        ckpt = self.director.checkpoint_now()
        self.store.save(ckpt.chunk_index, ckpt.frame, ckpt)
        self.store.prune(self.keep)
        self.saved.append(ckpt.frame)

    def close(self, ending: Ending) -> None:
        """Nothing to release: every save is complete on disk when ``write`` returns."""
