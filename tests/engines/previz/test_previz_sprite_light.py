"""A figure sprite's lighting by OpenCV gives the bytes of the numpy formula it replaced."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz.compositor import _light_sprite, _rim_edge
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import recipe_for
from director.world.scene_kind import choose_scene
from director.world.state import Environment


def _reference(rgba: np.ndarray, light: Light, lamps: float) -> np.ndarray:
    """The numpy formula of the code before (strided channel copy, float64 broadcast of the rim)."""
    rgb = cv2.multiply(np.ascontiguousarray(rgba[..., :3]), (*light.figure_fill(lamps).tolist(), 0.0))
    col, strength = light.rim(lamps)
    if strength < 0.02:
        return rgb
    rim = (_rim_edge(rgba)[..., None] * (col * strength)[None, None, :]).clip(0, 255).astype(np.uint8)
    return cv2.add(rgb, rim)


@pytest.mark.parametrize("hour, fog", [(12.0, 0.0), (19.5, 0.0), (23.0, 0.0), (23.0, 0.8), (6.2, 0.3)])
def test_sprite_light_matches_the_numpy_formula(hour, fog):
    rng = np.random.default_rng(4)
    rgba = rng.integers(0, 256, (61, 37, 4), np.uint8)
    rgba[..., 3] = np.where(rng.random((61, 37)) < 0.3, 0, rgba[..., 3])  # holes: the rim outlines them
    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    light = Light.from_environment(Environment(hour=hour, fog=fog))
    lamps = 0.0 if recipe.indoor else recipe.lamps
    assert np.array_equal(_light_sprite(rgba, light, recipe), _reference(rgba, light, lamps))
