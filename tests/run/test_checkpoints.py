"""CheckpointStore: atomic pickles per chunk, latest/load/prune/discard_after, crash leftovers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from director.run.checkpoints import Checkpoint, CheckpointError, CheckpointStore

REPO = Path(__file__).resolve().parents[2]


@dataclass
class FakeEngineState:
    engine: str
    latents: np.ndarray
    step: int


def test_round_trip_and_latest(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path / "ck")
    assert store.latest() is None and store.indices() == []
    for i in range(4):
        store.save(i, (i + 1) * 12, {"engine": FakeEngineState("previz", np.full((2, 3), i, np.float32), i), "t": i / 2})
    latest = store.latest()
    assert isinstance(latest, Checkpoint) and (latest.chunk_index, latest.frame) == (3, 48)
    assert np.array_equal(latest.payload["engine"].latents, np.full((2, 3), 3, np.float32))
    loaded = store.load(1)
    assert (loaded.chunk_index, loaded.frame, loaded.payload["t"]) == (1, 24, 0.5)
    assert store.latest(at_or_before_frame=30).chunk_index == 1
    assert CheckpointStore(tmp_path / "ck").indices() == [0, 1, 2, 3]  # a fresh handle sees the same


def test_resaving_a_chunk_replaces_it(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    store.save(2, 36, "first take")
    store.save(2, 36, "second take")
    store.save(2, 40, "other boundary")
    assert store.indices() == [2]
    assert store.load(2).payload == "other boundary"


def test_prune_and_discard_after(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    for i in range(6):
        store.save(i, (i + 1) * 12, i)
    assert store.prune(keep_last=3) == 3
    assert store.indices() == [3, 4, 5]
    assert store.discard_after(60) == 1  # chunk 5 (frame 72) lies in the future of frame 60
    assert store.indices() == [3, 4]
    assert store.discard_after(1000) == 0
    assert store.prune(keep_last=0) == 2 and store.latest() is None


def test_errors_are_clear(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    with pytest.raises(CheckpointError, match=r"no checkpoint for chunk 7 .*have \[\]"):
        store.load(7)
    with pytest.raises(CheckpointError, match="does not pickle"):
        store.save(0, 0, threading.Lock())
    assert store.indices() == []
    with pytest.raises(ValueError):
        store.save(-1, 0, None)
    (tmp_path / "file").write_text("")
    with pytest.raises(CheckpointError, match="cannot create checkpoint folder"):
        CheckpointStore(tmp_path / "file" / "ck")


def test_corrupt_checkpoint_falls_back_to_an_older_one(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    store.save(0, 12, "good")
    store.save(1, 24, "soon corrupt")
    path = next(p for p in tmp_path.iterdir() if p.name.startswith("chunk-000001"))
    path.write_bytes(path.read_bytes()[:10])  # what a failing disk could leave
    assert store.latest().payload == "good"
    with pytest.raises(CheckpointError, match="unreadable"):
        store.load(1)


# A save killed while writing: the child pickles a big payload slowly into the store and is SIGKILLed.
CHILD = textwrap.dedent(
    """
    import os, sys, pickle
    sys.path.insert(0, {repo!r})
    from director.run.checkpoints import CheckpointStore
    store = CheckpointStore(sys.argv[1])
    store.save(0, 12, "before the crash")

    class Slow:
        def __reduce__(self):
            print("writing", flush=True)
            import time; time.sleep(60)
            return (str, ("never",))

    store.save(1, 24, [b"x" * 1_000_000, Slow()])
    """
).format(repo=str(REPO))


def test_survives_a_save_killed_midway(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
    finally:
        child.kill()
        child.wait()
    store = CheckpointStore(tmp_path)
    assert store.indices() == [0]
    assert store.latest().payload == "before the crash"


def test_partial_temp_file_is_ignored_and_cleaned(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    store.save(0, 12, "ok")
    (tmp_path / ".tmp-abc123").write_bytes(b"\x80\x05half a pickle")  # a save cut before os.replace
    store = CheckpointStore(tmp_path)
    assert store.latest().payload == "ok"
    assert sorted(os.listdir(tmp_path)) == ["chunk-000000-frame-0000012.pkl"]
