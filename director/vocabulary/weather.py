"""Every kind of weather, defined once: its name in timelines, the words that ask for it (with the
strength a word implies), plain phrases for the embedding matcher, a description, and how long it
takes to set in. ``world.environment.WEATHER_EFFECTS`` realises each entry on the ``Environment``
(rain, snow, fog, wind levels); previz paints and sounds those levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

SETTLE_SECONDS = 3.0  # weather and light change over 3 s when the directive gives no duration
DEFAULT_LEVEL = 0.7  # strength of weather asked for without a strength word ("it rains")


@dataclass(frozen=True)
class WeatherEntry:
    """One weather. ``words`` maps a lemma to the strength it implies (0..1) or None (``DEFAULT_LEVEL``)."""

    name: str
    description: str
    words: Mapping[str, float | None] = field(default_factory=dict)
    meanings: tuple[str, ...] = ()  # plain phrases for the embedding matcher
    settle_seconds: float = SETTLE_SECONDS


CLEAR = WeatherEntry("clear", "rain, snow, fog and wind die away",
                     meanings=("the sky clears", "sunny clear weather", "the clouds go away"))
RAIN = WeatherEntry(
    "rain", "rain falls (0..1 from drizzle to downpour)",
    {"rain": None, "rainy": None, "raindrop": None, "shower": 0.5, "drizzle": 0.3, "drizzly": 0.3, "sprinkle": 0.3,
     "downpour": 1.0, "pour": 0.9, "rainfall": None, "monsoon": 1.0},
    ("it rains", "rain falls from the sky", "raindrops start falling", "wet rainy weather"),
)
SNOW = WeatherEntry(
    "snow", "snow falls (0..1 from flurries to a blizzard)",
    {"snow": None, "snowy": None, "snowfall": None, "snowflake": None, "flurry": 0.3, "blizzard": 1.0, "sleet": 0.5,
     "snowstorm": 1.0},
    ("it snows", "snowflakes fall", "snowy winter weather"),
)
FOG = WeatherEntry(
    "fog", "mist thickens (0..1 from haze to thick fog)",
    {"fog": None, "foggy": None, "mist": None, "misty": None, "haze": 0.3, "hazy": 0.3, "smog": None},
    ("fog rolls in", "thick mist covers everything", "foggy weather"),
)
WIND = WeatherEntry(
    "wind", "the wind blows (0..1 from a breeze to a gale)",
    {"wind": None, "windy": None, "breeze": 0.3, "breezy": 0.3, "gust": 0.6, "gusty": 0.6, "gale": 1.0},
    ("the wind blows", "a strong breeze", "windy weather"),
)
STORM = WeatherEntry(
    "storm", "heavy rain and wind, with lightning and thunder every few seconds",
    {"rainstorm": None, "storm": None, "stormy": None, "thunderstorm": None, "tempest": 1.0, "hurricane": 1.0,
     "typhoon": 1.0},
    ("a storm arrives", "a violent thunderstorm", "stormy weather"),
)

WEATHERS: Mapping[str, WeatherEntry] = MappingProxyType({e.name: e for e in (CLEAR, RAIN, SNOW, FOG, WIND, STORM)})
WEATHER_NAMES: tuple[str, ...] = tuple(WEATHERS)


def weather_words() -> dict[str, tuple[str, float | None]]:
    """Every weather word → (weather, implied strength), as the command rules read them."""
    out: dict[str, tuple[str, float | None]] = {}
    for entry in WEATHERS.values():
        for word, level in entry.words.items():
            out[word] = (entry.name, level)
    return out
