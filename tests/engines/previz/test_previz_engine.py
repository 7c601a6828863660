"""Previz engine: chunk shapes, exact audio lengths, determinism, snapshot/restore, seamless audio."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from director.engines.protocol import ChunkRequest, EngineError, RenderSettings, sample_index
from director.engines import create_engine
from director.engines.previz import PrevizEngine
from director.world.state import CameraState, EntityState, Environment, Event, WorldState

W, H, FPS = 192, 108, 24.0


def _states(start: int, n: int, scene: str = "countryside") -> list[WorldState]:
    """A walking girl, a cat that enters at 0.4 s, lightning at 0.3 s: sounds that cross chunk seams."""
    out = []
    for i in range(start, start + n):
        t = i / FPS
        ents = [EntityState("girl", "person", "girl in a red dress", None, -1 + t, 5.0, 90, "walk", 1.2, 1.6 * t)]
        events = []
        if t >= 0.3:
            events.append(Event(0.3, "lightning"))
        if t >= 0.4:
            ents.append(EntityState("cat", "cat", "ginger cat", None, 1.0, 4.0, -90, "run", 2.0, 2.5 * t))
            events.append(Event(0.4, "enter", "cat"))
        flash = 1.0 if abs(t - 0.3) < 0.05 else 0.0
        out.append(WorldState(t, scene=scene, entities=tuple(ents), recent_events=tuple(events),
                              camera=CameraState(yaw=3 * t, shake=0.3),
                              environment=Environment(hour=17, rain=0.4, lightning=flash)))
    return out


def _request(index: int, start: int, n: int, **kw) -> ChunkRequest:
    st = _states(start, n, **kw)
    return ChunkRequest(index, start, tuple(s.t for s in st), tuple(st), "", frozenset(),
                        sample_index(start, FPS), sample_index(start + n, FPS))


def _engine(seed: int = 7) -> PrevizEngine:
    eng = PrevizEngine()
    eng.open(RenderSettings(W, H, FPS, seed=seed), _states(0, 1)[0])
    return eng


def test_registry_builds_previz():
    assert isinstance(create_engine("previz"), PrevizEngine)
    assert PrevizEngine().chunk_frames(24.0) is None


def test_chunk_shapes_and_exact_sample_counts():
    eng = _engine()
    start = 0
    for index, n in enumerate((1, 7, 12, 5)):
        req = _request(index, start, n)
        chunk = eng.render(req)
        assert chunk.frames.shape == (n, H, W, 3) and chunk.frames.dtype == np.uint8
        assert chunk.audio.shape == (req.sample_end - req.sample_start, 2) and chunk.audio.dtype == np.float32
        assert np.abs(chunk.audio).max() <= 1.0 and np.abs(chunk.audio).max() > 1e-4
        start += n


def test_two_runs_are_identical():
    a, b = _engine(), _engine()
    for index, start in enumerate((0, 12)):
        ca, cb = a.render(_request(index, start, 12)), b.render(_request(index, start, 12))
        assert np.array_equal(ca.frames, cb.frames)
        assert np.array_equal(ca.audio, cb.audio)


def test_other_seed_differs():
    a, b = _engine(1), _engine(2)
    assert not np.array_equal(a.render(_request(0, 0, 6)).audio, b.render(_request(0, 0, 6)).audio)


def test_snapshot_restore_reproduces_next_chunk():
    eng = _engine()
    eng.render(_request(0, 0, 9))
    snap = pickle.loads(pickle.dumps(eng.snapshot()))  # must survive pickling
    first = eng.render(_request(1, 9, 12))
    eng.render(_request(2, 21, 5))  # move on, then rewind
    eng.restore(snap)
    again = eng.render(_request(1, 9, 12))
    assert np.array_equal(first.frames, again.frames)
    assert np.array_equal(first.audio, again.audio)
    other = _engine()  # a fresh engine resumed from the snapshot
    other.restore(snap)
    resumed = other.render(_request(1, 9, 12))
    assert np.array_equal(first.audio, resumed.audio)
    assert np.array_equal(first.frames, resumed.frames)


def test_chunking_does_not_change_audio_or_frames():
    """Audio is continuous at seams: 24 frames in one chunk == the same frames in uneven chunks."""
    whole = _engine().render(_request(0, 0, 24))
    eng = _engine()
    parts, start = [], 0
    for index, n in enumerate((5, 12, 7)):
        parts.append(eng.render(_request(index, start, n)))
        start += n
    audio = np.concatenate([p.audio for p in parts])
    frames = np.concatenate([p.frames for p in parts])
    assert np.allclose(audio, whole.audio, atol=1e-6)
    assert np.array_equal(frames, whole.frames)
    seam = sample_index(5, FPS)
    jump = np.abs(np.diff(audio[seam - 200 : seam + 200], axis=0)).max()
    typical = np.abs(np.diff(audio, axis=0)).max()
    assert jump <= typical


def test_errors_are_clear():
    with pytest.raises(EngineError, match="before open"):
        PrevizEngine().render(_request(0, 0, 1))
    with pytest.raises(EngineError, match="engine option 'colour' for previz: unknown"):
        create_engine("previz", {"colour": "red"})
