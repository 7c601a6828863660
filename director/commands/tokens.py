"""Words of a command: lower-cased, with a base form ("runs" → "run", "kittens" → "kitten").

The base form (lemma) is found by trying the usual English endings against the vocabulary the
rules know (``lexicon.VOCABULARY``) plus a table of irregular forms, so no tagger is needed and
the result is deterministic. Words the rules do not know keep their written form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from director.commands.lexicon import IRREGULAR, VOCABULARY

# Words, numbers (with decimals) and the degree sign; apostrophes stay inside a word ("we're").
_TOKEN = re.compile(r"\d+(?:\.\d+)?|°|%|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

_CONTRACTIONS = {
    "let's": ("let", "us"), "it's": ("it", "is"), "that's": ("that", "is"), "there's": ("there", "is"),
    "we're": ("we", "are"), "they're": ("they", "are"), "she's": ("she", "is"), "he's": ("he", "is"),
    "we'll": ("we", "will"), "i'm": ("i", "am"), "don't": ("do", "not"), "doesn't": ("does", "not"),
    "isn't": ("is", "not"), "aren't": ("are", "not"), "won't": ("will", "not"), "can't": ("can", "not"),
}


@dataclass(frozen=True)
class Token:
    """One word of a clause."""

    text: str  # as written (original case), for scene and style text
    word: str  # lower-case
    lemma: str  # base form
    start: int  # character offsets in the clause text
    end: int


@lru_cache(maxsize=4096)
def lemma(word: str) -> str:
    """Base form of a lower-case word: irregular table, then endings checked against the vocabulary."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word in VOCABULARY:
        return word
    candidates: list[str] = []
    if word.endswith("ies") and len(word) > 4:
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        candidates.append(word[:-1])
    if word.endswith("ing") and len(word) > 4:
        stem = word[:-3]
        candidates += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
    if word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    if word.endswith("ed") and len(word) > 3:
        stem = word[:-2]
        candidates += [stem, word[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
    if word.endswith("ly") and len(word) > 4:
        candidates.append(word[:-2])
    for candidate in candidates:
        if candidate in VOCABULARY:
            return candidate
    return word


def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into tokens; "°" reads as "degrees", contractions are expanded."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        word = raw.lower().replace("’", "'")
        if word == "°":
            word = "degrees"
        elif word == "%":
            word = "percent"
        parts: tuple[str, ...]
        if word in _CONTRACTIONS:
            parts = _CONTRACTIONS[word]
        elif "'" in word:
            parts = (word.split("'")[0],)  # possessive "girl's" → "girl"
        else:
            parts = (word,)
        for part in parts:
            tokens.append(Token(raw, part, lemma(part), match.start(), match.end()))
    return tuple(tokens)
