"""The sky bake: its sum of light-independent planes equals the plain formula, and no cache or bake order
changes a sky."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from director.engines.previz import sky, textures
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import recipe_for
from director.plan.styles import get_style
from director.world.scene_kind import choose_scene
from director.world.state import Environment

WIDTH = 320  # a 120 x 430 sky: every part of the bake, small
SEED = 3


def _recipe(text: str):
    return recipe_for(choose_scene(text, use_embeddings=False))


def _plain_sky(recipe, light: Light, hour: float, grade: Grade) -> np.ndarray:
    """The sky by the plain formula, step by step on whole float32 images in the order of the module's
    docstring: gradient + glow, disc blended, stars maxed, milky way added, clouds blended, fogged, top rows
    faded to their mean. It shares the bake's light-independent fields and glow plane, not its algebra."""
    geo = sky.SkyGeometry.for_width(WIDTH)
    sl = sky.SkyLight.of(recipe, light, hour)
    fields = sky.sky_fields(geo, recipe.stars, sl.cover, SEED, sl.night > 0)
    img = geo.row_colours(sl.zenith, sl.horizon)[:, None, :] + sky.glow_field(geo, *sl.sun, sl.glow_terms)[..., None] * sl.glow_color
    flat = img.reshape(-1, 3)
    at, w = sky._disc(geo, *sl.sun, *sl.disc)
    flat[at] = flat[at] * (1 - w[:, None]) + w[:, None] * sl.disc_color
    if sl.night > 0:
        stars = fields.star_texels
        flat[stars] = np.maximum(flat[stars], (fields.star_brightness * sl.night)[:, None])
        if fields.milky_way is not None:
            img += fields.milky_way[..., None] * (np.asarray(sky.MILKY_WAY_COLOR) * sl.night).astype(np.float32)
    if fields.clear is not None:
        d = (1 - fields.clear)[..., None]
        img = img * (1 - d) + d * sl.cloud_color.astype(np.float32)
    if sl.fog > 0:
        f = (sl.fog * (1.0 - 0.5 * np.clip(geo.tan_el / 1.5, 0, 1))).astype(np.float32)[:, None, None]
        img = img * (1 - f) + f * sl.fog_color.astype(np.float32)
    k = len(geo.fade)
    t = geo.fade[:, None, None]
    img[:k] = img[:k] * (1 - t) + t * img[:k].mean(axis=1, keepdims=True)
    return grade.apply(np.clip(img, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(
    "scene, hour, weather",
    [
        ("a street in Paris", 13.0, {}),  # day: broad glow, sun disc, clouds
        ("a street in Paris", 18.75, {"rain": 0.3}),  # dusk under rain
        ("countryside fields", 19.5, {"fog": 0.6}),  # fog: a colour and a scale per row
        ("countryside fields", 23.0, {}),  # night: stars, some of them in the faded top rows, moon
        ("night sky full of stars", 2.0, {}),  # milky way
        ("night sky full of stars", 19.25, {"snow": 0.5}),  # dusk: sun glow and milky way, four planes
    ],
)
def test_the_sky_as_a_sum_of_planes_is_the_plain_formula(scene, hour, weather):
    recipe, grade = _recipe(scene), Grade(get_style("natural"))  # natural: the identity grade
    light = Light.from_environment(Environment(hour=hour, **weather))
    baked = sky.bake_sky(recipe, light, hour, grade, WIDTH, SEED).periodic
    plain = _plain_sky(recipe, light, hour, grade)
    diff = np.abs(baked.astype(int) - plain.astype(int))
    # the same sums in another order: a level apart where a value lands within float rounding of a level
    assert diff.max() <= 1 and diff.mean() < 0.002, (diff.max(), diff.mean())


def _transition(recipe) -> list[tuple[Light, float]]:
    """The skies of a "night falls" under light fog: light buckets and quarter hours, stars coming out."""
    out = []
    for hour in np.arange(17.0, 22.01, 0.25):
        env = Environment(hour=float(hour), fog=0.2 if hour > 20 else 0.0)
        out.append((Light.from_environment(env), float(hour)))
    return out


def test_a_sky_is_the_same_bytes_whatever_was_baked_before():
    """Resume and rewind bake a transition's skies in another order, after other scenes and weathers have
    taken the cached fields: every sky must still be the same bytes."""
    city, field = _recipe("a street in Paris"), _recipe("countryside fields")
    grade = Grade(get_style("noir"))
    skies = _transition(city)
    forward = [sky.bake_sky(city, light, hour, grade, WIDTH, SEED).periodic for light, hour in skies]
    sky._FIELDS.clear()
    backward = []
    for light, hour in reversed(skies):
        other = Light.from_environment(Environment(hour=hour, rain=0.9))  # another cover: other fields
        sky.bake_sky(field, other, hour, grade, WIDTH, SEED)
        backward.append(sky.bake_sky(city, light, hour, grade, WIDTH, SEED).periodic)
    for (light, hour), a, b in zip(skies, forward, reversed(backward)):
        assert np.array_equal(a, b), (hour, light.key)
    assert len({a.tobytes() for a in forward}) == len(forward)  # the transition changes every sky


def test_skies_baked_on_several_threads_are_the_skies_baked_on_one():
    recipe, grade = _recipe("night sky full of stars"), Grade(get_style("natural"))
    skies = _transition(recipe)
    serial = [sky.bake_sky(recipe, light, hour, grade, WIDTH, SEED).periodic for light, hour in skies]
    sky._FIELDS.clear()
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda lh: sky.bake_sky(recipe, lh[0], lh[1], grade, WIDTH, SEED).periodic, skies))
    assert all(np.array_equal(a, b) for a, b in zip(serial, threaded))


