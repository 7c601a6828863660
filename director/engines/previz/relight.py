"""Light transitions as a colour transform of one bake: layers and ground re-lit without re-baking.

A "night falls" transition crosses ~12 of the 16 daylight buckets (``Light``), and a full bake of every
layer and the ground per bucket (lit, fogged, graded, premultiplied, wrap columns appended: ~110-240 ms
for a city at 1280) was most of a transition frame's cost. Within a bucket's *group* (ANCHOR_GROUP
buckets; the brightest of them is the group's anchor) a layer is baked fully once, at the anchor's light
and without its emissive windows; every other bucket of the group is that bake through one affine colour
transform per layer (on the premultiplied RGBA: colour' = M colour + offset * alpha / 255, exact for
premultiplied colours; see ``_Recolour``) plus the bucket's own window glow.

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
from dataclasses import dataclass, replace

import cv2
import numpy as np

from director.engines.previz import small_pages
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import LIGHT_STEPS, Light
from director.engines.previz.textures import (
    BakedColumns,
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
FIT_MAX_CONDITION = 1e10  # of the normal equations' matrix; above it, lstsq (see _fit)
MAKE_COLUMNS = 512  # columns re-lit per pass of the transforms (blocks side by side are asked for together)
CLIP_SLACK = 0.5  # levels a 3-channel re-light's first term may be cut by (see _Recolour)


def anchor_daylight(daylight: float) -> float:
    """The daylight of the bucket that bakes for ``daylight``'s group: the brightest of the group."""
    b = int(round(daylight * LIGHT_STEPS))
    return min(LIGHT_STEPS, int(math.ceil(b / ANCHOR_GROUP)) * ANCHOR_GROUP) / LIGHT_STEPS


