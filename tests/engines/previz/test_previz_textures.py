"""Texture windows and the bounded caches behind the previz compositor."""

import numpy as np

from director.engines.previz.scenes import LayerSpec
from director.engines.previz.textures import LRU, LayerTexture


def _layer(period=50, ext=10, rows=8) -> LayerTexture:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (rows, period, 4), dtype=np.uint8)
    tex = np.concatenate([base, base[:, :ext]], axis=1)
    spec = LayerSpec("test", 10.0, 0.0, 1.0, paint=lambda canvas, rng: None)
    return LayerTexture(spec, tex, ppm=10.0, period_px=period, y_top=1.0)


def test_a_window_wider_than_the_spare_columns_repeats_the_period_and_is_a_slice():
    layer = _layer()
    base = layer.tex[:, :50].copy()
    view, start = layer.window(-73.2, 50.0)
    assert start == -74
    expected = base[:, (np.arange(view.shape[1]) + start) % 50]
    assert np.array_equal(view, expected)
    again, _ = layer.window(-60.0, 40.0)  # no new copy once widened
    assert np.shares_memory(again, layer.tex)
    narrow, s = layer.window(3.0, 9.0)
    assert np.array_equal(narrow, base[:, 3:3 + narrow.shape[1]])


def test_lru_evicts_by_bytes_as_well_as_by_count():
    cache = LRU(100, max_bytes=3_000)
    for key in range(5):
        cache.get_or(key, lambda: np.zeros(1_000, np.uint8))
    assert list(cache) == [2, 3, 4]
    cache.get_or(2, lambda: None)  # a hit refreshes
    cache.get_or(5, lambda: np.zeros(1_000, np.uint8))
    assert list(cache) == [4, 2, 5]


def test_sky_bakes_at_every_sun_and_moon_position():
    """The glow box wraps around the panorama: every quarter hour, day and night, bakes (and the disc shows)."""
    from director.engines.previz.grade import Grade
    from director.engines.previz.lighting import Light
    from director.engines.previz.scenes import recipe_for
    from director.engines.previz.sky import bake_sky
    from director.plan.styles import get_style
    from director.world.state import Environment

    from director.world.scene_kind import choose_scene

    recipe = recipe_for(choose_scene("a beach by the sea", use_embeddings=False))
    grade = Grade(get_style("natural"))
    for quarter in range(96):
        hour = quarter / 4
        light = Light.from_environment(Environment(hour=hour))
        sky = bake_sky(recipe, light, hour, grade, 160, 3)
        assert sky.tex.dtype == np.uint8 and sky.tex.shape[1] > sky.period_px


def test_layer_content_rows_bound_the_opaque_texels():
    """Rows without an opaque texel (warped to nothing) are left out of a layer's draw, and only those; rows
    opaque across the period hide what is behind them."""
    tex = np.zeros((50, 104, 4), np.uint8)
    tex[12, 103, 3] = 1
    tex[30:41, :, 3] = 255
    tex[44, :96, 3] = 255  # opaque over the period (the wrap columns after it do not count)
    tex[46, :, 3] = 255
    tex[46, 7, 3] = 254  # one texel short of opaque
    layer = LayerTexture(spec=None, tex=tex, ppm=10.0, period_px=96, y_top=5.0)
    assert layer.content_rows() == (12, 47)
    assert np.flatnonzero(layer.opaque_between(0, 0, 96)).tolist() == [*range(30, 41), 44]  # the whole period
    # columns 40..59 (of a window from column 96 onwards: the period repeats) do not meet the texel short of
    # opaque, columns 5..41 do
    assert np.flatnonzero(layer.opaque_between(96, 40, 60)).tolist() == [*range(30, 41), 44, 46]
    assert np.flatnonzero(layer.opaque_between(0, 5, 42)).tolist() == [*range(30, 41), 44]
    assert LayerTexture(spec=None, tex=np.zeros((5, 40, 4), np.uint8), ppm=10.0, period_px=32, y_top=5.0).content_rows() == (0, 0)


def test_a_layer_baked_as_views_ask_is_the_whole_bake_in_any_order():
    """Opening a scene bakes only the columns a view asks for; whatever was asked before, a column holds the
    bytes of the whole bake (apron, lamps and glowing windows of a street at dusk included)."""
    from director.engines.previz.grade import Grade
    from director.engines.previz.lighting import Light
    from director.engines.previz.scenes import recipe_for
    from director.engines.previz.textures import bake_layer, paint_layers
    from director.plan.styles import get_style
    from director.world.scene_kind import choose_scene
    from director.world.state import Environment

    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    light = Light.from_environment(Environment(hour=20.0))
    grade = Grade(get_style("1980s film"))
    rng = np.random.default_rng(5)
    for p in paint_layers(recipe, 320, 5):
        args = (p, light, grade, recipe.ground, recipe.indoor, True, recipe.lamps)
        whole = bake_layer(*args).ready()
        lazy = bake_layer(*args)
        period = lazy.period_px
        made = LayerTexture(None, whole, 1.0, period, 0.0)
        assert lazy.content_rows() == made.content_rows()
        assert np.array_equal(lazy.opaque_blocks(), made.opaque_blocks())
        for _ in range(5):
            s0 = float(rng.uniform(-period, 2 * period))
            view, start = lazy.window(s0, s0 + float(rng.uniform(5, period * 0.4)))
            c0 = int(rng.integers(0, view.shape[1]))
            lazy.make(start, c0, view.shape[1])  # a frame makes the columns its warps read
            columns = (start % period + np.arange(c0, view.shape[1])) % period
            assert np.array_equal(view[:, c0:], whole[:, columns])
        assert np.array_equal(lazy.ready(), whole)
        assert np.array_equal(whole[:, period:], whole[:, : whole.shape[1] - period])  # the wrap repeats the period
