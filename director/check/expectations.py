"""What each directive should do to the clip, read from the project's own interpretation.

The timeline is compiled exactly as a render compiles it (``director.world.compile``), so a check judges the
directive's *reading* ("push in on her" → dolly in on Mei over 3 s) against the pixels and the sound.
Nothing here depends on the engine: the compiled world (camera states, character tracks, environment)
is the same for every engine, which is what lets one checker judge previz and neural clips alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from director.world import Interpretation, Part, Script, describe_part
from director.world.entity_motion import GESTURE_SECONDS
from director.plan.timeline import GESTURES, CameraMove, CharacterAction, SceneChange, StyleChange
from director.world.state import CameraState, Environment, EntityState

SETTLE = 0.25  # seconds a change is given after its nominal end before the "after" look
ENTRY_STEP = 0.05  # seconds between looks for where a newcomer first shows


@dataclass(frozen=True)
class Expectation:
    """One part of one directive, with the window of the clip where its effect should show."""

    index: int
    at: float
    text: str
    part: Part | None  # None: a directive kept as a prompt
    start: float
    end: float  # when the transition is over (== start for an instant one)
    camera_before: CameraState
    camera_after: CameraState
    env_before: Environment
    env_after: Environment
    entity_before: EntityState | None = None
    entity_after: EntityState | None = None
    entity_first: EntityState | None = None  # a newcomer as it first shows in the window: where it comes in
    first_directive_at_start: bool = False  # nothing before it to compare with
    rate_before: float = 1.0  # the world's speed (world seconds per video second) before and after
    rate_after: float = 1.0

    @property
    def duration(self) -> float:
        return self.end - self.start


def _change_end(script: Script, interp: Interpretation, part: Part) -> float:
    for c in script.changes:
        if c.change is part and c.at == interp.at:
            return c.at + c.duration
    return interp.at


def _move_end(script: Script, interp: Interpretation, part: CameraMove) -> float:
    for m in script.rig.moves:
        if m.move is part and m.at == interp.at:
            return m.at + m.duration
    return interp.at


def _action_end(script: Script, part: CharacterAction, at: float, limit: float) -> float:
    """When the character's motion started at ``at`` is over: it stops, has left, or the clip ends."""
    track = script.tracks.get(part.name.lower())
    if track is None or part.action in ("stop", "idle", "turn"):
        return at
    if part.action in GESTURES:  # a wave lasts its few seconds; sitting down or a fall, the time to get there
        return min(limit, at + GESTURE_SECONDS.get(part.action, 1.0))
    t = at + 0.25
    while t < limit:
        s = track.state(t)
        if s is not None and (s.speed == 0.0 or s.presence == 0.0):
            return t
        t += 0.25
    return limit


def _first_sight(script: Script, who: str, start: float, end: float) -> EntityState | None:
    """The character at the first instant of [start, end] it is in the world (present at all), or None."""
    steps = max(1, int(math.ceil((end - start) / ENTRY_STEP)))
    for k in range(steps + 1):
        ent = script.state_at(min(end, start + k * ENTRY_STEP)).entity(who)
        if ent is not None and ent.presence > 0.0:
            return ent
    return None