def _fit(src: np.ndarray, dst: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Least-squares affine map (3x4) from ``src`` colours to ``dst`` colours ([N, 3] each) and its RMS
    error (infinite when any colour misses by more than FIT_MAX_ERROR). ``counts``: how many samples each
    colour stands for (the same map and error as the samples repeated)."""
    a = np.concatenate([src.astype(np.float64), np.ones((len(src), 1))], axis=1)
    dst = dst.astype(np.float64)
    w = np.ones(len(a)) if counts is None else np.asarray(counts, np.float64)
    # The normal equations (4x4) where they are well conditioned: ~7x faster than lstsq's SVD on many samples,
    # and the same float32 maps. A few colours (rank-deficient) take lstsq's least-norm answer.
    aw = a * w[:, None]
    ata = aw.T @ a
    if len(a) >= 4 and np.linalg.cond(ata) < FIT_MAX_CONDITION:
        sol = np.linalg.solve(ata, aw.T @ dst)
    else:
        root = np.sqrt(w)[:, None]
        sol, *_ = np.linalg.lstsq(a * root, dst * root, rcond=None)
    m = sol.T  # [3, 4]
    err = np.abs(a @ sol - dst)
    if not len(err):
        return m, 0.0
    rms = float(np.sqrt(np.sum(w[:, None] * err**2) / (3 * w.sum())))
    return m, rms if err.max() <= FIT_MAX_ERROR else math.inf


@dataclass(frozen=True)
class GroundSamples:
    """The distinct colours of a ground tile's samples (every GROUND_SAMPLE_STEP-th texel each way) and how
    many samples each stands for: a tile is noise around a few colours (30-300 of ~38 000 samples), so a
    bucket's fit is made on those."""

    colours: np.ndarray  # uint8 [N, 1, 3]
    counts: np.ndarray  # int64 [N]

    @classmethod
    def of(cls, tile: np.ndarray) -> GroundSamples:
        return cls(*_distinct_colours(tile[::GROUND_SAMPLE_STEP, ::GROUND_SAMPLE_STEP].reshape(-1, 3)))


def _distinct_colours(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct colours of ``rgb`` (uint8 [N, 3]) in order of their packed value, uint8 [M, 1, 3], and how
    many times each occurs."""
    packed, counts = np.unique(rgb.astype(np.int32) @ np.array([65536, 256, 1], np.int32), return_counts=True)
    colours = np.stack([packed >> 16, (packed >> 8) & 255, packed & 255], axis=1).astype(np.uint8)
    return colours.reshape(-1, 1, 3), counts


@dataclass(frozen=True)
class _Recolour:
    """A fitted affine map (3x4, levels) applied to premultiplied RGBA: rgb' = M3 rgb + offset * alpha / 255,
    alpha' = alpha, as 3-channel transforms, which OpenCV runs in fixed-point SIMD (~0.15 ms for 400x512
    texels) where a 4x4 one on RGBA takes its generic float path (~1.4-2.3 ms).

    The sum is split in two uint8 images, one subtracted from the other, each made by one transform: ``colour``
    on rgb, ``alpha`` on q (q = alpha, or alpha - that channel's rgb where the offset is negative; never
    negative, as rgb <= alpha premultiplied). Per channel, with offset o:
      o >= 0: (M3 rgb + o) - o (255 - alpha) / 255
      o <  0: (M3 rgb + o rgb / 255) - (-o) (alpha - rgb) / 255
    Cut at 0, the first term loses nothing (what follows only darkens); cut at 255 it would, so a map whose
    first term can pass 255 by more than CLIP_SLACK where the second is not 0 (gains over 1 with an offset:
    a warm grade at dusk, bright sails at sea) is applied as the one 4x4 transform (``four``) instead. Two
    roundings and 10-bit coefficients: within 1 level of the 4x4."""

    colour: np.ndarray  # float32 [3, 4]: [M3 + diag(min(o, 0)) / 255 | max(o, 0)], on rgb
    alpha: np.ndarray  # float32 [3, 4]: [diag(-o / 255) | max(o, 0)], on q
    negative: tuple[int, int, int, int]  # 255 in channels whose offset is negative: alpha - (rgb & this) is q
    four: np.ndarray | None  # float32 [4, 4] on RGBA, when the 3-channel terms could be cut

    @classmethod
    def of(cls, m: np.ndarray) -> _Recolour:
        offset = m[:, 3]
        bias = np.maximum(offset, 0.0)[:, None]
        colour = m[:, :3] + np.diag(np.minimum(offset, 0.0)) / 255.0
        # the most the first term can pass 255 by where the second is not 0, at each alpha (rgb <= alpha)
        a = np.arange(256.0)[None, :]
        first = np.maximum(colour, 0.0).sum(axis=1, keepdims=True) * a + bias
        second = np.abs(offset)[:, None] * np.where(offset[:, None] < 0, a, 255.0 - a) / 255.0
        four = None
        if np.minimum(first - 255.0, second).max() > CLIP_SLACK:
            four = np.zeros((4, 4), np.float32)
            four[:3, :3], four[:3, 3], four[3, 3] = m[:, :3], offset / 255.0, 1.0
        return cls(colour=np.concatenate([colour, bias], axis=1).astype(np.float32),
                   alpha=np.concatenate([np.diag(-offset / 255.0), bias], axis=1).astype(np.float32),
                   negative=(*(255 * (offset < 0)).tolist(), 0), four=four)

    def apply(self, src: np.ndarray, alpha3: np.ndarray, dst: np.ndarray) -> None:
        """``dst`` (uint8 [h, w, 3]) := the re-lit rgb of ``src`` (premultiplied RGBA [h, w, 4]); ``alpha3``:
        ``src``'s alpha in each of 3 channels."""
        if self.four is not None:
            cv2.cvtColor(cv2.transform(src, self.four), cv2.COLOR_RGBA2RGB, dst=dst)
            return
        cv2.cvtColor(src, cv2.COLOR_RGBA2RGB, dst=dst)
        q = cv2.subtract(alpha3, cv2.bitwise_and(dst, self.negative)) if any(self.negative) else alpha3
        cv2.transform(dst, self.colour, dst=dst)
        cv2.subtract(dst, cv2.transform(q, self.alpha), dst=dst)


def _samples(painted: Painted, inputs, r0: int, r1: int) -> np.ndarray:
    """The distinct opaque albedo colours of rows [r0, r1) of a layer (every FIT_SAMPLE_STEP-th texel
    each way, so even a thin strip of its own colour is in), [N, 1, 3] uint8; cached on the layer."""
    key = ("fit_samples", id(inputs), r0, r1)
    found = painted.inputs.get(key)
    if found is None:
        rgb = inputs.rgb[r0:r1:FIT_SAMPLE_STEP, ::FIT_SAMPLE_STEP].reshape(-1, 3)
        opaque = inputs.alpha[r0:r1:FIT_SAMPLE_STEP, ::FIT_SAMPLE_STEP].reshape(-1) > 0
        colours, _ = _distinct_colours(rgb[opaque])
        if len(colours) > MAX_FIT_SAMPLES:
            colours = colours[:: -(-len(colours) // MAX_FIT_SAMPLES)]
        found = painted.inputs[key] = np.ascontiguousarray(colours)
    return found


class _RelitColumns(ColumnBlocks):
    """``fill`` of a re-lit layer: transforms the anchor bake's texels (columns [a, b) of rows [r0, r1)) as
    ``relight_layer`` describes. Each texel depends only on the same texel of the anchor bake, so the order
    texels are asked in never changes a byte. ``base()`` gives the anchor bake while a renderer holds it (a
    transition: its columns are made there once, for every bucket of the group), or None once it has let it go
    (a settled light): the anchor's columns are then baked by ``baker`` into a scratch block and not kept.
    Baking the whole anchor again for them, a settled city in the rain faulted in ~40 MB of fresh pages each
    time the camera turned to columns not seen yet (~1 ms a frame of system time)."""

    def __init__(self, base: Callable[[], LayerTexture | None], baker: BakedColumns, out: np.ndarray, period: int,
                 alpha: np.ndarray, bands: list[tuple[int, int, _Recolour | None]], glow) -> None:
        super().__init__(out.shape[1], out.shape[0])
        self.base, self.baker, self.out, self.period = base, baker, out, period
        self.alpha = alpha  # uint8 [H, period]: the painted alpha, the anchor bake's and the re-lit layer's
        self.glow = glow  # ((first row, last row), emissive [rows, period] uint8, glow RGB / 255 [3, 3]) or None
        # (first row, last row, transform; None: copied as it is), consecutive; rows glowing outside them (none
        # in a painted layer: windows are on something) are copied too, so the glow has rgb to be added to
        if glow is not None and bands:
            (e0, e1), first, last = glow[0], bands[0][0], bands[-1][1]
            bands = [(e0, first, None)] * (e0 < first) + bands + [(last, e1, None)] * (e1 > last)
        elif glow is not None:
            bands = [(*glow[0], None)]
        self.bands = bands

    def make(self, a: int, b: int, r0: int, r1: int) -> None:
        if not self.bands:
            return
        r0, r1 = max(r0, self.bands[0][0]), min(r1, self.bands[-1][1])  # rows outside the bands stay transparent
        if r1 <= r0:
            return
        base = self.base()
        if base is not None and base.fill is not None:
            base.fill(a, b, r0, r1)
        for c, p0, n in period_spans(a, b, self.period):  # alpha and emissive hold one period
            for k in range(0, n, MAKE_COLUMNS):  # a part at a time: fewer of its texels leave the caches
                m = min(MAKE_COLUMNS, n - k)
                if base is not None:
                    anchor = base.tex[r0:r1, c + k : c + k + m]
                else:
                    anchor = np.empty((r1 - r0, m, 4), np.uint8)  # (on the heap: reused, no faults)
                    self.baker.bake(p0 + k, p0 + k + m, anchor, r0, r1)
                self._make(anchor, c + k, p0 + k, m, r0, r1)

    def _make(self, anchor: np.ndarray, c: int, p: int, n: int, lo: int, hi: int) -> None:
        """Texture columns [c, c + n), which are the period's columns [p, p + n), rows [lo, hi) (within the
        bands), from ``anchor``: those texels of the anchor bake."""
        # 1. the texels re-lit as rgb (a 3-channel image: see _Recolour)
        alpha = self.alpha[lo:hi, p : p + n]
        alpha3 = cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGB)
        rgb = np.empty((hi - lo, n, 3), np.uint8)
        for b0, b1, recolour in self.bands:
            b0, b1 = max(b0, lo), min(b1, hi)
            if b1 <= b0:
                continue
            rows = slice(b0 - lo, b1 - lo)
            if recolour is None:
                cv2.cvtColor(anchor[rows], cv2.COLOR_RGBA2RGB, dst=rgb[rows])
            else:
                recolour.apply(anchor[rows], alpha3[rows], rgb[rows])
        # 2. the bucket's window glow, added to the rgb
        if self.glow is not None:
            (e0, e1), em, colour = self.glow
            g0, g1 = max(e0, lo), min(e1, hi)
            if g1 > g0:
                lit = rgb[g0 - lo : g1 - lo]
                cv2.add(lit, cv2.transform(cv2.cvtColor(em[g0 - e0 : g1 - e0, p : p + n], cv2.COLOR_GRAY2RGB),
                                           colour), dst=lit)
        # 3. into the texture, with the alpha as it is
        dst = self.out[lo:hi, c : c + n]
        cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA, dst=dst)
        cv2.insertChannel(alpha, dst, 3)


def relight_layer(base: LayerTexture, painted: Painted, anchor: Light, light: Light, grade: Grade, ground,
                  indoor: bool, apron_ground: bool, lamps: float, out: np.ndarray | None = None,
                  held: Callable[[], LayerTexture | None] | None = None) -> LayerTexture | None:
    """``base`` (the layer baked at ``anchor``, no window glow) re-lit for ``light``; None if the fit is poor.

    The transforms are fitted here; the texels are made as views ask for their columns (``LayerTexture.fill``):
    a light bucket lasts a few frames of a transition, which see well under half of a layer's period.
    ``out``: an array of the base's shape to make them in (a texture the caller no longer needs: fresh pages
    cost as much to fault in as the transform itself); its old texels are never read. ``held``: the anchor bake
    while the caller still holds it, None once it let it go (its columns are then baked as asked, not kept: it
    is a pure function); by default ``base`` is kept. A base made whole already (no ``fill``) is kept."""
    inputs = bake_inputs(painted, ground, apron_ground)
    spec = painted.spec
    tex = base.tex  # its texels are made as the re-lit columns ask for them
    baker = base.fill if isinstance(base.fill, BakedColumns) else None  # bakes the anchor's columns anywhere
    period = base.period_px
    first, last = base.content_rows()
    if out is None or out.shape != tex.shape or out.dtype != tex.dtype:
        out = small_pages.zeros(tex.shape, tex.dtype)  # rows without an opaque texel stay transparent black
    else:  # the bands' rows are made as views ask; the rest must be transparent black, as a fresh array is
        out[:first] = 0
        out[last:] = 0
    bands: list[tuple[int, int, _Recolour | None]] = []
    # the apron rows (distant ground under the layer) are lit like the ground: a transform of their own
    for r0, r1, apron in ((first, min(last, inputs.ground_rows), False), (max(first, inputs.ground_rows), last, True)):
        if r1 <= r0:
            continue
        x = _samples(painted, inputs, r0, r1)
        if len(x) == 0:
            bands.append((r0, r1, None))
            continue
        # the anchor's side is the same for every bucket of its group (~16 in a transition): cached on the layer
        key = ("anchor_colors", id(inputs), r0, r1, apron, anchor.key, grade.key, indoor, lamps)
        c1 = painted.inputs.get(key)
        if c1 is None:
            c1 = painted.inputs[key] = layer_colors(x, anchor, grade, spec.depth, indoor, lamps, apron).reshape(-1, 3)
        c2 = layer_colors(x, light, grade, spec.depth, indoor, lamps, apron).reshape(-1, 3)
        m, rms = _fit(c1, c2)
        if rms > FIT_TOLERANCE:
            return None
        bands.append((r0, r1, _Recolour.of(m)))
    glow = layer_glow(painted, light, grade, spec.depth, indoor, inputs.glows)
    glow_term = None
    if glow is not None:
        (e0, e1), em_col = glow
        glow_term = ((e0, e1), painted.canvas.emissive[e0:e1], np.diag(em_col / 255.0).astype(np.float32))
    layer = LayerTexture(spec=spec, tex=out, ppm=base.ppm, period_px=base.period_px, y_top=base.y_top,
                         fill=_RelitColumns(held if held is not None and baker is not None else (lambda: base), baker,
                                            out, period, inputs.alpha, bands, glow_term))
    layer._content_rows = base.content_rows()  # alpha is unchanged (and not made yet in ``out``)
    layer._opaque_blocks = base.opaque_blocks()
    layer._coverage = base.coverage()  # glow only where the base bake has its own (``_BakeInputs.coverage``)
    return layer


def relight_ground(base: GroundTexture, tile: np.ndarray, anchor: Light, light: Light, grade: Grade, indoor: bool,
                   lamps: float, out: np.ndarray | None = None,
                   samples: GroundSamples | None = None) -> GroundTexture | None:
    """The ground baked at ``anchor`` re-lit for ``light`` (3x4 affine colour transform); None if the fit is poor.
    ``out``: an array of the base's shape and type to write it into (one the caller no longer needs).
    ``samples``: the tile's (``GroundSamples.of``), when the caller keeps them."""
    samples = GroundSamples.of(tile) if samples is None else samples
    c1 = ground_colors(samples.colours, anchor, grade, indoor, lamps).reshape(-1, 3)
    c2 = ground_colors(samples.colours, light, grade, indoor, lamps).reshape(-1, 3)
    m, rms = _fit(c1, c2, samples.counts)
    if rms > FIT_TOLERANCE:
        return None
    if out is not None and (out.shape != base.tex.shape or out.dtype != base.tex.dtype):
        out = None
    tex = cv2.transform(base.tex, m.astype(np.float32), dst=out)
    haze, fog = ground_haze_colors(tile, light, grade, indoor, lamps)
    return replace(base, tex=tex, haze_color=haze, fog_color=fog)


def anchor_light(light: Light, env) -> Light:
    """The anchor bucket's light for ``env``: the brightest daylight of its group under a sky without rain or
    snow (same fog, hour side and explicit lamps). Clouds only darken the light (a gain per channel and a
    greyer fog colour, which the fit follows), so a storm rolling in re-lights one anchor bake instead of
    baking a new anchor for each of its overcast steps (~150 ms each at 1280x720)."""
    clear = replace(env, rain=0.0, snow=0.0)
    return Light.from_environment(clear, daylight=anchor_daylight(light.daylight))
