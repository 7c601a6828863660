"""Weather drawn over the frame: rain streaks, snow flakes, the flash of lightning.

Particles are pure functions of (seed, time, camera): each has a fixed random start and moves at a
fixed speed, wrapping around the screen, so any frame can be drawn without the ones before it. A
camera pan or tilt slides them like the rest of the world (rotation moves every depth alike).

A rolled view's particles are laid out on its level canvas (``Field``), where the world's vertical is the
canvas's, and turned with the view onto the finished frame: drawn there, after the roll, a streak is
anti-aliased once at the frame's pixels instead of drawn on the canvas and resampled by the roll, and the
streaks that fall in the canvas corners the frame never shows are not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

RAIN_MAX = 2200  # streaks at rain = 1 on a 1280x720 frame
SNOW_MAX = 1800
STREAK_REACH = 2.0  # pixels around a streak's box that its anti-aliased line may touch (OpenCV's reaches ~1.2)
FLAKE_SIZE = 3  # pixels, at most, of a flake's square
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


@dataclass(frozen=True)
class Field:
    """Where particles are laid out, ``size`` (width, height) pixels, and ``to_frame``: 2x3 from there to the
    pixels of the frame they are drawn on (a rolled view's canvas turned into its frame), None: the same."""

    size: tuple[int, int]
    to_frame: np.ndarray | None = None

    def place(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frame pixels of the field's pixels (``x``, ``y``)."""
        if self.to_frame is None:
            return x, y
        m = self.to_frame
        return m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2]


def _shift(yaw: float, pitch: float, focal: float, w: int, h: int) -> tuple[float, float]:
    """How far (in screen fractions) a camera rotation has slid the world."""
    return -yaw * focal / w, pitch * focal / h


def rain_streaks(shape: tuple[int, ...], parts: Particles, amount: float, t: float, wind: float, yaw: float,
                 pitch: float, focal: float, where: Field | None = None) -> list[np.ndarray]:
    """Per depth group (far to near): the rain streaks that may touch a frame of ``shape`` (rows, columns),
    float [n, 2 ends, (x, y)] in its pixels. ``where``: the field they are laid out on (default: the frame)."""
    fh, fw = shape[:2]
    where = where or Field((fw, fh))
    w, h = where.size
    n = int(RAIN_MAX * min(1.0, amount) * (w * h) / (1280 * 720) + 0.5)
    if n <= 0:
        return [np.zeros((0, 2, 2)) for _ in range(DEPTH_GROUPS)]
    p = parts.table("rain", n)
    sx, sy = _shift(yaw, pitch, focal, w, h)
    near = p[:, 2]
    speed = 1.4 + 1.8 * near
    x = ((p[:, 0] + sx + wind * 0.25 * t * near) % 1.0) * w
    y = ((p[:, 1] + sy + speed * t) % 1.2 - 0.1) * h
    length = (0.02 + 0.06 * near) * h
    (xa, ya), (xb, yb) = where.place(x, y), where.place(x + wind * 0.35 * length, y + length)
    r = STREAK_REACH  # a streak wholly beyond it draws nothing on the frame
    seen = ((np.maximum(xa, xb) >= -r) & (np.minimum(xa, xb) < fw + r)
            & (np.maximum(ya, yb) >= -r) & (np.minimum(ya, yb) < fh + r))
    ends = np.stack([np.stack([xa, ya], 1), np.stack([xb, yb], 1)], 1)
    bounds = 0.3 + 0.7 * np.arange(DEPTH_GROUPS + 1) / DEPTH_GROUPS
    return [ends[seen & (near >= lo) & (near < hi + 1e-9)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def draw_rain(frame: np.ndarray, parts: Particles, amount: float, t: float, wind: float, yaw: float,
              pitch: float, focal: float, color: tuple[int, int, int], where: Field | None = None) -> None:
    """Add rain streaks in place (``rain_streaks``); ``color`` is the lit streak colour."""
    for g, ends in enumerate(rain_streaks(frame.shape, parts, amount, t, wind, yaw, pitch, focal, where)):
        if not len(ends):
            continue
        k = 0.45 + 0.25 * g  # nearer streaks are brighter
        col = tuple(int(c * k) for c in color)
        # drawn straight onto the frame (a mask and a full-frame add would cost more than the lines)
        cv2.polylines(frame, list(np.round(ends * 4).astype(np.int32)), False, col, 1, cv2.LINE_AA, 2)


def draw_snow(frame: np.ndarray, parts: Particles, amount: float, t: float, wind: float, yaw: float,
              pitch: float, focal: float, color: tuple[int, int, int], where: Field | None = None) -> None:
    """Add drifting snow flakes in place (vectorised: flakes are 1-3 px squares). ``where``: the field they
    are laid out on (default: the frame)."""
    fh, fw = frame.shape[:2]
    where = where or Field((fw, fh))
    w, h = where.size
    n = int(SNOW_MAX * min(1.0, amount) * (w * h) / (1280 * 720) + 0.5)
    if n <= 0:
        return
    p = parts.table("snow", n)
    sx, sy = _shift(yaw, pitch, focal, w, h)
    near = p[:, 2]
    sway = 0.01 * np.sin(2 * np.pi * (0.25 * t + p[:, 3]))
    x = ((p[:, 0] + sx + sway + wind * 0.15 * t * near) % 1.0) * (w - FLAKE_SIZE)
    y = ((p[:, 1] + sy + (0.08 + 0.16 * near) * t) % 1.0) * (h - FLAKE_SIZE)
    x, y = where.place(x, y)
    xi, yi = np.floor(x).astype(np.int32), np.floor(y).astype(np.int32)  # (x, y >= 0 when not turned)
    size = (1 + (near * 2.5 * max(1.0, h / 720)).astype(np.int32)).clip(1, FLAKE_SIZE)
    val = (120 + 135 * near).astype(np.uint8)
    shown = (xi >= 0) & (xi <= fw - FLAKE_SIZE) & (yi >= 0) & (yi <= fh - FLAKE_SIZE)
    xi, yi, size, val = xi[shown], yi[shown], size[shown], val[shown]
    mask = np.zeros((fh, fw), np.uint8)
    for dy in range(FLAKE_SIZE):
        for dx in range(FLAKE_SIZE):
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
