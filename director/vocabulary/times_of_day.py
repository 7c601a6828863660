"""Every time of day, defined once: its name in timelines, its hour (previz's sky and light follow
the hour), the phrases that ask for it, the scene words that set the hour a world starts at, plain
phrases for the embedding matcher, and how long the light takes to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

CHANGE_SECONDS = 4.0  # the light changes over 4 s when the directive gives no duration


@dataclass(frozen=True)
class TimeOfDayEntry:
    name: str
    hour: float  # 0..24 local time
    description: str
    phrases: tuple[str, ...] = ()  # lemmas, spaces between words ("sun go down")
    scene_words: Mapping[str, float] = field(default_factory=dict)  # a world whose scene names one starts at that hour
    meanings: tuple[str, ...] = ()
    change_seconds: float = CHANGE_SECONDS


DAWN = TimeOfDayEntry(
    "dawn", 6.5, "the sun rises: a pink, low light",
    ("dawn", "sunrise", "daybreak", "sun rise", "sun come up", "day break", "morning", "first light", "early morning",
     "morning come", "sun be rise", "sun up"),
    {"dawn": 6.5, "sunrise": 6.5, "morning": 8.5},
    ("the sun rises", "dawn breaks", "early morning light"),
)
DAY = TimeOfDayEntry(
    "day", 12.0, "full daylight",
    ("day", "daytime", "noon", "midday", "afternoon", "daylight", "broad daylight", "high noon"),
    {}, ("bright daytime", "midday sunshine", "it is the middle of the day"),
)
DUSK = TimeOfDayEntry(
    "dusk", 19.0, "the sun sets: a warm, fading light; lamps come on",
    ("dusk", "sunset", "evening", "twilight", "sun set", "sun go down", "golden hour", "nightfall", "sundown"),
    {"dusk": 19.0, "sunset": 19.0, "evening": 19.5},
    ("the sun sets", "evening comes", "twilight"),
)
NIGHT = TimeOfDayEntry(
    "night", 23.0, "dark, moonlit; lamps and windows lit",
    ("night", "nighttime", "midnight", "get dark", "grow dark", "darkness fall", "dark", "star come out", "moonlight",
     "moon rise", "moon come out"),
    {"night": 23.0, "midnight": 0.0},
    ("night falls", "it becomes dark", "darkness at night"),
)

TIMES_OF_DAY: Mapping[str, TimeOfDayEntry] = MappingProxyType({e.name: e for e in (DAWN, DAY, DUSK, NIGHT)})
TIME_OF_DAY_NAMES: tuple[str, ...] = tuple(TIMES_OF_DAY)
HOUR_OF: Mapping[str, float] = MappingProxyType({e.name: e.hour for e in TIMES_OF_DAY.values()})
# A scene naming several ("a night at dawn") starts at the first of these that it names.
SCENE_WORD_PRECEDENCE = ("night", "dusk", "dawn")


def time_phrases() -> dict[str, str]:
    """Every phrase → time of day, as the command rules read them."""
    return {phrase: e.name for e in TIMES_OF_DAY.values() for phrase in e.phrases}


def initial_hour(scene: str) -> float:
    """The hour a world starts at from words in its scene ("a street at night" → 23); midday otherwise."""
    words = scene.lower()
    for name in SCENE_WORD_PRECEDENCE:
        for word, hour in TIMES_OF_DAY[name].scene_words.items():
            if word in words:
                return hour
    return DAY.hour
