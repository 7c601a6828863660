"""Light from the environment: sky colours, ambient light on the world, glow of lamps, fog.

Everything that textures bake in is quantised into a ``Light.key`` so baked textures can be cached
per lighting bucket while a "night falls" transition runs; the flash of lightning is applied per
frame instead (it is brief).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from director.world.state import Environment

LIGHT_STEPS = 16  # daylight quantisation for baked textures
LIGHTS_STEPS = 4  # artificial-light quantisation
FOG_STEPS = 8
OVERCAST_STEPS = 4
CLEAR_AIR_M = 2500.0  # metres over which clear air fades a distant thing by 1/e
FOG_M = 400.0  # the same in the lightest fog (thicker fog divides it, see ``Light.haze``)
NIGHT_AIR = 0.4  # how far the night air itself glows, at NIGHT_AIR_M and beyond
NIGHT_AIR_M = 25.0
MAX_HAZE = 0.96  # the farthest thing keeps a trace of itself

# Sky colour keys: (daylight, zenith RGB, horizon RGB).
_NIGHT = ((10, 15, 38), (30, 38, 70))  # a moonlit sky, not a black one: night scenes must read
_TWILIGHT = ((40, 60, 120), (240, 150, 100))
_DAY = ((60, 120, 215), (175, 210, 240))


def _mix(a, b, w: float) -> np.ndarray:
    return np.asarray(a, dtype=np.float64) * (1 - w) + np.asarray(b, dtype=np.float64) * w


LIGHT_MEMO = 512  # colours kept per method: a transition crosses ~16 buckets, a long render a few hundred


def _frozen(value):
    """``value`` (an array, or a tuple holding some) with its arrays made read-only: every caller shares them."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple):
        value = tuple(_frozen(v) for v in value)
    return value


def _per_light(method):
    """``method`` of a ``Light`` worked out once per light (and argument): a frame asks for the same colours
    many times (the layers' bakes, the ground, every figure, the sky, the light probes: ~1 700 colour mixes in
    a transition's pass of the benchmark), and a ``Light`` is a value. What it gives is read-only."""
    cached = functools.lru_cache(maxsize=LIGHT_MEMO)(lambda light, *args, **kw: _frozen(method(light, *args, **kw)))

    @functools.wraps(method)
    def memoised(self, *args, **kw):  # (keywords too: the methods' own signatures, as before the memo)
        return cached(self, *args, **kw)

    return memoised


