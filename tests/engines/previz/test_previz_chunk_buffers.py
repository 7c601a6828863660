"""A chunk's frame array is drawn into again only once nobody holds it: frames never change under a holder."""

from __future__ import annotations

import numpy as np

from director.engines.previz import PrevizEngine
from director.engines.previz.chunk_buffers import ChunkBuffers
from director.engines.protocol import RenderSettings
from tests.engines.previz.test_previz_engine import FPS, H, W, _request, _states


def test_an_array_nobody_holds_is_handed_out_again_and_a_held_one_never():
    buffers = ChunkBuffers(kept=2)
    first = buffers.get((2, 4, 4, 3))
    first_id = id(first)
    del first
    again = buffers.get((2, 4, 4, 3))
    assert id(again) == first_id  # let go: drawn into again
    other = buffers.get((2, 4, 4, 3))
    assert other is not again  # held: a new one
    view = other[1]
    del other
    assert buffers.get((2, 4, 4, 3)) is not view.base  # a view of one frame holds its array too
    assert buffers.get((3, 4, 4, 3)).shape == (3, 4, 4, 3)  # another shape: its own array


def test_chunks_held_keep_their_frames_and_chunks_let_go_give_the_same_frames():
    engine = PrevizEngine()
    engine.open(RenderSettings(W, H, FPS), _states(0, 1)[0])
    held = [engine.render(_request(i, 6 * i, 6)) for i in range(3)]  # a caller keeping every chunk
    copies = [chunk.frames.copy() for chunk in held]
    assert len({id(chunk.frames) for chunk in held}) == 3
    fresh = PrevizEngine()
    fresh.open(RenderSettings(W, H, FPS), _states(0, 1)[0])
    arrays = set()
    for i in range(3):  # a caller letting each chunk go once used (as the writer does)
        frames = fresh.render(_request(i, 6 * i, 6)).frames
        assert np.array_equal(frames, copies[i])
        arrays.add(id(frames))
        del frames
    assert len(arrays) == 1  # one array, drawn into again
    assert all(np.array_equal(chunk.frames, copy) for chunk, copy in zip(held, copies))
