"""A chunk's frames are drawn straight into the chunk's array: the same bytes as a frame drawn on its own."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz.compositor import WorldRenderer
from director.world.state import CameraState, EntityState, Environment, WorldState

W, H = 160, 90


def _state(camera: CameraState, env: Environment) -> WorldState:
    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    return WorldState(1.0, scene="a street in Paris", entities=(girl,), camera=camera, environment=env)


@pytest.mark.parametrize("camera, env", [
    (CameraState(yaw=10, pitch=3), Environment(hour=18.2, rain=0.4)),  # a light transition bucket, rain
    (CameraState(roll=10), Environment(hour=15)),  # rolled: over-rendered, then rotated into the chunk
    (CameraState(), Environment(hour=15, dissolve=0.4, dissolve_from="a beach")),  # a dissolve mixes two renders
], ids=["plain", "rolled", "dissolve"])
def test_drawn_into_a_chunk_frame_equals_drawn_alone(camera, env):
    state = _state(camera, env)
    alone = WorldRenderer(W, H, seed=3).render(state, 5)
    chunk = np.full((2, H, W, 3), 77, np.uint8)  # stale bytes: every one must be overwritten
    got = WorldRenderer(W, H, seed=3).render(state, 5, out=chunk[1])
    assert np.shares_memory(got, chunk[1]) or np.array_equal(chunk[1], got)
    assert np.array_equal(chunk[1], alone)
    assert np.all(chunk[0] == 77)  # the neighbouring frame is untouched
