"""Light transitions re-light layers and ground by a fitted colour transform of one anchor bake."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz.grade import Grade
from director.engines.previz.lighting import LIGHT_STEPS, Light
from director.engines.previz.relight import (
    GROUND_SAMPLE_STEP,
    GroundSamples,
    _fit,
    anchor_daylight,
    anchor_light,
    relight_ground,
    relight_layer,
)
from director.engines.previz.scenes import recipe_for
from director.engines.previz.textures import bake_ground, bake_layer, paint_ground, paint_layers
from director.plan.styles import STYLES, get_style
from director.world.scene_kind import choose_scene
from director.world.state import Environment

WIDTH = 320


def _scene(text: str):
    recipe = recipe_for(choose_scene(text, use_embeddings=False))
    return recipe, paint_layers(recipe, WIDTH, 5), paint_ground(recipe.ground, WIDTH, 5)


def _apron(p) -> bool:
    return p.spec.name != "sea" and not p.spec.name.startswith("backdrop")


def test_anchor_is_the_brightest_bucket_of_its_group_and_a_function_of_daylight_alone():
    assert anchor_daylight(0.0) == 0.0  # full night bakes itself
    for b in range(1, LIGHT_STEPS + 1):
        a = anchor_daylight(b / LIGHT_STEPS)
        assert a >= b / LIGHT_STEPS and a <= 1.0  # never darker: a transform only darkens (no banding)


@pytest.mark.parametrize("text", ["a street in Paris", "countryside fields", "a forest"])
@pytest.mark.parametrize("hour, rain, snow", [(17.5, 0, 0), (19.0, 0, 0), (20.5, 0, 0), (6.0, 0, 0), (15.0, 0.3, 0),
                                              (15.0, 1.0, 0), (19.0, 0.6, 0), (11.0, 0, 0.8)])
def test_relit_layers_and_ground_match_a_full_bake(text, hour, rain, snow):
    """Within 2 levels at 98 % of texels, 8 anywhere, 0.2 on average (windows glowing at night included),
    default grade: the grade's tone curve is not quite affine, so the fitted map misses a few colours."""
    recipe, painted, (tile, ppm) = _scene(text)
    grade = Grade(get_style("natural"))
    env = Environment(hour=hour, rain=rain, snow=snow)
    light = Light.from_environment(env)
    anchor = anchor_light(light, env)
    assert anchor.key != light.key and anchor.overcast == 0  # rain and snow are re-lit from a clear anchor
    for p in painted:
        full = bake_layer(p, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps)
        base = bake_layer(p, anchor, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps, glow=False)
        relit = relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps)
        assert relit is not None and relit.tex.shape == full.tex.shape
        diff = np.abs(relit.ready().astype(int) - full.ready().astype(int))
        close = np.mean(diff.max(axis=2) <= 2)
        assert close > 0.98 and diff.max() <= 8 and diff.mean() < 0.2, (p.spec.name, close, diff.max(), diff.mean())
        assert relit.content_rows() == full.content_rows()
    full_g = bake_ground(tile, ppm, light, grade, recipe.indoor, recipe.lamps)
    base_g = bake_ground(tile, ppm, anchor, grade, recipe.indoor, recipe.lamps)
    relit_g = relight_ground(base_g, tile, anchor, light, grade, recipe.indoor, recipe.lamps)
    assert relit_g is not None
    diff = np.abs(relit_g.tex.astype(int) - full_g.tex.astype(int))
    assert diff.max() <= 2 and diff.mean() < 0.3
    assert np.array_equal(relit_g.haze_color, full_g.haze_color) and np.array_equal(relit_g.fog_color, full_g.fog_color)


