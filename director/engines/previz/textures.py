"""Baked textures: layers and ground tile, lit for a lighting bucket and graded for a style (the sky: sky.py).

Painting a scene happens once per (scene, output width); lighting, fog and grade are baked per
(``Light.key``, grade key) and kept in a small LRU cache, so a frame only warps and blends.
Layer textures are premultiplied RGBA and periodic: ``period`` columns of content followed by
``ext`` columns that repeat the start, so any window up to ``ext`` wide is one contiguous slice.
"""

from __future__ import annotations

import math
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np

from director.engines.previz import small_pages
from director.engines.previz.canvas import Canvas, periodic_noise_2d
from director.engines.previz.coverage import Coverage
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import GroundSpec, LayerSpec, SceneRecipe

REFERENCE_FOV = 55.0  # degrees: textures are painted 1:1 for this lens at rest
MAX_TEXTURE_ROWS = 2400
GLOW_COLOR = np.array([255.0, 196.0, 120.0])  # warm tungsten windows and lamps
GROUND_TILE_M = (48.0, 24.0)  # ground tile (x, z) metres
LAMP_REACH = 30.0  # metres: layers nearer than this are lit by the scene's street lamps at night


def reference_focal(width: int) -> float:
    return (width / 2.0) / math.tan(math.radians(REFERENCE_FOV) / 2.0)


class LRU(OrderedDict):
    """A tiny least-recently-used cache, bounded by entries and, with ``max_bytes``, by the bytes of
    the numpy arrays it holds (a 3-minute render must not grow: sprites of a close-up are large)."""

    def __init__(self, size: int, max_bytes: int | None = None) -> None:
        super().__init__()
        self.size = size
        self.max_bytes = max_bytes
        self._bytes: dict = {}

    def get_or(self, key, build):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = build()
        self[key] = value
        if self.max_bytes is not None:
            self._bytes[key] = _nbytes(value)
        while len(self) > self.size or (
            self.max_bytes is not None and len(self) > 1 and sum(self._bytes.values()) > self.max_bytes
        ):
            old, _ = self.popitem(last=False)
            self._bytes.pop(old, None)
        return value

    def drop_where(self, doomed) -> None:
        """Forget every entry whose key ``doomed(key)`` is true."""
        for key in [k for k in self if doomed(k)]:
            del self[key]
            self._bytes.pop(key, None)


def _nbytes(value) -> int:
    """Bytes of the arrays in ``value`` (an array or anything else with ``nbytes``, or a tuple/list of them and
    plain values)."""
    if isinstance(getattr(value, "nbytes", None), int):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    return 0


# Per-row maximum by numpy: OpenCV's cv2.reduce across each row of a uint8 image took ~20 ms on a 685x5900
# layer where numpy's SIMD reduction takes ~0.15 ms (same values).

def _filled_rows(alpha: np.ndarray) -> tuple[int, int]:
    """(first, last + 1) rows of a uint8 alpha image with any non-zero texel; (0, 0) if none."""
    filled = np.flatnonzero(alpha.max(axis=1))
    return (int(filled[0]), int(filled[-1]) + 1) if filled.size else (0, 0)


OPAQUE_BLOCK = 8  # period columns per block of a layer's opacity table (``opaque_blocks``)


def _opaque_blocks(alpha: np.ndarray) -> np.ndarray:
    """int32 [rows, ceil(columns / OPAQUE_BLOCK) + 1] of a uint8 alpha image: per row, how many of its blocks
    of OPAQUE_BLOCK columns (the last one: the columns left) before each hold an alpha under 255 (prefix
    counts: whether a run of blocks is opaque is one subtraction)."""
    opaque = np.logical_and.reduceat(alpha == 255, np.arange(0, alpha.shape[1], OPAQUE_BLOCK), axis=1)
    counts = np.zeros((alpha.shape[0], opaque.shape[1] + 1), np.int32)
    np.cumsum(~opaque, axis=1, out=counts[:, 1:])
    return counts


