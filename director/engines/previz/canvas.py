"""A paintable, horizontally periodic layer texture addressed in metres.

Scene painters draw silhouettes (hills, buildings, trees ...) on a ``Canvas``: RGBA albedo plus an
emissive mask (windows, lamps) that glows when it is dark. Every primitive is drawn again one period
to the left and right, so the texture tiles seamlessly and the camera can pan forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

_SHIFT = 3  # sub-pixel bits for OpenCV drawing
_ONE = 1 << _SHIFT

Color = tuple[int, int, int]


@dataclass
class Canvas:
    period_m: float  # horizontal period in metres
    y_bottom: float  # metres at the texture's last row (may be below ground: an apron)
    y_top: float  # metres at the first row
    ppm: float  # pixels per metre
    albedo: np.ndarray = field(init=False)  # uint8 [H, W, 4] RGBA, not premultiplied
    emissive: np.ndarray = field(init=False)  # uint8 [H, W]

    def __post_init__(self) -> None:
        self.width = max(8, int(round(self.period_m * self.ppm)))
        self.ppm = self.width / self.period_m  # exact period in pixels
        self.height = max(4, int(round((self.y_top - self.y_bottom) * self.ppm)))
        self.albedo = np.zeros((self.height, self.width, 4), np.uint8)
        self.emissive = np.zeros((self.height, self.width), np.uint8)

    # -- coordinates -------------------------------------------------------------------------
    def col(self, x: float) -> float:
        return x * self.ppm

    def row(self, y: float) -> float:
        return (self.y_top - y) * self.ppm

    def _pts(self, pts_m, dx: float = 0.0) -> np.ndarray:
        p = np.asarray(pts_m, dtype=np.float64)
        cols = (p[:, 0] + dx) * self.ppm
        rows = (self.y_top - p[:, 1]) * self.ppm
        return np.round(np.stack([cols, rows], axis=1) * _ONE).astype(np.int32)

    def _copies(self, x_min: float, x_max: float) -> list[float]:
        """Horizontal offsets at which to repeat a shape spanning [x_min, x_max] so it wraps."""
        out = [0.0]
        if x_min < 0:
            out.append(self.period_m)
        if x_max > self.period_m:
            out.append(-self.period_m)
        return out

    # -- primitives ----------------------------------------------------------------------------
    def poly(self, pts_m, color: Color, emissive: int = 0, alpha: int = 255) -> None:
        """Filled polygon; points in metres (x, y)."""
        p = np.asarray(pts_m, dtype=np.float64)
        for dx in self._copies(p[:, 0].min(), p[:, 0].max()):
            self._fill(self._pts(p, dx), color, emissive, alpha)

    def _fill(self, q: np.ndarray, color: Color, emissive: int, alpha: int = 255) -> None:
        """Fill the fixed-point polygon ``q`` with ``color``; its glow is ``emissive``, and opaque paint
        without glow clears the glow under it."""
        cv2.fillPoly(self.albedo, [q], (*color, alpha), cv2.LINE_AA, _SHIFT)
        if emissive or alpha == 255:
            cv2.fillPoly(self.emissive, [q], emissive, cv2.LINE_AA, _SHIFT)

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Color, emissive: int = 0) -> None:
        """``poly`` of the four corners, their fixed-point coordinates computed without numpy: a city
        paints thousands of windows, and numpy's per-call overhead on four points was most of their cost.
        The same float64 operations and round-half-even as ``_pts``: the same pixels."""
        x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
        ppm, top = self.ppm, self.y_top
        r0, r1 = round((top - y0) * ppm * _ONE), round((top - y1) * ppm * _ONE)
        for dx in self._copies(min(x0, x1), max(x0, x1)):
            c0, c1 = round((x0 + dx) * ppm * _ONE), round((x1 + dx) * ppm * _ONE)
            self._fill(np.array([[c0, r0], [c1, r0], [c1, r1], [c0, r1]], np.int32), color, emissive)

    def circle(self, x: float, y: float, r: float, color: Color, emissive: int = 0) -> None:
        for dx in self._copies(x - r, x + r):
            c = (int(round((x + dx) * self.ppm * _ONE)), int(round(self.row(y) * _ONE)))
            rr = max(1, int(round(r * self.ppm * _ONE)))
            cv2.circle(self.albedo, c, rr, (*color, 255), -1, cv2.LINE_AA, _SHIFT)
            cv2.circle(self.emissive, c, rr, emissive, -1, cv2.LINE_AA, _SHIFT)

    def ellipse(self, x: float, y: float, rx: float, ry: float, color: Color, emissive: int = 0) -> None:
        for dx in self._copies(x - rx, x + rx):
            c = (int(round((x + dx) * self.ppm * _ONE)), int(round(self.row(y) * _ONE)))
            axes = (max(1, int(round(rx * self.ppm * _ONE))), max(1, int(round(ry * self.ppm * _ONE))))
            cv2.ellipse(self.albedo, c, axes, 0, 0, 360, (*color, 255), -1, cv2.LINE_AA, _SHIFT)
            cv2.ellipse(self.emissive, c, axes, 0, 0, 360, emissive, -1, cv2.LINE_AA, _SHIFT)

    def line(self, x0: float, y0: float, x1: float, y1: float, width_m: float, color: Color) -> None:
        thick = max(1, int(round(width_m * self.ppm)))
        for dx in self._copies(min(x0, x1), max(x0, x1)):
            a, b = self._pts([(x0, y0), (x1, y1)], dx)
            cv2.line(self.albedo, tuple(map(int, a)), tuple(map(int, b)), (*color, 255), thick, cv2.LINE_AA, _SHIFT)

    def glow(self, x: float, y: float, r: float, strength: int = 255) -> None:
        """Soft round glow in the emissive mask only (a lamp's halo)."""
        size = int(r * self.ppm * 2) + 3
        if size < 3:
            return
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - size / 2
        blob = np.clip(1.0 - np.sqrt(xx**2 + yy**2) / (size / 2), 0, 1) ** 2 * strength
        c0, r0 = int(self.col(x) - size / 2), int(self.row(y) - size / 2)
        for dx in self._copies(x - r, x + r):
            c = c0 + int(round(dx * self.ppm))
            ys, xs = slice(max(0, r0), min(self.height, r0 + size)), slice(max(0, c), min(self.width, c + size))
            if ys.start >= ys.stop or xs.start >= xs.stop:
                continue
            sub = blob[ys.start - r0 : ys.stop - r0, xs.start - c : xs.stop - c].astype(np.uint8)
            np.maximum(self.emissive[ys, xs], sub, out=self.emissive[ys, xs])

    def ridge(self, heights_m: np.ndarray, color: Color, top_color: Color | None = None, band_m: float = 0.0) -> None:
        """Fill from the bottom up to a height profile sampled once per column (hills, dunes, sea).

        ``top_color`` tints a band ``band_m`` thick under the crest (snow caps, lit edges).
        """
        h = np.asarray(heights_m, dtype=np.float64)
        rows = np.arange(self.height, dtype=np.float64)[:, None]
        crest = (self.y_top - h)[None, :] * self.ppm
        cover = np.clip(rows - crest + 0.5, 0.0, 1.0)  # 1 below the crest, antialiased edge
        a = (cover * 255).astype(np.uint8)
        mask = a > 0
        col = np.empty((self.height, self.width, 3), np.float64)
        col[:] = color
        if top_color is not None and band_m > 0:
            depth_m = (rows - crest) / self.ppm
            w = np.clip(1.0 - depth_m / band_m, 0.0, 1.0)[..., None]
            col = col * (1 - w) + np.asarray(top_color, np.float64) * w
        out = self.albedo
        alpha_old = out[..., 3:4].astype(np.float64) / 255.0
        alpha_new = a[..., None].astype(np.float64) / 255.0
        rgb = col * alpha_new + out[..., :3] * (1 - alpha_new)
        out[..., :3] = np.where(mask[..., None], rgb, out[..., :3]).astype(np.uint8)
        out[..., 3] = np.maximum(out[..., 3], a)
        self.emissive[mask & (a > 200)] = 0
        del alpha_old

    def xs(self) -> np.ndarray:
        """x in metres of each column's centre."""
        return (np.arange(self.width) + 0.5) / self.ppm


def periodic_noise(n: int, rng: np.random.Generator, smooth: float, octaves: int = 4) -> np.ndarray:
    """1-D periodic noise of length ``n`` in about [-1, 1]; ``smooth`` = feature size in samples."""
    out = np.zeros(n)
    amp, size = 1.0, smooth
    freqs = np.fft.rfftfreq(n)
    for _ in range(octaves):
        spec = np.fft.rfft(rng.standard_normal(n)) * np.exp(-((freqs * size) ** 2))
        layer = np.fft.irfft(spec, n)
        out += amp * layer / (np.abs(layer).max() + 1e-9)
        amp *= 0.5
        size /= 2.2
    return out / 1.9


def periodic_noise_2d(h: int, w: int, rng: np.random.Generator, smooth: float) -> np.ndarray:
    """2-D noise periodic in both axes, float32 [h, w] in about [-1, 1]."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    spec = np.fft.rfft2(rng.standard_normal((h, w))) * np.exp(-((fx**2 + fy**2) * smooth**2))
    out = np.fft.irfft2(spec, (h, w))
    return (out / (np.abs(out).max() + 1e-9)).astype(np.float32)
