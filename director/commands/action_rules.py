"""Rules for what characters do: "a cute cat runs to the girl", "the cat wanders off", "she turns around".

A clause is a character action when it starts with a character (declared, introduced, or carried
over from the previous clause: "the cat enters and runs to the girl") followed by a verb the
lexicon knows. ``action_part`` fills target and side for a known action and is shared with the
embedding fallback, which only finds the verb.
"""

from __future__ import annotations

from director.commands import lexicon as lx
from director.commands import slots
from director.commands.characters import Cast, CastMember, Mention
from director.commands.clauses import Clause
from director.commands.result import ClauseReading
from director.plan.timeline import CharacterAction

_MOTION = {"walk", "run"}
# How many figures a group noun brings in ("a crowd gathers": five people come in and gather).
GROUP_SIZES = {"crowd": 6, "throng": 6, "mob": 6, "people": 4, "group": 4, "gang": 4, "bunch": 4, "family": 3,
               "couple": 2, "pair": 2}
_GATHER_SPOTS = ("center", "left", "right", "far", "center", "far")  # spread out, not on top of each other
_GATHER_SIDES = ("left", "right")
_TARGET_PREPS = ("up to", "over to", "next to", "close to", "to", "toward", "towards", "at", "after", "near", "by",
                 "beside", "with", "into", "around", "behind")


def subject_of(clause: Clause, cast: Cast, previous: CastMember | None) -> tuple[Mention | None, int]:
    """The character a clause is about and the index of the token after it.

    A clause with no subject of its own ("… and runs to the girl") keeps the previous clause's,
    but only when it starts with a character verb.
    """
    i = slots.skip_leading(clause)
    mention = cast.mention_at(clause, i)
    if mention is not None:
        return mention, mention.end
    if previous is not None and clause.longest_at(lx.CHARACTER_VERBS, i) is not None:
        return Mention(i, i, previous, False), i
    return None, i


def _object_or_place(clause: Clause, cast: Cast, start: int, subject: CastMember) -> tuple[str | None, str | None]:
    """Target after ``start``: another character (by a preposition or as object) or a place word."""
    for i in range(start, len(clause)):
        mention = cast.mention_at(clause, i, allow_new=False)
        if mention is not None and mention.member is not subject:
            return mention.member.name, mention.note
    found = slots.place(clause, start)
    if found is not None:
        return found[0], None
    return None, None


def _side(clause: Clause, start: int) -> str | None:
    """"from the left", "to the right", "exits left", "through the back"."""
    for i in range(start, len(clause)):
        lemma = clause.tokens[i].lemma
        if lemma in lx.SIDES and lemma not in ("camera",):
            return lx.SIDES[lemma]
    return None


def action_part(action: str, subject: Mention, clause: Clause, cast: Cast, verb_end: int) -> tuple[CharacterAction, list[str]]:
    """The CharacterAction for ``action`` (walk, run, enter...) with the clause's target and side."""
    notes: list[str] = [subject.note] if subject.note else []
    member = subject.member
    rest = clause.lemmas[verb_end:]
    running = any(lx.CHARACTER_VERBS.get(t.lemma) == "run" for t in clause.tokens[max(0, verb_end - 2):verb_end])
    # 1. Particles change the action: "runs off" leaves, "walks in" / "into the frame" enters.
    if action in _MOTION | {"enter"}:
        if "off" in rest[:2] or clause.find("out of", verb_end) >= 0 or (rest[:1] == ("out",) and len(rest) <= 2):
            action = "leave"
        elif (rest[:1] == ("in",) and (len(rest) == 1 or rest[1] in ("from", "slowly", "quickly"))) or any(
            clause.matches(f"into {d} {n}", verb_end + k) for k in range(3) for d in ("the", "") for n in lx.FRAME_NOUNS
        ):
            action = "enter"
        elif rest[:1] in (("by",), ("past",), ("overhead",), ("across",)) or (rest[:1] == ("over",) and len(rest) <= 2) \
                or (clause.tokens[verb_end - 1].lemma == "pass" and not rest[:1] == ("to",)):
            action = "cross"  # "birds fly overhead", "a car drives by": across the frame and out
    # 2. Target and side.
    target: str | None = None
    side: str | None = None
    if action in ("enter", "leave", "cross"):
        side = _side(clause, verb_end)
        if action == "enter" and clause.find("to", verb_end) >= 0:
            target, note = _object_or_place(clause, cast, clause.find("to", verb_end), member)
            notes += [note] if note else []
    elif action in ("walk", "run", "turn", "wave", "point"):  # "waves at the camera", "points at the house"
        target, note = _object_or_place(clause, cast, verb_end, member)
        notes += [note] if note else []
        if action == "turn" and target is None and rest[:1] == ("back",):
            target = None
    if subject.new:
        notes.append(f"new character '{member.name}'" + (f" ({member.kind})" if member.kind else "") + f": {member.text}")
    part = CharacterAction(
        name=member.name,
        action=action,  # type: ignore[arg-type]
        kind=member.kind if subject.new else None,
        text=member.text if subject.new else None,
        target=target,
        side=side,  # type: ignore[arg-type]
        pace="run" if running and action in ("leave", "enter") else None,  # "gallops off" leaves at a run
    )
    return part, notes


