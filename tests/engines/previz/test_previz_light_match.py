"""The per-frame fade between light buckets measures each bucket once, at that bucket's own hour."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz.compositor import WorldRenderer
from director.engines.previz.lighting import LIGHT_STEPS, Light
from director.world.state import Environment, WorldState


@pytest.mark.parametrize("is_dawn", [True, False])
def test_every_daylight_bucket_has_an_hour_on_its_side_of_noon(is_dawn):
    for b in range(LIGHT_STEPS + 1):
        hour = Environment.hour_of_daylight(b / LIGHT_STEPS, is_dawn)
        light = Light.from_environment(Environment(hour=hour))
        assert light.daylight == b / LIGHT_STEPS and light.is_dawn == is_dawn, (b, hour, light)


def test_a_transition_probes_each_bucket_once_whatever_the_quarter_hour():
    """17:00 -> 21:00 crosses ~15 buckets; keyed by quarter hour too, the probes were ~40 (0.3-0.5 s at 1280)."""
    renderer = WorldRenderer(160, 90, 2)
    hours = np.linspace(16.5, 21.0, 120)
    buckets = set()
    for i, hour in enumerate(hours):
        env = Environment(hour=float(hour))
        buckets.add(Light.from_environment(env).key)
        renderer.render(WorldState(i / 24, scene="countryside fields", environment=env), i)
    probes = len(renderer._light_match._means)
    assert 0 < probes <= len(buckets) + 1, (probes, len(buckets))  # the buckets crossed and the last one's neighbour


def test_dusk_bakes_one_sky_per_light_bucket_at_the_hour_its_probe_renders():
    """At dawn and dusk a sky is baked at its light bucket's own hour: one sky per bucket crossed (keyed by
    quarter hour as well, a dusk baked ~2 per bucket), and it is the sky the bucket's light probe saw."""
    from director.engines.previz import compositor

    renderer = WorldRenderer(160, 90, 2)
    baked: list[float] = []
    real = compositor.bake_sky

    def counting(recipe, light, hour, grade, width, seed, pool=None):
        if width == renderer.width:
            baked.append(hour)
        return real(recipe, light, hour, grade, width, seed, pool)

    compositor.bake_sky = counting
    try:
        buckets = set()
        for i, hour in enumerate(np.linspace(17.0, 20.0, 90)):
            env = Environment(hour=float(hour))
            light = Light.from_environment(env)
            buckets.add(light.key)
            renderer.render(WorldState(i / 24, scene="a street in Paris", environment=env), i)
    finally:
        compositor.bake_sky = real
    assert len(baked) == len(buckets) >= 8, (len(baked), len(buckets))
    for hour in baked:  # the bucket's own hour: the hour the light probes render at
        light = Light.from_environment(Environment(hour=hour))
        assert hour == pytest.approx(Environment.hour_of_daylight(light.daylight, light.is_dawn))


def test_full_day_and_night_skies_still_follow_the_quarter_hour():
    from director.engines.previz.compositor import SKY_HOUR_STEP, sky_hour

    for hour in (11.1, 13.4, 23.2, 2.6):
        light = Light.from_environment(Environment(hour=hour))
        assert light.daylight in (0.0, 1.0)
        assert sky_hour(light, hour) == round(hour / SKY_HOUR_STEP) * SKY_HOUR_STEP


def test_probes_borrow_the_frame_renderers_paintings_and_measure_what_the_frames_show():
    """The light probes render the frame renderer's layers shrunk (not painted again at 96 px: ~0.14 s for
    a city's windows). Their fade gain at dusk is that of the frames themselves (the mean colours of full
    size renders of the two buckets) within 0.5 %; painted again at 96 px, their windows missed it by up to 2 %."""
    from dataclasses import replace

    renderer = WorldRenderer(320, 180, 3)
    full = WorldRenderer(320, 180, 3)
    worst, measured = 0.0, 0
    for hour in (18.85, 19.45, 19.9, 20.5):
        env = Environment(hour=hour)
        state = WorldState(0.0, scene="a street in Paris", environment=env)
        renderer.render(state, 0)
        gain = renderer._light_match.gain(state)
        weight, other = Light.neighbour(env)
        if gain is None:  # on a bucket's centre: nothing to fade
            continue

        def mean(light: Light) -> np.ndarray:
            at = replace(env, hour=Environment.hour_of_daylight(light.daylight, light.is_dawn))
            return full.render(replace(state, environment=at), 0, light=light).reshape(-1, 3).mean(axis=0) + 1.0

        here, there = Light.from_environment(env), Light.from_environment(env, daylight=other)
        truth = 1.0 + weight * (mean(there) / mean(here) - 1.0)
        worst, measured = max(worst, float(np.abs(gain - truth).max())), measured + 1
    assert measured == 4 and worst < 0.005, (measured, worst)
    probe = renderer._light_match._probe
    assert probe is not None and len(probe._scenes) == 1
    (scene,) = probe._scenes.values()
    ours = next(iter(renderer._scenes.values()))
    assert [p.canvas.ppm < q.canvas.ppm for p, q in zip(scene.painted, ours.painted)] == [True] * len(ours.painted)


def test_probes_borrow_the_frame_renderers_ground_too(monkeypatch):
    """The light probes' ground is the frame renderer's tile, area-averaged to the probe's size: painted again at
    96 px it cost ~20-50 ms at the first light change of every scene. Fails if the probe paints its own."""
    from director.engines.previz import compositor
    from director.engines.previz.light_match import PROBE_SIZE
    from director.engines.previz.textures import ground_tile_size, paint_ground

    painted = []
    monkeypatch.setattr(compositor, "paint_ground", lambda *a: painted.append(a[1]) or paint_ground(*a))
    renderer = WorldRenderer(320, 180, 3)
    state = WorldState(0.0, scene="a street in Paris", environment=Environment(hour=19.45))
    renderer.render(state, 0)
    assert renderer._light_match.gain(state) is not None  # the probe rendered
    assert painted == [320]  # the frame renderer's, once
    (scene,) = renderer._light_match._probe._scenes.values()
    ours = next(iter(renderer._scenes.values()))
    assert scene.ground_tile.shape[1::-1] == ground_tile_size(PROBE_SIZE[0])
    assert scene.ground_ppm < ours.ground_ppm
    assert np.abs(scene.ground_tile.reshape(-1, 3).mean(0) - ours.ground_tile.reshape(-1, 3).mean(0)).max() < 1.0