def opaque_over(blocks: np.ndarray, period: int, c0: int, c1: int) -> np.ndarray:
    """bool per row: alpha 255 over the period's columns [c0, c1) (any integers: the period repeats), by the
    blocks ``_opaque_blocks`` counts: a row counts when every block those columns meet is opaque throughout."""
    if c1 <= c0:
        return np.ones(len(blocks), bool)
    if c1 - c0 >= period:
        return blocks[:, -1] == 0
    b0, b1 = (c0 % period) // OPAQUE_BLOCK, ((c1 - 1) % period) // OPAQUE_BLOCK + 1
    if c0 % period <= (c1 - 1) % period:
        return blocks[:, b1] == blocks[:, b0]
    return (blocks[:, -1] == blocks[:, b0]) & (blocks[:, b1] == 0)  # the columns wrap around the period


@dataclass
class LayerTexture:
    """A lit, graded, premultiplied RGBA layer ready to warp."""

    spec: LayerSpec
    tex: np.ndarray  # uint8 [H, period + ext, 4]
    ppm: float  # pixels per metre
    period_px: int
    y_top: float  # metres at row 0
    # Made on demand (a re-lit light bucket, see ``relight``): ``fill(c0, c1, r0, r1)`` makes columns [c0, c1)
    # of rows [r0, r1) of ``tex`` final (``ColumnBlocks``); frames ``make`` the texels they read, so a
    # transition only re-lights what is seen.
    fill: ColumnBlocks | None = None

    @property
    def ext_px(self) -> int:
        return self.tex.shape[1] - self.period_px

    def window(self, s_min: float, s_max: float) -> tuple[np.ndarray, int]:
        """Texture columns covering [s_min, s_max) (unbounded pixel coordinates): (view, start column). Its
        columns may not be made yet: ``make`` them before reading them."""
        start = int(math.floor(s_min))
        width = int(math.ceil(s_max)) - start + 2
        if width > self.ext_px:
            self._widen(width)
        s0 = start % self.period_px
        return self.tex[:, s0 : s0 + width], start

    def make(self, start: int, c0: int, c1: int, r0: int = 0, r1: int | None = None) -> None:
        """Make columns [c0, c1) of the window that begins at texture column ``start`` (``window``), rows
        [r0, r1) (default: all): a frame makes only the texels its warps read, a fifth fewer columns than its
        windows hold and the rows of the runs it draws."""
        if self.fill is not None:
            s0 = start % self.period_px
            self.fill(s0 + c0, s0 + c1, r0, r1)

    def ready(self) -> np.ndarray:
        """The whole texture, every texel made (for callers that read ``tex`` itself)."""
        if self.fill is not None:
            self.fill(0, self.tex.shape[1])
            self.fill = None
        return self.tex

    def content_rows(self) -> tuple[int, int]:
        """(first, last + 1) texture rows holding any opaque texel: the rows above and below warp to
        nothing, so the compositor leaves them out (computed once per bake, ~1 ms at 1280)."""
        if not hasattr(self, "_content_rows"):
            self._content_rows = _filled_rows(cv2.extractChannel(self.tex, 3))
        return self._content_rows

    def opaque_between(self, start: int, c0: int, c1: int) -> np.ndarray:
        """bool [H]: texture rows opaque (alpha 255) over columns [c0, c1) of the window that begins at texture
        column ``start`` (``window``). Drawn over the frame's width, such a row hides all behind it, so the
        compositor skips what is behind (``occlusion``)."""
        return opaque_over(self.opaque_blocks(), self.period_px, start + c0, start + c1)

    def opaque_blocks(self) -> np.ndarray:
        """Where the period's alpha is 255, counted by blocks of OPAQUE_BLOCK columns (``_opaque_blocks``; once
        per bake)."""
        if not hasattr(self, "_opaque_blocks"):
            self._opaque_blocks = _opaque_blocks(cv2.extractChannel(self.tex, 3)[:, : self.period_px])
        return self._opaque_blocks

    def coverage(self) -> Coverage:
        """Where the texture may hold anything but transparent black, by blocks (``coverage``): what a
        frame must warp and blend of it (from its own texels if the bake did not say: once per bake)."""
        if not hasattr(self, "_coverage"):
            self._coverage = Coverage.of(self.ready()[:, : self.period_px].max(axis=2))
        return self._coverage

    def _widen(self, width: int) -> None:
        """Repeat the period further once, so wider views (a camera moved back or aside) stay slices:
        gathering the columns for every frame cost ~10 ms per layer at 1280x720."""
        ext = int(width * 1.25) + 2
        base = self.ready()[:, : self.period_px]
        reps = -(-(self.period_px + ext) // self.period_px)
        self.tex = np.ascontiguousarray(np.tile(base, (1, reps, 1))[:, : self.period_px + ext])


@dataclass
class Painted:
    """Albedo and emissive of one layer, before light."""

    spec: LayerSpec
    canvas: Canvas
    # what every bake of this layer starts from (see ``bake_inputs``), made once: a light transition
    # re-bakes the layer for each light bucket it crosses
    inputs: dict = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class _BakeInputs:
    rgb: np.ndarray  # uint8 [H, W, 3]: albedo, with the apron rows in the far ground's colour
    alpha: np.ndarray  # uint8 [H, W] (4 bytes a pixel in all: the 3-channel alpha and emissive are not kept)
    glows: bool  # any emissive pixel
    ground_rows: int  # first apron row (== height: no apron)
    emissive: np.ndarray  # uint8 [H, W]: the painting's own (not a copy)

    @cached_property
    def filled_rows(self) -> tuple[int, int]:
        """(first, last + 1) rows with any non-transparent texel: the same in every bake (light keeps alpha)."""
        return _filled_rows(self.alpha)

    @cached_property
    def opaque_blocks(self) -> np.ndarray:
        """Where alpha is 255 (``_opaque_blocks``), in every bake (a transition bakes an anchor per group and
        the probes theirs: each read ~1 ms of alpha at 1280 for it)."""
        return _opaque_blocks(self.alpha)

    @cached_property
    def coverage(self) -> Coverage:
        """``Coverage`` of every bake from these inputs: a texel is transparent black in all of them where its
        alpha is 0 and it has no glow (premultiplied colours; ``relight``'s transforms keep 0 at 0)."""
        return Coverage.of(cv2.max(self.alpha, self.emissive) if self.glows else self.alpha)


def bake_inputs(painted: Painted, ground: GroundSpec, apron_ground: bool) -> _BakeInputs:
    """The light-independent part of ``bake_layer``, cached on ``painted``."""
    key = (apron_ground, tuple(np.asarray(ground.color, np.float64).tolist()))
    found = painted.inputs.get(key)
    if found is not None:
        return found
    c = painted.canvas
    rgb = cv2.cvtColor(c.albedo, cv2.COLOR_RGBA2RGB)  # (numpy's copies of the channel views: ~8x slower)
    alpha = cv2.extractChannel(c.albedo, 3)
    ground_rows = int(round(c.row(0.0)))
    if apron_ground and ground_rows < c.height:
        # Below ground level the layer becomes distant ground fading in: it hides the aliased far ground.
        n = c.height - ground_rows
        rgb[ground_rows:] = np.clip(ground_far_color(ground), 0, 255).astype(np.uint8)
        ramp = np.clip(np.linspace(1.0, 0.0, n), 0, 1) ** 1.5 * 255
        alpha[ground_rows:] = ramp.astype(np.uint8)[:, None]
    else:
        ground_rows = c.height
    found = _BakeInputs(rgb, alpha, bool(c.emissive.any()), ground_rows, c.emissive)
    painted.inputs[key] = found
    return found


def paint_layers(recipe: SceneRecipe, width: int, seed: int) -> list[Painted]:
    """Paint every layer of ``recipe`` for an output ``width``."""
    focal = reference_focal(width)
    out = []
    for i, spec in enumerate(recipe.layers):
        ppm = focal / spec.depth
        ppm = min(ppm, MAX_TEXTURE_ROWS / (spec.y_top - spec.y_bottom))
        period = spec.period or 3.2 * spec.depth
        canvas = Canvas(period, spec.y_bottom, spec.y_top, ppm)
        rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(recipe.kind.encode()) & 0xFFFF, i])
        spec.paint(canvas, rng)
        out.append(Painted(spec, canvas))
    return out


