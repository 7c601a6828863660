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

    def counting(recipe, light, hour, grade, width, seed):
        if width == renderer.width:
            baked.append(hour)
        return real(recipe, light, hour, grade, width, seed)

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
