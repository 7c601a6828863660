"""A scene image as the world's backdrop, split into depth layers so camera moves give parallax.

Method (a monocular-depth heuristic, no model; computed once per image at ``DEPTH_MAP_WIDTH``):

1. **Sky.** Pixels that look like sky — blue-ish and bright (B >= R, value > 0.45) or pale and very
   bright (saturation < 0.15, value > 0.75, overcast) — in the upper 70 % of the picture, cleaned up
   morphologically and kept only where connected to the top rows. Sky is depth 1 (infinitely far).
2. **Horizon.** The median over columns of the lowest sky row (0.45 of the height if no sky is
   found); below it the picture is taken to be ground seen in perspective.
3. **Depth by position.** Below the horizon depth falls linearly from 0.75 at the horizon to 0 at the
   bottom row (lower rows are nearer, as on any ground plane). Non-sky above the horizon (buildings,
   hills, trees standing on it) is 0.8.
4. **Depth by haze.** Aerial perspective: pale, low-saturation pixels are pushed farther (+0.15 at
   most), saturated dark ones nearer; the map is then blurred so layers follow regions, not texture.
5. **Layers.** Three planes at ``LAYER_DEPTHS`` metres (far, mid, near), cut at depth
   ``SPLITS`` with feathered edges. Each plane is sized so that at rest the three reassemble the
   picture exactly; what a nearer layer hides is filled (OpenCV Telea inpainting of the layer's own
   pixels) so that parallax reveals plausible colour, not a duplicate edge. The far layer is opaque.

The picture is mirrored left-right to tile seamlessly when the camera pans past its edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from director.engines.previz.canvas import Canvas
from director.engines.previz.scenes import LayerSpec
from director.engines.previz.textures import MAX_TEXTURE_ROWS, Painted, reference_focal

LAYER_DEPTHS = (150.0, 40.0, 12.0)  # metres: far (sky, horizon), mid, near (lower rows)
SPLITS = (0.62, 0.3)  # depth map values separating far|mid and mid|near
FEATHER = 0.06  # depth-map width of the soft edge between layers
DEPTH_MAP_WIDTH = 256  # the heuristic runs at this width (it is smooth)
MARGIN = 1.35  # planes cover this much more than the resting frame, so tilts and moves find picture
EYE_HEIGHT = 1.6  # metres: the resting camera height the picture is aligned to


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def depth_map(rgb: np.ndarray) -> np.ndarray:
    """Relative depth float32 [h, w] in [0 near, 1 far] of an RGB uint8 picture (see module docstring)."""
    h, w = rgb.shape[:2]
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV).astype(np.float32) / np.array([180, 255, 255], np.float32)
    sat, val = hsv[..., 1], hsv[..., 2]
    r, b = rgb[..., 0].astype(np.float32), rgb[..., 2].astype(np.float32)
    y = (np.arange(h, dtype=np.float32) + 0.5)[:, None] / h
    # 1. sky connected to the top
    sky = (((b >= r) & (val > 0.45)) | ((sat < 0.15) & (val > 0.75))) & (y < 0.7)
    k = np.ones((3, 3), np.uint8)
    sky = cv2.morphologyEx(sky.astype(np.uint8), cv2.MORPH_OPEN, k)
    sky = cv2.morphologyEx(sky, cv2.MORPH_CLOSE, k)
    n, labels = cv2.connectedComponents(sky)
    top_labels = np.unique(labels[: max(1, h // 10)])
    sky = np.isin(labels, top_labels[top_labels > 0])
    # 2. horizon
    lowest = np.where(sky.any(axis=0), h - 1 - np.argmax(sky[::-1], axis=0), -1)
    horizon = float(np.median(lowest[lowest >= 0]) + 1) / h if (lowest >= 0).mean() > 0.3 else 0.45
    horizon = min(max(horizon, 0.15), 0.85)
    # 3. position
    below = np.clip((y - horizon) / max(1e-3, 1.0 - horizon), 0, 1)
    depth = np.where(y >= horizon, 0.75 * (1.0 - below), 0.8) * np.ones((1, w), np.float32)
    # 4. haze
    haze = np.clip(val - sat, 0, 1) - 0.5
    depth = np.clip(depth + 0.3 * haze * (depth > 0.25), 0, 0.97)
    depth = cv2.GaussianBlur(depth.astype(np.float32), (0, 0), max(1.0, w / 64))
    depth[sky] = 1.0
    return depth.astype(np.float32)


def _fill_hidden(rgb: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``rgb`` with pixels where ``keep`` is False replaced by inpainting from the kept ones."""
    if keep.all() or not keep.any():
        return rgb
    h, w = rgb.shape[:2]
    sw = min(w, DEPTH_MAP_WIDTH)
    sh = max(1, int(round(h * sw / w)))
    small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    hole = cv2.resize((~keep).astype(np.uint8) * 255, (sw, sh), interpolation=cv2.INTER_NEAREST)
    hole = cv2.dilate(hole, np.ones((3, 3), np.uint8))
    filled = cv2.inpaint(small, hole, 5, cv2.INPAINT_TELEA)
    big = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(keep[..., None], rgb, big)


