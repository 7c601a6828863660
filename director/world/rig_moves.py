"""The function that realises each camera move of the vocabulary, registered under the entry's
``realiser`` name. ``CameraRig`` folds timed moves by calling ``RIG_MOVES[entry.realiser](step)``.

Relative moves add their eased share (``step.p`` of ``step.amount``) to the camera as it is, so
overlapping moves compose. Signs follow ``world.state``: yaw > 0 turns right, pitch > 0 looks up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from director.plan.timeline import CameraMove
from director.world.camera_framing import MAX_FOV, MIN_FOV, PositionOf, aim_height, fov_zoom, frame, look, pivot
from director.world.easing import lerp
from director.world.state import CameraState

LOWEST_EYE = 0.2  # metres: a pedestal down stops just above the ground
DOLLY_TO_SUBJECT = 0.45  # a dolly in on someone without a distance covers this share of the way to them
FALLBACK_ZOOM = 2.0  # a zoom written with no usable factor (0 or less) zooms 2x, like one with none
CRANE_SWING = 30.0  # degrees a crane arcs round its subject while it rises (to the camera's right)


@dataclass(frozen=True)
class MoveStep:
    """One move applied at one instant: the camera before it, the move, and how far it has got."""

    cam: CameraState
    move: CameraMove
    at: float  # when the move starts (seconds)
    duration: float
    t: float  # the instant being computed
    p: float  # eased progress 0..1
    amount: float  # the move's amount, or its entry's default, in the entry's unit
    aspect: float  # frame width / height
    position_of: PositionOf | None  # None for the base camera (moves without aiming)

    def sign(self, positive: str) -> float:
        """+1 unless the move's direction is the other way from ``positive``."""
        return -1.0 if self.move.direction and self.move.direction != positive else 1.0

    def subject(self) -> tuple[tuple[float, float], str] | None:
        """((x, z), kind) of the move's target at its start, or None."""
        mv = self.move
        return self.position_of(mv.target, self.at) if (mv.target and self.position_of) else None


RigMove = Callable[[MoveStep], CameraState]
RIG_MOVES: dict[str, RigMove] = {}


def realises(name: str) -> Callable[[RigMove], RigMove]:
    """Register the decorated function as the rig function named ``name`` (an entry's ``realiser``)."""
    def register(fn: RigMove) -> RigMove:
        if name in RIG_MOVES:
            raise ValueError(f"rig function {name!r} registered twice ({RIG_MOVES[name].__name__}, {fn.__name__})")
        RIG_MOVES[name] = fn
        return fn
    return register


@realises("pan")
def pan(s: MoveStep) -> CameraState:
    return replace(s.cam, yaw=s.cam.yaw + s.sign("right") * s.amount * s.p, target=None)


@realises("tilt")
def tilt(s: MoveStep) -> CameraState:
    return replace(s.cam, pitch=s.cam.pitch + s.sign("up") * s.amount * s.p, target=None)


@realises("roll")
def roll(s: MoveStep) -> CameraState:
    return replace(s.cam, roll=s.cam.roll + s.sign("right") * s.amount * s.p)


@realises("zoom")
def zoom(s: MoveStep) -> CameraState:
    factor = s.amount if s.amount > 0 else FALLBACK_ZOOM
    if s.move.direction == "out" and factor > 1.0:  # "zoom out 2x" may come as 2 or as 0.5
        factor = 1.0 / factor
    return replace(s.cam, fov=min(MAX_FOV, max(MIN_FOV, fov_zoom(s.cam.fov, factor**s.p))))


@realises("truck")
def truck(s: MoveStep) -> CameraState:
    d = s.sign("right") * s.amount * s.p
    yaw = math.radians(s.cam.yaw)
    return replace(s.cam, x=s.cam.x + math.cos(yaw) * d, z=s.cam.z - math.sin(yaw) * d)


@realises("pedestal")
def pedestal(s: MoveStep) -> CameraState:
    return replace(s.cam, y=max(LOWEST_EYE, s.cam.y + s.sign("up") * s.amount * s.p))


@realises("dolly")
def dolly(s: MoveStep) -> CameraState:
    cam, mv = s.cam, s.move
    d = (-1.0 if mv.direction == "out" else 1.0) * s.amount
    found = s.subject()
    if found is not None and mv.amount is None and mv.direction != "out":
        (point, _kind) = found
        d = DOLLY_TO_SUBJECT * math.hypot(point[0] - cam.x, point[1] - cam.z)
    yaw = math.radians(cam.yaw)
    return replace(cam, x=cam.x + math.sin(yaw) * d * s.p, z=cam.z + math.cos(yaw) * d * s.p)


@realises("shake")
def shake(s: MoveStep) -> CameraState:
    if s.move.direction == "out" or s.amount <= 0:
        return replace(s.cam, shake=lerp(s.cam.shake, 0.0, s.p))
    burst = s.duration > 0 and s.t > s.at + s.duration  # a shake with a duration is a burst
    return replace(s.cam, shake=0.0 if burst else lerp(s.cam.shake, min(1.0, s.amount), s.p))


@realises("static")
def static(s: MoveStep) -> CameraState:
    return replace(s.cam, shake=lerp(s.cam.shake, 0.0, s.p), target=None)


@realises("orbit")
def orbit(s: MoveStep) -> CameraState:
    cam = s.cam
    centre = pivot(cam, s.move.target, s.at, s.position_of)
    # "orbit right": the camera travels to its right round the pivot (anticlockwise seen
    # from above, x right and z forward) and turns left by the same angle to keep it framed.
    angle = math.radians(s.sign("right") * s.amount * s.p)
    rx, rz = cam.x - centre[0], cam.z - centre[1]
    x = centre[0] + rx * math.cos(angle) - rz * math.sin(angle)
    z = centre[1] + rx * math.sin(angle) + rz * math.cos(angle)
    return replace(cam, x=x, z=z, yaw=cam.yaw - math.degrees(angle))


@realises("crane")
def crane(s: MoveStep) -> CameraState:
    """Rise ``amount`` metres while arcing ``CRANE_SWING`` degrees round the subject (or the point ahead),
    tilting and turning so the subject stays where it was in the frame."""
    cam = s.cam
    found = s.subject()
    centre = pivot(cam, s.move.target, s.at, s.position_of)
    aim = aim_height(found[1], "medium") if found is not None else 0.0  # no subject: the ground ahead
    angle = math.radians(CRANE_SWING * s.p)
    rx, rz = cam.x - centre[0], cam.z - centre[1]
    x = centre[0] + rx * math.cos(angle) - rz * math.sin(angle)
    z = centre[1] + rx * math.sin(angle) + rz * math.cos(angle)
    y = max(LOWEST_EYE, cam.y + s.sign("up") * s.amount * s.p)
    moved = replace(cam, x=x, y=y, z=z, yaw=cam.yaw - math.degrees(angle))
    # Tilt by the change of the angle down to the subject: continuous at the start, the subject held in frame.
    _, pitch_before, _ = look(cam, centre, aim)
    _, pitch_after, _ = look(moved, centre, aim)
    return replace(moved, pitch=cam.pitch + pitch_after - pitch_before, target=None)


@realises("frame")
def framing(s: MoveStep) -> CameraState:
    """Shot sizes, cuts, focus and follow: aim at (and size) the subject, see ``camera_framing.frame``."""
    return frame(s.cam, s.move, s.at, s.p, s.aspect, s.position_of)
