"""Weather drawn over the frame: rain streaks, snow flakes, the flash of lightning.

Particles are pure functions of (seed, time, camera): each has a fixed random start and moves at a
fixed speed, wrapping around the screen, so any frame can be drawn without the ones before it. A
camera pan or tilt slides them like the rest of the world (rotation moves every depth alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from director.engines.previz.footprint import Footprint

RAIN_MAX = 2200  # streaks at rain = 1 on a 1280x720 frame
SNOW_MAX = 1800
STREAK_REACH = 2.0  # pixels around a streak's box that its anti-aliased line may touch (OpenCV's reaches ~1.2)
DEPTH_GROUPS = 3  # brightness groups (far, mid, near)
TABLE_SIZE = 4 * RAIN_MAX  # particles per kind at most (4K frames)
_STREAMS = {"rain": 1, "snow": 2}


@dataclass
class Particles:
    """Fixed random starting points for one seed (positions are fractions of the screen)."""

    seed: int
    _cache: dict = field(default_factory=dict, repr=False)

    def table(self, name: str, n: int) -> np.ndarray:
        """[n, 4]: x0, y0, nearness (0.3..1), phase — the same for a name and seed, any n prefix."""
        if name not in self._cache:
            rng = np.random.default_rng([self.seed & 0xFFFFFFFF, 0xBE47, _STREAMS[name]])
            m = TABLE_SIZE
            self._cache[name] = np.stack(
                [rng.random(m), rng.random(m), 0.3 + 0.7 * rng.random(m) ** 2, rng.random(m)], axis=1)
        return self._cache[name][: min(n, TABLE_SIZE)]


def _shift(yaw: float, pitch: float, focal: float, w: int, h: int) -> tuple[float, float]:
    """How far (in screen fractions) a camera rotation has slid the world."""
    return -yaw * focal / w, pitch * focal / h


def draw_rain(frame: np.ndarray, parts: Particles, amount: float, t: float, wind: float, yaw: float,
              pitch: float, focal: float, color: tuple[int, int, int], seen: Footprint | None = None) -> None:
    """Add rain streaks in place; ``color`` is the lit streak colour. ``seen``: the pixels of ``frame`` that
    are ever read (a rolled view's canvas, ``footprint``): streaks that touch none of them are not drawn
    (the same pixels there; at a 10 degree roll ~30 % of the streaks fall in the canvas corners)."""
    h, w = frame.shape[:2]
    n = int(RAIN_MAX * min(1.0, amount) * (w * h) / (1280 * 720) ** 1 + 0.5)
    if n <= 0:
        return
    p = parts.table("rain", n)
    sx, sy = _shift(yaw, pitch, focal, w, h)
    near = p[:, 2]
    speed = 1.4 + 1.8 * near
    x = ((p[:, 0] + sx + wind * 0.25 * t * near) % 1.0) * w
    y = ((p[:, 1] + sy + speed * t) % 1.2 - 0.1) * h
    length = (0.02 + 0.06 * near) * h
    dx = wind * 0.35 * length
    drawn = None
    if seen is not None:
        r = STREAK_REACH
        drawn = seen.meets(np.minimum(x, x + dx) - r, y - r, np.maximum(x, x + dx) + r, y + length + r)
    for g in range(DEPTH_GROUPS):
        sel = (near >= 0.3 + 0.7 * g / DEPTH_GROUPS) & (near < 0.3 + 0.7 * (g + 1) / DEPTH_GROUPS + 1e-9)
        if drawn is not None:
            sel &= drawn
        if not sel.any():
            continue
        seg = np.stack([np.stack([x[sel], y[sel]], 1), np.stack([x[sel] + dx[sel], y[sel] + length[sel]], 1)], 1)
        k = 0.45 + 0.25 * g  # nearer streaks are brighter
        col = tuple(int(c * k) for c in color)
        # drawn straight onto the frame (a mask and a full-frame add would cost more than the lines)
        cv2.polylines(frame, list(np.round(seg * 4).astype(np.int32)), False, col, 1, cv2.LINE_AA, 2)


def draw_snow(frame: np.ndarray, parts: Particles, amount: float, t: float, wind: float, yaw: float,
              pitch: float, focal: float, color: tuple[int, int, int]) -> None:
    """Add drifting snow flakes in place (vectorised: flakes are 1-3 px squares)."""
    h, w = frame.shape[:2]
    n = int(SNOW_MAX * min(1.0, amount) * (w * h) / (1280 * 720) + 0.5)
    if n <= 0:
        return
    p = parts.table("snow", n)
    sx, sy = _shift(yaw, pitch, focal, w, h)
    near = p[:, 2]
    sway = 0.01 * np.sin(2 * np.pi * (0.25 * t + p[:, 3]))
    x = ((p[:, 0] + sx + sway + wind * 0.15 * t * near) % 1.0) * (w - 3)
    y = ((p[:, 1] + sy + (0.08 + 0.16 * near) * t) % 1.0) * (h - 3)
    xi, yi = x.astype(np.int32), y.astype(np.int32)
    mask = np.zeros((h, w), np.uint8)
    size = (1 + (near * 2.5 * max(1.0, h / 720)).astype(np.int32)).clip(1, 3)
    val = (120 + 135 * near).astype(np.uint8)
    for dy in range(3):
        for dx in range(3):
            sel = (dx < size) & (dy < size)
            mask[yi[sel] + dy, xi[sel] + dx] = val[sel]
    _add_mask(frame, mask, color)


def _add_mask(frame: np.ndarray, mask: np.ndarray, color: tuple[int, int, int]) -> None:
    """frame += mask * color / 255 (saturating), in place."""
    m3 = cv2.cvtColor(mask, cv2.COLOR_GRAY2RGB)
    cv2.add(frame, cv2.multiply(m3, tuple(c / 255.0 for c in color) + (0.0,)), dst=frame)


def flash(frame: np.ndarray, strength: float) -> None:
    """Lightning: brighten the whole frame, bluish white."""
    if strength <= 0.01:
        return
    s = min(1.0, strength)
    cv2.add(frame, (140 * s, 145 * s, 165 * s, 0.0), dst=frame)
