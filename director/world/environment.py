"""The environment at time t: time of day, weather, artificial light, fades and dissolves, folded from
the timeline's scene changes; and the light a flash of lightning (or an explosion) adds.

Each weather of the vocabulary is realised by a function in ``WEATHER_EFFECTS`` (the levels of rain,
snow, fog and wind it moves towards); times of day by the vocabulary's hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from director.plan.timeline import SceneChange, StyleChange
from director.vocabulary.times_of_day import HOUR_OF, initial_hour
from director.vocabulary.weather import DEFAULT_LEVEL, WEATHERS
from director.world.easing import lerp, lerp_hour_forward, progress
from director.world.state import Environment, Event

# Street lamps come on as daylight fades below DUSK_DAYLIGHT and are fully on LAMPS_RAMP later:
# lights = (DUSK_DAYLIGHT - daylight) * LAMPS_RAMP, clamped to 0..1 (full at daylight 0.15).
DUSK_DAYLIGHT = 0.55
LAMPS_RAMP = 2.5
STORM_RAIN = 0.85  # a storm is at least this rainy and this windy, whatever strength it was asked at
STORM_WIND = 0.8
MISTY_START = 0.2  # fog a "misty forest" starts in (which also lights its nights: moonlit haze)
MISTY_WORDS = frozenset({"misty", "mist", "foggy", "fog", "hazy", "haze"})
FLASH_OF = {"lightning": 1.0, "explosion": 0.8, "burst": 0.35}  # how much each event lights the scene
FLASH_SECONDS = 0.5  # a flash is over half a second after its event
# A lightning flash: a bright stroke, a dim gap, a second stroke, then a fade (seconds, brightness).
FLASH_STROKE, FLASH_GAP, FLASH_RESTRIKE = 0.08, 0.15, 0.25
FLASH_GAP_LEVEL, FLASH_RESTRIKE_LEVEL, FLASH_FADE = 0.25, 0.7, 0.25

WeatherLevels = dict[str, float]
WeatherEffect = Callable[[Environment, float], WeatherLevels]  # (env now, strength) -> levels to move towards
WEATHER_EFFECTS: dict[str, WeatherEffect] = {
    "clear": lambda env, level: {"rain": 0.0, "snow": 0.0, "fog": 0.0, "wind": 0.0},
    "rain": lambda env, level: {"rain": level, "snow": 0.0, "fog": env.fog, "wind": env.wind},
    "snow": lambda env, level: {"rain": 0.0, "snow": level, "fog": env.fog, "wind": env.wind},
    "storm": lambda env, level: {"rain": max(level, STORM_RAIN), "snow": 0.0, "fog": env.fog, "wind": max(level, STORM_WIND)},
    "fog": lambda env, level: {"rain": env.rain, "snow": env.snow, "fog": level, "wind": env.wind},
    "wind": lambda env, level: {"rain": env.rain, "snow": env.snow, "fog": env.fog, "wind": level},
}
assert set(WEATHER_EFFECTS) == set(WEATHERS), "every weather of the vocabulary needs its effect"


@dataclass
class TimedChange:
    """A scene or style change from one directive, with its transition."""

    at: float
    duration: float
    change: SceneChange | StyleChange
    text: str


def initial_fog(scene: str) -> float:
    """How misty a scene is as written: 'a misty pine forest' starts in a light mist."""
    words = set(re.findall(r"[a-z]+", scene.lower()))
    return MISTY_START if words & MISTY_WORDS else 0.0


def starting_hour(scene: str) -> float:
    """The hour a world starts at, from its scene's words (the vocabulary's times of day)."""
    return initial_hour(scene)


def auto_lights(env: Environment) -> float:
    """Street lamps and windows come on as daylight fades, unless a directive says otherwise."""
    return max(0.0, min(1.0, (DUSK_DAYLIGHT - env.daylight) * LAMPS_RAMP))


def flash(dt: float) -> float:
    """Brightness of a flash ``dt`` seconds after it struck (0..1)."""
    if dt < FLASH_STROKE:
        return 1.0
    if dt < FLASH_GAP:
        return FLASH_GAP_LEVEL
    if dt < FLASH_RESTRIKE:
        return FLASH_RESTRIKE_LEVEL
    return max(0.0, FLASH_RESTRIKE_LEVEL * (1 - (dt - FLASH_RESTRIKE) / FLASH_FADE))


def weather(env: Environment, name: str, intensity: float | None, p: float) -> Environment:
    """``env`` moved ``p`` of the way towards the weather ``name`` at ``intensity``."""
    level = intensity if intensity is not None else DEFAULT_LEVEL
    target = WEATHER_EFFECTS[name](env, level)
    return replace(env, **{k: lerp(getattr(env, k), v, p) for k, v in target.items()})


def environment_at(t: float, changes: list[TimedChange], events: list[Event], start: Environment,
                   scene: str, style: str | None) -> tuple[Environment, str, str | None, str]:
    """(environment, scene text, style preset, style words) at ``t``, from ``start`` and the changes so far."""
    env = start
    lights: float | None = None
    style_text = ""
    for c in changes:
        if c.at > t:
            break
        p = progress(t, c.at, c.duration)
        ch = c.change
        if isinstance(ch, StyleChange):
            style = ch.preset or style
            style_text = ch.text or style_text
            continue
        if ch.scene:
            if ch.dissolve and p < 1.0:  # the old scene shows through, less and less
                env = replace(env, dissolve=1.0 - p, dissolve_from=scene)
            else:
                env = replace(env, dissolve=0.0, dissolve_from=None)
            scene = ch.scene
        if ch.time_of_day:
            env = replace(env, hour=lerp_hour_forward(env.hour, HOUR_OF[ch.time_of_day], p))
        if ch.lights is not None:
            base = lights if lights is not None else auto_lights(env)
            lights = lerp(base, 1.0 if ch.lights else 0.0, p)
        if ch.weather:
            env = weather(env, ch.weather, ch.intensity, p)
        if ch.fade:
            env = replace(env, fade=lerp(env.fade, 1.0 if ch.fade == "out" else 0.0, p))
    bright = 0.0
    for e in events:
        if e.kind in FLASH_OF and e.t <= t < e.t + FLASH_SECONDS:
            bright = max(bright, FLASH_OF[e.kind] * flash(t - e.t))
    env = replace(env, lightning=bright, lights=lights if lights is not None else auto_lights(env))
    return env, scene, style, style_text
