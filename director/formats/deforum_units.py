"""Deforum's motion units ↔ director's camera (one conversion, used by Deforum and Parseq files).

Deforum applies its motion values once per frame (each frame is the previous one warped):

| Deforum key (per frame) | mode | director axis | conversion |
|---|---|---|---|
| ``translation_x`` | 3D | truck (m) | ``x / 200 * metres_per_unit``; > 0 moves the camera right |
| ``translation_y`` | 3D | pedestal (m) | ``y / 200 * metres_per_unit``; > 0 moves it up |
| ``translation_z`` | 3D | dolly (m) | ``z / 200 * metres_per_unit``; > 0 moves it forward |
| ``rotation_3d_x`` | 3D | tilt (°) | same degrees; > 0 looks up |
| ``rotation_3d_y`` | 3D | pan (°) | same degrees; > 0 turns right |
| ``rotation_3d_z`` | 3D | roll (°) | negated: Deforum > 0 turns the picture anticlockwise, director's roll > 0 clockwise |
| ``angle`` | 2D | roll (°) | negated, as ``rotation_3d_z`` (OpenCV's positive angle is anticlockwise) |
| ``zoom`` | 2D | zoom (factor) | the same factor per frame (1.01 = 1 % closer each frame) |
| ``translation_x`` | 2D | pan (°) | ``-x * fov_h / W``: the canvas sliding right by x pixels is the camera turning left |
| ``translation_y`` | 2D | tilt (°) | ``y * fov_v / H``: the canvas sliding down is the camera looking up |

``/ 200`` is Deforum's ``TRANSLATION_SCALE`` (its 3D warp moves the camera x/200 scene units per
frame); a scene unit is taken as ``metres_per_unit`` metres (1 by default: Deforum's depth is only
roughly metric). ``fov_h`` is director's resting horizontal field of view (55°), ``W``×``H`` the
Deforum canvas size. Deforum ignores ``zoom``/``angle`` in 3D and the 3D keys in 2D; so do we (and say so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from director.formats.camera_motion import AXES, CameraMotion
from director.world.state import CameraState

Mode = Literal["2D", "3D"]
TRANSLATION_SCALE = 1.0 / 200.0  # Deforum's anim_frame_warp_3d
MOTION_KEYS = {
    "3D": ("translation_x", "translation_y", "translation_z", "rotation_3d_x", "rotation_3d_y", "rotation_3d_z"),
    "2D": ("angle", "zoom", "translation_x", "translation_y"),
}
ALL_MOTION_KEYS = ("angle", "zoom", "translation_x", "translation_y", "translation_z",
                   "rotation_3d_x", "rotation_3d_y", "rotation_3d_z")
REST_VALUE = {"zoom": 1.0}  # every other motion key rests at 0
REST_FOV = CameraState().fov
# What each mode cannot carry: axes whose motion is lost (and reported) when written in that mode.
UNWRITABLE = {"3D": ("zoom",), "2D": ("truck", "pedestal", "dolly")}


@dataclass(frozen=True)
class Canvas:
    """The Deforum side of the conversion: its canvas size (2D pixels) and its scene unit (3D)."""

    width: int = 512
    height: int = 512
    metres_per_unit: float = 1.0

    def degrees_per_pixel(self) -> tuple[float, float]:
        fov_h = REST_FOV
        fov_v = math.degrees(2 * math.atan(math.tan(math.radians(fov_h) / 2) * self.height / self.width))
        return fov_h / self.width, fov_v / self.height


def motion_from_deforum(values: dict[str, np.ndarray], mode: Mode, fps: float, frames: int,
                        canvas: Canvas = Canvas()) -> CameraMotion:
    """Per-frame Deforum values (the keys of ``MOTION_KEYS[mode]``, missing = at rest) → CameraMotion."""
    def v(key: str) -> np.ndarray:
        return np.asarray(values.get(key, np.full(frames, REST_VALUE.get(key, 0.0))), dtype=float)

    deltas = {a: np.zeros(frames) for a in AXES}
    if mode == "3D":
        metres = TRANSLATION_SCALE * canvas.metres_per_unit
        deltas.update(truck=v("translation_x") * metres, pedestal=v("translation_y") * metres,
                      dolly=v("translation_z") * metres, tilt=v("rotation_3d_x"), pan=v("rotation_3d_y"),
                      roll=-v("rotation_3d_z"))
    else:
        per_x, per_y = canvas.degrees_per_pixel()
        zoom = v("zoom")
        if np.any(zoom <= 0):
            raise ValueError("zoom: a zoom factor must be above 0 on every frame")
        deltas.update(roll=-v("angle"), zoom=np.log(zoom), pan=-v("translation_x") * per_x,
                      tilt=v("translation_y") * per_y)
    return CameraMotion(fps, frames, deltas)


def deforum_from_motion(motion: CameraMotion, mode: Mode, canvas: Canvas = Canvas()) -> dict[str, np.ndarray]:
    """CameraMotion → per-frame Deforum values for ``mode`` (the inverse of ``motion_from_deforum``).
    Entry 0 repeats entry 1: Deforum never warps frame 0, and a constant start keeps schedules short."""
    def d(axis: str) -> np.ndarray:
        out = motion.axis(axis).astype(float).copy()
        if out.size > 1:
            out[0] = out[1]
        return out

    if mode == "3D":
        metres = TRANSLATION_SCALE * canvas.metres_per_unit
        return {"translation_x": d("truck") / metres, "translation_y": d("pedestal") / metres,
                "translation_z": d("dolly") / metres, "rotation_3d_x": d("tilt"), "rotation_3d_y": d("pan"),
                "rotation_3d_z": -d("roll")}
    per_x, per_y = canvas.degrees_per_pixel()
    return {"angle": -d("roll"), "zoom": np.exp(d("zoom")), "translation_x": -d("pan") / per_x,
            "translation_y": d("tilt") / per_y}


def choose_mode(motion: CameraMotion) -> Mode:
    """3D unless the camera only turns and zooms while it never travels (then 2D keeps the zoom)."""
    moving = set(motion.moving_axes())
    return "2D" if "zoom" in moving and not moving & {"truck", "pedestal", "dolly"} else "3D"


def schedule_string(series: np.ndarray, tolerance: float, digits: int = 6) -> str:
    """A compact Deforum schedule whose linear in-betweens stay within ``tolerance`` of ``series``:
    keyframes only where the values stop lying on a straight line (greedy, from the first frame)."""
    values = np.asarray(series, dtype=float)
    n = values.size
    keep = [0]
    start = 0
    while start < n - 1:
        end = start + 1
        # grow the line start→end while every frame between stays within tolerance of it
        while end + 1 < n:
            trial = end + 1
            line = np.interp(np.arange(start, trial + 1), [start, trial], [values[start], values[trial]])
            if np.max(np.abs(line - values[start:trial + 1])) > tolerance:
                break
            end = trial
        keep.append(end)
        start = end
    return ", ".join(f"{k}:({_number(values[k], digits)})" for k in keep)


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