@dataclass(frozen=True)
class Light:
    """Quantised lighting for one instant. Colours are RGB 0..255, multipliers 0..~1.2."""

    daylight: float  # 0 night .. 1 midday (quantised)
    warmth: float  # 0..1, low sun (dawn/dusk) colouring
    overcast: float  # 0..1 from rain/snow/fog
    lights: float  # 0..1 artificial lights in effect (quantised; more at night)
    fog: float  # 0..1 (quantised)
    is_dawn: bool  # sun in the east (affects sun position only)

    @classmethod
    def from_environment(cls, env: Environment, daylight: float | None = None) -> Light:
        """The quantised light of ``env`` (``daylight`` overrides its daylight before quantising)."""
        day = round((env.daylight if daylight is None else daylight) * LIGHT_STEPS) / LIGHT_STEPS
        h = env.hour % 24
        warmth = max(0.0, 1.0 - abs(day - 0.35) / 0.3) if 0.0 < day < 0.75 else 0.0
        overcast = round(min(1.0, 0.8 * env.rain + 0.6 * env.snow + 0.5 * env.fog) * OVERCAST_STEPS) / OVERCAST_STEPS
        # Lamps come on by themselves at dusk; ``lights`` adds explicit ones.
        auto = max(0.0, 1.0 - day / 0.45)
        lights = round(min(1.0, max(env.lights, auto)) * LIGHTS_STEPS) / LIGHTS_STEPS
        fog = round(env.fog * FOG_STEPS) / FOG_STEPS
        return cls(daylight=day, warmth=round(warmth, 2), overcast=overcast, lights=lights, fog=fog, is_dawn=h < 12)

    @staticmethod
    def neighbour(env: Environment) -> tuple[float, float | None]:
        """Where ``env``'s daylight sits between its bucket and the nearest other one: (weight of the other
        bucket 0..0.5, that bucket's daylight), or (0, None) on a bucket's centre or past the ends."""
        x = env.daylight * LIGHT_STEPS
        b = round(x)
        other = b + (1 if x > b else -1)
        if x == b or not 0 <= other <= LIGHT_STEPS:
            return 0.0, None
        return abs(x - b), other / LIGHT_STEPS

    @property
    def key(self) -> tuple:
        return (self.daylight, self.warmth, self.overcast, self.lights, self.fog, self.is_dawn)

    @_per_light
    def sky_colors(self) -> tuple[np.ndarray, np.ndarray]:
        """(zenith, horizon) RGB of the clear or overcast sky."""
        d = self.daylight
        if d < 0.35:
            w = d / 0.35
            zen, hor = _mix(_NIGHT[0], _TWILIGHT[0], w), _mix(_NIGHT[1], _TWILIGHT[1], w)
        else:
            w = min(1.0, (d - 0.35) / 0.4)
            zen, hor = _mix(_TWILIGHT[0], _DAY[0], w), _mix(_TWILIGHT[1], _DAY[1], w)
        # Storm clouds are dark by day, not a bright veil; at night they keep the moonlit floor's glow.
        grey = (0.25 + 0.55 * d) * (1.0 - 0.4 * self.overcast * (0.35 + 0.65 * d))
        cloud = np.array([grey, grey, grey * 1.05]) * 200
        zen = _mix(zen, cloud * 0.8, self.overcast * 0.85)
        hor = _mix(hor, cloud, self.overcast * 0.85)
        return zen, hor

    @_per_light
    def ambient(self) -> np.ndarray:
        """RGB multiplier for lit surfaces."""
        d = self.daylight
        # Night keeps a moonlight floor (day-for-night exposure), as night cinematography does.
        base = 0.3 + 0.7 * math.sqrt(d)
        rgb = np.array([base, base, base])
        rgb *= _mix((0.62, 0.72, 1.0), (1.0, 1.0, 1.0), min(1.0, d * 2.5))  # moonlight is blue
        rgb *= _mix((1.0, 1.0, 1.0), (1.1, 0.88, 0.7), self.warmth)  # low sun is warm
        rgb *= 1.0 - 0.45 * self.overcast * (0.35 + 0.65 * d)  # an overcast storm sky takes much of the daylight
        return rgb

    def darkness(self) -> float:
        """0 in daylight .. 1 at night: how much figures need help to read."""
        return max(0.0, 1.0 - self.daylight / 0.45)

    @_per_light
    def lamp_fill(self, lamps: float) -> np.ndarray:
        """RGB light that a scene's street lamps add at night (``lamps``: how lamp-lit the scene is, 0..1)."""
        return np.array([0.5, 0.42, 0.3]) * self.lights * lamps * self.darkness()

    @_per_light
    def figure_fill(self, lamps: float) -> np.ndarray:
        """RGB multiplier for figures: ambient, plus lamp light and a little film "moonlight" at night.

        Figures are what a creator directs: lit a touch brighter than their surroundings, they read
        as they would under a cinematographer's fill light instead of vanishing into the dark.
        """
        moon = np.array([0.26, 0.28, 0.36]) * self.darkness()
        return np.clip(self.ambient() + self.lamp_fill(lamps) * 1.2 + moon, 0.0, 1.15)

    @_per_light
    def rim(self, lamps: float) -> tuple[np.ndarray, float]:
        """(RGB colour, strength 0..1) of the edge light that outlines figures in the dark."""
        warm = lamps * self.lights
        col = np.array([255.0, 205.0, 150.0]) * warm + np.array([175.0, 195.0, 255.0]) * (1.0 - warm)
        return col, 0.85 * self.darkness() + 0.25 * self.fog

    def glow(self) -> float:
        """Strength of emissive surfaces (windows, lamps): visible when it is dark."""
        return self.lights * (1.0 - 0.7 * self.daylight)

    @_per_light
    def fog_color(self) -> np.ndarray:
        zen, hor = self.sky_colors()
        # Moonlit fog glows grey-blue rather than going black: a night in mist is lit by its own haze, as
        # cinematographers light it (a soft backlit veil that separates the trees from each other).
        # Clear night air keeps the darker floor (a lamp-lit street must still read as night).
        clear_night = _mix(hor, (200, 200, 205), 0.3) * 0.45
        moonlit_mist = _mix(hor, (150, 165, 205), 0.5) * 0.8
        night = _mix(clear_night, moonlit_mist, min(1.0, self.fog * 3.0))
        return _mix(night, _mix(hor, (200, 200, 205), 0.3), min(1.0, self.daylight / 0.45))

    def haze(self, depth: float) -> float:
        """Fraction of fog colour at ``depth`` metres: light aerial haze plus fog."""
        return float(self._haze(depth, math.exp, min))

    def hazes(self, depths: np.ndarray) -> np.ndarray:
        """``haze`` of every depth in an array (float64, same shape): the ground's rows, without a Python
        loop over them (the same formula, element by element)."""
        return self._haze(np.asarray(depths, np.float64), np.exp, np.minimum)

    def _haze(self, depth, exp, least):
        """The haze formula on a depth or an array of them (``exp``, ``least``: math's or numpy's)."""
        fog_m = FOG_M / (1.0 + 60.0 * self.fog**1.5)
        # At night the air itself glows faintly with moonlight: distance fades into blue-grey, not black,
        # which keeps a night landscape's layers apart (as night cinematography's backlit haze does).
        night_air = NIGHT_AIR * self.darkness() * least(1.0, depth / NIGHT_AIR_M)
        clear = exp(-depth / CLEAR_AIR_M - (depth / fog_m if self.fog > 0 else 0.0))
        return least(MAX_HAZE, 1.0 - clear * (1.0 - night_air))

    def sun_direction(self, hour: float) -> tuple[float, float]:
        """(azimuth radians from +z, elevation radians) of the sun, or the moon at night."""
        h = hour % 24
        if 6.0 <= h <= 20.0:
            frac = (h - 6.0) / 14.0
            return math.radians(-70 + 140 * frac), math.radians(55) * math.sin(math.pi * frac)
        frac = ((h - 20.0) % 24) / 10.0
        return math.radians(60 - 120 * frac), math.radians(10 + 35 * math.sin(math.pi * frac))
