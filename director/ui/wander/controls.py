"""Held keys → Directives, one chunk at a time.

The browser sends which movement actions are held (W/A/S/D, arrows, Q/E, on-screen pads), whether
Shift is down, and how far the mouse dragged. ``InputState`` keeps that thread-safely; the world's
worker ``consume``s it at each chunk boundary and a controller turns it into camera (first person)
or character + camera (third person) directives lasting exactly one chunk. Short relative moves
compose in ``CameraRig`` into a smooth path, and they are the Director's ``record``: the wander replays.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from director.plan.timeline import CameraMove, CharacterAction, Directive
from director.world.state import WorldState

Action = Literal["forward", "back", "left", "right", "turn_left", "turn_right"]
ACTIONS: tuple[Action, ...] = ("forward", "back", "left", "right", "turn_left", "turn_right")

WALK_SPEED = 2.0  # m/s, first person
RUN_SPEED = 5.0  # m/s with Shift
TURN_RATE = 60.0  # degrees per second for Q/E
MAX_DRAG_PER_CHUNK = 45.0  # degrees: a wild mouse flick turns at most this much per chunk
STALE_SECONDS = 1.5  # held keys with no word from the browser for this long count as released
FOLLOW_DISTANCE = 7.0  # metres behind the character in third person (PLACES left/right sit beside it)


@dataclass(frozen=True)
class Controls:
    """One boundary's worth of input: what is held (or was tapped since the last boundary)."""

    actions: frozenset[Action] = frozenset()
    order: tuple[Action, ...] = ()  # held actions, most recently pressed last
    run: bool = False
    drag: float = 0.0  # degrees of mouse/touch turn since the last boundary, > 0 = right
    seq: int = 0  # the browser's input counter, echoed in frame headers

    @property
    def idle(self) -> bool:
        return not self.actions and abs(self.drag) < 1e-6


@dataclass
class InputState:
    """What the browser says is held. Thread-safe: the HTTP route writes, the worker consumes."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _held: tuple[Action, ...] = ()
    _tapped: set[Action] = field(default_factory=set)
    _run: bool = False
    _drag: float = 0.0
    _seq: int = 0
    _updated: float = field(default_factory=time.monotonic)

    def update(self, held: list[str], run: bool = False, drag: float = 0.0, seq: int | None = None) -> None:
        """Replace the held set (unknown names are ignored) and add ``drag`` degrees of turn."""
        clean = tuple(dict.fromkeys(a for a in held if a in ACTIONS))  # type: ignore[misc]
        with self._lock:
            self._tapped |= set(clean) - set(self._held)
            self._held = clean  # type: ignore[assignment]
            self._run = bool(run)
            if math.isfinite(drag):
                self._drag += max(-360.0, min(360.0, float(drag)))
            if seq is not None:
                self._seq = max(self._seq, int(seq))
            self._updated = time.monotonic()

    def release_all(self) -> None:
        with self._lock:
            self._held, self._run = (), False

    def consume(self) -> Controls:
        """The input for the next chunk. A key pressed and released between two boundaries still
        moves one chunk (so quick taps are never lost); stale held keys are released."""
        with self._lock:
            if self._held and time.monotonic() - self._updated > STALE_SECONDS:
                self._held, self._run = (), False
            order = tuple(a for a in self._tapped if a not in self._held) + self._held
            drag = max(-MAX_DRAG_PER_CHUNK, min(MAX_DRAG_PER_CHUNK, self._drag))
            self._drag -= drag
            controls = Controls(frozenset(order), order, self._run, drag, self._seq)
            self._tapped.clear()
            return controls


class Controller(Protocol):
    def directives(self, controls: Controls, state: WorldState, at: float, dt: float) -> list[Directive]:
        """Directives for the chunk starting at ``at`` lasting ``dt`` seconds, given the world's
        state predicted at the chunk's end (``state``) from what is already recorded."""
        ...