def test_a_relit_layer_made_column_by_column_is_the_whole_relight_in_any_order():
    """Frames ask for the columns they read (``LayerTexture.make``); whatever they asked before, a column holds
    the same bytes as when the whole layer is made at once, windows glowing at night included."""
    recipe, painted, _ = _scene("a street in Paris")
    grade = Grade(get_style("natural"))
    env = Environment(hour=20.5)
    light = Light.from_environment(env)
    anchor = anchor_light(light, env)
    rng = np.random.default_rng(3)
    for p in painted:
        base = bake_layer(p, anchor, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps, glow=False)
        whole = relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps)
        lazy = relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps)
        expected = whole.ready()
        period = lazy.period_px
        for _ in range(6):  # windows anywhere, some across the wrap, some wider than a fill block
            s0 = float(rng.uniform(-2 * period, 2 * period))
            view, start = lazy.window(s0, s0 + float(rng.uniform(10, period * 0.6)))
            c0 = int(rng.integers(0, view.shape[1] // 2))
            lazy.make(start, c0, view.shape[1])  # the columns a frame's warps read
            cols = (start % period + np.arange(c0, view.shape[1])) % period  # a wide view widens the texture
            assert np.array_equal(view[:, c0:], expected[:, cols])
        assert lazy.fill is None or not np.array_equal(lazy.tex, expected)  # columns not looked at are not made yet
        made = lazy.ready()
        assert np.array_equal(made[:, (np.arange(made.shape[1]) % period)], made) and np.array_equal(made[:, :period], expected[:, :period])
        assert np.array_equal(expected[:, period:], expected[:, : expected.shape[1] - period])  # wrap columns


def test_a_layer_re_lit_into_a_used_array_is_the_same_as_into_a_fresh_one():
    """A transition re-lights a bucket into the arrays of the bucket it drops: whatever they held (here 255
    everywhere, or another layer's texels), what views read is what a fresh array gives."""
    recipe, painted, _ = _scene("a street in Paris")
    grade = Grade(get_style("natural"))
    env = Environment(hour=20.5)
    light = Light.from_environment(env)
    anchor = anchor_light(light, env)
    for p in painted:
        base = bake_layer(p, anchor, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps, glow=False)
        fresh = relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps)
        used = np.full_like(base.tex, 255)
        reused = relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps,
                               out=used)
        assert reused.tex is used
        views = []
        for layer in (reused, fresh):
            view, start = layer.window(100.0, 900.0)
            layer.make(start, 0, view.shape[1])
            views.append(view)
        assert np.array_equal(*views)
        assert np.array_equal(reused.ready(), fresh.ready())


def test_a_ground_re_lit_into_a_used_array_is_the_same_as_into_a_fresh_one():
    recipe, _, (tile, ppm) = _scene("a street in Paris")
    grade = Grade(get_style("natural"))
    env = Environment(hour=19.0)
    light = Light.from_environment(env)
    anchor = anchor_light(light, env)
    base = bake_ground(tile, ppm, anchor, grade, recipe.indoor, recipe.lamps)
    fresh = relight_ground(base, tile, anchor, light, grade, recipe.indoor, recipe.lamps)
    used = np.full_like(base.tex, 255)
    reused = relight_ground(base, tile, anchor, light, grade, recipe.indoor, recipe.lamps, out=used)
    assert reused.tex is used and np.array_equal(reused.tex, fresh.tex)
    odd = relight_ground(base, tile, anchor, light, grade, recipe.indoor, recipe.lamps, out=used[:-1])
    assert odd.tex is not used and np.array_equal(odd.tex, fresh.tex)  # an array of another shape is not used


def test_a_transition_re_lights_into_the_arrays_of_the_bucket_it_drops():
    """Each new light bucket's layers and ground are made in the arrays of the bucket the cache lets go (fresh
    pages cost as much as the transform, and the heap grew around them): frames are a fresh renderer's."""
    from director.engines.previz.compositor import WorldRenderer
    from director.world.state import WorldState

    renderer = WorldRenderer(320, 180, 4)
    made = []  # per bucket: its layers' arrays and its ground's (held, so no id is reused)
    for i, hour in enumerate((18.0, 18.6, 19.2, 19.8, 20.4)):  # dusk: a new bucket each, all re-lit
        state = WorldState(0.0, scene="a street in Paris", environment=Environment(hour=hour))
        frame = renderer.render(state, i)
        layers, ground = next(reversed(renderer._baked.values()))
        made.append([layer.tex for layer in layers] + [ground.tex])
        assert np.array_equal(frame, WorldRenderer(320, 180, 4).render(state, i))
    first_two = {id(a) for arrays in made[:2] for a in arrays}
    assert len(first_two) == 2 * len(made[0])
    assert all(id(a) in first_two for arrays in made[2:] for a in arrays)


