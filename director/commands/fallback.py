"""Reading a clause the rules missed with the embedding matcher.

The rules still find the structure (who, which direction, which target, how fast); only the
unknown verb is matched by meaning: "the camera swivels left" → the nearest meaning is a pan, and
the rules' slot readers add "left". A character clause is compared with the action bank as
"someone <verb …>", anything else with the camera-and-scene bank.
"""

from __future__ import annotations

from director.commands import lexicon as lx
from director.commands import slots
from director.commands.action_rules import action_part, subject_of
from director.commands.camera_rules import camera_part
from director.commands.characters import Cast, CastMember
from director.commands.clauses import Clause
from director.commands.phrase_bank import ACTION_BANK, KIND_BANK, WORLD_BANK
from director.commands.result import ClauseReading
from director.commands.semantic import PhraseMatch, PhraseMatcher
from director.plan.timeline import SceneChange


class SemanticReader:
    """Embedding-based reading of single clauses; one per process is enough (it holds no user state)."""

    def __init__(self, threshold: float | None = None):
        kwargs = {} if threshold is None else {"threshold": threshold}
        self.world = PhraseMatcher(WORLD_BANK, **kwargs)
        self.actions = PhraseMatcher(ACTION_BANK, **kwargs)
        self.kinds = PhraseMatcher(KIND_BANK, threshold=0.6, margin=0.05)

    def guess_kind(self, noun: str) -> str | None:
        """Kind of an unknown noun ("stallion" → horse), or None below threshold."""
        found = self.kinds.match(f"a {noun}")
        return found.label if found else None

    def read(self, clause: Clause, cast: Cast, previous: CastMember | None) -> ClauseReading | None:
        """Read ``clause`` by meaning, or None when nothing is near enough."""
        # 1. A character clause: match its verb phrase against the actions.
        subject, i = subject_of(clause, cast, previous)
        if subject is not None:
            i = slots.skip_leading(clause, i)
            end = i + 1
            while end < len(clause) and clause.tokens[end].word not in lx.PREPOSITIONS | lx.ARTICLES_DEFINITE \
                    and clause.tokens[end].lemma not in lx.PLACES:
                end += 1
            if i >= len(clause):
                return None
            verb = clause.span(i, end)
            found = self.actions.match(f"someone {verb}")
            if found is None:
                return None
            part, notes = action_part(found.label, subject, clause, cast, end)
            return ClauseReading((part,), "embedding", (_note(verb, found), *notes), subject=subject.member.name)
        # 2. Camera or scene: match the clause without its target character.
        text = clause.text
        mention = cast.find_mention(clause, 0)
        if mention is not None:
            text = (clause.span(0, mention.start) + " the subject " + clause.span(mention.end)).strip()
        found = self.world.match(text)
        if found is None:
            return None
        return self._world_part(found, clause, cast)

    def _world_part(self, found: PhraseMatch, clause: Clause, cast: Cast) -> ClauseReading | None:
        domain, *rest = found.label.split(":")
        if domain == "camera":
            move = rest[0]
            implied = rest[1] if len(rest) > 1 else None
            i, _ = slots.skip_camera_subject(clause, slots.skip_leading(clause))
            part, notes = camera_part(move, clause, cast, i + 1, implied)  # type: ignore[arg-type]
            if part is None:
                return None
            return ClauseReading((part,), "embedding", (_note(clause.text, found), *notes))
        field, value = rest
        fields: dict[str, object] = {field: value == "on" if field == "lights" else value}
        if field == "weather":
            written = next((lx.INTENSITY_WORDS[w] for w in clause.lemmas if w in lx.INTENSITY_WORDS), None)
            if written is not None:
                fields["intensity"] = written
        return ClauseReading((SceneChange(**fields),), "embedding", (_note(clause.text, found),))  # type: ignore[arg-type]


def _note(text: str, found: PhraseMatch) -> str:
    return f"'{text}' guessed by meaning as '{found.phrase}' ({found.label}, similarity {found.score:.2f})"