def _camera(move: str, direction: str, amount: float, dt: float) -> Directive:
    return Directive(at=0.0, duration=dt, camera=CameraMove(move=move, direction=direction, amount=round(amount, 5)),  # type: ignore[arg-type]
                     source="live")


def _turn(controls: Controls, dt: float) -> float:
    """Degrees to turn this chunk, > 0 = right."""
    keys = (("turn_right" in controls.actions) - ("turn_left" in controls.actions)) * TURN_RATE * dt
    return keys + controls.drag


class FirstPerson:
    """The camera is the walker: W/S dolly, A/D truck, Q/E and drags pan."""

    def directives(self, controls: Controls, state: WorldState, at: float, dt: float) -> list[Directive]:
        a = controls.actions
        speed = (RUN_SPEED if controls.run else WALK_SPEED) * dt
        out: list[Directive] = []
        turn = _turn(controls, dt)
        if abs(turn) > 1e-4:
            out.append(_camera("pan", "right" if turn > 0 else "left", abs(turn), dt))
        forward = ("forward" in a) - ("back" in a)
        if forward:
            out.append(_camera("dolly", "in" if forward > 0 else "out", speed, dt))
        side = ("right" in a) - ("left" in a)
        if side:
            out.append(_camera("truck", "right" if side > 0 else "left", speed, dt))
        return out


# Where a third-person walk aims: entity_motion's camera-relative PLACES, which sit exactly ahead,
# behind and beside a character standing FOLLOW_DISTANCE in front of the camera.
WALK_PLACE: dict[str, str] = {"forward": "far", "back": "near", "left": "left", "right": "right"}
RETARGET_SECONDS = 0.4  # re-aim the walk this often (a place is only 2.5-7 m away)


@dataclass
class ThirdPerson:
    """The keys walk (Shift: run) a character; the camera follows it from behind at a fixed distance."""

    name: str
    _walking: tuple[str, str] | None = None  # (place, walk|run) last sent
    _sent_at: float = -math.inf

    def directives(self, controls: Controls, state: WorldState, at: float, dt: float) -> list[Directive]:
        out: list[Directive] = []
        # 1. The character: a new walk when the direction or pace changes, re-aimed now and then.
        moving = [a for a in controls.order if a in WALK_PLACE]
        if moving:
            want = (WALK_PLACE[moving[-1]], "run" if controls.run else "walk")
            if want != self._walking or at - self._sent_at >= RETARGET_SECONDS:
                out.append(Directive(at=0.0, character=CharacterAction(name=self.name, action=want[1], target=want[0]),  # type: ignore[arg-type]
                                     source="live"))
                self._walking, self._sent_at = want, at
        elif self._walking is not None:
            out.append(Directive(at=0.0, character=CharacterAction(name=self.name, action="stop"), source="live"))
            self._walking = None
        # 2. The camera: turn, then move to FOLLOW_DISTANCE behind where the character will be.
        turn = _turn(controls, dt)
        if abs(turn) > 1e-4:
            out.append(_camera("pan", "right" if turn > 0 else "left", abs(turn), dt))
        who = state.entity(self.name)
        if who is None:
            return out
        cam = state.camera
        yaw = math.radians(cam.yaw + turn)
        want_x = who.x - math.sin(yaw) * FOLLOW_DISTANCE
        want_z = who.z - math.cos(yaw) * FOLLOW_DISTANCE
        ex, ez = want_x - cam.x, want_z - cam.z
        right = ex * math.cos(yaw) - ez * math.sin(yaw)
        forward = ex * math.sin(yaw) + ez * math.cos(yaw)
        if abs(forward) > 1e-3:
            out.append(_camera("dolly", "in" if forward > 0 else "out", abs(forward), dt))
        if abs(right) > 1e-3:
            out.append(_camera("truck", "right" if right > 0 else "left", abs(right), dt))
        return out