def test_light_probes_bake_every_bucket_fully():
    """A light probe (96 px) bakes its few texels for each light bucket rather than fitting colour maps to
    re-light an anchor bake: fitting cost more. Frames as wide as RELIGHT_MIN_WIDTH are re-lit."""
    from director.engines.previz.compositor import RELIGHT_MIN_WIDTH, WorldRenderer
    from director.engines.previz.light_match import PROBE_SIZE
    from director.world.state import WorldState

    dusk = WorldState(0.0, scene="a street in Paris", environment=Environment(hour=19.0))
    probe, frame = WorldRenderer(*PROBE_SIZE, 4), WorldRenderer(RELIGHT_MIN_WIDTH, 144, 4)
    for renderer in (probe, frame):
        renderer.render(dusk, 0)
    assert len(probe._anchors) == 0 and len(frame._anchors) == 1
    assert PROBE_SIZE[0] < RELIGHT_MIN_WIDTH


def test_a_grade_the_transform_cannot_follow_is_baked_fully():
    """Film noir's hard curve bends too much between day and night for one affine map: no relit layer."""
    assert "noir" in STYLES
    recipe, painted, _ = _scene("a street in Paris")
    grade = Grade(get_style("noir"))
    env = Environment(hour=20.5)
    light = Light.from_environment(env)
    anchor = anchor_light(light, env)
    relit = []
    for p in painted:
        base = bake_layer(p, anchor, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps, glow=False)
        relit.append(relight_layer(base, p, anchor, light, grade, recipe.ground, recipe.indoor, _apron(p), recipe.lamps))
    assert any(layer is None for layer in relit)  # the compositor then bakes the whole bucket fully


def test_the_anchor_bake_is_let_go_once_the_light_has_settled():
    """A 3-minute render must not keep a second full-day bake after night has fallen (issue 2's memory goal):
    during the transition the anchor is held, once the light keeps its bucket it is released; frames are
    the same either way (the anchor is a pure function of scene, light and grade)."""
    from director.commands.reader import RULES_ONLY
    from director.engines.previz.compositor import ANCHOR_IDLE_FRAMES
    from director.plan.timeline import Timeline
    from director.run.director import Director

    timeline = Timeline.model_validate({"duration": 4, "width": 320, "height": 180, "fps": 24, "seed": 1,
                                        "world": {"scene": "a street in Paris"},
                                        "directives": [{"at": 0, "text": "night falls", "duration": 1}]})
    director = Director(timeline, reader=RULES_ONLY)
    held = []
    for chunk in director.run():
        renderer = director.engine._renderer
        held.append(len(renderer._anchors))
    assert held[0] == 1  # the transition re-colours from the anchor
    assert held[-1] == 0 and 4 * 24 - 24 > ANCHOR_IDLE_FRAMES  # a settled second of night let it go


def test_columns_first_seen_after_the_anchor_was_let_go_are_baked_again_the_same():
    """A settled light lets its anchor go; when the camera then turns to columns of the re-lit layers no view
    has asked for, the anchor's columns are baked for them alone (the anchor is not baked again): the frame
    is the one a fresh renderer draws."""
    from director.engines.previz.compositor import ANCHOR_IDLE_FRAMES, WorldRenderer
    from director.world.state import CameraState, WorldState

    env = Environment(hour=18.7)  # a re-lit bucket (dusk, street lamps and windows on)
    still = WorldState(0.0, scene="a street in Paris", environment=env)
    renderer = WorldRenderer(1280, 720, 4)  # wide enough that a view sees under half of each layer
    for i in range(ANCHOR_IDLE_FRAMES + 2):
        renderer.render(still, i)
    assert len(renderer._anchors) == 0  # let go
    turned = WorldState(0.0, scene="a street in Paris", environment=env, camera=CameraState(yaw=150.0))
    frame = renderer.render(turned, 99)
    assert len(renderer._anchors) == 0  # not baked again
    assert np.array_equal(frame, WorldRenderer(1280, 720, 4).render(turned, 99))
    night = WorldState(0.0, scene="a street in Paris", environment=Environment(hour=19.6), camera=turned.camera)
    frame = renderer.render(night, 100)  # the light moves on: a new bucket is re-lit from the anchor again
    assert len(renderer._anchors) == 1
    assert np.array_equal(frame, WorldRenderer(1280, 720, 4).render(night, 100))


