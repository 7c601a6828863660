"""Rules for camera commands: "slow dolly in on the girl", "pan left 30 degrees", "cut to a wide shot".

``read_camera`` finds the move by its verb; ``camera_part`` fills direction, amount, pace, shot and
target for a known move, and is shared with the embedding fallback (which only finds the verb).
"""

from __future__ import annotations

from typing import Mapping

from director.commands import lexicon as lx
from director.commands import slots
from director.commands.characters import Cast
from director.commands.clauses import Clause
from director.commands.result import ClauseReading
from director.plan.timeline import CameraMove
from director.vocabulary.camera_moves import CAMERA_MOVES, CAMERA_VERB_GROUPS, CUT_PHRASES, WRITTEN_UNITS

# Directions each move (or verb group) accepts; a direction from another axis turns the move into its
# sibling ("pan up" is a tilt, "dolly left" a truck), with a note.
_AXES: dict[str, Mapping[str, str]] = {
    e.name: e.axes for e in (*CAMERA_MOVES.values(), *CAMERA_VERB_GROUPS.values()) if e.axes
}


def _target(clause: Clause, cast: Cast, start: int = 0) -> tuple[str | None, str | None]:
    mention = cast.find_mention(clause, start)
    if mention is None:
        return None, None
    return mention.member.name, mention.note


def _shot(clause: Clause) -> str | None:
    found = clause.first_of(lx.SHOT_SIZES)
    return lx.SHOT_SIZES[found[1]] if found else None


def camera_part(
    move: str,
    clause: Clause,
    cast: Cast,
    verb_end: int,
    implied: lx.Direction | None = None,
) -> tuple[CameraMove | None, list[str]]:
    """The CameraMove for ``move`` (a CAMERA_VERBS move name) with the clause's slots filled in.

    ``verb_end`` is the token after the verb; directions and amounts are read from there on.
    Returns None when the move needs a slot the clause does not give (a "move" with no direction).
    """
    notes: list[str] = []
    found = slots.direction(clause, verb_end)
    direction = found[0] if found else implied
    if found and implied is not None and clause.tokens[found[1]].lemma in lx.UP_NOUNS | lx.DOWN_NOUNS:
        direction = implied  # "pull out to show the whole street": the verb's own direction, not the street's
    target, target_note = _target(clause, cast)
    if target_note:
        notes.append(target_note)
    pace = slots.pace(clause)

    # 1. Moves decided by their direction or target ("move closer", "look at her", "turn around").
    if move in CAMERA_VERB_GROUPS:
        around = clause.find("around", verb_end) >= 0
        if direction is not None and direction in _AXES[move]:
            resolved = _AXES[move][direction]
        elif move == "move" and around:
            resolved = "orbit"
        elif move == "turn" and around:
            return CameraMove(move="pan", amount=180.0, pace=pace), ["'turn around' read as a 180° pan"]
        elif target is not None:
            resolved = "dolly" if move == "move" else "focus"
            direction = "in" if move == "move" else None
        elif move == "look" and around:
            resolved = "pan"
        else:
            return None, notes
        notes.append(f"'{clause.text}' read as {resolved}" + (f" {direction}" if direction and resolved != "focus" else ""))
        move = resolved
    # 2. A direction from another axis turns the move into its sibling.
    elif direction is not None and move in _AXES and direction not in {k for k, v in _AXES[move].items() if v == move}:
        sibling = _AXES[move].get(direction)
        if sibling is None:
            direction = None
        else:
            notes.append(f"'{move} {direction}' read as {sibling} {direction}")
            move = sibling
    # "track the cat" follows it; "track left" trucks.
    if move == "truck" and direction is None and target is not None:
        move = "follow"

    # 3. Moves without a direction.
    entry = CAMERA_MOVES[move]
    if move == "shake":  # a strength word, not a number
        if clause.find("stop") >= 0 or clause.find("no") >= 0:
            return CameraMove(move="shake", amount=0.0), ["stop shaking: shake 0"]
        strength = next((lx.SHAKE_STRENGTH[w] for w in clause.lemmas if w in lx.SHAKE_STRENGTH), None)
        return CameraMove(move="shake", amount=strength, pace=pace), notes
    if move in ("follow", "focus"):
        return CameraMove(move=move, target=target, shot=_shot(clause), pace=pace), notes
    if move == "static":
        return CameraMove(move="static"), notes
    # (The remaining moves read the framing slots or an amount in their unit.)

    # 4. Amount in the move's unit; zoom factors are relative to now (zoom out 2x → 0.5).
    amount: float | None = None
    written = slots.amount(clause, verb_end)
    unit = entry.units if entry.units in WRITTEN_UNITS else None
    if written is not None and unit is not None and written[1] in (unit, "bare"):
        amount = written[0]
        if move == "zoom" and direction == "out" and amount > 1:
            amount = 1.0 / amount
    if unit is not None and direction is None:
        direction = entry.default_direction
        if entry.toward_target is not None and target is not None:
            direction = entry.toward_target
    return CameraMove(move=move, direction=direction, amount=amount, target=target, pace=pace), notes


def read_camera(clause: Clause, cast: Cast) -> ClauseReading | None:
    """Read a camera command, or None when the clause is not one the rules know."""
    # 1. Skip fillers and the camera as subject ("the camera", "we", "let's"); a clause about a
    #    character ("Mei gets up") is not a camera move.
    i = slots.skip_leading(clause)
    if cast.peek(clause, i) is not None:
        return None
    i, _ = slots.skip_camera_subject(clause, i)
    pace = slots.pace(clause)

    # 2. Cuts and shot sizes: "cut to a wide shot", "close-up on the girl", "cut to the cat".
    shot = _shot(clause)
    cut = clause.first_of(CUT_PHRASES, i)
    if cut is not None:
        target, note = _target(clause, cast, cut[0])
        if shot is None and target is None:
            return None  # "cut to a forest" is a scene change (scene rules)
        return ClauseReading((CameraMove(move="cut", shot=shot, target=target),), "rules", tuple(n for n in [note] if n))
    found = clause.first_of(lx.CAMERA_VERBS, i)
    if shot is not None and (found is None or lx.CAMERA_VERBS[found[1]][0] not in ("focus", "follow")):
        target, note = _target(clause, cast)
        return ClauseReading((CameraMove(move="shot", shot=shot, target=target, pace=pace),), "rules",
                             tuple(n for n in [note] if n))

    # 3. The move verb, then its slots; a Dutch angle is a roll whatever the verb ("tilt to a dutch angle").
    if found is None:
        return None
    if {"dutch", "canted"} & set(clause.words) and lx.CAMERA_VERBS[found[1]][0] in ("tilt", "roll", "move", "turn"):
        side = "left" if "left" in clause.words else "right"
        return ClauseReading((CameraMove(move="roll", direction=side, pace=pace),), "rules", ("Dutch angle read as a roll",))
    at, phrase = found
    move, implied = lx.CAMERA_VERBS[phrase]
    part, notes = camera_part(move, clause, cast, at + len(phrase.split()), implied)
    if part is None:
        return None
    if phrase != part.move and not any(n.startswith(f"'{clause.text}'") for n in notes):
        notes.insert(0, f"'{phrase}' read as {part.move}" + (f" {part.direction}" if part.direction else ""))
    return ClauseReading((part,), "rules", tuple(notes))
