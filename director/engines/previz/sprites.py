"""Figure sprites: a drawing lit for one light (fill, rim, haze, grade) and blended into frames.

A figure is drawn once per pose and size (``Drawing``, straight RGBA, no light in it); a light transition
lights it again for every bucket it crosses, so lighting is a few whole-sprite passes: per-channel products
as OpenCV colour transforms (the same bytes as ``cv2.multiply`` by a scalar, ~5x faster), no fog image to mix
in, no channel merge. A lit sprite keeps its premultiplied colour and its cover (255 - alpha on three
channels), which is what a frame's blend reads: one multiply and one add per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import SceneRecipe

RIM_MIN_STRENGTH = 0.02  # a weaker rim is not drawn


def _rim_shift(height: int) -> int:
    """Pixels a drawing ``height`` tall is shifted by for its rim outline (``_rim_edge``)."""
    return max(1, int(round(height / 70)))


def _rim_blur(shift: int) -> float:
    """Sigma of the rim outline's blur."""
    return max(0.5, shift / 2)


def _rim_edge(rgba: np.ndarray, k: int) -> np.ndarray:
    """Outline of a sprite on the side facing the key light (up and to the left), uint8 [H, W, 3] (0..255 on
    every channel): its alpha minus itself shifted ``k`` pixels away from the light, blurred. Independent of
    the light."""
    a = rgba[..., 3].astype(np.float32) / 255.0
    shifted = np.zeros_like(a)
    shifted[k:, k:] = a[:-k, :-k]  # the neighbour towards the light (up-left)
    edge = cv2.GaussianBlur(np.clip(a - shifted, 0, 1), (0, 0), _rim_blur(k))
    return cv2.cvtColor(cv2.convertScaleAbs(edge, alpha=255.0), cv2.COLOR_GRAY2RGB)


def _scaled(rgb: np.ndarray, gains, offset=(0.0, 0.0, 0.0)) -> np.ndarray:
    """uint8 ``rgb`` [H, W, 3] times a gain per channel, plus ``offset``, rounded and saturated."""
    m = np.zeros((3, 4), np.float32)
    m[:, :3] = np.diag(np.asarray(gains, np.float64))
    m[:, 3] = offset
    return cv2.transform(rgb, m)


@dataclass
class Drawing:
    """A figure as drawn, before light: straight RGBA uint8 [H, W, 4] cut to the box of what it holds (and a
    margin), the pixel it stands on, and the shift of its rim outline (from the height it was drawn at)."""

    rgba: np.ndarray
    anchor: tuple[float, float]  # (x, y) of the bottom centre
    rim_shift: int
    _edge: np.ndarray | None = None

    @classmethod
    def of(cls, rgba: np.ndarray, anchor: tuple[float, float]) -> Drawing:
        """``rgba`` as drawn (a figure fills ~15-30 % of its canvas), cut to its pixels with alpha and a
        margin as wide as the rim's blur reaches: lighting, resizing and blending a sprite then touch 2-3x
        fewer pixels, and the outline within the figure is the whole canvas's."""
        shift = _rim_shift(rgba.shape[0])
        margin = int(math.ceil(4 * _rim_blur(shift))) + 1  # OpenCV's Gaussian reaches 4 sigma on float32
        rows, cols = np.flatnonzero(rgba[..., 3].any(axis=1)), np.flatnonzero(rgba[..., 3].any(axis=0))
        if rows.size == 0:
            return cls(np.zeros((1, 1, 4), np.uint8), (0.0, 0.0), shift)
        r0, c0 = max(0, int(rows[0]) - margin), max(0, int(cols[0]) - margin)
        r1, c1 = min(rgba.shape[0], int(rows[-1]) + 1 + margin), min(rgba.shape[1], int(cols[-1]) + 1 + margin)
        return cls(np.ascontiguousarray(rgba[r0:r1, c0:c1]), (anchor[0] - c0, anchor[1] - r0), shift)

    @property
    def nbytes(self) -> int:  # what a byte-bounded cache counts (the rim outline, made later, is not)
        return self.rgba.nbytes

    def edge(self) -> np.ndarray:
        """The rim outline (``_rim_edge``), made on first need: only dark or foggy lights draw a rim."""
        if self._edge is None:
            self._edge = _rim_edge(self.rgba, self.rim_shift)
        return self._edge


