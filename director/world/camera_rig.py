"""The virtual camera at time t, folded from timed camera moves.

Relative moves (pan 30° left, dolly 3 m in) add their eased share to whatever the camera is doing
already, so overlapping moves compose. Framing moves (shot sizes, focus, follow, orbit about a
character) need characters' positions: ``CameraRig.state(t, position_of)`` takes them; with
``position_of=None`` it gives the *base* camera (moves without aiming), which is what decides
where a newcomer enters from.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Callable

from director.world.easing import lerp, linear_progress, progress
from director.plan.timeline import CameraMove
from director.world.state import CameraState

DEFAULT_AMOUNT = {"pan": 30.0, "tilt": 15.0, "roll": 15.0, "zoom": 2.0, "dolly": 4.0, "truck": 2.0,
                  "pedestal": 2.0, "orbit": 45.0, "shake": 0.5}
DEFAULT_DURATION = {"slow": 5.0, "normal": 3.0, "fast": 1.2}
SHOT_FOV = {"extreme_wide": 85.0, "wide": 65.0, "medium": 38.0, "close": 20.0, "extreme_close": 10.0}
# Height of the frame, in multiples of a subject's height, for each shot size on a subject.
SHOT_FRAME = {"extreme_wide": 8.0, "wide": 3.5, "medium": 1.3, "close": 0.55, "extreme_close": 0.25}
SUBJECT_HEIGHT = {"person": 1.75, "cat": 0.3, "dog": 0.6, "bird": 0.3, "horse": 1.7, "car": 1.5, "bicycle": 1.1}
# Animals are longer than they are tall: a shot of one frames its body, not a slice of its flank.
FRAMING_SIZE = {"cat": 1.0, "dog": 1.4, "bird": 0.7, "horse": 3.0}
REST = CameraState()


def aim_height(kind: str, shot: str) -> float:
    """Where on a subject the camera aims: a person's face in close shots, else the chest; an animal's head."""
    height = SUBJECT_HEIGHT.get(kind, 1.0)
    if kind == "person":
        return height * (0.9 if shot in ("close", "extreme_close") else 0.6)
    return height * 0.8
MIN_FOV, MAX_FOV = 4.0, 110.0
_PHRASE_ENDERS = ("pan", "tilt", "roll", "zoom", "dolly", "truck", "pedestal", "orbit", "cut", "static")
COMFORT_FOV = 14.0  # narrower than this, framing moves the camera closer instead of zooming

Point = tuple[float, float]
PositionOf = Callable[[str, float], tuple[Point, str] | None]  # id, t -> ((x, z), kind)


@dataclass(frozen=True)
class TimedMove:
    at: float
    duration: float
    move: CameraMove
    text: str


def default_duration(move: CameraMove) -> float:
    if move.move == "cut":
        return 0.0
    return DEFAULT_DURATION[move.pace or "normal"]


def _sign(move: CameraMove, positive: str) -> float:
    return -1.0 if move.direction and move.direction != positive else 1.0


def _fov_zoom(fov: float, factor: float) -> float:
    return math.degrees(2 * math.atan(math.tan(math.radians(fov) / 2) / factor))


def _look(cam: CameraState, point: Point, height: float) -> tuple[float, float, float]:
    """Yaw, pitch and distance that aim the camera at a point ``height`` metres above the ground."""
    dx, dz = point[0] - cam.x, point[1] - cam.z
    dist = max(0.3, math.hypot(dx, dz))
    yaw = math.degrees(math.atan2(dx, dz))
    yaw = cam.yaw + ((yaw - cam.yaw + 180.0) % 360.0 - 180.0)  # the short way round
    pitch = math.degrees(math.atan2(height - cam.y, dist))
    return yaw, pitch, dist


def _framing_fov(shot: str, subject_height: float, dist: float, aspect: float) -> float:
    frame_h = SHOT_FRAME[shot] * subject_height
    fov_v = 2 * math.atan(frame_h / 2 / dist)
    fov_h = 2 * math.atan(math.tan(fov_v / 2) * aspect)
    return min(MAX_FOV, max(MIN_FOV, math.degrees(fov_h)))


# Moves whose finished result depends neither on time nor on where characters are (when untargeted).
_SETTLED_KINDS = frozenset({"pan", "tilt", "roll", "zoom", "dolly", "truck", "pedestal", "static", "shot", "cut"})


class CameraRig:
    def __init__(self, moves: list[TimedMove], aspect: float):
        self.moves = sorted(moves, key=lambda m: m.at)
        self._starts = [m.at for m in self.moves]
        self.aspect = aspect
        # Memo of the leading moves that have all finished: (end time, camera after them). A live
        # session (Wander) records hundreds of short moves; folding all of them for every frame and
        # for every character action made compiling quadratic. Same operations, same floats.
        self._settled: list[tuple[float, CameraState]] = []
        self._settled_open = True  # False once a move whose result stays time-dependent is reached

    def adopt_settled(self, other: CameraRig) -> None:
        """Take over ``other``'s memo of settled leading moves as far as both rigs' moves are the same
        (a recompile after a live command appends moves: the settled past is unchanged)."""
        if other.aspect != self.aspect or self._settled:
            return
        n = 0
        for (a, b) in zip(self.moves[: len(other._settled)], other.moves):
            if not (a.at == b.at and a.duration == b.duration and (a.move is b.move or a.move == b.move)):
                break
            n += 1
        self._settled = other._settled[:n]

    def phrase(self, t: float) -> str:
        """The move under way at ``t`` in words, or the standing one (following someone).

        The latest move that says something wins: one still running or a standing follow/focus gives
        its words, a finished framing move ends any earlier phrase; others (a finished shake) are passed over.
        """
        for m in reversed(self.moves[: bisect_right(self._starts, t)]):
            if t < m.at + m.duration or m.move.move in ("follow", "focus"):
                return m.text
            if m.move.move in _PHRASE_ENDERS:
                return ""
        return ""

    def _settle_until(self, t: float) -> None:
        """Extend the memo over leading moves finished at or before ``t``."""
        while self._settled_open and len(self._settled) < len(self.moves):
            m = self.moves[len(self._settled)]
            if m.move.move not in _SETTLED_KINDS or m.move.target:
                self._settled_open = False
                break
            end = max(self._settled[-1][0] if self._settled else -math.inf, m.at + m.duration)
            if end > t:
                break
            cam = self._settled[-1][1] if self._settled else REST
            self._settled.append((end, self._apply(cam, m, end, None)))

    def state(self, t: float, position_of: PositionOf | None = None) -> CameraState:
        self._settle_until(t)
        done = bisect_right(self._settled, t, key=lambda e: e[0])  # leading moves all finished by t
        cam = self._settled[done - 1][1] if done else REST
        for m in self.moves[done:]:
            if m.at > t:
                break
            cam = self._apply(cam, m, t, position_of)
        if cam.target and position_of is not None:
            found = position_of(cam.target, t)
            if found is not None:
                (point, kind) = found
                yaw, pitch, _ = _look(cam, point, aim_height(kind, "medium"))
                cam = replace(cam, yaw=yaw, pitch=pitch)
        return cam

    def _apply(self, cam: CameraState, m: TimedMove, t: float, position_of: PositionOf | None) -> CameraState:
        mv = m.move
        p = (linear_progress if mv.ease == "linear" else progress)(t, m.at, m.duration)
        amount = mv.amount if mv.amount is not None else DEFAULT_AMOUNT.get(mv.move, 0.0)
        kind = mv.move
        if kind == "pan":
            return replace(cam, yaw=cam.yaw + _sign(mv, "right") * amount * p, target=None)
        if kind == "tilt":
            return replace(cam, pitch=cam.pitch + _sign(mv, "up") * amount * p, target=None)
        if kind == "roll":
            return replace(cam, roll=cam.roll + _sign(mv, "right") * amount * p)
        if kind == "zoom":
            factor = amount if amount > 0 else 2.0
            if mv.direction == "out" and factor > 1.0:  # "zoom out 2x" may come as 2 or as 0.5
                factor = 1.0 / factor
            return replace(cam, fov=min(MAX_FOV, max(MIN_FOV, _fov_zoom(cam.fov, factor**p))))
        if kind == "truck":
            d = _sign(mv, "right") * amount * p
            yaw = math.radians(cam.yaw)
            return replace(cam, x=cam.x + math.cos(yaw) * d, z=cam.z - math.sin(yaw) * d)
        if kind == "pedestal":
            return replace(cam, y=max(0.2, cam.y + _sign(mv, "up") * amount * p))
        if kind == "dolly":
            d = (-1.0 if mv.direction == "out" else 1.0) * amount
            found = position_of(mv.target, m.at) if (mv.target and position_of) else None
            if found is not None and mv.amount is None and mv.direction != "out":
                (point, _k) = found
                d = 0.45 * math.hypot(point[0] - cam.x, point[1] - cam.z)
            yaw = math.radians(cam.yaw)
            return replace(cam, x=cam.x + math.sin(yaw) * d * p, z=cam.z + math.cos(yaw) * d * p)
        if kind == "shake":
            if mv.direction == "out" or amount <= 0:
                return replace(cam, shake=lerp(cam.shake, 0.0, p))
            burst = m.duration > 0 and t > m.at + m.duration
            return replace(cam, shake=0.0 if burst else lerp(cam.shake, min(1.0, amount), p))
        if kind == "static":
            return replace(cam, shake=lerp(cam.shake, 0.0, p), target=None)
        if kind == "orbit":
            pivot = self._pivot(cam, mv.target, m.at, position_of)
            # "orbit right": the camera travels to its right round the pivot (anticlockwise seen
            # from above, x right and z forward) and turns left by the same angle to keep it framed.
            angle = math.radians(_sign(mv, "right") * amount * p)
            rx, rz = cam.x - pivot[0], cam.z - pivot[1]
            x = pivot[0] + rx * math.cos(angle) - rz * math.sin(angle)
            z = pivot[1] + rx * math.sin(angle) + rz * math.cos(angle)
            return replace(cam, x=x, z=z, yaw=cam.yaw - math.degrees(angle))
        if kind in ("shot", "focus", "follow", "cut"):
            return self._frame(cam, m, p, position_of)
        return cam

    def _pivot(self, cam: CameraState, target: str | None, t: float, position_of: PositionOf | None) -> Point:
        if target and position_of is not None:
            found = position_of(target, t)
            if found is not None:
                return found[0]
        yaw = math.radians(cam.yaw)
        return (cam.x + math.sin(yaw) * 7.0, cam.z + math.cos(yaw) * 7.0)

    def _frame(self, cam: CameraState, m: TimedMove, p: float, position_of: PositionOf | None) -> CameraState:
        mv = m.move
        start = cam
        if mv.move == "cut":
            start = replace(REST, cut=cam.cut + 1)
            p = 1.0
        shot = mv.shot or ("medium" if mv.target else None)
        found = position_of(mv.target, m.at) if (mv.target and position_of is not None) else None
        if found is None:
            fov = SHOT_FOV[shot] if shot else start.fov
            target = start.target if mv.move != "cut" else None
            if mv.target and position_of is None:
                target = None
            return replace(start, fov=lerp(start.fov, fov, p), target=target if mv.move != "cut" else None)
        (point, kind) = found
        height = SUBJECT_HEIGHT.get(kind, 1.0)
        aim = aim_height(kind, shot or "medium")
        size = max(height, FRAMING_SIZE.get(kind, 0.0))
        _, _, dist = _look(start, point, aim)
        fov = _framing_fov(shot or "medium", size, dist, self.aspect)
        if fov < COMFORT_FOV:  # too long a lens: move in instead, as an operator would
            wanted = dist * math.tan(math.radians(fov) / 2) / math.tan(math.radians(COMFORT_FOV) / 2)
            wanted = max(0.8, wanted)
            f = (dist - wanted) / dist * p
            eye = max(0.35, min(start.y, height * 0.9 + 0.15)) if shot in ("close", "extreme_close") else start.y
            start = replace(start, x=lerp(start.x, point[0], f), z=lerp(start.z, point[1], f), y=lerp(start.y, eye, p))
            fov = _framing_fov(shot or "medium", size, wanted, self.aspect)
        yaw, pitch, dist = _look(start, point, aim)
        keep = mv.target if mv.move in ("follow", "focus", "shot", "cut") else None
        framed = replace(
            start,
            yaw=lerp(start.yaw, yaw, p),
            pitch=lerp(start.pitch, pitch, p),
            fov=lerp(start.fov, fov, p) if (mv.shot or mv.move != "follow") else start.fov,
        )
        # While the transition runs the eased aim leads; afterwards the rig keeps aiming at the target.
        return replace(framed, target=keep if p >= 1.0 else None)
