"""The virtual camera: a pinhole with the conventions of ``director.world.state``.

World: x right, y up, z forward. Camera space: x right, y up, z along the view. Image: u right,
v down, origin at the top-left corner. Roll is an image-plane rotation about the centre, applied to
the finished frame (exact for a pinhole), so everything else is drawn with a level horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from director.world.state import CameraState

SHAKE_DEGREES = 1.8  # yaw/pitch amplitude of hand-held shake at shake = 1
SHAKE_ROLL_DEGREES = 0.8
MIN_HEIGHT = 0.05  # metres: a camera at or below the ground would see the ground plane edge-on


def _smooth_noise(t: float, seed: int, channel: int) -> float:
    """Band-limited deterministic wobble in [-1, 1]: a few incommensurate sines, phases from the seed."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x5A4E, channel])
    freqs = np.array([0.7, 1.9, 3.7, 6.1]) * rng.uniform(0.85, 1.15, 4)
    phases = rng.uniform(0, 2 * math.pi, 4)
    amps = np.array([0.45, 0.3, 0.17, 0.08])
    return float(np.sum(amps * np.sin(2 * math.pi * freqs * t + phases)))


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class View:
    """A camera ready to project: position, rotation (world from camera), focal length in pixels. Its matrices
    are made once per view (a frame asks for them ~40 times); callers never write into them."""

    width: int
    height: int
    position: np.ndarray  # [3] metres
    yaw: float  # radians
    pitch: float  # radians
    roll: float  # degrees, clockwise image rotation applied at the end
    focal: float  # pixels

    @classmethod
    def from_state(cls, cam: CameraState, width: int, height: int, t: float, seed: int) -> View:
        """Build the view for ``cam`` at time ``t``; shake is a smooth function of (seed, t, cut)."""
        yaw, pitch, roll = cam.yaw, cam.pitch, cam.roll
        if cam.shake > 0:
            s = (seed * 31 + cam.cut) & 0xFFFFFFFF
            yaw += SHAKE_DEGREES * cam.shake * _smooth_noise(t, s, 0)
            pitch += SHAKE_DEGREES * cam.shake * _smooth_noise(t, s, 1)
            roll += SHAKE_ROLL_DEGREES * cam.shake * _smooth_noise(t, s, 2)
        fov = min(max(cam.fov, 1.0), 170.0)
        focal = (width / 2.0) / math.tan(math.radians(fov) / 2.0)
        return cls(
            width=width,
            height=height,
            position=np.array([cam.x, max(MIN_HEIGHT, cam.y), cam.z], dtype=np.float64),
            yaw=math.radians(yaw),
            pitch=math.radians(max(-89.0, min(89.0, pitch))),
            roll=roll,
            focal=focal,
        )

    @cached_property
    def rotation(self) -> np.ndarray:
        """3x3 world-from-camera rotation: yaw about +y (turning right), then pitch (looking up)."""
        cy, sy = math.cos(self.yaw), math.sin(self.yaw)
        cp, sp = math.cos(self.pitch), math.sin(self.pitch)
        ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
        rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, sp], [0.0, -sp, cp]])
        return _read_only(ry @ rx)

    @cached_property
    def intrinsics(self) -> np.ndarray:
        """K: camera space (x right, y up, z forward) to homogeneous pixels (v down)."""
        f = self.focal
        return _read_only(np.array([[f, 0.0, self.width / 2.0], [0.0, -f, self.height / 2.0], [0.0, 0.0, 1.0]]))

    @cached_property
    def forward(self) -> np.ndarray:
        """Unit view direction projected on the ground (yaw only)."""
        return _read_only(np.array([math.sin(self.yaw), 0.0, math.cos(self.yaw)]))

    @cached_property
    def right(self) -> np.ndarray:
        return _read_only(np.array([math.cos(self.yaw), 0.0, -math.sin(self.yaw)]))

    def rolled_canvas(self) -> View:
        """The view on a canvas big enough that rotating it by ``roll`` still covers the frame.

        Same focal length and centre: drawn on this canvas and rotated about its centre, the frame's
        corners come from rendered pixels, not from stretched edges.
        """
        a = math.radians(abs(self.roll) % 180.0)
        c, s = abs(math.cos(a)), abs(math.sin(a))
        w = int(math.ceil(self.width * c + self.height * s)) + 2
        h = int(math.ceil(self.width * s + self.height * c)) + 2
        w += (w - self.width) % 2  # keep the centre on the same sub-pixel position
        h += (h - self.height) % 2
        return replace(self, width=w, height=h)

    def steep_row(self) -> float | None:
        """Image row whose rays are vertical (straight up or down), or None when out of sight.

        Rays on the far side of it point backwards: a vertical plane in front of the camera is hit
        behind the camera there, so drawing a plane must stop at this row (else a mirrored ghost).
        """
        if abs(self.pitch) < 1e-6:
            return None
        return self.height / 2.0 - self.focal / math.tan(self.pitch)

    @property
    def horizon_row(self) -> float:
        """Image row of the horizon (directions of zero elevation)."""
        return self.height / 2.0 + self.focal * math.tan(self.pitch)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points [N, 3] to camera space [N, 3]."""
        return (np.asarray(points, dtype=np.float64) - self.position) @ self.rotation

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points [N, 3] to pixels [N, 2] and depths [N] (depth <= 0: behind the camera)."""
        pc = self.to_camera(points)
        z = pc[:, 2]
        safe = np.where(np.abs(z) < 1e-6, 1e-6, z)
        u = self.width / 2.0 + self.focal * pc[:, 0] / safe
        v = self.height / 2.0 - self.focal * pc[:, 1] / safe
        return np.stack([u, v], axis=1), z

    def plane_homography(self, origin: np.ndarray, axis_u: np.ndarray, axis_v: np.ndarray) -> np.ndarray:
        """3x3 map from texture pixels (s, t) of the plane ``origin + s*axis_u + t*axis_v`` to image pixels."""
        basis = np.stack([axis_u, axis_v, np.asarray(origin, dtype=np.float64) - self.position], axis=1)
        return self.intrinsics @ self.rotation.T @ basis

    def direction_homography(self, axis_u: np.ndarray, axis_v: np.ndarray, origin: np.ndarray) -> np.ndarray:
        """Like ``plane_homography`` for a plane at infinity: camera translation has no effect (sky)."""
        basis = np.stack([axis_u, axis_v, origin], axis=1)
        return self.intrinsics @ self.rotation.T @ basis

    def screen_pan(self, point: np.ndarray) -> float:
        """Stereo pan in [-1, 1] of a world point from its horizontal image position."""
        px, depth = self.project(np.asarray(point, dtype=np.float64)[None])
        if depth[0] <= 0.05:
            return 0.0
        return float(np.clip((px[0, 0] - self.width / 2) / (self.width / 2), -1.0, 1.0))
