"""A command split into clauses: "it starts to rain and night falls" → two clauses.

Each clause keeps its own text and tokens; the rules read one clause at a time and match
multi-word lexicon phrases against its lemmas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from director.commands.tokens import Token, tokenize

# Punctuation that ends a clause (a "." inside "2.5x" does not), and joining words.
_SPLIT = re.compile(
    r"\s*[,;!?]+\s*|\.(?=\s|$)\s*|\s+(?:and\s+then|and|then|while|but|after\s+that|as\s+soon\s+as|meanwhile)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """One clause: its text as written and its tokens."""

    text: str
    tokens: tuple[Token, ...] = field(default=())

    @staticmethod
    def of(text: str) -> Clause:
        text = text.strip().strip(".,;:!?\"'").strip()
        return Clause(text, tokenize(text))

    @property
    def lemmas(self) -> tuple[str, ...]:
        return tuple(t.lemma for t in self.tokens)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t.word for t in self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def matches(self, phrase: str, at: int) -> bool:
        """True when ``phrase`` (lemmas separated by spaces) starts at token ``at`` (by lemma or word)."""
        parts = phrase.split()
        if at < 0 or at + len(parts) > len(self.tokens):
            return False
        return all(p in (self.tokens[at + k].lemma, self.tokens[at + k].word) for k, p in enumerate(parts))

    def find(self, phrase: str, start: int = 0, end: int | None = None) -> int:
        """Index of the first occurrence of ``phrase`` at or after ``start``, or -1."""
        stop = len(self.tokens) if end is None else end
        for i in range(start, stop):
            if self.matches(phrase, i):
                return i
        return -1

    def longest_at(self, table: dict[str, object] | set[str] | tuple[str, ...], at: int) -> str | None:
        """The longest phrase of ``table`` starting at token ``at``."""
        best: str | None = None
        for phrase in table:
            if (best is None or len(phrase.split()) > len(best.split())) and self.matches(phrase, at):
                best = phrase
        return best

    def first_of(self, table: dict[str, object] | set[str] | tuple[str, ...], start: int = 0) -> tuple[int, str] | None:
        """The first position (and longest phrase there) where any phrase of ``table`` occurs."""
        for i in range(start, len(self.tokens)):
            phrase = self.longest_at(table, i)
            if phrase is not None:
                return i, phrase
        return None

    def span(self, start: int, end: int | None = None) -> str:
        """Text as written from token ``start`` up to (not including) token ``end``."""
        end = len(self.tokens) if end is None else end
        if start >= end or start >= len(self.tokens):
            return ""
        return self.text[self.tokens[start].start:self.tokens[end - 1].end]

    def rest(self, start: int) -> Clause:
        """The clause from token ``start`` on, as a new clause."""
        return Clause.of(self.span(start))


# "and" inside these phrases joins words, not clauses.
_KEEP_TOGETHER = re.compile(r"\b(black|salt|rock|pen|nuts|bread)\s+and\s+(white|pepper|roll|ink|bolts|butter)\b", re.IGNORECASE)
_JOINED = "\u2060"  # word joiner: stands in for the spaces of a kept phrase while splitting


def split_clauses(text: str) -> list[Clause]:
    """Split a command at punctuation and joining words ("and", "then", "while"); drop empty pieces."""
    protected = _KEEP_TOGETHER.sub(lambda m: m.group(0).replace(" ", _JOINED), text)
    pieces = [p.replace(_JOINED, " ") for p in _SPLIT.split(protected) if p and p.strip(" .,;:!?\"'")]
    return [Clause.of(p) for p in pieces]


def join(a: Clause, b: Clause, word: str = "and") -> Clause:
    """Two neighbouring clauses read as one ("black" + "white" → "black and white")."""
    return Clause.of(f"{a.text} {word} {b.text}")