def read_action(clause: Clause, cast: Cast, previous: CastMember | None) -> ClauseReading | None:
    """Read a character action, or None when the clause has no character subject or no known verb."""
    # 1. Who: a character at the start, or the previous clause's subject.
    subject, i = subject_of(clause, cast, previous)
    others: list[Mention] = []  # "the girl and the cat walk left"
    if subject is None and i < len(clause) and clause.tokens[i].word == "they" and cast.members:
        # "they dance": everyone in the scene so far does it
        names = ", ".join(m.name for m in cast.members)
        subject = Mention(i, i + 1, cast.members[0], False, f"'they' read as {names}")
        others = [Mention(i, i + 1, m, False) for m in cast.members[1:]]
        i += 1
    if subject is None:
        return None
    while i + 1 < len(clause) and clause.tokens[i].word == "and":
        more = cast.mention_at(clause, i + 1)
        if more is None:
            break
        others.append(more)
        i = more.end
    # 2. The verb, after adverbs and "starts to".
    i = slots.skip_leading(clause, i)
    phrase = clause.longest_at(lx.CHARACTER_VERBS, i)
    if phrase is None:
        return None
    action = lx.CHARACTER_VERBS[phrase]
    gather = action == "gather"
    action = "enter" if gather else action
    # 3. What it does, with target and side.
    parts, notes = [], []
    for who in (subject, *others):
        part, said = action_part(action, who, clause, cast, i + len(phrase.split()))
        if gather and part.target is None:  # "gathers around the woman" names whom; else the middle of the frame
            found, _ = _object_or_place(clause, cast, i + len(phrase.split()), who.member)
            part = part.model_copy(update={"target": found or "center"})
        parts.append(part)
        notes += said
    if subject.new and len(parts) == 1:
        parts, note = _as_group(parts[0], subject.member.text or "")
        notes += [note] if note else []
    return ClauseReading(tuple(parts), "rules", tuple(notes), subject=subject.member.name)


def _as_group(part: CharacterAction, text: str) -> tuple[list[CharacterAction], str | None]:
    """A newcomer that is a group ("a crowd", "a group of people") as several figures doing ``part``,
    coming in from both sides and spread over the frame (or around the one they gather to)."""
    words = set(text.lower().split())
    size = max((n for w, n in GROUP_SIZES.items() if w in words), default=1)
    if size == 1 or part.kind not in (None, "person"):
        return [part], None
    members = []
    for k in range(size):
        update = {"name": f"{part.name} {k + 1}", "kind": "person"}
        if part.action in ("enter", "walk", "run"):
            update["side"] = _GATHER_SIDES[k % len(_GATHER_SIDES)] if part.action == "enter" else part.side
            if part.target in (None, "center"):
                update["target"] = _GATHER_SPOTS[k % len(_GATHER_SPOTS)]
        members.append(part.model_copy(update=update))
    return members, f"'{text}' read as {size} people"