def light_rgb(drawing: Drawing, light: Light, recipe: SceneRecipe) -> np.ndarray:
    """RGB uint8 [H, W, 3] of a drawing under ``light``: fill light plus a rim on the edges facing the key light.

    The rim grows with darkness, so figures read at night and in fog; the outline is kept 0..255 and scaled
    by colour x strength in 8 bits (within one level of float products, ~8x cheaper)."""
    lamps = 0.0 if recipe.indoor else recipe.lamps
    rgb = _scaled(cv2.cvtColor(drawing.rgba, cv2.COLOR_RGBA2RGB), light.figure_fill(lamps))
    col, strength = light.rim(lamps)
    if strength < RIM_MIN_STRENGTH:
        return rgb
    return cv2.add(rgb, _scaled(drawing.edge(), np.asarray(col, np.float64) * strength / 255.0), dst=rgb)


@dataclass(frozen=True)
class LitSprite:
    """A sprite ready to blend: premultiplied colour and cover uint8 [H, W, 3], alpha uint8 [H, W], its anchor."""

    colour: np.ndarray
    alpha: np.ndarray
    cover: np.ndarray  # 255 - alpha on each channel: how much of what is behind shows through
    anchor: tuple[float, float]

    @property
    def nbytes(self) -> int:
        return self.colour.nbytes + self.alpha.nbytes + self.cover.nbytes

    @staticmethod
    def _cover(alpha: np.ndarray) -> np.ndarray:
        return cv2.cvtColor(cv2.bitwise_not(alpha), cv2.COLOR_GRAY2RGB)

    @classmethod
    def of(cls, drawing: Drawing, light: Light, recipe: SceneRecipe, haze: float, grade: Grade) -> LitSprite:
        """``drawing`` lit (``light_rgb``), faded by ``haze`` (0..1) towards the light's fog colour, graded."""
        rgb = light_rgb(drawing, light, recipe)
        if haze > 0:
            fog = np.clip(light.fog_color(), 0, 255).astype(np.uint8).astype(np.float64)
            rgb = _scaled(rgb, (1.0 - haze,) * 3, fog * haze)
        rgb = grade.apply(rgb, own=True)
        alpha = np.ascontiguousarray(drawing.rgba[..., 3])
        colour = cv2.multiply(rgb, cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGB), dst=rgb, scale=1.0 / 255.0)
        return cls(colour, alpha, cls._cover(alpha), drawing.anchor)

    def resized(self, scale: float) -> LitSprite:
        """The sprite ``scale`` times its size (bilinear: colour and alpha, as one RGBA would be; one-channel
        alpha is resized ~3x faster than a 3-channel cover)."""
        h, w = self.alpha.shape
        size = (max(1, int(w * scale)), max(1, int(h * scale)))
        alpha = cv2.resize(self.alpha, size, interpolation=cv2.INTER_LINEAR)
        return LitSprite(cv2.resize(self.colour, size, interpolation=cv2.INTER_LINEAR), alpha, self._cover(alpha),
                         (self.anchor[0] * scale, self.anchor[1] * scale))

    def blend(self, frame: np.ndarray, x0: int, y0: int, opacity: float = 1.0) -> None:
        """Over ``frame`` (RGB uint8, in place) with its top-left at (x0, y0), clipped to the frame;
        ``opacity`` < 1 fades it (a figure walking in or out)."""
        h, w = frame.shape[:2]
        sh, sw = self.cover.shape[:2]
        fx0, fy0, fx1, fy1 = max(0, x0), max(0, y0), min(w, x0 + sw), min(h, y0 + sh)
        if fx0 >= fx1 or fy0 >= fy1:
            return
        window = (slice(fy0 - y0, fy1 - y0), slice(fx0 - x0, fx1 - x0))
        roi = frame[fy0:fy1, fx0:fx1]
        if opacity >= 0.999:
            cv2.multiply(roi, self.cover[window], dst=roi, scale=1.0 / 255.0)
            cv2.add(roi, self.colour[window], dst=roi)
            return
        shown = 1.0 - opacity * (1.0 - self.cover[window].astype(np.float32) / 255.0)
        roi[:] = (roi.astype(np.float32) * shown + self.colour[window].astype(np.float32) * opacity).clip(0, 255)
