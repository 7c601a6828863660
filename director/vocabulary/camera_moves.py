"""Every camera move, defined once: its name in timelines, unit, default amount and duration, the
verbs and phrases that ask for it, the words that describe it, and the rig function that realises it.

The timeline schema (``plan.timeline.CameraMoveName``), the command rules (``commands.camera_rules``),
the embedding phrase bank (``commands.phrase_bank``), the rig (``world.rig_moves``), the prose of
``world.describe.describe_part`` and the README's table of moves are all built from ``CAMERA_MOVES``.
Adding a move: one ``CameraMoveEntry`` here, its function in ``world/rig_moves.py`` (registered under
the entry's ``realiser``), and a test.

This module imports nothing from ``director``: it is data, read by every floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Mapping

Direction = Literal["left", "right", "up", "down", "in", "out"]
Unit = Literal["degrees", "factor", "metres", "intensity"]
Pace = Literal["slow", "normal", "fast"]

# Seconds a move takes when the directive gives no duration, by its pace.
PACE_DURATIONS: Mapping[str, float] = MappingProxyType({"slow": 5.0, "normal": 3.0, "fast": 1.2})
INSTANT: Mapping[str, float] = MappingProxyType({"slow": 0.0, "normal": 0.0, "fast": 0.0})  # a cut takes no time
# Amounts a directive may write for moves that give no range of their own (metres, mostly).
DEFAULT_RANGE = (-1000.0, 1000.0)
TURN_RANGE = (-3600.0, 3600.0)  # ten full turns: anything more is a typo
UNIT_SYMBOLS: Mapping[str, str] = MappingProxyType({"degrees": "°", "factor": "x", "metres": " m", "intensity": ""})
# Units a directive's text may give a number in ("pan 30 degrees", "zoom 2x", "dolly in 3 m").
WRITTEN_UNITS = frozenset({"degrees", "factor", "metres"})


@dataclass(frozen=True)
class CameraMoveEntry:
    """One camera move. ``verbs`` maps each phrase (lemmas, spaces between words) that asks for it
    to the direction the phrase implies ("push in" → in), or None."""

    name: str
    description: str  # one line for the README and the UI
    example: str  # a command the rules read as this move (the tests parse each one)
    prose: str  # how ``describe_part`` says it: "the camera <prose> [direction] ..."
    realiser: str  # key of the rig function in ``world.rig_moves.RIG_MOVES``
    units: Unit | None = None
    default_amount: float | None = None  # in ``units``; None: the move has no size (a cut, a shot)
    amount_range: tuple[float, float] = DEFAULT_RANGE
    durations: Mapping[str, float] = field(default_factory=lambda: PACE_DURATIONS)  # default seconds by pace
    verbs: Mapping[str, Direction | None] = field(default_factory=dict)
    # Directions the move accepts and what each turns it into ("pan up" is a tilt): direction -> move.
    axes: Mapping[str, str] = field(default_factory=dict)
    default_direction: Direction | None = None  # given when the text names none ("orbit" goes right)
    toward_target: Direction | None = None  # direction when aimed at someone ("zoom on Tom" zooms in)
    meanings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # direction or "" -> plain phrases for the embedding matcher
    ends_phrase: bool = True  # once finished, it ends the phrase of any earlier move ("the camera pans")
    standing: bool = False  # its phrase stays while it holds (following, focusing)
    settles: bool = True  # finished and untargeted, its result no longer depends on time or characters

    def duration(self, pace: str | None) -> float:
        """Default seconds for ``pace`` (None: normal)."""
        return self.durations[pace or "normal"]


@dataclass(frozen=True)
class CameraVerbGroup:
    """Verbs that are no move by themselves: the direction decides ("move left" trucks, "look up" tilts)."""

    name: str
    verbs: Mapping[str, Direction | None]
    axes: Mapping[str, str]


def _verbs(*phrases: str, direction: Direction | None = None, **implied: Direction) -> dict[str, Direction | None]:
    """``_verbs("pan", "swing")`` → each phrase with no implied direction; keyword phrases use ``_``
    for spaces (``push_in="in"``)."""
    out: dict[str, Direction | None] = {p: direction for p in phrases}
    out.update({k.replace("_", " "): v for k, v in implied.items()})
    return out


PAN = CameraMoveEntry(
    "pan", "turn the camera left or right on the spot", "pan left 30 degrees", "pans", "pan", "degrees", 30.0, TURN_RANGE,
    verbs=_verbs("pan", "whip pan", "swing", "swivel", "sweep"),
    axes={"left": "pan", "right": "pan", "up": "tilt", "down": "tilt", "in": "dolly", "out": "dolly"},
    meanings={"": ("pan the camera sideways", "swing the view sideways", "turn the camera to the side",
                                     "sweep across the scene", "rotate the view horizontally")},
)
TILT = CameraMoveEntry(
    "tilt", "turn the camera up or down on the spot", "tilt up", "tilts", "tilt", "degrees", 15.0, TURN_RANGE,
    verbs=_verbs("tilt"), axes={"up": "tilt", "down": "tilt", "left": "pan", "right": "pan"},
    meanings={"up": ("tilt the camera up", "look upward", "point the camera at the sky"),
              "down": ("tilt the camera down", "look downward", "point the camera at the ground")},
)
ROLL = CameraMoveEntry(
    "roll", "rotate the picture about the lens axis (a Dutch angle)", "roll the camera", "rolls", "roll", "degrees", 15.0, TURN_RANGE,
    verbs={"roll": None, "dutch": "right", "cant": None}, axes={"left": "roll", "right": "roll"},
    default_direction="right", meanings={"": ("roll the camera", "tilt the horizon", "dutch angle")},
)
ZOOM = CameraMoveEntry(
    "zoom", "narrow or widen the lens (2 = twice as close)", "zoom in 2x", "zooms", "zoom", "factor", 2.0, (0.0, 100.0),
    verbs=_verbs("zoom", crash_zoom="in", snap_zoom="in"), axes={"in": "zoom", "out": "zoom"}, toward_target="in",
    meanings={"in": ("zoom in", "magnify the image", "enlarge the picture", "zoom closer"),
              "out": ("zoom out", "shrink the image", "widen the field of view")},
)
DOLLY = CameraMoveEntry(
    "dolly", "move the camera forward or back", "slow dolly in", "dollies", "dolly", "metres", 4.0,
    verbs={"dolly": None, "push in": "in", "push": "in", "pull back": "out", "pull out": "out", "pull away": "out",
           "pull": "out", "close in": "in", "back up": "out", "back away": "out", "back off": "out", "retreat": "out",
           "approach": "in", "get closer": "in", "get close": "in", "come closer": "in", "track in": "in",
           "track out": "out"},
    axes={"in": "dolly", "out": "dolly", "left": "truck", "right": "truck", "up": "pedestal", "down": "pedestal"},
    toward_target="in",
    meanings={"in": ("move the camera closer", "push the camera forward", "advance toward the subject", "approach the subject"),
              "out": ("move the camera back", "pull the camera away", "withdraw from the subject")},
)
TRUCK = CameraMoveEntry(
    "truck", "slide the camera sideways", "truck right", "trucks", "truck", "metres", 2.0,
    verbs=_verbs("track", "truck", "crab", "slide", "strafe", "sidestep"),
    axes={"left": "truck", "right": "truck", "in": "dolly", "out": "dolly"},
    meanings={"": ("slide the camera sideways", "move the camera sideways", "track sideways")},
)
PEDESTAL = CameraMoveEntry(
    "pedestal", "raise or lower the camera", "raise the camera", "pedestals", "pedestal", "metres", 2.0,
    verbs={"pedestal": None, "crane": None, "boom": None, "jib": None, "raise": "up", "lower": "down", "rise": "up",
           "ascend": "up", "descend": "down", "lift": "up", "drop": "down"},
    axes={"up": "pedestal", "down": "pedestal"},
    meanings={"up": ("raise the camera higher", "lift the camera up", "the camera rises"),
              "down": ("lower the camera", "the camera sinks down", "bring the camera lower")},
)
ORBIT = CameraMoveEntry(
    "orbit", "travel round a subject (or the point ahead), keeping it framed", "orbit slowly", "orbits", "orbit", "degrees", 45.0,
    TURN_RANGE, verbs=_verbs("orbit", "circle", "arc", "revolve", "go around", "move around"),
    axes={"left": "orbit", "right": "orbit"}, default_direction="right", settles=False,
    meanings={"": ("circle around the subject", "orbit around", "revolve around the subject")},
)
CRANE = CameraMoveEntry(
    "crane", "a rising arc: the camera rises while swinging round the subject (or the point ahead), keeping it in view",
    "crane shot over the square", "cranes", "crane", "metres", 3.0,
    verbs={"crane shot": "up", "crane over": "up", "crane around": "up", "crane arc": "up", "rise over": "up",
           "rise above": "up", "soar over": "up"},
    axes={"up": "crane", "down": "crane"}, default_direction="up", settles=False,
)
SHAKE = CameraMoveEntry(
    "shake", "hand-held shake (0..1); with a duration a burst, without it stays on", "shake the camera violently", "shakes", "shake", "intensity",
    0.5, (0.0, 10.0),
    verbs=_verbs("shake", "jitter", "tremble", "rattle", "jolt", "shudder", "handheld", "shaky", "camera shake",
                 "wobble", "vibrate"),
    ends_phrase=False, settles=False,
    meanings={"": ("shake the camera", "shaky handheld camera", "the picture trembles", "camera jolts")},
)
SHOT = CameraMoveEntry(
    "shot", "change the shot size (extreme_wide .. extreme_close), on a subject if named", "wide shot", "frames a", "frame",
    ends_phrase=False,
)
CUT = CameraMoveEntry(
    "cut", "a hard cut to a shot size or a subject", "cut to a close-up", "cuts to", "frame", durations=INSTANT,
    verbs=_verbs("cut", "hard cut", "jump cut"),
)
FOLLOW = CameraMoveEntry(
    "follow", "keep a subject framed as it moves", "follow the girl", "follows", "frame",
    verbs=_verbs("follow", "tail", "keep up with", "stay with", "chase"), ends_phrase=False, standing=True,
    settles=False, meanings={"": ("follow the subject", "keep the subject in view while it moves")},
)
FOCUS = CameraMoveEntry(
    "focus", "aim at a subject and keep it framed", "focus on the girl", "focuses on", "frame",
    verbs=_verbs("focus", "frame", "center", "point", "aim", "keep on", "settle on"), ends_phrase=False,
    standing=True, settles=False,
)
STATIC = CameraMoveEntry(
    "static", "hold the camera still (calms a shake)", "hold the shot", "holds still", "static",
    verbs=_verbs("hold", "freeze", "static", "lock", "lock off", "stop", "stay", "steady", "still", "stand still",
                 "stop move"),
    meanings={"": ("hold the camera still", "keep the camera steady", "the camera stops moving")},
)

# Timeline order: the schema lists moves in this order, and so do the README and the UI.
CAMERA_MOVES: Mapping[str, CameraMoveEntry] = MappingProxyType({e.name: e for e in (
    PAN, TILT, ROLL, ZOOM, DOLLY, TRUCK, PEDESTAL, ORBIT, CRANE, SHAKE, SHOT, CUT, FOLLOW, FOCUS, STATIC,
)})
CAMERA_MOVE_NAMES: tuple[str, ...] = tuple(CAMERA_MOVES)

_VIEW_AXES = {"left": "pan", "right": "pan", "up": "tilt", "down": "tilt"}
CAMERA_VERB_GROUPS: Mapping[str, CameraVerbGroup] = MappingProxyType({g.name: g for g in (
    CameraVerbGroup("turn", _verbs("turn", "rotate"), _VIEW_AXES),
    CameraVerbGroup("look", _verbs("look"), _VIEW_AXES),
    CameraVerbGroup("move", _verbs("move", "go", "travel", "fly", "glide", "drift", "head", "come", "get", "step",
                                   "creep", "float", "swoop", "dive", "soar", "inch"),
                    {"in": "dolly", "out": "dolly", "left": "truck", "right": "truck", "up": "pedestal", "down": "pedestal"}),
)})
# "smash cut" announces a cut like the cut verbs, but is no verb of its own (it is read by the cut rule).
CUT_PHRASES: tuple[str, ...] = (*CUT.verbs, "smash cut")


def camera_move(name: str) -> CameraMoveEntry:
    """The entry for ``name``; ``KeyError`` names the known moves."""
    try:
        return CAMERA_MOVES[name]
    except KeyError:
        raise KeyError(f"unknown camera move {name!r} (known: {', '.join(CAMERA_MOVE_NAMES)})") from None
