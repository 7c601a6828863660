"""Rules for style: "make it look like ghibli", "in the style of Van Gogh", a preset name on its own.

A phrase that names a known preset (exactly, by its words, or by a close spelling) sets
``StyleChange.preset``; anything else after an explicit style phrase becomes free ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import get_close_matches

from director.commands import lexicon as lx
from director.commands.clauses import Clause
from director.commands.result import ClauseReading
from director.plan.timeline import StyleChange

_STRONG = tuple(re.compile(p, re.IGNORECASE) for p in lx.STYLE_PATTERNS)
_WEAK = tuple(re.compile(p, re.IGNORECASE) for p in lx.WEAK_STYLE_PATTERNS)
_ARTICLES = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_NOISE = {"style", "look", "preset", "like", "a", "an", "the", "film", "movie", "aesthetic", "filter"}


def _key(text: str) -> str:
    """Comparable form of a style name: "Film-Noir" and "film noir style" both give "film noir"."""
    words = re.split(r"[\s_\-./]+", text.lower())
    return " ".join(w for w in words if w and w not in _NOISE)


def match_preset(text: str, styles: Sequence[str]) -> tuple[str | None, str | None]:
    """The preset ``text`` names (and a note when it was a guess), or (None, None)."""
    key = _key(text)
    if not key:
        return None, None
    keys = {_key(s): s for s in styles}
    if key in keys:
        return keys[key], None
    words = set(key.split())
    for k, name in keys.items():
        if k and set(k.split()) <= words | {w.rstrip("s") for w in words}:
            return name, f"'{text}' read as style preset '{name}'"
    close = get_close_matches(key, list(keys), n=1, cutoff=0.8)
    if close:
        return keys[close[0]], f"'{text}' read as style preset '{keys[close[0]]}' (closest spelling)"
    return None, None


MONOCHROME = ("black and white", "black-and-white", "monochrome", "grayscale", "greyscale", "b&w")


def read_style(clause: Clause, styles: Sequence[str], weak: bool = False) -> ClauseReading | None:
    """Read a style change, or None when the clause is not one.

    ``weak`` reads only the weak phrases ("make it black and white"), which the parser tries after
    the scene rules so that "make it rain" stays weather.
    """
    # 1. A bare preset name ("ghibli", "noir style").
    preset, note = match_preset(clause.text, styles)
    if preset is not None and len(clause) <= 4 and not weak:
        return ClauseReading((StyleChange(preset=preset),), "rules", tuple(n for n in [note] if n))
    # 2. An explicit style phrase; what follows names a preset or is free text.
    for pattern in _WEAK if weak else _STRONG:
        m = pattern.match(clause.text)
        if m is None:
            continue
        wanted = _ARTICLES.sub("", m.group("x").strip())
        if not wanted or Clause.of(wanted).first_of(lx.SHOT_SIZES) is not None:
            return None
        preset, note = match_preset(wanted, styles)
        if weak and preset is None and not {t.lemma for t in Clause.of(wanted).tokens} & lx.STYLE_WORDS:
            return None  # "make everything bigger" is not a style
        if preset is not None:
            return ClauseReading((StyleChange(preset=preset),), "rules", tuple(n for n in [note] if n))
        if wanted.lower() in MONOCHROME and "noir" in styles:  # previz shows it with the noir grade
            return ClauseReading((StyleChange(preset="noir", text=wanted),), "rules", (f"'{wanted}' read as the noir grade",))
        return ClauseReading((StyleChange(text=wanted),), "rules", (f"style as free text: {wanted}",))
    return None
