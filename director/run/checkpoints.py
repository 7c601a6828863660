"""Checkpoint store: pickled snapshots at chunk boundaries, for rewind and resume.

The Director saves an engine snapshot plus its own state after each chunk; after a crash (or when a
creator rewinds to 0:42) it loads the latest checkpoint at or before the frame it restarts from.

Layout: one file per checkpoint, ``chunk-<index>-frame-<frame>.pkl``, so listing, pruning and
``discard_after`` never unpickle anything. Every save writes a temporary file, fsyncs it and
``os.replace``-s it into place: a crash mid-save leaves either the old set of checkpoints or the new
one, never a truncated checkpoint under a real name (stray ``.tmp-*`` files are removed on open).

Checkpoints are pickles: load only stores this program wrote (pickle runs code on load).
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^chunk-(\d+)-frame-(\d+)\.pkl$")
_TMP_PREFIX = ".tmp-"
_FORMAT_VERSION = 1


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable, or the store folder cannot be used."""


@dataclass(frozen=True)
class Checkpoint:
    """One saved state: taken after chunk ``chunk_index``, i.e. before clip frame ``frame``."""

    chunk_index: int
    frame: int  # the first frame still to render when this state is restored
    payload: Any


class CheckpointStore:
    """A folder of checkpoints keyed by chunk index (see the module docstring for the layout)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CheckpointError(f"cannot create checkpoint folder {self.folder}: {e.strerror}") from e
        # A save interrupted before its os.replace leaves only a temp file: it never was a checkpoint.
        for stray in self.folder.glob(_TMP_PREFIX + "*"):
            stray.unlink(missing_ok=True)

    # -- writing ---------------------------------------------------------------------------------
    def save(self, chunk_index: int, frame: int, payload: Any) -> Checkpoint:
        """Pickle ``payload`` atomically as the checkpoint of ``chunk_index`` (replacing an older one)."""
        if chunk_index < 0 or frame < 0:
            raise ValueError(f"chunk_index and frame must be >= 0, got {chunk_index}, {frame}")
        record = {"version": _FORMAT_VERSION, "chunk_index": chunk_index, "frame": frame, "payload": payload}
        try:
            data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            raise CheckpointError(f"checkpoint of chunk {chunk_index} does not pickle: {e}") from e
        # A different frame for the same chunk index replaces the old file (a re-take of that chunk).
        stale = [p for p in self._files() if p[0] == chunk_index and p[1] != frame]
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path(chunk_index, frame))
        except OSError as e:
            Path(tmp).unlink(missing_ok=True)
            raise CheckpointError(f"cannot save checkpoint {chunk_index} in {self.folder}: {e.strerror}") from e
        for _, old_frame, path in stale:
            path.unlink(missing_ok=True)
        fsync_dir(self.folder)
        return Checkpoint(chunk_index, frame, payload)

    def prune(self, keep_last: int) -> int:
        """Delete all but the ``keep_last`` newest checkpoints (by chunk index); return how many went."""
        if keep_last < 0:
            raise ValueError(f"keep_last must be >= 0, got {keep_last}")
        files = self._files()
        doomed = files[: max(0, len(files) - keep_last)]
        for _, _, path in doomed:
            path.unlink(missing_ok=True)
        return len(doomed)

    def discard_after(self, frame: int) -> int:
        """Delete checkpoints taken after ``frame`` (they describe a future being re-rendered)."""
        doomed = [path for _, f, path in self._files() if f > frame]
        for path in doomed:
            path.unlink(missing_ok=True)
        return len(doomed)

    # -- reading ---------------------------------------------------------------------------------
    def indices(self) -> list[int]:
        """Chunk indices that have a checkpoint, ascending."""
        return [i for i, _, _ in self._files()]

    def load(self, chunk_index: int) -> Checkpoint:
        """The checkpoint of ``chunk_index``; ``CheckpointError`` if there is none or it is unreadable."""
        for i, _, path in self._files():
            if i == chunk_index:
                return self._read(path)
        raise CheckpointError(f"no checkpoint for chunk {chunk_index} in {self.folder} (have {self.indices()})")

    def latest(self, at_or_before_frame: int | None = None) -> Checkpoint | None:
        """The newest readable checkpoint (optionally with ``frame <= at_or_before_frame``), or None.

        An unreadable file (disk corruption) is logged and skipped so an older checkpoint still serves.
        """
        for _, frame, path in reversed(self._files()):
            if at_or_before_frame is not None and frame > at_or_before_frame:
                continue
            try:
                return self._read(path)
            except CheckpointError as e:
                logger.warning("skipping checkpoint: %s", e)
        return None

    # -- helpers ---------------------------------------------------------------------------------
    def _path(self, chunk_index: int, frame: int) -> Path:
        return self.folder / f"chunk-{chunk_index:06d}-frame-{frame:07d}.pkl"

    def _files(self) -> list[tuple[int, int, Path]]:
        """(chunk_index, frame, path) of every checkpoint file, by chunk index."""
        found = []
        for path in self.folder.iterdir():
            m = _NAME.match(path.name)
            if m:
                found.append((int(m.group(1)), int(m.group(2)), path))
        return sorted(found)

    def _read(self, path: Path) -> Checkpoint:
        try:
            record = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as e:
            raise CheckpointError(f"checkpoint {path} is unreadable: {e}") from e
        if not isinstance(record, dict) or record.get("version") != _FORMAT_VERSION:
            raise CheckpointError(f"checkpoint {path} has an unknown format")
        return Checkpoint(record["chunk_index"], record["frame"], record["payload"])

    def __repr__(self) -> str:
        return f"CheckpointStore({str(self.folder)!r}, chunks={self.indices()})"


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
