"""Where each pixel of a sky band looks in the sky texture: (azimuth, tan elevation) maps for ``cv2.remap``.

A pixel's ray gives its azimuth from the view direction and its tan(elevation), exact for any tilt. The maps
depend on the pitch and the lens only, so a level camera makes them once; a camera that tilts makes them
every frame (~0.9 ms at 1280x720 for the half-resolution band: cartToPolar and a dozen passes over it).
Both are smooth where the rays keep well away from the zenith and the nadir, so there they are worked out on
a grid of one ray every SKY_MAP_STEP pixels and interpolated linearly between (the grid one step wider than
the band on every side: no pixel is extrapolated). At 1280x720 the interpolated position is within 0.02 texel
of the ray's own for pitches up to 30 degrees (0.14 at 50 degrees, where the maps bend faster). A view with a
ray steeper than ~53 degrees (its horizontal forward part under MIN_FORWARD; past the zenith the azimuth
flips) is worked out at every pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

SKY_MAP_STEP = 8  # band pixels between two rays worked out exactly
MIN_FORWARD = 0.6  # the least horizontal forward component of a ray for the grid (else every pixel)


@dataclass(frozen=True)
class SkyRays:
    """The maps of one band: ``column`` (float32 [rows, width]: azimuth from the view direction x texels per
    radian, negative to the left; add the view's own column), ``row`` (float32: the texture row, clipped to the
    texture), the extreme columns read either side of the view direction, and ``reach`` (per band row i, the
    lowest and highest texture rows that rows [0, i] read)."""

    column: np.ndarray
    row: np.ndarray
    left: float
    right: float
    reach: tuple[np.ndarray, np.ndarray]


def _rays(xs: np.ndarray, ys: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward, side, up) float32 [len(ys), len(xs)] of the rays through image-plane points (xs, ys) (focal 1,
    y up) of a camera pitched by ``pitch``, in the horizontal frame of its view direction."""
    cp, sp = math.cos(pitch), math.sin(pitch)
    fwd = np.empty((len(ys), len(xs)), np.float32)
    fwd[:] = (cp - sp * ys)[:, None]
    side = np.empty_like(fwd)
    side[:] = xs[None, :]
    return fwd, side, (sp + cp * ys)[:, None].astype(np.float32)


def sky_rays(pitch: float, focal: float, width: int, height: int, rows: int, hs: int, ws: int, ppr: float,
             texture_rows: int, top: float) -> SkyRays:
    """The maps of the top ``rows`` frame rows of a ``width`` x ``height`` view at half resolution (``hs`` x
    ``ws`` pixels), for a sky texture of ``ppr`` texels per radian whose first row is at tan(elevation)
    ``top`` and which has ``texture_rows`` rows."""
    s = SKY_MAP_STEP
    # pixel i of the band sits at frame pixel (i + 0.5) * scale - 0.5;
    # grid point j at band pixel (j - 1) s + (s - 1) / 2
    def frame_x(i):
        return ((i + 0.5) * (width / ws) - 0.5 - width / 2.0) / focal

    def frame_y(i):
        return -((i + 0.5) * (rows / hs) - 0.5 - height / 2.0) / focal

    hc, wc = -(-hs // s) + 2, -(-ws // s) + 2
    grid = np.arange(max(hc, wc), dtype=np.float64) * s - s + (s - 1) / 2.0
    fwd, side, up = _rays(frame_x(grid[:wc]).astype(np.float32), frame_y(grid[:hc]).astype(np.float32), pitch)
    exact = bool(fwd.min() < MIN_FORWARD)
    if exact:  # past the zenith or the nadir: every pixel
        fwd, side, up = _rays(frame_x(np.arange(ws, dtype=np.float32)), frame_y(np.arange(hs, dtype=np.float32)),
                              pitch)
    horiz, azimuth = cv2.cartToPolar(fwd, side)  # azimuth from the view direction, [0, 2pi)
    column = np.where(azimuth > np.pi, azimuth - 2 * np.pi, azimuth) * np.float32(ppr)  # left of it: negative
    row = np.maximum(horiz, 1e-6, out=horiz)
    np.divide(up, row, out=row)  # tan(elevation)
    np.subtract(top, row, out=row)
    row *= ppr
    row -= 0.5
    if not exact:  # interpolated between the grid points, the grid's margin cut off
        column = cv2.resize(column, (wc * s, hc * s), interpolation=cv2.INTER_LINEAR)[s : s + hs, s : s + ws]
        row = cv2.resize(row, (wc * s, hc * s), interpolation=cv2.INTER_LINEAR)[s : s + hs, s : s + ws]
    # (interpolated, both are views into the grid's upscale: OpenCV reads maps with a row stride, and a copy
    # of each was a third of the time here)
    np.clip(row, 0, texture_rows - 1, out=row)
    reach = (np.minimum.accumulate(row.min(axis=1)), np.maximum.accumulate(row.max(axis=1)))
    return SkyRays(column, row, float(column.min()), float(column.max()), reach)