def test_the_cached_fields_are_read_only():
    """Bakes share them: a bake that wrote into one would change the skies baked after it."""
    geo = sky.SkyGeometry.for_width(WIDTH)
    fields = sky.sky_fields(geo, 3.0, 0.5, SEED, night=True)
    for plane in (fields.clear, fields.under_clouds, fields.clouds, fields.milky_way, fields.star_texels):
        assert plane is not None and not plane.flags.writeable


def test_the_wrapped_texture_repeats_the_period():
    baked = sky.bake_sky(_recipe("a beach by the sea"), Light.from_environment(Environment(hour=9.0)), 9.0,
                         Grade(get_style("natural")), WIDTH, SEED)
    tex, period = baked.tex, baked.period_px
    assert tex.shape[1] > period and np.array_equal(tex[:, :period], baked.periodic)
    assert np.array_equal(tex[:, period:], baked.periodic[:, : tex.shape[1] - period])


@pytest.mark.parametrize("scene, hour, weather", [
    ("a street in Paris", 13.0, {}),  # clouds, the sun's disc and glow
    ("countryside fields", 19.5, {"fog": 0.6}),  # a row scale
    ("night sky full of stars", 19.25, {"snow": 0.5}),  # four planes, stars in the faded top rows
    ("a street in Paris", 18.75, {"rain": 0.3}),
])
def test_a_skys_columns_made_as_asked_are_the_bytes_of_a_whole_bake(scene, hour, weather):
    """Texels are made when a view asks for them (a view sees a fifth to a third of the turn, a fifth of the
    rows): in any order, and across the wrap, they are the bytes of the sky made at once."""
    recipe, env = _recipe(scene), Environment(hour=hour, **weather)
    light, grade = Light.from_environment(env), Grade(get_style("noir" if "fog" in weather else "natural"))
    whole = sky.bake_sky(recipe, light, hour, grade, WIDTH, SEED).periodic.copy()
    lazy = sky.bake_sky(recipe, light, hour, grade, WIDTH, SEED)
    period = lazy.period_px
    lazy.made(period - 50, period + 40)  # across the wrap: the last 50 columns and the first 40
    assert np.array_equal(lazy.texels[:, period - 50 :], whole[:, period - 50 :])
    assert np.array_equal(lazy.texels[:, :40], whole[:, :40])
    assert not lazy.fill.done.all()  # the rest is not made yet
    rows = lazy.texels.shape[0]
    lazy.made(period // 2, period // 2 + 10, (rows // 3, rows // 3 + 5))  # a few rows: a band of them is made
    assert np.array_equal(lazy.texels[rows // 3 : rows // 3 + 5, period // 2 : period // 2 + 10],
                          whole[rows // 3 : rows // 3 + 5, period // 2 : period // 2 + 10])
    assert not lazy.fill.done[:, (period // 2) // sky.SKY_COLUMN_BLOCK].all()  # not the other rows
    assert np.array_equal(lazy.periodic, whole)


@pytest.mark.parametrize("camera, most", [
    (dict(yaw=30.0, pitch=5.0), 0.15),  # ~60 of 360 degrees, ~20 degrees up: a tenth of the texels
    (dict(yaw=-120.0, pitch=-10.0), 0.15),
    (dict(yaw=200.0, pitch=35.0, roll=12.0), 0.5),
    (dict(yaw=10.0, pitch=80.0), 1.0),  # straight up: every azimuth
])
def test_a_frame_makes_only_the_sky_it_sees(monkeypatch, camera, most):
    from director.engines.previz.compositor import WorldRenderer
    from director.world.state import CameraState, WorldState

    monkeypatch.setattr(textures, "ROW_BAND", 1)  # texels made row by row and column by column, as asked:
    monkeypatch.setattr(sky, "SKY_COLUMN_BLOCK", 1)  # one row or column too few would show in the frame
    renderer = WorldRenderer(640, 360, SEED)
    state = WorldState(0.0, scene="a beach by the sea", camera=CameraState(**camera),
                       environment=Environment(hour=15.0))
    frame = renderer.render(state, 0).copy()
    (baked,) = renderer._skies.values()
    made = baked.fill.done.mean()
    assert 0 < made <= most, made
    baked.periodic  # the whole sky made: the frame is the same
    assert np.array_equal(renderer.render(state, 0), frame)


def test_a_dawn_keeps_the_day_and_night_fields_of_the_frames_and_of_the_light_probes():
    """Crossing dawn, the frames and the 96 px light probes each bake night (stars) and day skies: the four
    light-independent field sets stay cached (with two, every bucket rebuilt some, ~17 ms each at 1280)."""
    keys = [(sky.SkyGeometry.for_width(w), night) for w in (WIDTH, 96) for night in (True, False)]
    first = [sky.sky_fields(geo, 1.0, 0.3, SEED, night) for geo, night in keys]
    again = [sky.sky_fields(geo, 1.0, 0.3, SEED, night) for geo, night in reversed(keys)][::-1]
    assert all(a is b for a, b in zip(first, again))