def backdrop_layers(image: np.ndarray, width: int, height: int) -> list[Painted]:
    """The scene image (RGBA uint8) as far, mid and near planes (see the module docstring)."""
    rgb = np.ascontiguousarray(image[..., :3])
    ih, iw = rgb.shape[:2]
    sw = min(iw, DEPTH_MAP_WIDTH)
    sh = max(4, int(round(ih * sw / iw)))
    depth = cv2.resize(depth_map(cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)), (iw, ih),
                       interpolation=cv2.INTER_LINEAR)
    # alpha of far (opaque), mid, near: everything nearer than the layer's far split
    alphas = [np.ones((ih, iw), np.float32)] + [_smoothstep((s - depth) / FEATHER + 0.5) for s in SPLITS]
    focal = reference_focal(width)
    out: list[Painted] = []
    for i, (d, a) in enumerate(zip(LAYER_DEPTHS, alphas)):
        nearer = alphas[i + 1] if i + 1 < len(alphas) else np.zeros_like(a)
        own = (a - nearer) > 0.5  # this layer's own pixels; the nearer layer's are filled in
        colour = _fill_hidden(rgb, own | (a < 0.01)) if i + 1 < len(alphas) else rgb
        rgba = np.dstack([colour, (a * 255 + 0.5).astype(np.uint8)])
        out.append(_plane(rgba, d, width, height, focal, f"backdrop {['far', 'mid', 'near'][i]}"))
    return out


def _plane(rgba: np.ndarray, depth: float, width: int, height: int, focal: float, name: str) -> Painted:
    """A picture on a plane ``depth`` metres away that fills the resting frame with ``MARGIN`` to spare."""
    view_h = height / focal * depth * MARGIN  # metres of plane the resting frame sees, with margin
    ih, iw = rgba.shape[:2]
    ppm = min(ih / view_h, MAX_TEXTURE_ROWS / view_h, focal / depth * 1.2)
    tex_h = max(4, int(view_h * ppm))
    tex_w = max(4, int(iw * tex_h / ih))
    img = cv2.resize(rgba, (tex_w, tex_h), interpolation=cv2.INTER_AREA if tex_h < ih else cv2.INTER_LINEAR)
    img = np.concatenate([img, img[:, ::-1]], axis=1)
    y_top = EYE_HEIGHT + view_h / 2.0
    spec = LayerSpec(name, depth, y_top - view_h, y_top, lambda c, r: None, period=img.shape[1] / ppm)
    canvas = Canvas(spec.period, spec.y_bottom, spec.y_top, ppm)
    if img.shape[:2] != (canvas.height, canvas.width):
        img = cv2.resize(img, (canvas.width, canvas.height), interpolation=cv2.INTER_LINEAR)
    canvas.albedo = np.ascontiguousarray(img)
    canvas.emissive = np.zeros(img.shape[:2], np.uint8)
    return Painted(spec, canvas)