def _premultiplied_layer(rng, height: int, width: int) -> np.ndarray:
    """Premultiplied RGBA [height, width, 4]: albedo colours (bright ones and saturated primaries among them)
    under alpha that is 0 in the sky rows, ramps through every partial level at the edges, and is 255 below."""
    albedo = rng.integers(0, 256, (height, width, 3)).astype(np.float64)
    albedo[::5, ::3] = (255, 255, 217)  # bright: a gain over 1 takes it past 255 before a negative offset
    albedo[1::5, 1::3] = (255, 0, 0)  # saturated: negative cross terms take it under 0
    alpha = np.zeros((height, width))
    alpha[height // 4 :] = 255.0
    edge = np.arange(256, dtype=np.float64)
    alpha[height // 4 : height // 4 + 16] = np.resize(edge, (16, width))  # every partial level, many times
    alpha[:, : width // 8] = np.resize(edge, (height, width // 8))
    rgb = np.rint(albedo * alpha[..., None] / 255.0)
    return np.dstack([rgb, alpha]).astype(np.uint8)


def _four(m: np.ndarray) -> np.ndarray:
    """The 4x4 transform on premultiplied RGBA of a fitted 3x4 map (levels): what re-lit layers were made with."""
    four = np.zeros((4, 4), np.float32)
    four[:3, :3], four[:3, 3], four[3, 3] = m[:, :3], m[:, 3] / 255.0, 1.0
    return four


def _relit_columns(tex: np.ndarray, recolour, top: int) -> np.ndarray:
    """``tex``'s rows [top, H) re-lit by ``recolour`` through a re-lit layer's column maker, into a used array."""
    from types import SimpleNamespace

    from director.engines.previz.relight import _RelitColumns

    out = np.full_like(tex, 77)  # its old texels are never read
    alpha = np.ascontiguousarray(tex[..., 3])
    relit = _RelitColumns(lambda: SimpleNamespace(tex=tex, fill=None), None, out, tex.shape[1], alpha,
                          [(top, tex.shape[0], recolour)], None)
    relit(0, tex.shape[1])
    assert np.all(out[:top] == 77)  # rows outside the bands are the caller's (kept transparent)
    return out[top:]


def test_the_3_channel_recolour_is_the_4x4_transform_on_premultiplied_rgba_within_a_level():
    """Re-lit texels come from 3-channel transforms (fast in OpenCV), not one 4x4 on RGBA: rgb' = M3 rgb +
    offset * alpha / 255 within 1 level of the 4x4 at every alpha, offsets of either sign; alpha is kept as it
    is, transparent texels stay black. A map whose 3-channel terms could be cut at 255 (a warm grade's dusk:
    gains over 1, a negative offset) is made by the 4x4 itself: the 3-channel terms would miss by more."""
    from dataclasses import replace

    from director.engines.previz.relight import _Recolour

    rng = np.random.default_rng(7)
    tex = _premultiplied_layer(rng, 96, 1100)  # wider than a fill block
    top = 3
    darkening = [np.array([[0.7, 0.1, 0.0, -20.0], [0.05, 0.6, 0.05, 8.0], [0.0, -0.1, 0.8, -12.0]]),  # mixed
                 np.array([[0.55, 0.02, 0.01, -6.0], [0.03, 0.5, 0.02, -9.5], [0.0, 0.04, 0.45, -3.2]]),
                 np.array([[0.5, 0.0, 0.0, 40.0], [0.0, 0.55, 0.0, 35.0], [0.0, 0.0, 0.7, 30.0]]),  # fog
                 np.array([[0.98, 0.02, 0.0, 3.0], [0.0, 1.0, 0.0, -2.0], [0.0, 0.0, 1.0, 0.0]])]  # nearly none
    warm_dusk = np.array([[-0.07, 0.48, 0.74, -16.0], [-0.04, 0.44, 0.61, -6.1], [-0.02, 0.23, 0.62, 1.8]])
    for m in darkening + [warm_dusk]:
        recolour = _Recolour.of(m)
        assert (recolour.four is None) == (m is not warm_dusk)
        expected = cv2.transform(tex, _four(m))[top:]
        made = _relit_columns(tex, recolour, top)
        diff = np.abs(made[..., :3].astype(int) - expected[..., :3].astype(int))
        assert diff.max() <= 1 and diff.mean() < 0.25, (m, diff.max(), diff.mean())  # two roundings, not one
        assert np.array_equal(made[..., 3], tex[top:, :, 3])
        assert not made[tex[top:, :, 3] == 0].any()  # premultiplied: no colour where nothing is
    cut = _relit_columns(tex, replace(_Recolour.of(warm_dusk), four=None), top)
    assert np.abs(cut[..., :3].astype(int) - cv2.transform(tex, _four(warm_dusk))[top:, :, :3]).max() > 4


@pytest.mark.parametrize("colours", [1, 2, 3, 40, 38000])
def test_the_fit_is_lstsq_s_whether_solved_by_normal_equations_or_not(colours):
    """Many colours are fitted through the 4x4 normal equations, a few (rank-deficient) by lstsq: the float32
    maps the textures use are lstsq's either way."""
    rng = np.random.default_rng(colours)
    src = rng.integers(0, 256, (colours, 3)).astype(np.uint8)
    m_true = np.array([[0.8, 0.05, 0.0, 3.0], [0.0, 0.7, 0.02, 2.0], [0.01, 0.0, 0.6, 5.0]])
    dst = np.clip(np.rint(src @ m_true[:, :3].T + m_true[:, 3] + rng.normal(0, 0.4, (colours, 3))), 0, 255).astype(np.uint8)
    m, rms = _fit(src, dst)
    a = np.concatenate([src.astype(np.float64), np.ones((colours, 1))], axis=1)
    expected = np.linalg.lstsq(a, dst.astype(np.float64), rcond=None)[0].T
    assert np.allclose(m, expected, rtol=0, atol=1e-9)
    assert np.array_equal(m.astype(np.float32), expected.astype(np.float32))
    assert rms < 1.0


@pytest.mark.parametrize("text", ["a street in Paris", "countryside fields", "a beach by the sea"])
def test_the_ground_is_fitted_on_its_distinct_colours_as_on_every_sample(text):
    """A tile's samples repeat a few colours: fitted once each, weighted by how often they occur, the map and
    its error are those of every sample, and the ground re-lit from them has the same bytes."""
    recipe, _, (tile, ppm) = _scene(text)
    grade = Grade(get_style("natural"))
    env = Environment(hour=19.0)
    light, samples = Light.from_environment(env), GroundSamples.of(tile)
    anchor = anchor_light(light, env)
    every = np.ascontiguousarray(tile[::GROUND_SAMPLE_STEP, ::GROUND_SAMPLE_STEP].reshape(-1, 1, 3))
    assert len(samples.colours) < len(every) / 10 and samples.counts.sum() == len(every)
    fits = []
    for colours, counts in ((every, None), (samples.colours, samples.counts)):
        lit = [bake_ground(colours, ppm, each, grade, recipe.indoor, recipe.lamps).tex.reshape(-1, 3)
               for each in (anchor, light)]
        fits.append(_fit(*lit, counts))
    assert np.allclose(fits[0][0], fits[1][0], rtol=0, atol=1e-9) and abs(fits[0][1] - fits[1][1]) < 1e-9
    base = bake_ground(tile, ppm, anchor, grade, recipe.indoor, recipe.lamps)
    kept = relight_ground(base, tile, anchor, light, grade, recipe.indoor, recipe.lamps, samples=samples)
    every_fit = _fit(*[bake_ground(every, ppm, each, grade, recipe.indoor, recipe.lamps).tex.reshape(-1, 3)
                       for each in (anchor, light)])[0]
    assert np.array_equal(kept.tex, cv2.transform(base.tex, every_fit.astype(np.float32)))
