"""Continuous light transitions: a per-frame gain that fades between two baked light buckets.

Textures are baked per light bucket (``Light``: 16 daylight steps), so while "night falls" a frame
would jump in brightness at each bucket change (up to ~20 levels of mean luma in an open landscape).
Re-baking finer would cost more; instead each frame gets an RGB gain that moves it from its own bucket
towards the neighbouring one by how far its exact daylight lies towards it (0 at the bucket's centre,
one half at the boundary, where the frames on both sides then meet at the same mean).

How much brighter the neighbour is depends on the scene (a lamp-lit street at night barely changes
where a field goes black), so it is measured: the scene is rendered once per bucket at a small probe
size (96x54, camera at rest, nobody in it) and the ratio of the two probes' mean colours is the gain.
Probes are cached per scene, style and bucket, each rendered at its bucket's own hour
(``Environment.hour_of_daylight``: the sun where that daylight puts it), not at the frame's quarter
hour: a 17:00-21:00 transition renders one probe per bucket it crosses (~15) instead of one per bucket
and quarter hour (~40, 0.3-0.5 s). The probe renders the frame renderer's layers shrunk (``shrink_painted``):
painted again at 96 px, a city's ~10 000 windows cost ~0.14 s and put its dusk gains 2 % off the frames' own.
Pure function of the state: resume and rewind give the same frames.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from director.engines.previz.lighting import Light
from director.engines.previz.textures import LRU
from director.world.state import CameraState, Environment, WorldState

PROBE_SIZE = (96, 54)
GAIN_EPS = 2e-3  # gains this close to 1 change nothing visible: no per-frame multiply


class LightMatcher:
    """``gain(state)``: per-channel multipliers for a frame of ``state`` rendered with its baked bucket,
    or ``None`` when none is needed. ``make_probe(width, height)`` builds the small renderer (lazily)."""

    def __init__(self, make_probe) -> None:
        self._make_probe = make_probe
        self._probe = None
        self._means = LRU(48)

    def gain(self, state: WorldState) -> np.ndarray | None:
        env = state.environment
        weight, other = Light.neighbour(env)
        if other is None or weight < 1e-3:
            return None
        here, there = Light.from_environment(env), Light.from_environment(env, daylight=other)
        if here.key == there.key:
            return None
        g = 1.0 + weight * (self._mean(state, there) / self._mean(state, here) - 1.0)
        return None if np.all(np.abs(g - 1.0) < GAIN_EPS) else g

    def _mean(self, state: WorldState, light: Light) -> np.ndarray:
        env = state.environment
        hour = Environment.hour_of_daylight(light.daylight, light.is_dawn)
        key = (state.scene, state.scene_image, state.style, state.style_image, light.key, env.rain > 0.01,
               env.snow > 0.01)

        def measure() -> np.ndarray:
            if self._probe is None:
                self._probe = self._make_probe(*PROBE_SIZE)
            still = replace(state, t=0.0, entities=(), camera=CameraState(),
                            environment=replace(env, hour=hour, lightning=0.0, fade=0.0))
            frame = self._probe.render(still, 0, light=light)
            return frame.reshape(-1, 3).mean(axis=0) + 1.0  # +1: no division by a black probe

        return self._means.get_or(key, measure)
