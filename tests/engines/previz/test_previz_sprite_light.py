"""Figure sprites (``previz/sprites.py``): lighting by OpenCV follows the numpy formula it replaced (the same
bytes without a rim, within one level where the rim, kept in 8 bits, lights the edges); a drawing cut to its
pixels blends as its whole canvas; lit sprites of past lights are let go; blending fades with opacity."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz import figures
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import recipe_for
from director.engines.previz.sprites import Drawing, LitSprite, light_rgb
from director.plan.styles import get_style
from director.world.scene_kind import choose_scene
from director.world.state import Environment


def _reference(rgba: np.ndarray, light: Light, lamps: float) -> np.ndarray:
    """The numpy formula of the code before (strided channel copy, float64 broadcast of the rim)."""
    rgb = cv2.multiply(np.ascontiguousarray(rgba[..., :3]), (*light.figure_fill(lamps).tolist(), 0.0))
    col, strength = light.rim(lamps)
    if strength < 0.02:
        return rgb
    h = rgba.shape[0]
    k = max(1, int(round(h / 70)))
    a = rgba[..., 3].astype(np.float32) / 255.0
    shifted = np.zeros_like(a)
    shifted[k:, k:] = a[:-k, :-k]
    edge = cv2.GaussianBlur(np.clip(a - shifted, 0, 1), (0, 0), max(0.5, k / 2))
    rim = (edge[..., None] * (col * strength)[None, None, :]).clip(0, 255).astype(np.uint8)
    return cv2.add(rgb, rim)


@pytest.mark.parametrize("hour, fog", [(12.0, 0.0), (19.5, 0.0), (23.0, 0.0), (23.0, 0.8), (6.2, 0.3)])
def test_sprite_light_matches_the_numpy_formula(hour, fog):
    rng = np.random.default_rng(4)
    rgba = rng.integers(0, 256, (61, 37, 4), np.uint8)
    rgba[..., 3] = np.where(rng.random((61, 37)) < 0.3, 0, rgba[..., 3])  # holes: the rim outlines them
    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    light = Light.from_environment(Environment(hour=hour, fog=fog))
    lamps = 0.0 if recipe.indoor else recipe.lamps
    drawing = Drawing.of(rgba, (18.0, 60.0))
    assert drawing.rgba.shape == rgba.shape  # alpha reaches every edge: nothing is cut
    got, expected = light_rgb(drawing, light, recipe).astype(int), _reference(rgba, light, lamps).astype(int)
    if light.rim(lamps)[1] < 0.02:
        assert np.array_equal(got, expected)
    else:
        assert np.abs(got - expected).max() <= 1  # rounded where the float64 product was truncated
        unlit = cv2.multiply(np.ascontiguousarray(rgba[..., :3]), (*light.figure_fill(lamps).tolist(), 0.0))
        assert (got > unlit + 8).any()  # the rim is there


def test_lit_sprites_are_kept_for_the_last_two_lights_only():
    """A transition passes each light bucket once: the sprites lit for the buckets it left are let go (they
    filled the sprite cache to its bound with fresh pages), and drawing them again gives the same frame."""
    from director.engines.previz.compositor import SPRITE_LIGHTS, WorldRenderer
    from director.world.state import CameraState, EntityState, WorldState

    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    renderer = WorldRenderer(320, 180, 4)
    lights = []
    for i, hour in enumerate((17.5, 18.2, 18.9, 19.6, 17.5)):
        state = WorldState(1.0, scene="a street in Paris", entities=(girl,), camera=CameraState(pitch=2),
                           environment=Environment(hour=hour))
        frame = renderer.render(state, i)
        lights.append(Light.from_environment(state.environment).key)
        kept = {key[-3] for key in renderer._sprites}
        assert kept and kept <= set(lights[-SPRITE_LIGHTS:])
        assert np.array_equal(frame, WorldRenderer(320, 180, 4).render(state, i))  # lit again the same
    assert len(set(lights)) == 4 and SPRITE_LIGHTS == 2


@pytest.mark.parametrize("hour, fog", [(12.0, 0.0), (22.0, 0.0), (19.0, 0.5)])
def test_a_drawing_cut_to_its_pixels_blends_as_the_whole_canvas(hour, fog):
    """A figure fills a fraction of the canvas it is drawn on: cut to its pixels and a margin, it is lit (rim
    outline included), placed and blended into the same frame bytes as the whole canvas."""
    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    light, grade = Light.from_environment(Environment(hour=hour, fog=fog)), Grade(get_style("noir"))
    sp = figures.draw_figure("person", "a girl in a red dress", "right", 0.25, "walk", figures.size_bucket(290))
    cut = Drawing.of(sp.rgba, sp.anchor)
    whole = Drawing(sp.rgba, sp.anchor, cut.rim_shift)
    assert cut.rgba.size < 0.7 * sp.rgba.size
    frame = np.random.default_rng(3).integers(0, 256, (400, 500, 3), np.uint8)
    out = []
    for drawing in (whole, cut):
        sprite, f = LitSprite.of(drawing, light, recipe, 0.3, grade), frame.copy()
        sprite.blend(f, int(round(250 - sprite.anchor[0])), int(round(380 - sprite.anchor[1])))
        out.append(f)
    assert light.rim(recipe.lamps)[1] < 0.02 or (cut.edge() > 0).any()
    assert np.array_equal(out[0], out[1]) and not np.array_equal(out[0], frame)


def test_a_lit_sprite_blends_over_the_frame_and_fades_with_its_opacity():
    """Premultiplied over at full opacity (clipped where it leaves the frame); a figure fading in or out
    (opacity < 1) shows its colour and hides what is behind by that share."""
    rng = np.random.default_rng(9)
    rgba = rng.integers(0, 256, (40, 30, 4), np.uint8)
    rgba[..., 3] = np.where(rng.random((40, 30)) < 0.4, 0, rgba[..., 3])
    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    sprite = LitSprite.of(Drawing.of(rgba, (15.0, 39.0)), Light.from_environment(Environment(hour=12.0)), recipe, 0.0,
                          Grade(get_style("natural")))
    frame = rng.integers(0, 256, (50, 60, 3), np.uint8)
    a = sprite.alpha.astype(np.float64)[..., None] / 255.0
    for opacity in (1.0, 0.5):
        out = frame.copy()
        sprite.blend(out, 40, -10, opacity)  # the sprite's right and top parts fall outside the frame
        h, w = sprite.alpha.shape
        x1, y1 = min(60, 40 + w), min(50, h - 10)
        behind = frame[0:y1, 40:x1].astype(np.float64)
        expected = behind * (1 - opacity * a[10:, : x1 - 40]) + sprite.colour[10:, : x1 - 40] * opacity
        assert np.abs(out[0:y1, 40:x1] - expected).max() <= 1.0
        assert np.array_equal(out[:, :40], frame[:, :40]) and np.array_equal(out[y1:], frame[y1:])
