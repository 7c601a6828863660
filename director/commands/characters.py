"""Who is who while one command is read: declared characters, and newcomers the command introduces.

A declared character is found by its name, by a word of its kind or description ("the woman",
"the model", "the kitten" for a declared cat), or by "she"/"he" when only one person fits. An
indefinite description ("a cute cat", "an old man with a dog") introduces a newcomer with a fresh
id ("cat", then "cat2"), a kind ("kitten" → cat, "woman" → person) and its words as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from director.commands import lexicon as lx
from director.commands.clauses import Clause
from director.commands.tokens import tokenize
from director.plan.timeline import Character

KindGuesser = Callable[[str], str | None]  # unknown noun → kind (the embedding matcher), or None

# Words never taken as a newcomer's head noun: they are weather, light, sky or camera words.
_NOT_CHARACTERS = (
    set(lx.WEATHER_WORDS) | set(lx.EVENT_WORDS) | lx.LIGHT_NOUNS | lx.FRAME_NOUNS | lx.UP_NOUNS | lx.DOWN_NOUNS
    | {w for phrase in lx.TIME_PHRASES for w in phrase.split()} | {w for s in lx.SHOT_SIZES for w in s.split()}
    | {"sky", "sun", "moon", "storm", "lot", "bit", "little", "few", "camera", "style", "look", "thing",
       "something", "time", "moment", "second", "while", "way", "place", "color", "colour", "scene", "silence"}
) - set(lx.KIND_NOUNS)
_STOPWORDS = {"a", "an", "the", "with", "in", "on", "of", "and", "her", "his", "their", "its", "to", "at", "wearing",
              "who", "is", "very", "little", "big", "young", "old", "small", "tall"}
_VERBS = {p for p in lx.CHARACTER_VERBS if " " not in p} | lx.START_VERBS | {"be", "have"}
_CAMERA_WORDS = {p for p in lx.CAMERA_VERBS if " " not in p} | {"camera", "view", "shot", "lens", "frame"}


@dataclass(frozen=True)
class CastMember:
    """A character the command can refer to."""

    name: str
    kind: str | None
    text: str
    declared: bool  # False for a newcomer introduced by this command
    words: frozenset[str]  # lemmas of its name, kind and description

    @property
    def gender(self) -> str | None:
        if self.words & lx.FEMALE_WORDS:
            return "female"
        if self.words & lx.MALE_WORDS:
            return "male"
        return None


@dataclass(frozen=True)
class Mention:
    """A reference to a character at tokens ``start:end`` of a clause."""

    start: int
    end: int
    member: CastMember
    new: bool  # introduced here: its CharacterAction carries kind and text
    note: str | None = None


def _words(*texts: str) -> frozenset[str]:
    return frozenset(t.lemma for text in texts for t in tokenize(text) if t.lemma not in _STOPWORDS)


def _guess_kind(name: str, text: str) -> str | None:
    for token in tokenize(f"{name} {text}"):
        if token.lemma in lx.KIND_NOUNS:
            return lx.KIND_NOUNS[token.lemma]
    return None


class Cast:
    """The characters of one command reading. Mutable only through ``introduce``; one per call."""

    def __init__(self, characters: Sequence[Character] = (), kind_guesser: KindGuesser | None = None):
        self._kind_guesser = kind_guesser
        self.members: list[CastMember] = [
            CastMember(c.name, c.kind or _guess_kind(c.name, c.text), c.text, True, _words(c.name, c.text, c.kind or ""))
            for c in characters
        ]

    # -- lookups --------------------------------------------------------------------------------
    def by_name(self, name: str) -> CastMember | None:
        for m in self.members:
            if m.name.lower() == name.lower():
                return m
        return None

    def _score(self, member: CastMember, word: str) -> float:
        if member.name.lower() == word:
            return 3.0
        kind_of_word = lx.KIND_NOUNS.get(word)
        if word in member.words:
            return 2.5 if kind_of_word else 2.0
        if kind_of_word and kind_of_word == member.kind:
            return 1.0
        return 0.0

    def _resolve_word(self, word: str) -> tuple[CastMember | None, bool]:
        """Best member for a noun; the flag is True when several members tie (ambiguous)."""
        scored = sorted(((self._score(m, word), i) for i, m in enumerate(self.members)), reverse=True)
        scored = [s for s in scored if s[0] > 0]
        if not scored:
            return None, False
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            return None, True
        return self.members[scored[0][1]], False

    def _pronoun(self, word: str) -> CastMember | None:
        people = [m for m in self.members if m.kind in ("person", None)]
        want = "female" if word in lx.PRONOUNS_FEMALE else "male"
        gendered = [m for m in people if m.gender == want]
        if len(gendered) == 1:
            return gendered[0]
        unmarked = [m for m in people if m.gender is None]
        if not gendered and len(unmarked) == 1:
            return unmarked[0]
        return None

    # -- mentions -------------------------------------------------------------------------------
    def mention_at(self, clause: Clause, i: int, allow_new: bool = True) -> Mention | None:
        """A character reference starting exactly at token ``i``, or None."""
        if i >= len(clause):
            return None
        word = clause.tokens[i].word
        # 1. A declared (or already introduced) name, possibly of several words.
        for m in sorted(self.members, key=lambda m: -len(m.name)):
            n = len(tokenize(m.name))
            if " ".join(clause.words[i:i + n]) == " ".join(t.word for t in tokenize(m.name)):
                return Mention(i, i + n, m, False)
        # 2. She / her / he / him.
        if word in lx.PRONOUNS_FEMALE | lx.PRONOUNS_MALE:
            member = self._pronoun(word)
            if member is not None and not (word in ("her", "his") and self._is_determiner(clause, i)):
                return Mention(i, i + 1, member, False, f"'{word}' read as {member.name}")
            return None
        # 3. "the little girl", "the kitten": a declared description; else a newcomer of a known kind.
        if word in lx.ARTICLES_DEFINITE:
            return self._definite(clause, i, allow_new)
        # 4. "a cute cat", "an old man with a dog": a newcomer.
        if word in lx.ARTICLES_INDEFINITE and allow_new:
            return self._indefinite(clause, i)
        # 5. "birds fly overhead": a bare plural of a known kind opening the clause is a newcomer too.
        token = clause.tokens[i]
        if allow_new and i == 0 and token.word != token.lemma and token.lemma in lx.KIND_NOUNS:
            return self._new(clause, i, i)
        return None

    def peek(self, clause: Clause, i: int) -> Mention | None:
        """Like ``mention_at`` but introduces nobody: for checks that must not change the cast."""
        size = len(self.members)
        mention = self.mention_at(clause, i)
        del self.members[size:]
        return mention

    def find_mention(self, clause: Clause, start: int, end: int | None = None) -> Mention | None:
        """The first reference to a known character (declared or introduced) in tokens ``start:end``."""
        for i in range(start, len(clause) if end is None else end):
            mention = self.mention_at(clause, i, allow_new=False)
            if mention is not None:
                return mention
        return None

    def _is_determiner(self, clause: Clause, i: int) -> bool:
        return i + 1 < len(clause) and clause.tokens[i + 1].lemma in lx.KIND_NOUNS

    def _definite(self, clause: Clause, i: int, allow_new: bool) -> Mention | None:
        end = min(len(clause), i + 5)
        for j in range(i + 1, end):
            token = clause.tokens[j]
            if token.lemma in _VERBS | _CAMERA_WORDS or token.lemma in lx.PREPOSITIONS or token.lemma in lx.ADVERBS:
                break
            member, ambiguous = self._resolve_word(token.lemma)
            if member is not None:
                note = None
                end = j + 2 if j + 1 < len(clause) and clause.tokens[j + 1].word == "one" else j + 1  # "the fluffy one"
                if member.name.lower() != token.word:
                    note = f"'{clause.span(i, end)}' read as {member.name}"
                return Mention(i, end, member, False, note)
            if ambiguous:
                return None
            if token.lemma in lx.KIND_NOUNS:
                if not allow_new:
                    return None
                mention = self._new(clause, i, j)
                note = f"'{clause.span(i, j + 1)}' is not declared: added as new character '{mention.member.name}'"
                return Mention(mention.start, mention.end, mention.member, True, note)
        return None

    def _indefinite(self, clause: Clause, i: int) -> Mention | None:
        head: int | None = None
        for j in range(i + 1, min(len(clause), i + 6)):
            token = clause.tokens[j]
            if token.lemma in lx.KIND_NOUNS:
                head = j
                break
            if token.word == "of" and head is not None and clause.tokens[head].lemma in lx.COLLECTIVES:
                continue  # "a flock of birds"
            if token.lemma in _VERBS or token.lemma in lx.PREPOSITIONS or token.lemma in lx.ADVERBS:
                break
            if token.lemma in _NOT_CHARACTERS or token.word.isdigit():
                return None
            head = j  # an unknown noun: the last word before the verb
        if head is None or clause.tokens[head].lemma in _NOT_CHARACTERS:
            return None
        return self._new(clause, i, head)

    def _new(self, clause: Clause, start: int, head: int) -> Mention:
        """Introduce the newcomer described by tokens ``start..head`` (and a "with …" tail)."""
        end = head + 1
        if end < len(clause) and clause.tokens[end].word in lx.NP_LINKS - {"from", "on"}:
            k = end + 1
            while k < len(clause) and clause.tokens[k].lemma not in _VERBS and clause.tokens[k].word not in lx.ADVERBS:
                k += 1
            if k < len(clause):  # a verb follows: the tail belongs to the description
                end = k
        noun = clause.tokens[head].lemma
        kind = lx.KIND_NOUNS.get(noun)
        note = None
        if kind is None and self._kind_guesser is not None:
            kind = self._kind_guesser(noun)
            if kind is not None:
                note = f"'{noun}' guessed to be a {kind}"
        name = self._free_name(noun)
        text = clause.span(start, end)
        member = CastMember(name, kind, text, False, _words(name, text, kind or ""))
        self.members.append(member)
        return Mention(start, end, member, True, note)

    def _free_name(self, base: str) -> str:
        taken = {m.name.lower() for m in self.members}
        if base not in taken:
            return base
        n = 2
        while f"{base}{n}" in taken:
            n += 1
        return f"{base}{n}"
