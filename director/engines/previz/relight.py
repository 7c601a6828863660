"""Light transitions as a colour transform of one bake: layers and ground re-lit without re-baking.

A "night falls" transition crosses ~12 of the 16 daylight buckets (``Light``), and a full bake of every
layer and the ground per bucket (lit, fogged, graded, premultiplied, wrap columns appended: ~110-240 ms
for a city at 1280) was most of a transition frame's cost. Within a bucket's *group* (ANCHOR_GROUP
buckets; the brightest of them is the group's anchor) a layer is baked fully once, at the anchor's light
and without its emissive windows; every other bucket of the group is that bake through one affine colour
transform per layer (``cv2.transform`` on the premultiplied RGBA: colour' = M colour + offset * alpha,
exact for premultiplied colours) plus the bucket's own window glow.

The transform is *fitted*: the layer's distinct albedo colours are lit, fogged and graded both ways (the
real bake code on those colours) and a 3x4 affine map between the two is found by least squares. Light
is a per-channel gain plus fog, so the map is exact but for the grade's tone curve, which is close to
affine over a layer's colours (measured: within 2 levels at > 98 % of texels, mean < 0.2). A fit that
misses any colour by more than FIT_MAX_ERROR levels (film noir's hard curve at night) bakes the bucket
fully instead. With ANCHOR_GROUP = 16 every bucket but full night is made from the full-day bake.
The anchor is the brightest bucket, so a transform only darkens: it never stretches the anchor's
8-bit levels into visible bands.

Pure functions of (scene, anchor light, light, grade): the anchor a bucket uses does not depend on what
was drawn before, so resume and rewind give byte-identical frames.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from director.engines.previz.grade import Grade
from director.engines.previz.lighting import LIGHT_STEPS, Light
from director.engines.previz.textures import (
    ColumnBlocks,
    GroundTexture,
    LayerTexture,
    Painted,
    bake_inputs,
    ground_colors,
    ground_haze_colors,
    layer_colors,
    layer_glow,
    period_spans,
)

ANCHOR_GROUP = 16  # daylight buckets per full bake: one anchor (full day) for every bucket but full night
FIT_SAMPLE_STEP = 2  # every 2nd texel in each direction feeds the fit (its distinct colours)
GROUND_SAMPLE_STEP = 7  # the ground tile is noise around a few colours: every 7th texel each way
FIT_TOLERANCE = 1.5  # RMS levels: a worse fit bakes the bucket fully instead
FIT_MAX_ERROR = 4.0  # levels, on any sampled colour: a worse one bakes the bucket fully too
MAX_FIT_SAMPLES = 20000


def anchor_daylight(daylight: float) -> float:
    """The daylight of the bucket that bakes for ``daylight``'s group: the brightest of the group."""
    b = int(round(daylight * LIGHT_STEPS))
    return min(LIGHT_STEPS, int(math.ceil(b / ANCHOR_GROUP)) * ANCHOR_GROUP) / LIGHT_STEPS


def _fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares affine map (3x4) from ``src`` colours to ``dst`` colours ([N, 3] each) and its RMS
    error (infinite when any colour misses by more than FIT_MAX_ERROR)."""
    a = np.concatenate([src.astype(np.float64), np.ones((len(src), 1))], axis=1)
    sol, *_ = np.linalg.lstsq(a, dst.astype(np.float64), rcond=None)
    m = sol.T  # [3, 4]
    err = np.abs(a @ sol - dst)
    if not len(err):
        return m, 0.0
    rms = float(np.sqrt(np.mean(err**2)))
    return m, rms if err.max() <= FIT_MAX_ERROR else math.inf


def _premultiplied_matrix(m: np.ndarray) -> np.ndarray:
    """4x4 matrix for ``cv2.transform`` on premultiplied RGBA: rgb' = M3 rgb + offset * alpha / 255."""
    out = np.zeros((4, 4), np.float64)
    out[:3, :3] = m[:, :3]
    out[:3, 3] = m[:, 3] / 255.0
    out[3, 3] = 1.0
    return out.astype(np.float32)  # float32: cv2.transform runs ~1.5x faster than with float64