def expectations(script: Script, duration: float) -> list[Expectation]:
    """Every directive part of ``script`` with its window, in timeline order."""
    out: list[Expectation] = []
    eps = 1e-3
    for interp in script.interpretations:
        text = interp.text or ""
        before = script.state_at(max(0.0, interp.at - eps))
        parts: tuple[Part | None, ...] = interp.parts if interp.parts else (None,)
        for part in parts:
            if isinstance(part, CameraMove):
                end = _move_end(script, interp, part)
            elif isinstance(part, (SceneChange, StyleChange)):
                end = _change_end(script, interp, part)
            elif isinstance(part, CharacterAction):
                end = _action_end(script, part, interp.at, duration)
            else:
                end = interp.at
            end = min(end, duration)
            after = script.state_at(min(duration, end + eps))
            who = part.name if isinstance(part, CharacterAction) else None
            out.append(Expectation(
                index=interp.index, at=interp.at, text=text, part=part,
                start=interp.at, end=end,
                camera_before=before.camera,
                camera_after=after.camera,
                env_before=before.environment, env_after=after.environment,
                entity_before=before.entity(who) if who else None,
                entity_after=after.entity(who) if who else None,
                entity_first=_first_sight(script, who, interp.at, end) if who else None,
                first_directive_at_start=interp.at < eps,
                rate_before=script.warp.rate(max(0.0, interp.at - eps)),
                rate_after=script.warp.rate(min(duration, end + eps)),
            ))
            if not interp.understood and part is not None:  # partly understood: the rest stays a prompt
                out.append(Expectation(interp.index, interp.at, text, None, interp.at, interp.at,
                                       before.camera, before.camera, before.environment, before.environment))
    return out


def effect_words(part: Part | None) -> str:
    """A short name for the effect: 'dolly in', 'pan left', 'rain', 'the cat runs to the girl'."""
    if part is None:
        return "kept as a prompt"
    if isinstance(part, CameraMove):
        bits = [part.move]
        if part.direction:
            bits.append(part.direction)
        if part.shot:
            bits.append(part.shot.replace("_", " "))
        if part.target:
            bits.append(f"on {part.target}")
        return " ".join(bits)
    return describe_part(part)


# -- the world's pinhole camera (world_state.py conventions), for where a character should be --

def screen_x(cam: CameraState, x: float, z: float) -> tuple[float, float]:
    """(horizontal position in half-widths, -1 = left edge, +1 = right edge; depth in metres)."""
    yaw = math.radians(cam.yaw)
    dx, dz = x - cam.x, z - cam.z
    right = dx * math.cos(yaw) - dz * math.sin(yaw)
    forward = dx * math.sin(yaw) + dz * math.cos(yaw)
    if forward <= 0.05:
        return (math.copysign(9.0, right), forward)
    return right / forward / math.tan(math.radians(cam.fov) / 2), forward


def magnification(before: CameraState, after: CameraState, point: tuple[float, float, float]) -> float:
    """How much bigger ``point``'s surroundings look after than before (zoom and distance together)."""
    def scale(cam: CameraState) -> float:
        yaw = math.radians(cam.yaw)
        dx, dz = point[0] - cam.x, point[2] - cam.z
        forward = max(0.3, dx * math.sin(yaw) + dz * math.cos(yaw))
        return 1.0 / math.tan(math.radians(cam.fov) / 2) / forward

    return scale(after) / scale(before)


def look_point(cam: CameraState, distance: float = 7.0) -> tuple[float, float, float]:
    """A point ``distance`` metres ahead of the camera on its view axis, at eye height."""
    yaw = math.radians(cam.yaw)
    return (cam.x + math.sin(yaw) * distance, cam.y, cam.z + math.cos(yaw) * distance)


def screen_point(cam: CameraState, x: float, y: float, z: float, aspect: float) -> tuple[float, float] | None:
    """Where the world point (x, y, z) lands on screen: (u, v) in half-widths and half-heights from the
    centre, u > 0 right, v > 0 down; None when it is behind the camera. Roll is left out (a figure's
    box is only widened by it)."""
    yaw, pitch = math.radians(cam.yaw), math.radians(cam.pitch)
    dx, dy, dz = x - cam.x, y - cam.y, z - cam.z
    right = dx * math.cos(yaw) - dz * math.sin(yaw)
    ahead = dx * math.sin(yaw) + dz * math.cos(yaw)
    forward = ahead * math.cos(pitch) + dy * math.sin(pitch)
    up = dy * math.cos(pitch) - ahead * math.sin(pitch)
    if forward <= 0.05:
        return None
    half_w = math.tan(math.radians(cam.fov) / 2)
    return right / forward / half_w, -up / forward / (half_w / aspect)
