"""Lens and aiming maths shared by the rig's moves: shot sizes, where on a subject the camera aims,
the field of view that frames a subject, and the framing move (shot, cut, focus, follow).

Subjects' sizes come from the vocabulary's character kinds.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

from director.vocabulary.character_kinds import OTHER_HEIGHT, character_kind
from director.world.easing import lerp
from director.world.state import CameraState

SHOT_FOV = {"extreme_wide": 85.0, "wide": 65.0, "medium": 38.0, "close": 20.0, "extreme_close": 10.0}
# Height of the frame, in multiples of a subject's height, for each shot size on a subject.
SHOT_FRAME = {"extreme_wide": 8.0, "wide": 3.5, "medium": 1.3, "close": 0.55, "extreme_close": 0.25}
MIN_FOV, MAX_FOV = 4.0, 110.0
COMFORT_FOV = 14.0  # narrower than this, framing moves the camera closer instead of zooming
CLOSEST = 0.8  # metres: framing never moves the lens nearer a subject than this
MIN_EYE = 0.35  # metres: a close shot lowers the camera to a small subject's eye, not below this
EYE_ABOVE = 0.15  # metres above the subject's face height (FACE): the lens just above its eye line
PIVOT_AHEAD = 7.0  # metres: an orbit with no subject turns about the point this far ahead
REST = CameraState()
# Where on a subject the camera aims, as a share of its height.
FACE = 0.9  # a person's eyes: close shots look them in the face
CHEST = 0.6  # a person in wider shots: the middle of the figure
ANIMAL_HEAD = 0.8  # animals and things: near the top, where a viewer looks
NEAREST_LOOK = 0.3  # metres: aiming at a point closer than this is taken as aiming at this distance

Point = tuple[float, float]
PositionOf = Callable[[str, float], tuple[Point, str] | None]  # id, t -> ((x, z), kind)


def subject_height(kind: str) -> float:
    """How tall a subject of ``kind`` is framed, metres (one metre for a kind nobody defined)."""
    entry = character_kind(kind)
    return entry.height if entry is not None else OTHER_HEIGHT


def framing_size(kind: str) -> float:
    """The size a shot frames: animals are longer than they are tall (a shot frames the body, not a flank)."""
    entry = character_kind(kind)
    return max(subject_height(kind), entry.framing_size if entry is not None else 0.0)


def aim_height(kind: str, shot: str) -> float:
    """Where on a subject the camera aims: a person's face in close shots, else the chest; an animal's head."""
    height = subject_height(kind)
    if kind == "person":
        return height * (FACE if shot in ("close", "extreme_close") else CHEST)
    return height * ANIMAL_HEAD


def fov_zoom(fov: float, factor: float) -> float:
    """The field of view after zooming ``factor`` times closer."""
    return math.degrees(2 * math.atan(math.tan(math.radians(fov) / 2) / factor))


def look(cam: CameraState, point: Point, height: float) -> tuple[float, float, float]:
    """Yaw, pitch and distance that aim the camera at a point ``height`` metres above the ground."""
    dx, dz = point[0] - cam.x, point[1] - cam.z
    dist = max(NEAREST_LOOK, math.hypot(dx, dz))
    yaw = math.degrees(math.atan2(dx, dz))
    yaw = cam.yaw + ((yaw - cam.yaw + 180.0) % 360.0 - 180.0)  # the short way round
    pitch = math.degrees(math.atan2(height - cam.y, dist))
    return yaw, pitch, dist


def framing_fov(shot: str, size: float, dist: float, aspect: float) -> float:
    """Horizontal field of view (degrees) that frames a subject ``size`` metres tall at ``dist`` as ``shot``."""
    frame_h = SHOT_FRAME[shot] * size
    fov_v = 2 * math.atan(frame_h / 2 / dist)
    fov_h = 2 * math.atan(math.tan(fov_v / 2) * aspect)
    return min(MAX_FOV, max(MIN_FOV, math.degrees(fov_h)))


def pivot(cam: CameraState, target: str | None, t: float, position_of: PositionOf | None) -> Point:
    """What a move turns about: the target's position, else the point ``PIVOT_AHEAD`` ahead."""
    if target and position_of is not None:
        found = position_of(target, t)
        if found is not None:
            return found[0]
    yaw = math.radians(cam.yaw)
    return (cam.x + math.sin(yaw) * PIVOT_AHEAD, cam.z + math.cos(yaw) * PIVOT_AHEAD)


def frame(cam: CameraState, move, at: float, p: float, aspect: float, position_of: PositionOf | None) -> CameraState:
    """The framing moves (shot, cut, focus, follow) at progress ``p``: a shot size, on a subject if named.

    ``move`` is the ``CameraMove``, ``at`` its start (where the subject is looked up).
    """
    mv = move
    start = cam
    if mv.move == "cut":
        start = replace(REST, cut=cam.cut + 1)
        p = 1.0
    shot = mv.shot or ("medium" if mv.target else None)
    found = position_of(mv.target, at) if (mv.target and position_of is not None) else None
    if found is None:
        fov = SHOT_FOV[shot] if shot else start.fov
        target = start.target if mv.move != "cut" else None
        if mv.target and position_of is None:
            target = None
        return replace(start, fov=lerp(start.fov, fov, p), target=target if mv.move != "cut" else None)
    (point, kind) = found
    height = subject_height(kind)
    aim = aim_height(kind, shot or "medium")
    size = framing_size(kind)
    _, _, dist = look(start, point, aim)
    fov = framing_fov(shot or "medium", size, dist, aspect)
    if fov < COMFORT_FOV:  # too long a lens: move in instead, as an operator would
        wanted = dist * math.tan(math.radians(fov) / 2) / math.tan(math.radians(COMFORT_FOV) / 2)
        wanted = max(CLOSEST, wanted)
        f = (dist - wanted) / dist * p
        eye = max(MIN_EYE, min(start.y, height * FACE + EYE_ABOVE)) if shot in ("close", "extreme_close") else start.y
        start = replace(start, x=lerp(start.x, point[0], f), z=lerp(start.z, point[1], f), y=lerp(start.y, eye, p))
        fov = framing_fov(shot or "medium", size, wanted, aspect)
    yaw, pitch, dist = look(start, point, aim)
    keep = mv.target if mv.move in ("follow", "focus", "shot", "cut") else None
    framed = replace(
        start,
        yaw=lerp(start.yaw, yaw, p),
        pitch=lerp(start.pitch, pitch, p),
        fov=lerp(start.fov, fov, p) if (mv.shot or mv.move != "follow") else start.fov,
    )
    # While the transition runs the eased aim leads; afterwards the rig keeps aiming at the target.
    return replace(framed, target=keep if p >= 1.0 else None)
