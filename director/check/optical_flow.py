"""Dense optical flow between consecutive frames, reduced to the camera's motion.

Each frame pair's DIS flow (OpenCV) is fitted, on textured pixels only (flat sky gives no evidence),
with a similarity field  u = tx + d·x − r·y,  v = ty + d·y + r·x  about the picture's centre: ``tx``/``ty``
are a pan/tilt/truck/pedestal, ``d`` the divergence of a zoom or dolly (scale change per frame) and
``r`` a roll (radians per frame, > 0 clockwise on screen). Pixels that move against the fitted field
*and* change brightness once the camera's motion is undone are what moves on its own in the scene (a
character), which ``tracking.py`` follows. The second condition matters: on flat, grainy surfaces (a
road, a wall under film grain) DIS flow is noise, and without it a whole street "moves on its own".
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MOVING = 0.15  # px per frame (analysis size): slower than this counts as still
TEXTURE = 8.0  # Sobel magnitude (grey levels per pixel) a pixel needs to carry flow evidence
CHANGE_FLOOR = 10.0  # grey levels: a pixel moving on its own changes at least this much (grain is ~2-4)
CHANGE_NOISE = 2.5  # ... and this many times the frame's 90th-percentile change (rain, grain, flicker)
CHANGE_REACH = 7  # px (analysis size): a figure's flat inside counts as changed near its changing edges


@dataclass(frozen=True)
class PairMotion:
    """The motion from frame i to i+1, in analysis pixels per frame unless said otherwise."""

    tx: float
    ty: float
    divergence: float  # relative scale change per frame (0.01 = the picture grows 1 %)
    rotation: float  # radians per frame, > 0 = clockwise on screen
    moving: float  # share of textured pixels that move
    # Of the textured pixels: the share moving left, right, up, down, outwards, inwards, clockwise, anticlockwise.
    left: float
    right: float
    up: float
    down: float
    outward: float
    inward: float
    clockwise: float
    anticlockwise: float
    median_x_moving: float  # median horizontal flow of the pixels that move (truck: what moves)
    median_y_moving: float
    radial: float  # mean outward flow component (px per frame) of textured pixels
    residual_mask: np.ndarray  # bool [h, w]: pixels moving against the camera's field
    changed: np.ndarray  # bool [h, w]: pixels that differ once the camera's motion is undone (not widened)
    own_motion: float  # mean over the picture of the flow against the camera's field where the picture
    # changes (no threshold on the flow: a figure in slow motion moves well under ``limit``), px per frame


def _fit(x: np.ndarray, y: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[float, float, float, float]:
    """Least squares (tx, ty, d, r) of u = tx + d x - r y, v = ty + d y + r x."""
    n = len(x)
    rows = np.zeros((2 * n, 4), np.float32)
    rows[:n, 0] = 1
    rows[:n, 2] = x
    rows[:n, 3] = -y
    rows[n:, 1] = 1
    rows[n:, 2] = y
    rows[n:, 3] = x
    (tx, ty, d, r), *_ = np.linalg.lstsq(rows, np.concatenate([u, v]), rcond=None)
    return float(tx), float(ty), float(d), float(r)


class FlowMeter:
    """Measures frame pairs of one decoded clip, each pair once (results are kept)."""

    def __init__(self, grey: np.ndarray):
        self.grey = grey
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        h, w = grey.shape[1:]
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        self._x = xs - (w - 1) / 2
        self._y = ys - (h - 1) / 2
        r = np.hypot(self._x, self._y) + 1e-6
        self._rx, self._ry = self._x / r, self._y / r
        self._cache: dict[int, PairMotion] = {}

    def pair(self, i: int) -> PairMotion:
        """Motion from frame ``i`` to ``i + 1``."""
        hit = self._cache.get(i)
        if hit is None:
            hit = self._cache[i] = self._measure(self.grey[i], self.grey[i + 1])
        return hit

    def pairs(self, first: int, last: int) -> list[PairMotion]:
        """Pairs from frame ``first`` up to frame ``last`` (exclusive of pairs past the clip)."""
        last = min(last, len(self.grey) - 1)
        return [self.pair(i) for i in range(max(0, first), last)]

    def _measure(self, a: np.ndarray, b: np.ndarray) -> PairMotion:
        flow = self._dis.calc(a, b, None)
        u, v = flow[..., 0], flow[..., 1]
        gx = cv2.Sobel(a, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(a, cv2.CV_32F, 0, 1, ksize=3)
        textured = np.hypot(gx, gy) > TEXTURE * 4  # Sobel 3x3 weighs the gradient by 4
        if textured.sum() < 50:
            textured = np.ones_like(textured)
        x, y, uu, vv = self._x[textured], self._y[textured], u[textured], v[textured]
        tx, ty, d, r = _fit(x, y, uu, vv)
        # 2nd pass without what moves on its own (a big figure would drag the camera's fit along).
        off = np.hypot(uu - (tx + d * x - r * y), vv - (ty + d * y + r * x))
        keep = off < max(0.5, 2.0 * float(np.median(off)))
        if keep.sum() >= 50:
            tx, ty, d, r = _fit(x[keep], y[keep], uu[keep], vv[keep])
        n = len(x)
        radial = uu * self._rx[textured] + vv * self._ry[textured]
        tangential = -uu * self._ry[textured] + vv * self._rx[textured]
        moving_px = np.hypot(uu, vv) > MOVING
        share = lambda m: float(np.count_nonzero(m)) / n
        fitted_u = tx + d * self._x - r * self._y
        fitted_v = ty + d * self._y + r * self._x
        residual = np.hypot(u - fitted_u, v - fitted_v)
        limit = max(0.6, 3.0 * float(np.median(residual[textured])))
        changed = self._changed(a, b, fitted_u, fitted_v)
        near = cv2.dilate(changed.astype(np.uint8), np.ones((CHANGE_REACH, CHANGE_REACH), np.uint8)) > 0
        own = (residual > limit) & near
        return PairMotion(
            tx=float(tx), ty=float(ty), divergence=float(d), rotation=float(r),
            moving=share(moving_px),
            left=share(uu < -MOVING), right=share(uu > MOVING), up=share(vv < -MOVING), down=share(vv > MOVING),
            outward=share(radial > MOVING), inward=share(radial < -MOVING),
            clockwise=share(tangential > MOVING), anticlockwise=share(tangential < -MOVING),
            median_x_moving=float(np.median(uu[moving_px])) if moving_px.any() else 0.0,
            median_y_moving=float(np.median(vv[moving_px])) if moving_px.any() else 0.0,
            radial=float(radial.mean()),
            residual_mask=own,
            changed=changed,
            own_motion=float((residual * near).mean()),
        )

    def _changed(self, a: np.ndarray, b: np.ndarray, fitted_u: np.ndarray, fitted_v: np.ndarray) -> np.ndarray:
        """bool [h, w]: where frame ``b``, moved back by the camera's fitted field, differs from ``a``.
        Widened by ``CHANGE_REACH`` where it gates the residual, so a figure's flat coat counts with its edges."""
        back = cv2.remap(b, self._x + (self.grey.shape[2] - 1) / 2 + fitted_u.astype(np.float32),
                         self._y + (self.grey.shape[1] - 1) / 2 + fitted_v.astype(np.float32),
                         cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        diff = cv2.absdiff(cv2.GaussianBlur(a, (3, 3), 0), cv2.GaussianBlur(back, (3, 3), 0))
        level = max(CHANGE_FLOOR, CHANGE_NOISE * float(np.percentile(diff, 90)))
        return diff > level
