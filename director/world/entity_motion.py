"""Where each character is at time t: trajectories folded from its timed actions.

Pure functions of the compiled actions. A move aims at a place or at another character (evaluated
at the same instant, so "the cat runs to the girl" ends beside her even if she walks on), travels
at the kind's walk/run speed and stops beside its goal. Characters not declared in the world appear
with their first action, entering from off-screen on the side their path implies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from director.plan.timeline import GESTURES, CharacterAction
from director.vocabulary.character_kinds import CHARACTER_KINDS, DEFAULT_KIND, CharacterKindEntry, character_kind
from director.world.state import CameraState, EntityState



def _measures(kind: str) -> CharacterKindEntry:
    """The kind's walk and run speeds and stride (a person's for a kind nobody defined)."""
    return character_kind(kind) or CHARACTER_KINDS[DEFAULT_KIND]


BESIDE = 0.9  # metres left between a character and the one it walked to
FADE = 0.3  # seconds to appear or vanish at the frame edge
DEFAULT_DEPTH = 7.0
# A wave, a jump or a dance is over after a few seconds; sitting down and falling hold until the next action.
GESTURE_SECONDS = {"wave": 3.0, "point": 3.0, "dance": 4.0, "jump": 2.4}

PLACES = {  # camera-relative (right, forward) metres
    "left": (-2.5, 7.0),
    "right": (2.5, 7.0),
    "center": (0.0, 6.0),
    "centre": (0.0, 6.0),
    "near": (0.0, 3.5),
    "camera": (0.0, 3.0),
    "far": (0.0, 14.0),
}

Point = tuple[float, float]


@dataclass(frozen=True)
class Profile:
    """What a character is, whatever it does."""

    id: str
    kind: str
    description: str
    image: str | None
    declared: bool  # in the world from the start
    start: Point
    start_heading: float


@dataclass(frozen=True)
class TimedAction:
    at: float
    action: CharacterAction
    text: str  # the directive's words, for prompts


def _norm(dx: float, dz: float) -> float:
    return math.hypot(dx, dz)


def heading_of(dx: float, dz: float, fallback: float) -> float:
    if abs(dx) + abs(dz) < 1e-9:
        return fallback
    return math.degrees(math.atan2(dx, dz))


def camera_to_world(cam: CameraState, right: float, forward: float) -> Point:
    yaw = math.radians(cam.yaw)
    return (
        cam.x + math.sin(yaw) * forward + math.cos(yaw) * right,
        cam.z + math.cos(yaw) * forward - math.sin(yaw) * right,
    )


def offscreen_point(cam: CameraState, side: str, depth: float) -> Point:
    """A ground point just outside the frame at ``depth`` metres on ``side`` (left/right/back/front)."""
    half = math.tan(math.radians(cam.fov) / 2) * depth + 1.2
    if side == "left":
        return camera_to_world(cam, -half, depth)
    if side == "right":
        return camera_to_world(cam, half, depth)
    if side == "back":
        return camera_to_world(cam, 0.0, depth + 25.0)
    return camera_to_world(cam, 0.0, 0.5)  # front: from behind the camera


@dataclass
class _Segment:
    t0: float
    start: Point
    heading: float
    goal: Callable[[float], Point] | None  # None = stand still
    speed: float
    action: str  # walk / run / idle
    text: str
    leaves: bool = False
    face: Callable[[float], Point] | None = None  # what to face after arriving
    lasts: float | None = None  # seconds a gesture lasts (None: holds)


class EntityTrack:
    """The folded actions of one character. ``state(t)`` is pure and cheap."""

    def __init__(
        self,
        profile: Profile,
        actions: list[TimedAction],
        base_camera: Callable[[float], CameraState],
        position_of: Callable[[str, float], Point | None],
    ):
        self.profile = profile
        self.actions = sorted(actions, key=lambda a: a.at)
        self._base_camera = base_camera
        self._position_of = position_of
        self.appears_at = 0.0 if profile.declared else (self.actions[0].at if self.actions else math.inf)
        self._segments = self._plan()

    # -- planning ---------------------------------------------------------
    def _target(self, target: str | None, cam: CameraState) -> tuple[Callable[[float], Point] | None, str | None]:
        """A moving goal for a target word, and the id of the character aimed at (if any)."""
        if not target:
            return None, None
        key = target.lower()
        if key in PLACES:
            point = camera_to_world(cam, *PLACES[key])
            return (lambda t, p=point: p), None
        if key == "away":  # off into the distance, away from the camera
            point = camera_to_world(cam, 0.0, 30.0)
            return (lambda t, p=point: p), None
        return None, key  # a character: resolved per instant

    def _plan(self) -> list[_Segment]:
        p = self.profile
        kind = _measures(p.kind)
        speeds = (kind.walk_speed, kind.run_speed)
        segments: list[_Segment] = []
        current = _Segment(0.0, p.start, p.start_heading, None, 0.0, "idle", "")
        present = p.declared
        for timed in self.actions:
            a = timed.action
            cam = self._base_camera(timed.at)
            here, heading = self._position(current, timed.at) if segments or present else (p.start, p.start_heading)
            goal, aim_id = self._target(a.target, cam)
            if aim_id is not None:
                goal = self._beside(aim_id, here)
            if a.action == "cross":  # in at one side, across at the kind's fast pace, out at the other
                side = a.side if a.side in ("left", "right") else "left"
                depth = max(2.5, self._depth(cam, here)) if present else DEFAULT_DEPTH
                start = offscreen_point(cam, side, depth) if not present else here
                exit_point = offscreen_point(cam, "right" if side == "left" else "left", depth)
                heading = heading_of(exit_point[0] - start[0], exit_point[1] - start[1], heading)
                current = _Segment(timed.at, start, heading, lambda t, q=exit_point: q, speeds[1], "run", timed.text, leaves=True)
                segments.append(current)
                present = True
                continue
            if not present and a.action in GESTURES:  # "Tom points at the house": Tom is there, in the frame
                here, present = camera_to_world(cam, 1.0, DEFAULT_DEPTH), True
            if not present and a.action != "leave":
                depth = DEFAULT_DEPTH
                aim = self._position_of(aim_id, timed.at) if aim_id is not None else None
                if goal is not None:
                    gx, gz = aim if aim is not None else goal(timed.at)
                    rel_forward = (gx - cam.x) * math.sin(math.radians(cam.yaw)) + (gz - cam.z) * math.cos(math.radians(cam.yaw))
                    rel_right = (gx - cam.x) * math.cos(math.radians(cam.yaw)) - (gz - cam.z) * math.sin(math.radians(cam.yaw))
                    depth = max(2.5, rel_forward)
                    side = a.side or ("left" if rel_right >= 0 else "right")
                else:
                    side = a.side or "left"
                here = offscreen_point(cam, side, depth)
                if aim_id is not None:
                    goal = self._beside(aim_id, here)
                if goal is None:  # enter and stop a little inside the frame
                    inside = camera_to_world(cam, -1.5 if side == "left" else 1.5, depth) if side in ("left", "right") else camera_to_world(cam, 0.0, depth)
                    goal = lambda t, q=inside: q  # noqa: E731
                heading = heading_of(goal(timed.at)[0] - here[0], goal(timed.at)[1] - here[1], heading)
                present = True
            speed = speeds[1] if a.action == "run" or a.pace == "run" else speeds[0]
            mode = "run" if a.action == "run" or a.pace == "run" else "walk"
            if a.action == "stop" or a.action == "idle":
                current = _Segment(timed.at, here, heading, None, 0.0, "idle", timed.text)
            elif a.action in GESTURES:  # in place, facing what it waves or points at
                face_to = heading
                if goal is not None:
                    fx, fz = goal(timed.at)
                    face_to = heading_of(fx - here[0], fz - here[1], heading)
                current = _Segment(timed.at, here, face_to, None, 0.0, a.action, timed.text,
                                   lasts=GESTURE_SECONDS.get(a.action))
            elif a.action == "turn":
                face = goal or (lambda t, h=here, hd=heading: (h[0] - math.sin(math.radians(hd)), h[1] - math.cos(math.radians(hd))))
                fx, fz = face(timed.at)
                current = _Segment(timed.at, here, heading_of(fx - here[0], fz - here[1], heading), None, 0.0, "idle", timed.text)
            elif a.action == "leave":
                side = a.side or ("left" if self._screen_right(cam, here) < 0 else "right")
                exit_point = offscreen_point(cam, side, max(2.5, self._depth(cam, here)))
                current = _Segment(timed.at, here, heading, lambda t, q=exit_point: q, speed, mode, timed.text, leaves=True)
            else:  # enter, walk, run
                if goal is None:  # wander across the frame towards the roomier side
                    cam_right = self._screen_right(cam, here)
                    goal_point = camera_to_world(cam, -3.0 if cam_right > 0 else 3.0, self._depth(cam, here))
                    goal = lambda t, q=goal_point: q  # noqa: E731
                face = self._face(aim_id)
                away = (a.target or "").lower() == "away"
                current = _Segment(timed.at, here, heading, goal, speed, mode, timed.text, leaves=away, face=face)
            segments.append(current)
        return segments

    def _beside(self, aim_id: str, here: Point) -> Callable[[float], Point]:
        def goal(t: float) -> Point:
            target = self._position_of(aim_id, t)
            if target is None:
                return here
            dx, dz = here[0] - target[0], here[1] - target[1]
            d = _norm(dx, dz)
            if d < 1e-6:
                return target
            return (target[0] + dx / d * BESIDE, target[1] + dz / d * BESIDE)

        return goal

    def _face(self, aim_id: str | None) -> Callable[[float], Point] | None:
        if aim_id is None:
            return None
        return lambda t: self._position_of(aim_id, t) or (0.0, 0.0)

    @staticmethod
    def _screen_right(cam: CameraState, p: Point) -> float:
        yaw = math.radians(cam.yaw)
        return (p[0] - cam.x) * math.cos(yaw) - (p[1] - cam.z) * math.sin(yaw)

    @staticmethod
    def _depth(cam: CameraState, p: Point) -> float:
        yaw = math.radians(cam.yaw)
        return (p[0] - cam.x) * math.sin(yaw) + (p[1] - cam.z) * math.cos(yaw)

    # -- evaluation -------------------------------------------------------
    @staticmethod
    def _progress(seg: _Segment, t: float) -> tuple[Point, float, bool, float]:
        """Position, heading, arrived?, distance travelled in this segment at ``t``."""
        if seg.goal is None:
            return seg.start, seg.heading, True, 0.0
        start_goal = seg.goal(seg.t0)
        total = _norm(start_goal[0] - seg.start[0], start_goal[1] - seg.start[1])
        travelled = seg.speed * max(0.0, t - seg.t0)
        goal = seg.goal(t)
        if total < 1e-6 or travelled >= total:
            heading = seg.heading if total < 1e-6 else heading_of(goal[0] - seg.start[0], goal[1] - seg.start[1], seg.heading)
            if seg.face is not None:
                fx, fz = seg.face(t)
                heading = heading_of(fx - goal[0], fz - goal[1], heading)
            return goal, heading, True, _norm(goal[0] - seg.start[0], goal[1] - seg.start[1])
        f = travelled / total
        pos = (seg.start[0] + (goal[0] - seg.start[0]) * f, seg.start[1] + (goal[1] - seg.start[1]) * f)
        heading = heading_of(goal[0] - seg.start[0], goal[1] - seg.start[1], seg.heading)
        return pos, heading, False, travelled

    def _position(self, seg: _Segment, t: float) -> tuple[Point, float]:
        pos, heading, _, _ = self._progress(seg, t)
        return pos, heading

    def position(self, t: float) -> Point | None:
        if t < self.appears_at:
            return None
        seg = self._segment_at(t)
        if seg is None:
            return self.profile.start
        return self._position(seg, t)[0]

    def _segment_at(self, t: float) -> _Segment | None:
        found = None
        for seg in self._segments:
            if seg.t0 <= t:
                found = seg
            else:
                break
        return found

    def state(self, t: float) -> EntityState | None:
        """The character at ``t``, or None before it appears."""
        p = self.profile
        if t < self.appears_at:
            return None
        stride_len = _measures(p.kind).stride
        walked = 0.0
        seg_now = None
        for seg in self._segments:
            if seg.t0 > t:
                break
            if seg_now is not None:
                walked += self._progress(seg_now, seg.t0)[3]
            seg_now = seg
        if seg_now is None:
            return EntityState(p.id, p.kind, p.description, p.image, p.start[0], p.start[1], p.start_heading)
        pos, heading, arrived, dist = self._progress(seg_now, t)
        walked += dist
        presence = min(1.0, (t - self.appears_at) / FADE) if not p.declared else 1.0
        if seg_now.leaves and arrived:
            arrival = seg_now.t0 + dist / max(seg_now.speed, 1e-6)
            presence = max(0.0, 1.0 - (t - arrival) / FADE)
        moving = not arrived and seg_now.goal is not None
        gesture = t - seg_now.t0
        gesturing = seg_now.action in GESTURES and (seg_now.lasts is None or gesture < seg_now.lasts)
        return EntityState(
            id=p.id,
            kind=p.kind,
            description=p.description,
            image=p.image,
            x=pos[0],
            z=pos[1],
            heading=heading,
            action=seg_now.action if moving or gesturing else "idle",  # type: ignore[arg-type]
            speed=seg_now.speed if moving else 0.0,
            stride=walked / stride_len,
            presence=presence,
            gesture=gesture if gesturing else 0.0,
        )

    def moving_text(self, t: float) -> str | None:
        """The words of the action under way at ``t`` (for prompts), if any."""
        seg = self._segment_at(t)
        if seg is None or not seg.text:
            return None
        _, _, arrived, _ = self._progress(seg, t)
        return None if arrived and seg.goal is not None else seg.text