def shrink_painted(painted: list[Painted], factor: float) -> list[Painted]:
    """``painted`` at ``factor`` (< 1) of its pixels per metre, area-averaged: what the light probes
    (``light_match``: 96 px wide) render instead of painting the scene again at their size. A city's
    ~10 000 windows cost ~0.14 s to paint at any width; resizing a painting costs a few ms, and a probe
    only measures the frame's mean colour."""
    step = max(1, int(1.0 / factor))  # an integer reduction first: OpenCV's fast area path (~4x faster)

    def shrink(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        h, w = image.shape[:2]
        if step > 1 and h >= step and w >= step:
            image = cv2.resize(image[: h // step * step, : w // step * step], (w // step, h // step),
                               interpolation=cv2.INTER_AREA)
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    out = []
    for p in painted:
        big = p.canvas
        small = Canvas(big.period_m, big.y_bottom, big.y_top, big.ppm * factor)
        size = (small.width, small.height)
        small.albedo, small.emissive = shrink(big.albedo, size), shrink(big.emissive, size)
        out.append(Painted(p.spec, small))
    return out


def ground_far_color(ground: GroundSpec) -> np.ndarray:
    return np.asarray(ground.color, dtype=np.float64)


def _layer_light(light: Light, depth: float, indoor: bool, lamps: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(haze, RGB gain of the layer, RGB gain of its ground apron, fog RGB added) of a layer at ``depth``."""
    haze = light.haze(depth) if not indoor else light.fog * 0.3
    amb = _ambient(light, indoor) * (1.0 - haze)
    if depth < LAMP_REACH and not indoor:  # near things stand among the street lamps
        amb = amb + 0.7 * light.lamp_fill(lamps) * (1.0 - haze)
    # the apron is ground: lit like the ground (street lamps included), so no band where they meet
    amb_g = amb if indoor else (_ambient(light, indoor) + light.lamp_fill(lamps)) * (1.0 - haze)
    return haze, amb, amb_g, light.fog_color() * haze


def layer_colors(rgb: np.ndarray, light: Light, grade: Grade, depth: float, indoor: bool, lamps: float,
                 apron: bool = False) -> np.ndarray:
    """Albedo ``rgb`` (uint8 [..., 3]) lit, fogged and graded as ``bake_layer`` does (before premultiplying)."""
    _, amb, amb_g, fog = _layer_light(light, depth, indoor, lamps)
    lit = cv2.multiply(rgb, (*(amb_g if apron else amb).tolist(), 0.0))
    cv2.add(lit, (*fog.tolist(), 0.0), dst=lit)
    return grade.apply(lit, own=True)


def layer_glow(painted: Painted, light: Light, grade: Grade, depth: float, indoor: bool,
               glows: bool) -> tuple[tuple[int, int], np.ndarray] | None:
    """(rows holding emissive texels, graded glow RGB) that ``bake_layer`` adds, or None when it adds none."""
    haze = _layer_light(light, depth, indoor, 0.0)[0]
    glow = light.glow() * (1.0 - 0.7 * haze)
    if glow <= 0.01 or not glows:
        return None
    rows = painted.inputs.get("emissive_rows")
    if rows is None:
        rows = painted.inputs["emissive_rows"] = _filled_rows(painted.canvas.emissive)
    em_col = grade.apply(np.clip(GLOW_COLOR * glow, 0, 255).astype(np.uint8).reshape(1, 1, 3))[0, 0]
    return rows, em_col


COLUMN_BLOCK = 128  # texture columns made together when a frame first asks for them (a frame asks for
# ~1000-1500 of a layer's ~5900 at 1280, those its warps read). New blocks side by side are made in one call,
# so narrow blocks cost no more per row; 512 made ~30 % more texels of each light bucket in a transition.
ROW_BAND = 64  # texture rows made together: a frame makes the rows of the runs it draws (a city's facades hide
# half its skyline's rows from every frame)


def period_spans(a: int, b: int, period: int):
    """(texture column, column in the period, count) spans of texture columns [a, b), whose column c is
    column c % period of a periodic layer's painting."""
    c = a
    while c < b:
        p0 = c % period
        n = min(b - c, period - p0)
        yield c, p0, n
        c += n


def block_runs(todo: np.ndarray) -> list[tuple[int, int]]:
    """(first, last + 1) of each run of consecutive block indices in ``todo`` (sorted): blocks side by side
    are made in one call."""
    if not len(todo):
        return []
    return [(int(run[0]), int(run[-1]) + 1) for run in np.split(todo, np.flatnonzero(np.diff(todo) > 1) + 1)]


class ColumnBlocks:
    """Makes the texels of a texture on demand, in blocks of ``block`` columns by ROW_BAND rows: ``self(c0, c1,
    r0, r1)`` makes every block meeting columns [c0, c1) and rows [r0, r1) (default: all) not made yet with
    ``make(a, b, r0, r1)`` (blocks side by side, and bands above one another that need the same blocks, in one
    call). A subclass's ``make`` must give each texel from inputs alone, so the order texels are asked in never
    changes a byte."""

    def __init__(self, width: int, height: int, block: int | None = None) -> None:
        """``block``: columns per block (None: COLUMN_BLOCK as it is when the texture is made)."""
        self.width, self.height, self.block = width, height, block or COLUMN_BLOCK
        self.done = np.zeros((-(-height // ROW_BAND), -(-width // self.block)), bool)

    def __call__(self, c0: int, c1: int, r0: int = 0, r1: int | None = None) -> None:
        r1 = self.height if r1 is None else r1
        b0, b1 = max(0, c0 // self.block), min(self.done.shape[1], -(-c1 // self.block))
        n0, n1 = max(0, r0 // ROW_BAND), min(self.done.shape[0], -(-r1 // ROW_BAND))
        if b1 <= b0 or n1 <= n0:
            return
        todo = ~self.done[n0:n1, b0:b1]
        band = 0
        while band < len(todo):  # bands that need the same blocks: one call for them all
            last = band + 1
            while last < len(todo) and np.array_equal(todo[last], todo[band]):
                last += 1
            rows = ((n0 + band) * ROW_BAND, min(self.height, (n0 + last) * ROW_BAND))
            for first, end in block_runs(np.flatnonzero(todo[band]) + b0):
                self.make(first * self.block, min(self.width, end * self.block), *rows)
            band = last
        self.done[n0:n1, b0:b1] = True

    def make(self, a: int, b: int, r0: int, r1: int) -> None:
        raise NotImplementedError


class BakedColumns(ColumnBlocks):
    """``bake_layer``'s texels for texture columns [a, b) and rows [r0, r1): column c is the painted layer's
    column c % period."""

    def __init__(self, out: np.ndarray, period: int, inputs, emissive: np.ndarray, amb, amb_g, fog, grade: Grade,
                 glow_col) -> None:
        super().__init__(out.shape[1], out.shape[0])
        self.out, self.period, self.inputs, self.emissive = out, period, inputs, emissive
        self.amb, self.amb_g, self.fog, self.grade, self.glow_col = amb, amb_g, fog, grade, glow_col

    def make(self, a: int, b: int, r0: int, r1: int) -> None:
        for c, p0, n in period_spans(a, b, self.period):
            self.bake(p0, p0 + n, self.out[r0:r1, c : c + n], r0, r1)

    def bake(self, p0: int, p1: int, out: np.ndarray, r0: int = 0, r1: int | None = None) -> None:
        """``out`` := the lit, fogged, graded, premultiplied RGBA of painted columns [p0, p1), rows [r0, r1)
        (default: all; per texel: any split gives the bytes of the whole). Merged straight into it: numpy's copy
        of the block into the texture's strided columns was ~1 ms a frame while a transition's anchor is made."""
        inputs = self.inputs
        r1 = inputs.rgb.shape[0] if r1 is None else r1
        rgb, alpha = inputs.rgb[r0:r1, p0:p1], inputs.alpha[r0:r1, p0:p1]
        lit = cv2.multiply(rgb, (*self.amb.tolist(), 0.0))
        ground = min(r1, max(r0, inputs.ground_rows)) - r0  # the apron's first row in these rows
        if self.amb_g is not None and ground < r1 - r0:
            lit[ground:] = cv2.multiply(rgb[ground:], (*self.amb_g.tolist(), 0.0))
        cv2.add(lit, (*self.fog.tolist(), 0.0), dst=lit)
        lit = self.grade.apply(lit, own=True)
        premult = cv2.multiply(lit, cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGB), scale=1.0 / 255.0)
        if self.glow_col is not None:
            em = cv2.cvtColor(np.ascontiguousarray(self.emissive[r0:r1, p0:p1]), cv2.COLOR_GRAY2RGB)
            cv2.add(premult, cv2.multiply(em, (*(self.glow_col / 255.0).tolist(), 0.0)), dst=premult)
        cv2.merge([premult, np.ascontiguousarray(alpha)], dst=out)


def bake_layer(painted: Painted, light: Light, grade: Grade, ground: GroundSpec, indoor: bool,
               apron_ground: bool, lamps: float = 0.0, glow: bool = True) -> LayerTexture:
    """Light, fog, grade and premultiply one painted layer, with wrap columns after its period.

    The texels are made as views ask for their columns (``LayerTexture.fill``): a view sees under half of a
    layer's period, so opening a scene or crossing into a new light group bakes what is seen (~100 ms a layer
    at 1280 for the whole). ``glow=False`` leaves out the emissive windows (the base that ``relight``
    transforms for other buckets)."""
    c = painted.canvas
    spec = painted.spec
    inputs = bake_inputs(painted, ground, apron_ground)
    _, amb, amb_g, fog = _layer_light(light, spec.depth, indoor, lamps)
    emit = layer_glow(painted, light, grade, spec.depth, indoor, inputs.glows) if glow else None
    ext = min(c.width, max(64, int(c.width * 0.5)))
    tex = small_pages.zeros((c.height, c.width + ext, 4))  # made as views ask: pages faulted in as written
    apron = amb_g if inputs.ground_rows < c.height and not indoor else None
    layer = LayerTexture(spec=spec, tex=tex, ppm=c.ppm, period_px=c.width, y_top=spec.y_top,
                         fill=BakedColumns(tex, c.width, inputs, c.emissive, amb, apron, fog, grade,
                                           None if emit is None else emit[1]))
    layer._content_rows = inputs.filled_rows  # from the one-channel alpha: its texels come later
    layer._opaque_blocks = inputs.opaque_blocks
    layer._coverage = inputs.coverage
    return layer


def _ambient(light: Light, indoor: bool) -> np.ndarray:
    amb = light.ambient()
    if indoor:  # rooms are lit by their lamps: darker at night, but never as dark as outside
        amb = 0.45 * amb + 0.55 * np.array([1.0, 0.93, 0.82]) * (0.55 + 0.45 * max(light.lights, light.daylight))
    return amb


@dataclass
class GroundTexture:
    tex: np.ndarray  # uint8 [H, W, 3], periodic in both axes
    ppm: float
    haze_color: np.ndarray  # RGB of the far ground under this light (graded)
    fog_color: np.ndarray  # RGB of the fog under this light (graded, as on the layers and the sky)


def ground_tile_size(width: int) -> tuple[int, int]:
    """(columns, rows) of the ground tile a renderer ``width`` wide paints."""
    ppm = max(8.0, min(40.0, reference_focal(width) / 30.0))
    return int(GROUND_TILE_M[0] * ppm), int(GROUND_TILE_M[1] * ppm)


def _ground_ppm(tw: int, th: int) -> float:
    return (tw / GROUND_TILE_M[0] + th / GROUND_TILE_M[1]) / 2.0


def shrink_ground(tile: np.ndarray, width: int) -> tuple[np.ndarray, float]:
    """A ground tile painted for a wider renderer, area-averaged to the size a renderer ``width`` wide paints,
    and its pixels per metre (``shrink_painted``'s counterpart for the ground)."""
    tw, th = ground_tile_size(width)
    return cv2.resize(tile, (tw, th), interpolation=cv2.INTER_AREA), _ground_ppm(tw, th)


def paint_ground(spec: GroundSpec, width: int, seed: int) -> tuple[np.ndarray, float]:
    """Albedo RGB uint8 tile, periodic in x and z, and its pixels per metre."""
    tw, th = ground_tile_size(width)
    ppm_x, ppm_z = tw / GROUND_TILE_M[0], th / GROUND_TILE_M[1]
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x6A0D])
    n = periodic_noise_2d(th, tw, rng, 6.0) * 0.6 + periodic_noise_2d(th, tw, rng, 1.2) * 0.4
    img = np.empty((th, tw, 3), np.float32)
    img[:] = np.asarray(spec.color, np.float32)
    img += n[..., None] * spec.variation
    x = (np.arange(tw) + 0.5) / ppm_x  # metres, 0..48 (x = 0 at the tile edge)
    xc = np.where(x > GROUND_TILE_M[0] / 2, x - GROUND_TILE_M[0], x)  # centred: -24..24
    z = (np.arange(th) + 0.5) / ppm_z
    if spec.stripes is not None:
        col, period = spec.stripes
        band = (np.floor(xc / period) % 2 == 0)[None, :, None]
        img = np.where(band, img * 0.5 + np.asarray(col, np.float32) * 0.5, img)
    if spec.ripples:
        rip = np.sin(z[:, None] * 2 * np.pi / 0.7 + n * 2)[..., None]
        img += rip * 10
    if spec.path is not None:
        w = np.clip(1.6 - np.abs(xc), 0, 1)[None, :, None] * 0.85
        img = img * (1 - w) + np.asarray(spec.path, np.float32) * w + n[..., None] * 8 * w
    if spec.road:
        road = (np.abs(xc) < 5.0)[None, :, None]
        img = np.where(road, 70 + n[..., None] * 10, img)
        kerb = ((np.abs(xc) >= 5.0) & (np.abs(xc) < 5.25))[None, :, None]
        img = np.where(kerb, 175.0, img)
        pavement = (np.abs(xc) >= 5.25)[None, :, None]
        slab = ((np.floor(xc / 1.2) + np.floor(z / 1.2)[:, None]) % 2 == 0)[..., None]
        img = np.where(pavement, np.where(slab, 150.0, 142.0) + n[..., None] * 8, img)
        dash = ((np.abs(xc) < 0.08)[None, :] & ((z % 6.0) < 3.0)[:, None])[..., None]
        img = np.where(dash, 225.0, img)
    if spec.planks:
        board = np.floor(xc / 0.18)
        shade = ((board * 37) % 7)[None, :, None] * 4.0
        joint = ((xc % 0.18) < 0.01)[None, :, None] | (((z[:, None] + board[None, :] * 0.73) % 2.4) < 0.012)[..., None]
        img = np.where(joint, 70.0, img + shade - 12)
    tile = np.clip(img, 0, 255).astype(np.uint8)
    return tile, _ground_ppm(tw, th)


def _ground_gain(light: Light, indoor: bool, lamps: float) -> np.ndarray:
    return _ambient(light, indoor) + (0.0 if indoor else light.lamp_fill(lamps))


def ground_colors(rgb: np.ndarray, light: Light, grade: Grade, indoor: bool, lamps: float) -> np.ndarray:
    """Ground albedo ``rgb`` (uint8 [..., 3]) lit and graded as ``bake_ground`` does."""
    return grade.apply(cv2.multiply(rgb, (*_ground_gain(light, indoor, lamps).tolist(), 0.0)), own=True)


def ground_haze_colors(tile: np.ndarray, light: Light, grade: Grade, indoor: bool,
                       lamps: float) -> tuple[np.ndarray, np.ndarray]:
    """(far ground haze RGB, fog RGB), graded, float32: what the compositor fades the far ground to."""
    amb = _ground_gain(light, indoor, lamps)
    mean = np.array(cv2.mean(tile)[:3]) * amb  # exact sums, like numpy's mean, ~20x faster on the tile
    haze = grade.apply(np.clip(light.fog_color() * 0.6 + mean * 0.4, 0, 255).astype(np.uint8).reshape(1, 1, 3))[0, 0]
    fog = grade.apply(np.clip(light.fog_color(), 0, 255).astype(np.uint8).reshape(1, 1, 3))[0, 0]
    return haze.astype(np.float32), fog.astype(np.float32)


def bake_ground(tile: np.ndarray, ppm: float, light: Light, grade: Grade, indoor: bool,
                lamps: float = 0.0) -> GroundTexture:
    lit = ground_colors(tile, light, grade, indoor, lamps)
    haze, fog = ground_haze_colors(tile, light, grade, indoor, lamps)
    return GroundTexture(tex=lit, ppm=ppm, haze_color=haze, fog_color=fog)
