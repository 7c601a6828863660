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
