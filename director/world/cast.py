"""Who is on stage and where they start: declared characters stand side by side facing the camera;
newcomers (brought in by directives) start off stage until their first action.
"""

from __future__ import annotations

from director.plan.timeline import Character, CharacterAction
from director.vocabulary.character_kinds import guess_kind
from director.world.entity_motion import Profile

CAST_SPACING = 1.8  # metres between declared characters standing side by side (room for a gesture)
CAST_DEPTH = 6.0  # metres in front of the camera: a medium-wide shot of a person at the rest lens
CAST_STAGGER = 0.6  # metres every other character stands further back, so neighbours do not hide each other
FACING_CAMERA = 180.0  # heading: towards the camera
NEWCOMER_START = (0.0, 7.0)  # where a newcomer is before its entrance decides where it comes from
NEWCOMER_HEADING = 90.0  # facing right, as they usually walk in from the left


def declared_profile(c: Character, i: int, n: int, on_stage: bool) -> Profile:
    """The ``i``-th of ``n`` declared characters; ``on_stage`` False for one who "enters" later."""
    x = (i - (n - 1) / 2) * CAST_SPACING
    return Profile(c.name, c.kind or guess_kind(c.text, c.name), c.text or c.name, c.image, on_stage,
                   (x, CAST_DEPTH + CAST_STAGGER * (i % 2)), FACING_CAMERA)


def newcomer_profile(first: CharacterAction) -> Profile:
    """A character a directive introduces (its first action names it)."""
    return Profile(first.name, first.kind or guess_kind(first.text, first.name), first.text or first.name, None,
                   False, NEWCOMER_START, NEWCOMER_HEADING)
