"""Camera motion frame by frame, in director's camera units: the meeting point of the formats.

``CameraMotion`` holds, for every frame, how much the camera moved since the frame before: pan, tilt
and roll in degrees, zoom as a factor, truck/pedestal/dolly in metres (``director/world/camera_rig.py``'s
units and signs: pan > 0 turns right, tilt > 0 looks up, roll > 0 turns the picture clockwise, truck > 0
moves right, pedestal > 0 up, dolly > 0 forward). Deforum and Parseq schedules are read into one
(``deforum_units.py``) and written from one; a timeline gives one by sampling its camera
(``motion_from_timeline``) and becomes one again through ``directives_from_motion``.

Directives reproduce the motion as *linear* camera moves (constant speed, ``ease: "linear"``), one per
axis and segment: the camera is exactly where the schedule puts it at every segment boundary, and
between boundaries it differs from the schedule by at most ``MotionFit.max_error`` (a segment's
constant speed against the schedule's changing one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from director.commands.reader import RULES_ONLY, Reader
from director.plan.timeline import CameraMove, Directive, Timeline

AXES = ("pan", "tilt", "roll", "zoom", "truck", "pedestal", "dolly")
UNITS = {"pan": "°", "tilt": "°", "roll": "°", "zoom": "x", "truck": "m", "pedestal": "m", "dolly": "m"}
_DIRECTION = {"pan": ("right", "left"), "tilt": ("up", "down"), "roll": ("right", "left"), "zoom": ("in", "out"),
              "truck": ("right", "left"), "pedestal": ("up", "down"), "dolly": ("in", "out")}
SEGMENT_SECONDS = 0.5  # one linear move per axis per half second at most (merged while the speed holds)
STILL = 1e-9  # per-frame motion below this counts as none


@dataclass
class CameraMotion:
    """Per-frame camera motion: each array is float64 [frames]; entry k is the motion from frame k-1 to
    frame k (entry 0 is ignored: frame 0 is where the camera starts). ``zoom`` holds log factors, so
    that motions add up on every axis (a zoom factor is ``exp`` of the sum)."""

    fps: float
    frames: int
    deltas: dict[str, np.ndarray] = field(default_factory=dict)

    def axis(self, name: str) -> np.ndarray:
        return self.deltas.get(name, np.zeros(self.frames))

    def cumulative(self, name: str) -> np.ndarray:
        """Where the camera is on an axis at each frame, relative to frame 0 (zoom: log factor)."""
        d = self.axis(name).copy()
        d[0] = 0.0
        return np.cumsum(d)

    def moving_axes(self) -> list[str]:
        return [a for a in AXES if np.any(np.abs(self.axis(a)[1:]) > STILL)]


@dataclass(frozen=True)
class MotionFit:
    """How closely the directives follow the motion: worst distance per axis between the schedule's
    camera and the linear moves', in the axis' unit (zoom: as a factor, e.g. 1.01 = 1 %)."""

    max_error: dict[str, float]
    directives: int


def directives_from_motion(motion: CameraMotion, segment_seconds: float = SEGMENT_SECONDS,
                           text_prefix: str = "") -> tuple[list[Directive], MotionFit]:
    """Linear camera directives that reproduce ``motion``: per axis, the frames are cut into segments of
    ``segment_seconds`` and neighbouring segments at the same speed are merged into one move."""
    step = max(1, round(segment_seconds * motion.fps))
    directives: list[Directive] = []
    errors: dict[str, float] = {}
    moving = motion.moving_axes()
    for axis in moving:
        # Truck and dolly go along the camera's heading as it is when they are evaluated: while it pans,
        # short moves follow the turning heading (as Deforum's per-frame translation does), long ones would not.
        mergeable = axis not in ("truck", "dolly") or "pan" not in moving
        path = motion.cumulative(axis)
        bounds = list(range(0, motion.frames - 1, step)) + [motion.frames - 1]
        pieces: list[tuple[int, int, float]] = []  # (start frame, end frame, amount)
        for a, b in zip(bounds, bounds[1:]):
            amount = path[b] - path[a]
            if mergeable and pieces and _same_speed(pieces[-1], (a, b, amount)):
                s, _, total = pieces[-1]
                pieces[-1] = (s, b, total + amount)
            else:
                pieces.append((a, b, amount))
        fitted = np.interp(np.arange(motion.frames), [p[0] for p in pieces] + [pieces[-1][1]],
                           np.concatenate([[path[pieces[0][0]]], path[[p[1] for p in pieces]]]))
        worst = float(np.max(np.abs(fitted - path)))
        errors[axis] = math.exp(worst) if axis == "zoom" else worst
        for a, b, amount in pieces:
            if abs(amount) <= STILL * (b - a):
                continue
            directives.append(_directive(axis, a / motion.fps, (b - a) / motion.fps, amount, text_prefix))
    directives.sort(key=lambda d: d.at)
    return directives, MotionFit(errors, len(directives))


def _same_speed(p: tuple[int, int, float], q: tuple[int, int, float]) -> bool:
    v1, v2 = p[2] / (p[1] - p[0]), q[2] / (q[1] - q[0])
    return abs(v1 - v2) <= 1e-9 + 1e-6 * max(abs(v1), abs(v2))


def _directive(axis: str, at: float, duration: float, amount: float, text_prefix: str) -> Directive:
    positive, negative = _DIRECTION[axis]
    direction = positive if amount >= 0 else negative
    size = math.exp(abs(amount)) if axis == "zoom" else abs(amount)
    move = CameraMove(move=axis, direction=direction, amount=round(size, 6), ease="linear")
    return Directive(at=round(at, 6), duration=round(duration, 6), camera=move)


def motion_from_timeline(timeline: Timeline, *, fps: float | None = None, base_dir=None,
                         reader: Reader = RULES_ONLY) -> CameraMotion:
    """Sample the timeline's camera (framing moves, orbits and follows included) at every frame of
    ``fps`` (default: the timeline's) and return the motion between frames, in camera-local terms:
    truck and dolly along the camera's right and forward at the previous frame."""
    from director.world import compile_timeline

    del base_dir  # image paths play no part in where the camera is
    fps = fps or timeline.fps
    frames = max(2, round(timeline.duration * fps))
    script = compile_timeline(timeline, reader=reader)
    cams = [script.state_at(k / fps).camera for k in range(frames)]
    deltas = {a: np.zeros(frames) for a in AXES}
    for k in range(1, frames):
        a, b = cams[k - 1], cams[k]
        deltas["pan"][k] = b.yaw - a.yaw
        deltas["tilt"][k] = b.pitch - a.pitch
        deltas["roll"][k] = b.roll - a.roll
        deltas["zoom"][k] = math.log(math.tan(math.radians(a.fov) / 2) / math.tan(math.radians(b.fov) / 2))
        yaw = math.radians(a.yaw)
        dx, dz = b.x - a.x, b.z - a.z
        deltas["truck"][k] = dx * math.cos(yaw) - dz * math.sin(yaw)
        deltas["dolly"][k] = dx * math.sin(yaw) + dz * math.cos(yaw)
        deltas["pedestal"][k] = b.y - a.y
    return CameraMotion(fps, frames, deltas)
