"""Reference images as cut-out figures: use the alpha channel, or key out a plain background.

A photo of a character on a plain backdrop (alpha all opaque) is keyed by its border colour: pixels
close to the median border colour become transparent, with a soft edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from director.plan.limits import check_image_size, check_painted_size

KEY_NEAR = 28.0  # colour distance (0..441) fully transparent
KEY_FAR = 60.0  # colour distance fully opaque


def cutout_alpha(rgba: np.ndarray) -> np.ndarray:
    """RGBA uint8 with a usable alpha: the image's own, or a key of its border colour."""
    alpha = rgba[..., 3]
    if alpha.min() < 250:  # the image already has transparency
        return rgba
    rgb = rgba[..., :3].astype(np.float32)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    key = np.median(border, axis=0)
    spread = np.median(np.linalg.norm(border - key, axis=1))
    if spread > KEY_FAR:  # busy background: no key possible, keep the whole picture
        return rgba
    dist = np.linalg.norm(rgb - key, axis=2)
    a = np.clip((dist - KEY_NEAR) / (KEY_FAR - KEY_NEAR), 0, 1)
    a = cv2.GaussianBlur(a, (0, 0), 0.8)
    out = rgba.copy()
    out[..., 3] = (a * 255).astype(np.uint8)
    return out


def trim(rgba: np.ndarray) -> np.ndarray:
    """Crop to the bounding box of visible pixels (keeps at least one pixel)."""
    ys, xs = np.nonzero(rgba[..., 3] > 8)
    if len(ys) == 0:
        return rgba
    return rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def cutout_sprite(rgba: np.ndarray, height_px: float, flip: bool) -> np.ndarray:
    """The keyed, trimmed image resized to ``height_px`` tall (aspect kept), mirrored if ``flip``."""
    img = trim(cutout_alpha(rgba))
    h, w = img.shape[:2]
    nh = max(2, int(round(height_px)))
    nw = max(1, int(round(w * nh / h)))
    # A thin visible part (a 20000x2 image, or a line on a transparent canvas) scaled to a figure's
    # height becomes gigabytes wide: refuse before cv2 allocates it.
    check_image_size(w, h, "reference image (its visible part)")
    check_painted_size(nw, nh, "reference image as a figure")
    interp = cv2.INTER_AREA if nh < h else cv2.INTER_LINEAR
    out = cv2.resize(img, (nw, nh), interpolation=interp)
    return cv2.flip(out, 1) if flip else out  # mirrored by OpenCV: numpy's reversed-stride copy is slow
