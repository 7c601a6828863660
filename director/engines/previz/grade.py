"""Colour grades as lookup tables: a style's tone curves and a style image's colour statistics.

Built once per (style, style image); applied with OpenCV LUTs to textures and sprites when they are
baked (``Grade.apply``), so grading costs nothing per frame. Screen-space parts of a style (vignette,
grain) are applied per frame by ``Grade.finish``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from director.plan.styles import Style

GRAIN_FRAMES = 8  # distinct grain patterns, cycled by frame index


def _tone_lut(style: Style) -> np.ndarray:
    """Per-channel curve uint8 [256, 1, 3]: exposure, contrast, gamma, lift, gain, tint, posterize."""
    x = np.linspace(0.0, 1.0, 256)
    channels = []
    for c in range(3):
        y = x * (2.0**style.exposure)
        y = (y - 0.5) * style.contrast + 0.5
        y = np.clip(y, 0.0, 1.0) ** (1.0 / style.gamma)
        y = style.lift[c] + (1.0 - style.lift[c]) * y
        y = y * style.gain[c] + style.tint[c]
        if style.posterize > 1:
            levels = style.posterize - 1
            y = np.round(np.clip(y, 0, 1) * levels) / levels * 0.6 + np.clip(y, 0, 1) * 0.4
        channels.append(np.clip(y * 255.0 + 0.5, 0, 255))
    return np.stack(channels, axis=-1).astype(np.uint8).reshape(256, 1, 3)


def _lab_stats(rgb: np.ndarray, alpha: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of an RGB uint8 image in OpenCV's 8-bit Lab, over pixels with alpha > 0."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2Lab).reshape(-1, 3).astype(np.float64)
    if alpha is not None:
        lab = lab[alpha.reshape(-1) > 127]
    if len(lab) == 0:
        return np.full(3, 128.0), np.ones(3)
    return lab.mean(axis=0), np.maximum(lab.std(axis=0), 1.0)


def transfer_lut(source_rgb: np.ndarray, target_rgba: np.ndarray, strength: float = 0.8) -> np.ndarray:
    """Reinhard colour transfer as a per-channel Lab LUT uint8 [256, 1, 3].

    Maps the Lab mean/std of ``source_rgb`` (a representative render of the scene) onto those of the
    style image ``target_rgba``; ``strength`` blends with the identity.
    """
    src_mean, src_std = _lab_stats(source_rgb)
    small = cv2.resize(target_rgba, (256, 256), interpolation=cv2.INTER_AREA)
    dst_mean, dst_std = _lab_stats(small[..., :3], small[..., 3])
    x = np.arange(256, dtype=np.float64)[:, None]
    y = (x - src_mean) * (dst_std / src_std) + dst_mean
    y = strength * y + (1.0 - strength) * x
    return np.clip(y + 0.5, 0, 255).astype(np.uint8).reshape(256, 1, 3)


def fade_to_black(frame: np.ndarray, fade: float) -> None:
    """Darken ``frame`` in place by ``fade`` (0 = as it is, 1 = black): a fade-out or fade-in."""
    if fade > 0.002:
        cv2.multiply(frame, (1.0 - min(1.0, fade),) * 3 + (0.0,), dst=frame)


@dataclass
class Grade:
    """A style made ready to apply: tone LUT, saturation, optional Lab transfer LUT, screen effects."""

    style: Style
    lab_lut: np.ndarray | None = None  # from a style image, see ``transfer_lut``
    _tone: np.ndarray = field(init=False, repr=False)
    _tone_cv: np.ndarray = field(init=False, repr=False)  # the LUT given to cv2.LUT (see __post_init__)
    _tone_identity: bool = field(init=False, repr=False)  # the curve changes nothing
    _identity: bool = field(init=False, repr=False)  # the grade changes nothing (curve, saturation, Lab)
    _screen: dict[tuple[int, int], tuple[np.ndarray | None, list[tuple[np.ndarray, np.ndarray]]]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self._tone = _tone_lut(self.style)
        # One curve for all channels (no lift, gain or tint per channel: the natural and noir styles) is
        # applied as a one-channel LUT, which OpenCV runs ~3.5x faster than a per-channel one; same bytes.
        same = all(np.array_equal(self._tone[..., 0], self._tone[..., c]) for c in range(1, 3))
        self._tone_cv = np.ascontiguousarray(self._tone[..., :1]) if same else self._tone
        # The natural style's curve maps every level to itself: its LUT pass (~2 ms on a 1280 sky) is skipped.
        self._tone_identity = same and np.array_equal(self._tone[:, 0, 0], np.arange(256))
        self._identity = self._tone_identity and self.lab_lut is None and abs(self.style.saturation - 1.0) <= 1e-3

    @property
    def key(self) -> tuple:
        """Identifies the grade in texture caches."""
        lab = None if self.lab_lut is None else hash(self.lab_lut.tobytes())
        return (self.style.name, lab)

    def apply(self, rgb: np.ndarray, own: bool = False) -> np.ndarray:
        """Grade an RGB uint8 [..., 3] image (or premultiplied colours); returns a new array, or (``own``: the
        caller gives ``rgb`` up, a temporary of its own) ``rgb`` itself when the grade changes nothing (the
        natural style): no copy of a sky block, a layer bake or a sprite."""
        if own and self._identity:
            return rgb
        shape = rgb.shape
        img = np.ascontiguousarray(rgb if rgb.ndim == 3 else rgb.reshape(-1, 1, 3))
        if self.lab_lut is not None:
            lab = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)
            img = cv2.cvtColor(cv2.LUT(lab, self.lab_lut), cv2.COLOR_Lab2RGB)
        sat = self.style.saturation
        if sat == 0.0 and self._tone_cv.shape[-1] == 1:
            # black and white with one curve: the mix is the grey itself (weights 0 and 1), so the curve
            # runs on the one grey channel before it is spread over three (same bytes, a third of the LUT)
            grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
            if not self._tone_identity:
                grey = cv2.LUT(grey, self._tone_cv)
            return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB).reshape(shape)
        if abs(sat - 1.0) > 1e-3:
            grey = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
            img = cv2.addWeighted(img, sat, grey, 1.0 - sat, 0.0)
        if self._tone_identity:
            return (img.copy() if np.may_share_memory(img, rgb) else img).reshape(shape)
        img = cv2.LUT(img, self._tone_cv)
        return img.reshape(shape)

    def apply_color(self, rgb: tuple[float, float, float]) -> tuple[int, int, int]:
        """Grade one colour (for particles drawn per frame)."""
        px = np.array([[rgb]], dtype=np.float64).clip(0, 255).astype(np.uint8)
        out = self.apply(px)[0, 0]
        return int(out[0]), int(out[1]), int(out[2])

    def finish(self, frame: np.ndarray, frame_index: int, seed: int) -> None:
        """Screen-space effects in place on an RGB uint8 [H, W, 3] frame: vignette, grain."""
        if self.style.vignette <= 0 and self.style.grain <= 0:
            return
        h, w = frame.shape[:2]
        if (h, w) not in self._screen:
            self._screen[(h, w)] = self._build_screen(h, w, seed)
        vignette, grains = self._screen[(h, w)]
        if vignette is not None:
            cv2.multiply(frame, vignette, dst=frame, scale=1.0 / 255.0)
        if grains:
            plus, minus = grains[(frame_index * 7 + seed) % len(grains)]
            cv2.add(frame, plus, dst=frame)
            cv2.subtract(frame, minus, dst=frame)

    def _build_screen(self, h: int, w: int, seed: int):
        vignette = None
        if self.style.vignette > 0:
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
            v = 1.0 - self.style.vignette * np.clip(r2 - 0.3, 0, None) / 1.7
            vignette = cv2.cvtColor((v * 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
        grains = []
        if self.style.grain > 0:
            rng = np.random.default_rng([seed, 0x67A1])
            amp = 18.0 * self.style.grain
            for _ in range(GRAIN_FRAMES):
                n = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 0.7) * amp * 1.6
                n3 = cv2.cvtColor(n, cv2.COLOR_GRAY2RGB)
                grains.append((np.clip(n3, 0, 255).astype(np.uint8), np.clip(-n3, 0, 255).astype(np.uint8)))
        return vignette, grains
