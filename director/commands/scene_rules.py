"""Rules for the scene: weather, time of day, lights, events, and a change of setting.

"it starts to rain", "it begins to drizzle", "night falls", "the lights go out", "lightning
strikes", "we are now in a forest". Several of these in one clause give one SceneChange with
several fields ("a heavy storm at night").
"""

from __future__ import annotations

import re

from director.commands import lexicon as lx
from director.commands.characters import Cast
from director.commands.clauses import Clause
from director.commands.result import ClauseReading
from director.plan.timeline import SceneChange

_SETTINGS = tuple(re.compile(p, re.IGNORECASE) for p in lx.SETTING_PATTERNS)


def _weather(clause: Clause) -> tuple[dict[str, object], list[str]]:
    fields: dict[str, object] = {}
    notes: list[str] = []
    found = clause.first_of(lx.WEATHER_WORDS)
    lemmas = set(clause.lemmas)
    if found is not None:
        at, phrase = found
        weather, implied = lx.WEATHER_WORDS[phrase]
        if lemmas & lx.STOP_WORDS_WEATHER or clause.find("no more") >= 0:
            return {"weather": "clear"}, [f"'{clause.text}' read as clear weather"]
        fields["weather"] = weather
        written = next((lx.INTENSITY_WORDS[w] for w in clause.lemmas if w in lx.INTENSITY_WORDS), None)
        if written is not None or implied is not None:
            fields["intensity"] = written if written is not None else implied
        if phrase != weather:
            notes.append(f"'{phrase}' read as {weather}" + (f" (intensity {fields['intensity']})" if "intensity" in fields else ""))
        return fields, notes
    clear = clause.first_of(lx.CLEAR_PHRASES)
    if clear is not None and (clear[1] != "clear" or lemmas & {"sky", "weather", "up", "cloud", "fog", "mist"}):
        fields["weather"] = "clear"
    return fields, notes


def _time(clause: Clause) -> str | None:
    found = clause.first_of(lx.TIME_PHRASES)
    if found is None:
        return None
    # "day" in "night and day" is fine; "the day's last light" is rare; "good morning" is not a command.
    return lx.TIME_PHRASES[found[1]]


def _lights(clause: Clause) -> bool | None:
    for i, token in enumerate(clause.tokens):
        if token.lemma not in lx.LIGHT_NOUNS:
            continue
        if token.word == "light" and i + 1 < len(clause) and clause.tokens[i + 1].lemma in lx.WEATHER_WORDS:
            continue  # "light rain"
        window = Clause.of(" ".join(clause.words[max(0, i - 3): i + 4]))
        if window.first_of(lx.LIGHTS_OFF_PHRASES) is not None:
            return False
        if window.first_of(lx.LIGHTS_ON_PHRASES) is not None:
            return True
    if clause.first_of(("blackout", "power cut", "power go out")) is not None:
        return False
    return None


def _event(clause: Clause) -> str | None:
    found = clause.first_of(lx.EVENT_WORDS)
    if found is None:
        return None
    if found[1] == "bolt" and clause.find("lightning") < 0 and clause.find("of") < 0:
        return None  # "the cat bolts"
    return lx.EVENT_WORDS[found[1]]


def setting(clause: Clause, cast: Cast) -> str | None:
    """The new place in "we are now in a forest", "cut to a beach at night", or None.

    "cut to a wide shot" and "cut to the girl" are camera cuts, not settings.
    """
    for pattern in _SETTINGS:
        m = pattern.match(clause.text)
        if m is None:
            continue
        place = m.group("x").strip()
        rest = Clause.of(place)
        if rest.first_of(lx.SHOT_SIZES) is not None or rest.find("shot") >= 0 or rest.find("black") == 0:
            return None
        if cast.mention_at(rest, 0, allow_new=False) is not None or not place:
            return None
        if rest.lemmas and rest.lemmas[0] in lx.DIRECTION_WORDS:
            return None  # "move to the left"
        return place
    return None


def scene_fields(clause: Clause) -> tuple[dict[str, object], list[str]]:
    """Weather, time of day, lights and event found anywhere in the clause."""
    fields, notes = _weather(clause)
    time_of_day = _time(clause)
    if time_of_day is not None:
        fields["time_of_day"] = time_of_day
    event = _event(clause)
    if event is not None:
        fields["event"] = event
    lights = _lights(clause) if event not in ("fireworks", "lightning") else None  # "fireworks light up the sky"
    if lights is not None:
        fields["lights"] = lights
    return fields, notes


_FADE_OUT = re.compile(r"\b(fade|fades|fading|cut)\s+(out|to\s+black|down)\b|\bfade\s*-?\s*out\b|\bgo(es)?\s+to\s+black\b")
_FADE_IN = re.compile(r"\b(fade|fades|fading)\s+(in|up|back)\b|\bfade\s*-?\s*in\b|\b(fade|fades|fading)\s+(in\s+|up\s+)?from\s+black\b")


_DISSOLVE = re.compile(r"^(?:slow(?:ly)?\s+)?(?:dissolve|cross-?\s?fade|mix)\b", re.IGNORECASE)


def _fade(text: str) -> str | None:
    """'out' for "fade to black" / "fade out", 'in' for "fade in (from black)" / "fade up", else None."""
    low = text.lower()
    if _FADE_IN.search(low):
        return "in"
    if _FADE_OUT.search(low):
        return "out"
    return None


def read_scene(clause: Clause, cast: Cast) -> ClauseReading | None:
    """Read a scene change, or None when the clause names no weather, time, light, event or place."""
    # 0. Transitions: "fade to black", "fade out", "fade in from black", "fade up".
    fade = _fade(clause.text)
    if fade is not None:
        return ClauseReading((SceneChange(fade=fade),), "rules", (f"fade {fade}",))
    # 1. A new setting; its words may also set weather and time ("a snowy forest at night").
    place = setting(clause, cast)
    target = Clause.of(place) if place is not None else clause
    # 2. Weather, time of day, lights, events.
    fields, notes = scene_fields(target)
    if place is not None:
        fields["scene"] = place
        notes.append(f"new setting: {place}")
        if _DISSOLVE.search(clause.text):  # "dissolve to a beach": the new place fades in over the old
            fields["dissolve"] = True
    if not fields:
        return None
    return ClauseReading((SceneChange(**fields),), "rules", tuple(notes))  # type: ignore[arg-type]
