"""An array is handed out again only once nobody holds it: a chunk's frames never change under a holder."""

from __future__ import annotations

import numpy as np

from director.engines.previz import PrevizEngine
from director.engines.previz.array_pool import ArrayPool
from director.engines.protocol import RenderSettings
from tests.engines.previz.test_previz_engine import FPS, H, W, _request, _states


def test_an_array_nobody_holds_is_handed_out_again_and_a_held_one_never():
    buffers = ArrayPool(kept=2)
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
    floats = buffers.get((2, 4, 4, 3), np.float32)
    assert floats.dtype == np.float32  # another type: its own array


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


def test_a_transition_bakes_its_skies_into_the_arrays_of_skies_let_go():
    """A light transition bakes a sky every few frames: once the cache has let the oldest go, its texels and
    glow are baked into again (no fresh pages), and every frame is a fresh renderer's."""
    from director.engines.previz.compositor import SKY_ARRAYS, WorldRenderer
    from director.world.state import Environment, WorldState

    renderer = WorldRenderer(320, 180, 4)
    for i, hour in enumerate(np.linspace(17.0, 21.0, 12)):
        state = WorldState(0.0, scene="a street in Paris", environment=Environment(hour=float(hour)))
        frame = renderer.render(state, i)
        assert np.array_equal(frame, WorldRenderer(320, 180, 4).render(state, i))
    assert len(renderer._sky_arrays._arrays) <= SKY_ARRAYS
    held = {id(sky.texels) for sky in renderer._skies.values()}
    assert held <= {id(a) for a in renderer._sky_arrays._arrays}  # the cached skies' texels came from the pool
