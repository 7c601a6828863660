"""Small readers shared by the rules: where the verb starts, pace, amounts, directions, places."""

from __future__ import annotations

from typing import Literal

from director.commands import lexicon as lx
from director.commands.clauses import Clause

Pace = Literal["slow", "normal", "fast"]
_NEAR_LIMIT = 3  # "in/out/up/down" count as a direction only this close after the verb


def skip_leading(clause: Clause, i: int = 0) -> int:
    """Index of the first token after fillers ("then", "suddenly", "all of a sudden", "starts to")."""
    while i < len(clause):
        phrase = clause.longest_at(lx.LEADING_PHRASES, i)
        if phrase is not None:
            i += len(phrase.split())
            continue
        token = clause.tokens[i]
        if token.word in lx.FILLER and token.word not in ("right", "away", "that", "of", "all") or token.word in lx.ADVERBS:
            i += 1
            continue
        if token.lemma in lx.START_VERBS and i + 1 < len(clause):
            i += 2 if clause.tokens[i + 1].word == "to" else 1
            continue
        break
    return i


def skip_camera_subject(clause: Clause, i: int) -> tuple[int, bool]:
    """Skip "the camera", "we", "let's" at ``i`` (and the fillers after it); True if one was there."""
    phrase = clause.longest_at(lx.CAMERA_SUBJECTS, i)
    if phrase is None:
        return i, False
    return skip_leading(clause, i + len(phrase.split())), True


def pace(clause: Clause) -> Pace | None:
    """"slow" / "fast" when the clause says so ("slowly", "whip pan", "quick zoom")."""
    lemmas = set(clause.lemmas) | set(clause.words)
    if lemmas & lx.SLOW_WORDS:
        return "slow"
    if lemmas & lx.FAST_WORDS:
        return "fast"
    return None


def _number(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return lx.NUMBER_WORDS.get(word)


def amount(clause: Clause, start: int = 0) -> tuple[float, str] | None:
    """The first written amount after ``start``: (value, "degrees" | "factor" | "metres")."""
    words = clause.words
    for i in range(start, len(words)):
        w = words[i]
        if w in ("twice", "double"):
            return 2.0, "factor"
        value = _number(w) if (w[0].isdigit() or w in lx.NUMBER_WORDS) else None
        if w == "x" and i + 1 < len(words):  # "x2"
            after = _number(words[i + 1]) if words[i + 1][0].isdigit() else None
            if after is not None:
                return after, "factor"
        if value is None or w in ("one", "half"):
            continue
        unit = clause.tokens[i + 1].lemma if i + 1 < len(words) else ""
        if unit in lx.DEGREE_UNITS:
            return value, "degrees"
        if unit in lx.ZOOM_UNITS:
            return value, "factor"
        if unit in lx.METRE_UNITS:
            return value * lx.METRE_UNITS[unit], "metres"
        return value, "bare"
    return None


def direction(clause: Clause, after: int) -> tuple[lx.Direction, int] | None:
    """The first direction word after token ``after`` and its index.

    "left"/"right"/"closer"/"away" count anywhere; the particles "in", "out", "up", "down",
    "back" only close to the verb ("zoom slowly in", not "… in the style of"); "look at the sky"
    reads as up, "at the floor" as down.
    """
    for i in range(after, len(clause)):
        token = clause.tokens[i]
        word = token.word if token.word in lx.DIRECTION_WORDS else token.lemma
        if word == "sideways":  # "slides sideways to the left": the side said after it wins
            later = next((t.word for t in clause.tokens[i + 1:] if t.word in ("left", "right")), None)
            if later is not None:
                continue
        if word in lx.DIRECTION_WORDS:
            near_only = word in ("in", "out", "up", "down", "back")
            if near_only and i - after > _NEAR_LIMIT:
                continue
            if word == "in" and i + 1 < len(clause) and clause.tokens[i + 1].word in ("a", "an", "the") and i > after:
                continue  # "in the middle", "in a close-up"
            return lx.DIRECTION_WORDS[word], i
        if token.lemma in lx.UP_NOUNS:
            return "up", i
        if token.lemma in lx.DOWN_NOUNS:
            return "down", i
    return None


def place(clause: Clause, after: int) -> tuple[str, int] | None:
    """A place word after ``after`` (left, right, center, near, far, away) and its index."""
    for i in range(after, len(clause)):
        lemma = clause.tokens[i].lemma
        if lemma in lx.PLACES:
            if lemma == "back" and i + 1 < len(clause) and clause.tokens[i + 1].word in lx.PREPOSITIONS:
                continue  # "back to the girl"
            return lx.PLACES[lemma], i
    return None