def _samples(painted: Painted, inputs, r0: int, r1: int) -> np.ndarray:
    """The distinct opaque albedo colours of rows [r0, r1) of a layer (every FIT_SAMPLE_STEP-th texel
    each way, so even a thin strip of its own colour is in), [N, 1, 3] uint8; cached on the layer."""
    key = ("fit_samples", id(inputs), r0, r1)
    found = painted.inputs.get(key)
    if found is None:
        rgb = inputs.rgb[r0:r1:FIT_SAMPLE_STEP, ::FIT_SAMPLE_STEP].reshape(-1, 3)
        opaque = inputs.alpha[r0:r1:FIT_SAMPLE_STEP, ::FIT_SAMPLE_STEP].reshape(-1) > 0
        packed = rgb[opaque].astype(np.int32) @ np.array([65536, 256, 1], np.int32)
        colours = np.unique(packed)
        if len(colours) > MAX_FIT_SAMPLES:
            colours = colours[:: -(-len(colours) // MAX_FIT_SAMPLES)]
        found = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=1).astype(np.uint8)
        found = painted.inputs[key] = np.ascontiguousarray(found.reshape(-1, 1, 3))
    return found


class _RelitColumns(ColumnBlocks):
    """``fill`` of a re-lit layer: transforms the anchor bake's columns [a, b) as ``relight_layer`` describes
    (making them in the anchor first: it is baked as asked too). Each texel depends only on the same texel of
    the anchor bake, so the order columns are asked in never changes a byte. ``base()`` gives the anchor bake
    when asked: the layer does not keep it, so a renderer can let it go and bake it again if need be."""

    def __init__(self, base: Callable[[], LayerTexture], out: np.ndarray, period: int,
                 bands: list[tuple[int, int, np.ndarray | None]], glow) -> None:
        super().__init__(out.shape[1])
        self.base, self.out, self.period = base, out, period
        self.bands = bands  # (first row, last row, 4x4 matrix; None: copied as it is)
        self.glow = glow  # ((first row, last row), emissive [rows, period] uint8, colour scalar) or None

    def make(self, a: int, b: int) -> None:
        base = self.base()
        if base.fill is not None:
            base.fill(a, b)
        src = base.tex
        for r0, r1, m in self.bands:
            if m is None:
                self.out[r0:r1, a:b] = src[r0:r1, a:b]
            else:
                cv2.transform(src[r0:r1, a:b], m, dst=self.out[r0:r1, a:b])
        if self.glow is None:
            return
        (e0, e1), em, colour = self.glow
        for c, p0, n in period_spans(a, b, self.period):  # the emissive canvas holds one period
            e = em[:, p0 : p0 + n]
            term = cv2.multiply(cv2.merge([e, e, e, np.zeros_like(e)]), colour)
            cv2.add(self.out[e0:e1, c : c + n], term, dst=self.out[e0:e1, c : c + n])


def relight_layer(base: LayerTexture, painted: Painted, anchor: Light, light: Light, grade: Grade, ground,
                  indoor: bool, apron_ground: bool, lamps: float, out: np.ndarray | None = None,
                  base_again: Callable[[], LayerTexture] | None = None) -> LayerTexture | None:
    """``base`` (the layer baked at ``anchor``, no window glow) re-lit for ``light``; None if the fit is poor.

    The transforms are fitted here; the texels are made as views ask for their columns (``LayerTexture.fill``):
    a light bucket lasts a few frames of a transition, which see well under half of a layer's period.
    ``out``: an array of the base's shape to make them in (a texture the caller no longer needs: fresh pages
    cost as much to fault in as the transform itself); its old texels are never read. ``base_again``: how to
    get the anchor bake later (the same, or baked again: it is a pure function); by default ``base`` is kept."""
    inputs = bake_inputs(painted, ground, apron_ground)
    spec = painted.spec
    tex = base.tex  # its texels are made as the re-lit columns ask for them
    period = base.period_px
    first, last = base.content_rows()
    if out is None or out.shape != tex.shape or out.dtype != tex.dtype:
        out = np.zeros(tex.shape, tex.dtype)  # rows without an opaque texel stay transparent black (premultiplied)
    else:  # the bands' rows are made as views ask; the rest must be transparent black, as a fresh array is
        out[:first] = 0
        out[last:] = 0
    bands: list[tuple[int, int, np.ndarray | None]] = []
    # the apron rows (distant ground under the layer) are lit like the ground: a transform of their own
    for r0, r1, apron in ((first, min(last, inputs.ground_rows), False), (max(first, inputs.ground_rows), last, True)):
        if r1 <= r0:
            continue
        x = _samples(painted, inputs, r0, r1)
        if len(x) == 0:
            bands.append((r0, r1, None))
            continue
        c1 = layer_colors(x, anchor, grade, spec.depth, indoor, lamps, apron).reshape(-1, 3)
        c2 = layer_colors(x, light, grade, spec.depth, indoor, lamps, apron).reshape(-1, 3)
        m, rms = _fit(c1, c2)
        if rms > FIT_TOLERANCE:
            return None
        bands.append((r0, r1, _premultiplied_matrix(m)))
    glow = layer_glow(painted, light, grade, spec.depth, indoor, inputs.glows)
    glow_term = None
    if glow is not None:
        (e0, e1), em_col = glow
        glow_term = ((e0, e1), painted.canvas.emissive[e0:e1], (*(em_col / 255.0).tolist(), 0.0))
    layer = LayerTexture(spec=spec, tex=out, ppm=base.ppm, period_px=base.period_px, y_top=base.y_top,
                         fill=_RelitColumns(base_again or (lambda: base), out, period, bands, glow_term))
    layer._content_rows = base.content_rows()  # alpha is unchanged (and not made yet in ``out``)
    layer._opaque_rows = base.opaque_rows()
    layer._coverage = base.coverage()  # glow only where the base bake has its own (``layer_coverage``)
    return layer


def relight_ground(base: GroundTexture, tile: np.ndarray, anchor: Light, light: Light, grade: Grade, indoor: bool,
                   lamps: float) -> GroundTexture | None:
    """The ground baked at ``anchor`` re-lit for ``light`` (3x4 affine colour transform); None if the fit is poor."""
    x = np.ascontiguousarray(tile[::GROUND_SAMPLE_STEP, ::GROUND_SAMPLE_STEP].reshape(-1, 1, 3))
    c1 = ground_colors(x, anchor, grade, indoor, lamps).reshape(-1, 3)
    c2 = ground_colors(x, light, grade, indoor, lamps).reshape(-1, 3)
    m, rms = _fit(c1, c2)
    if rms > FIT_TOLERANCE:
        return None
    tex = cv2.transform(base.tex, m.astype(np.float32))
    haze, fog = ground_haze_colors(tile, light, grade, indoor, lamps)
    return replace(base, tex=tex, haze_color=haze, fog_color=fog)


def anchor_light(light: Light, env) -> Light:
    """The anchor bucket's light for ``env``: the brightest daylight of its group under a sky without rain or
    snow (same fog, hour side and explicit lamps). Clouds only darken the light (a gain per channel and a
    greyer fog colour, which the fit follows), so a storm rolling in re-lights one anchor bake instead of
    baking a new anchor for each of its overcast steps (~150 ms each at 1280x720)."""
    clear = replace(env, rain=0.0, snow=0.0)
    return Light.from_environment(clear, daylight=anchor_daylight(light.daylight))
