"""Far layers (a skyline, hills, peaks, the sea) are blended into the sky's and the ground's half-resolution
images, and the frame looks as if they were drawn at full resolution over them."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz import compositor
from director.engines.previz.compositor import WorldRenderer
from director.world.state import CameraState, EntityState, Environment, WorldState

W, H = 640, 360


def _state(scene: str, camera: CameraState, env: Environment, entities=()) -> WorldState:
    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    return WorldState(1.0, scene=scene, entities=(girl, *entities), camera=camera, environment=env)


def _render(monkeypatch, state: WorldState, far_depth: float) -> tuple[np.ndarray, int]:
    """(the frame, pixels warped for it) with layers from ``far_depth`` metres on counted as far."""
    monkeypatch.setattr(compositor, "FAR_LAYER_DEPTH", far_depth)
    warped = []
    real = WorldRenderer._warp

    def counted(self, tex, hmat, size, border):
        warped.append(size[0] * size[1])
        return real(self, tex, hmat, size, border)

    monkeypatch.setattr(WorldRenderer, "_warp", counted)
    frame = WorldRenderer(W, H, seed=3).render(state, 5)
    monkeypatch.undo()
    return frame, sum(warped)


CASES = [
    ("a street in Paris", CameraState(yaw=10, pitch=3), Environment(hour=15, rain=0.3)),
    ("a street in Paris", CameraState(roll=10, pitch=2, yaw=-20), Environment(hour=19)),
    ("mountains", CameraState(yaw=30, pitch=4), Environment(hour=11)),
    ("a beach by the sea", CameraState(yaw=-15, pitch=-3), Environment(hour=17.5)),
    ("a snowy village", CameraState(yaw=-5, pitch=-2), Environment(hour=21, snow=0.5)),
]


@pytest.mark.parametrize("scene, camera, env", CASES, ids=["city", "city-rolled", "mountains", "beach", "village"])
def test_far_layers_drawn_at_half_resolution_look_as_drawn_whole(monkeypatch, scene, camera, env):
    state = _state(scene, camera, env)
    whole, whole_px = _render(monkeypatch, state, float("inf"))
    halved, halved_px = _render(monkeypatch, state, compositor.FAR_LAYER_DEPTH)
    assert halved_px < 0.92 * whole_px  # a real saving: the far layers' pixels are a quarter
    diff = np.abs(halved.astype(np.int16) - whole).max(axis=2)
    assert diff.mean() < 0.6  # the same picture: only the far layers' edges are softer...
    assert (diff > 24).mean() < 0.004  # ...and nothing is missing or drawn twice


def test_a_far_layer_with_anything_behind_it_is_drawn_at_full_resolution(monkeypatch):
    """A bird far beyond the skyline: the skyline is no longer the farthest thing drawn, so it is drawn in
    its turn over what is behind it (the frame is the one with no far layers at all)."""
    bird = EntityState("bird", "bird", "a crow", None, 30.0, 900.0, 90, "fly", 1.0, 0.3)
    state = _state("a street in Paris", CameraState(yaw=10, pitch=3), Environment(hour=15), (bird,))
    whole, _ = _render(monkeypatch, state, float("inf"))
    halved, _ = _render(monkeypatch, state, compositor.FAR_LAYER_DEPTH)
    assert np.array_equal(whole, halved)
    without_bird = _state("a street in Paris", CameraState(yaw=10, pitch=3), Environment(hour=15))
    assert not np.array_equal(_render(monkeypatch, without_bird, compositor.FAR_LAYER_DEPTH)[0], whole)


def test_a_pictures_planes_are_never_far():
    """A scene picture's planes (``backdrop``) keep their full resolution however far they stand: their
    detail is the user's picture."""
    from director.engines.previz.compositor import _far
    from director.engines.previz.scenes import LayerSpec

    paint = lambda canvas, rng: None  # noqa: E731
    assert _far(LayerSpec("skyline", 450.0, 0.0, 80.0, paint))
    assert not _far(LayerSpec("buildings", 70.0, 0.0, 30.0, paint))
    assert not _far(LayerSpec("backdrop far", 900.0, 0.0, 300.0, paint))
