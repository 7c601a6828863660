"""Draw one frame of a ``WorldState``: sky, ground, layers and figures through the camera, then weather.

The expensive parts (painting, lighting, grading) live in caches keyed by what they depend on; a frame
is a handful of OpenCV warps of premultiplied uint8 textures and small sprite blends:

1. the camera view (with shake) and the scene's baked textures for this light and grade; a rolled
   view is drawn on a bigger canvas (same lens) so the rotation brings in rendered corners;
2. the sky by direction: every pixel's ray gives (azimuth, tan elevation) in the sky texture, so any
   tilt up to the zenith is exact (``cv2.remap``, maps cached per pitch and lens);
3. the ground plane y = 0, a periodic tile warped into the rows below the horizon, hazed with distance;
4. layers and figures, far to near: layers are planes facing the view direction at their depth, so
   rotation slides every depth alike and translation gives parallax; a layer is drawn only on the
   rows whose rays meet it in front of the camera (``View.steep_row``), never mirrored from behind;
   figures get fill and rim light so they read at night and in fog; rows that a nearer layer covers
   from edge to edge are not drawn behind it (``occlusion``: no sky, ground or farther layer there);
5. rain, snow and lightning; the roll rotation; the style's vignette and grain.

Homographies are never normalised by their [2, 2] entry: that is the depth of the texture's origin,
zero whenever the origin lies in the camera's plane (the ground's origin right under a level camera),
and OpenCV's warps take the matrix as it is.
"""

from __future__ import annotations

import logging
import math
import dataclasses
import functools
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from director.plan.assets import Assets, AssetError
from director.engines.previz.array_pool import ArrayPool
from director.engines.previz import figures
from director.engines.previz.backdrop import backdrop_layers
from director.engines.previz.camera import View
from director.engines.previz.coverage import Coverage
from director.engines.previz.cutout import cutout_sprite
from director.engines.previz.footprint import MERGE_PIXELS, STRIP_ROWS, Footprint, is_full, roll_footprint
from director.engines.previz.grade import Grade, fade_to_black, transfer_lut
from director.engines.previz.light_match import LightMatcher
from director.engines.previz.occlusion import HIDDEN, MIXED, OPAQUE, covered_rows, hidden_from, row_runs, visible_from
from director.engines.previz.relight import GroundSamples, anchor_light, relight_ground, relight_layer
from director.engines.previz.roll import Roll
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import LayerSpec, SceneRecipe, recipe_for
from director.world.scene_kind import SceneChoice
from director.engines.previz.sky import SKY_TAN_TOP, SkyTexture, bake_sky
from director.engines.previz.textures import (
    LRU,
    GroundTexture,
    LayerTexture,
    Painted,
    bake_ground,
    bake_layer,
    paint_ground,
    paint_layers,
    reference_focal,
    shrink_ground,
    shrink_painted,
)
from director.engines.previz.sky_drift import sky_drift
from director.engines.previz.sky_rays import sky_rays
from director.engines.previz.sprites import Drawing, LitSprite
from director.engines.previz.weather import Field, Particles, draw_rain, draw_snow, flash
from director.plan.styles import get_style
from director.world.state import EntityState, Environment, WorldState

log = logging.getLogger(__name__)

UP = np.array([0.0, 1.0, 0.0])
GROUND_ALIAS_NEAR = 25.0  # metres: beyond this the ground fades to its average colour (hides aliasing)
GROUND_ALIAS_FAR = 90.0
SKY_HOUR_STEP = 0.25  # hours per baked sky (sun position) while the light keeps one bucket
SKY_ARRAYS = 8  # a sky's two arrays, for the three cached and the one being baked


def sky_hour(light: Light, hour: float) -> float:
    """The hour a sky is baked at for ``light`` and the exact ``hour``: the quarter hour by day and by night,
    and the light bucket's own hour at dawn and dusk (``Environment.hour_of_daylight``), where a bucket
    lasts 0.27-0.45 h. There the sun then moves in the light's steps: with both steps, a dusk baked a sky
    whenever either the quarter hour or the bucket changed (20 skies for 16 buckets, each ~7 ms at 1280), and the
    sky of a frame now is the one its light probe (``light_match``) measured."""
    if 0.0 < light.daylight < 1.0:
        return Environment.hour_of_daylight(light.daylight, light.is_dawn)
    return round(hour / SKY_HOUR_STEP) * SKY_HOUR_STEP


MIN_LAYER_DISTANCE = 0.4  # metres; a layer the camera has passed is not drawn
REDUCE = 2  # sky and ground (smooth, hazy) are warped at 1/REDUCE resolution and upscaled
SMALL_STRIPS = (STRIP_ROWS // REDUCE, MERGE_PIXELS // REDUCE**2)  # their footprint's strips: the same rows
FAR_LAYER_DEPTH = 300.0  # metres: layers at least this far (a skyline, hills, peaks, the sea: flat, hazy shapes),
# while nothing but the sky and the ground is behind them, are blended into the half-resolution images of those


def _far(spec: LayerSpec) -> bool:
    """Whether a painted layer is a far one (``FAR_LAYER_DEPTH``); a picture's planes (``backdrop``) never are:
    their detail is the user's."""
    return spec.depth >= FAR_LAYER_DEPTH and not spec.name.startswith("backdrop")


@dataclass
class _LayerPlacement:
    """Where one layer lands in one frame."""

    tex: np.ndarray  # uint8 [H, w, 4]: the window of the layer's texture that is warped
    hmat: np.ndarray  # 3x3 from window pixels to frame pixels
    top: int  # frame rows top..bottom - 1 are drawn
    bottom: int
    covered: np.ndarray  # bool [bottom - top]: rows it covers from edge to edge (``occlusion.covered_rows``)
    coverage: Coverage | None = None  # where the texture holds anything (None: draw every blended row whole)
    inv: np.ndarray | None = None  # 3x3 from frame pixels to window pixels
    column0: int = 0  # the texture column of the window's column 0 (unbounded: ``LayerTexture.window``)
    make: Callable[[int, int, int, int], None] | None = None  # makes window texels (``LayerTexture.make``)
    far: bool = False  # a far layer (``_far``): blended into the sky's and the ground's small images


Painting = tuple[list[Painted], np.ndarray, float]  # a scene's layers, its ground tile and that tile's pixels per metre


@dataclass
class _Scene:
    recipe: SceneRecipe
    painted: list[Painted]
    ground_tile: np.ndarray
    ground_ppm: float
    key: tuple

    @functools.cached_property
    def ground_samples(self) -> GroundSamples:
        """The tile's colours a light transition fits its ground re-light on (made at its first re-light)."""
        return GroundSamples.of(self.ground_tile)


def _blend_premultiplied(dst: np.ndarray, src: np.ndarray) -> None:
    """dst = src.rgb + dst * (1 - src.a), in place; uint8, src premultiplied RGBA of dst's size."""
    inv = cv2.bitwise_not(cv2.extractChannel(src, 3))
    cv2.multiply(dst, cv2.cvtColor(inv, cv2.COLOR_GRAY2RGB), dst=dst, scale=1.0 / 255.0)
    cv2.add(dst, cv2.cvtColor(src, cv2.COLOR_RGBA2RGB), dst=dst)


def _row_lines(inv: np.ndarray, rows: int, period: tuple[int, int],
               first: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per image row ``first``..``rows - 1`` and texture axis (column, row): the row's wrapped start and its
    step per image column, float32, for ``_fill_row_maps``.

    ``inv``: 3x3 from image pixels to texture pixels of a level view of a periodic plane texture, with
    rows of the image lines of constant depth (its coordinates are then linear along a row). ``period``:
    (rows, columns) of the tile. A row's start is wrapped in float64 first, so float32 keeps sub-pixel
    precision however far the plane reaches."""
    i = np.arange(first, rows, dtype=np.float64)
    n = len(i)
    p0 = inv @ np.stack([np.zeros(n), i, np.ones(n)])  # column 0 of every row
    p1 = inv @ np.stack([np.ones(n), i, np.ones(n)])  # column 1
    lines = []
    for k, size in ((0, period[1]), (1, period[0])):
        start = p0[k] / p0[2]
        step = (p1[k] / p1[2] - start).astype(np.float32)
        lines.append((np.mod(start, size).astype(np.float32), step))
    return lines


def _fill_row_maps(lines: list[tuple[np.ndarray, np.ndarray]], period: tuple[int, int], col0: int,
                   col1: int) -> tuple[np.ndarray, np.ndarray]:
    """``cv2.remap`` maps (float32 [rows, col1 - col0] each) of columns ``col0``..``col1 - 1`` of the rows
    ``lines`` describe (``_row_lines``), wrapped into [0, period] (the upper end by rounding only): every
    element the same float32 arithmetic whatever the columns, so pieces of a band equal the whole band."""
    maps = []
    for (start, step), size in zip(lines, (period[1], period[0])):
        m = np.arange(col0, col1, dtype=np.float32)[None, :] * step[:, None]
        m += start[:, None]
        q = m * np.float32(1.0 / size)  # m mod size, by floor: numpy's float mod is ~50x slower
        np.floor(q, out=q)
        q *= np.float32(size)
        maps.append(np.subtract(m, q, out=m))
    return maps[0], maps[1]


def _to_small(width: int, height: int, small_width: int, small_height: int) -> np.ndarray:
    """3x3 from the pixels of a ``width`` x ``height`` image to those of its ``small_width`` x ``small_height``
    reduction, pixel centres aligned as ``cv2.resize`` aligns them: x maps to (x + 0.5) * s - 0.5."""
    sx, sy = small_width / width, small_height / height
    return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1.0]])


def _reduced_rows(row: int, rows: int, reduced: int) -> tuple[int, int]:
    """(first, last + 1) rows of a ``reduced``-row image that ``cv2.resize`` (bilinear) to ``rows`` rows
    reads for output ``row``."""
    src = (row + 0.5) * reduced / rows - 0.5
    lo = min(reduced - 1, max(0, int(math.floor(src))))
    return lo, min(reduced, lo + 2)


def _upscale(small: np.ndarray, dst: np.ndarray, pieces: list[tuple[int, int, int, int]] | None,
             end: int | None = None) -> None:
    """``cv2.resize`` (bilinear) of ``small`` onto ``dst``; with ``pieces`` (rectangles of ``small``, ``dst``
    exactly REDUCE times its size) only the pixels of ``dst`` interpolated inside them, each made from its
    piece and a pixel of border: with an exact scale the weights are the whole image's, so are the bytes.
    ``end``: rows of ``small`` that hold anything (the rows below are read as the last one, as if cut off)."""
    end = small.shape[0] if end is None else end
    if pieces is None:
        cv2.resize(small[:end], (dst.shape[1], dst.shape[0]), dst=dst, interpolation=cv2.INTER_LINEAR)
        return
    for a, b, c0, c1 in pieces:
        sa, sb, sc0, sc1 = max(0, a - 1), min(end, b + 1), max(0, c0 - 1), min(small.shape[1], c1 + 1)
        if sb <= sa or sc1 <= sc0:
            continue
        big = cv2.resize(small[sa:sb, sc0:sc1], (REDUCE * (sc1 - sc0), REDUCE * (sb - sa)),
                         interpolation=cv2.INTER_LINEAR)
        ya, yb = REDUCE * a, REDUCE * min(b, end)
        xa, xb = REDUCE * c0, REDUCE * c1
        dst[ya:yb, xa:xb] = big[ya - REDUCE * sa : yb - REDUCE * sa, xa - REDUCE * sc0 : xb - REDUCE * sc0]


def _clip_to_footprint(rects: list[tuple[int, int, int, int]], footprint: Footprint) -> list[tuple[int, int, int, int]]:
    """``rects`` (row, end row, column, end column) each cut to the columns the footprint spans on any of its
    rows (dropped where it spans none): one warp per rectangle still, every footprint pixel in them kept (the
    rest of the canvas may hold anything, see ``footprint``)."""
    out = []
    for y0, y1, x0, x1 in rects:
        spans = footprint.x1[y0:y1] > footprint.x0[y0:y1]
        if not spans.any():
            continue
        lo, hi = max(x0, int(footprint.x0[y0:y1][spans].min())), min(x1, int(footprint.x1[y0:y1][spans].max()))
        if lo < hi:
            out.append((y0, y1, lo, hi))
    return out


def _texels_read(inv: np.ndarray | None, rects: list[tuple[int, int, int, int]], width: int,
                 height: int) -> tuple[int, int, int, int]:
    """Window columns [c0, c1) and rows [r0, r1) that bilinear warps of the frame rectangles (y0, y1, x0, x1)
    read through ``inv`` (frame pixels to pixels of a window ``width`` x ``height``; None: all of it), one span
    for all of them. A plane's column and row are linear-fractional functions of the pixel, so over a rectangle
    in front of the camera they are extreme at the corners; two texels of slack cover the filter's neighbour
    and the warp's fixed-point rounding."""
    if inv is None:
        return 0, width, 0, height
    y0, y1, x0, x1 = np.asarray(rects, np.float64).T
    corners = np.stack([np.concatenate([x0, x1, x0, x1]), np.concatenate([y0, y0, y1, y1]), np.ones(4 * len(x0))])
    u, v, w = inv @ corners
    if not np.all(w > 0):  # a rectangle reaches the plane's horizon: anything may be read
        return 0, width, 0, height
    u, v = u / w, v / w
    return (max(0, math.floor(u.min()) - 2), min(width, math.ceil(u.max()) + 3),
            max(0, math.floor(v.min()) - 2), min(height, math.ceil(v.max()) + 3))


def _may_show(view: View, u: float, v: float, size: tuple[float, float]) -> bool:
    """Whether a sprite of at most ``size`` (width, height) pixels standing on pixel (u, v) (its bottom
    centre) may reach into ``view``'s frame."""
    w, h = size
    return u + w / 2 > 0 and u - w / 2 < view.width and v + 1 > 0 and v - h < view.height


SPRITE_SIZE_SLACK = 0.02  # a sprite within 2 % of its size is blended as drawn, otherwise resized to it
SPRITE_CACHE_BYTES = 48 * 1024 * 1024  # figure sprites kept; close-ups make large ones
SPRITE_LIGHTS = 2  # lights whose lit sprites are kept: this frame's and the last one's
DRAWING_CACHE_BYTES = 24 * 1024 * 1024  # unlit figure drawings kept (their rim outlines, added later, as much again)


ANCHOR_IDLE_FRAMES = 48  # frames the light keeps one bucket before a transition's anchor bake is released
RELIGHT_MIN_WIDTH = 256  # narrower renderers (the light probes, 96 px) bake every light bucket fully: fitting
# a bucket's colour maps (~0.7 ms a layer) cost more than baking a probe's few texels


class WorldRenderer:
    """Renders ``WorldState``s at one size and seed; holds every cache (nothing here is engine state)."""

    def __init__(self, width: int, height: int, seed: int, assets: Assets | None = None,
                 paintings: Callable[[tuple, int], Painting | None] | None = None) -> None:
        """``paintings(scene key, width)``: a scene's layers and ground already painted elsewhere, for this width
        (or None: they are painted here). The light probes' small renderer borrows the frame renderer's."""
        self.width, self.height, self.seed = width, height, seed
        self.assets = assets or Assets()
        self._paintings = paintings
        self._choices = LRU(32)  # scene texts already logged
        self._scenes = LRU(4)
        self._baked = LRU(2)  # a light change re-bakes by bucket, monotonically: this one and the last
        self._anchors = LRU(1)  # the anchor bake of the light group a transition is in (see ``relight``)
        self._settled: tuple[tuple, int] = ((), 0)  # (the last bake key asked for, how many frames in a row)
        self._skies = LRU(3)
        self._sky_arrays = ArrayPool(SKY_ARRAYS)  # texels and glow of skies no longer cached, baked into again
        self._grades = LRU(4)
        self._sprites = LRU(600, max_bytes=SPRITE_CACHE_BYTES)  # lit: of the last SPRITE_LIGHTS lights only
        self._sprite_lights: list[tuple] = []
        self._drawings = LRU(300, max_bytes=DRAWING_CACHE_BYTES)  # figures as drawn, before light and grade
        self._particles = Particles(seed)
        self._light_match = LightMatcher(lambda w, h: WorldRenderer(w, h, seed, self.assets, self._shrunk_paintings))
        self._sky_maps: OrderedDict = OrderedDict()
        self.timings: dict[str, float] | None = None  # set to {} to accumulate seconds per stage
        self._buffers = LRU(2)  # a rolled view's canvas, kept (no page faults)
        self._warped = np.empty(0, np.uint8)  # scratch for the layers' warps (``_warp``)
        self._footprints = LRU(4)  # per roll and canvas size
        self._rolls = LRU(4)  # the roll's tiles and their scratch images, per roll and canvas size
        self.clip_roll = True  # draw a rolled canvas only where the roll reads it (``footprint``); False: all of it

    def _tick(self, stage: str, since: float) -> float:
        if self.timings is None:  # not timing: no clock read (a system call per stage and layer)
            return 0.0
        now = time.process_time()  # CPU time: robust to other processes sharing the cores
        self.timings[stage] = self.timings.get(stage, 0.0) + now - since
        return now

    # -- caches ------------------------------------------------------------------------------------
    def _image(self, key: str | None) -> np.ndarray | None:
        if not key:
            return None
        try:
            return self.assets.image(key)
        except (AssetError, KeyError):
            return None

    def choose(self, state: WorldState) -> SceneChoice:
        """The scene kind the world resolved for ``state`` (logged the first time a text is drawn)."""
        choice = state.scene_kind

        def first() -> SceneChoice:
            log.info("scene %r -> %s (by %s, score %.2f%s)", choice.text, choice.kind, choice.method, choice.score,
                     f", nearest {choice.nearest!r}" if choice.nearest else "")
            return choice

        self._choices.get_or((choice.text, choice.kind, choice.method), first)
        return choice

    def scene(self, state: WorldState) -> _Scene:
        recipe = recipe_for(self.choose(state))
        # The kind and its detail layers: "a beach" and "a beach with cliffs" are two paintings.
        key = (recipe.kind, tuple(layer.name for layer in recipe.layers),
               state.scene_image if self._image(state.scene_image) is not None else None)

        def build() -> _Scene:
            shared = self._paintings(key, self.width) if self._paintings is not None else None
            if shared is not None:
                return _Scene(recipe, *shared, key)
            if key[2] is not None:  # the picture replaces the painted layers (not the ground)
                painted = backdrop_layers(self._image(key[2]), self.width, self.height)
            else:
                painted = paint_layers(recipe, self.width, self.seed)
            tile, ppm = paint_ground(recipe.ground, self.width, self.seed)
            return _Scene(recipe, painted, tile, ppm, key)

        return self._scenes.get_or(key, build)

    def _shrunk_paintings(self, key: tuple, width: int) -> Painting | None:
        """The layers and the ground of the scene ``key`` as painted here, shrunk for a renderer ``width`` wide
        (None if this renderer has not painted that scene, or is not wider). The light probes' ground painted
        again at 96 px cost ~20-50 ms at the first light change of every scene; shrunk, ~1 ms, and a probe then
        measures the ground the frames show."""
        scene = self._scenes.get(key)
        if scene is None or width >= self.width:
            return None
        return (shrink_painted(scene.painted, reference_focal(width) / reference_focal(self.width)),
                *shrink_ground(scene.ground_tile, width))

    def grade(self, state: WorldState, scene: _Scene) -> Grade:
        style = get_style(state.style)
        image = self._image(state.style_image)
        key = (style.name, state.style_image if image is not None else None, scene.key)

        def build() -> Grade:
            lab = None
            if image is not None:
                samples = [scene.ground_tile[::8, ::8].reshape(-1, 3)]
                for p in scene.painted:
                    a = p.canvas.albedo[::6, ::6].reshape(-1, 4)
                    samples.append(a[a[:, 3] > 127, :3])
                src = np.concatenate(samples).reshape(-1, 1, 3)
                lab = transfer_lut(src, image)
            return Grade(style, lab)

        return self._grades.get_or(key, build)

    def baked(self, scene: _Scene, light: Light, grade: Grade,
              anchor: Light | None = None) -> tuple[list[LayerTexture], GroundTexture]:
        """Layers and ground for ``light``: baked fully, or (``anchor``: the brightest bucket of its group,
        see ``relight``) the anchor's bake through a fitted colour transform per layer."""
        key = (scene.key, light.key, grade.key)
        rec = scene.recipe

        def apron(p: Painted) -> bool:
            return p.spec.name != "sea" and not p.spec.name.startswith("backdrop")

        def full():
            layers = [bake_layer(p, light, grade, rec.ground, rec.indoor, apron_ground=apron(p), lamps=rec.lamps)
                      for p in scene.painted]
            return layers, bake_ground(scene.ground_tile, scene.ground_ppm, light, grade, rec.indoor, rec.lamps)

        def base():  # the anchor's bake without window glow: what the group's buckets are transformed from
            layers = [bake_layer(p, anchor, grade, rec.ground, rec.indoor, apron_ground=apron(p), lamps=rec.lamps,
                                 glow=False) for p in scene.painted]
            return layers, bake_ground(scene.ground_tile, scene.ground_ppm, anchor, grade, rec.indoor, rec.lamps)

        def build():
            if anchor is None or anchor.key == light.key:
                return full()
            anchor_key = (scene.key, anchor.key, grade.key)
            base_layers, base_ground = self._anchors.get_or(anchor_key, base)
            spares = self._dropped_textures()

            def held(i: int) -> LayerTexture | None:  # the anchor's layer i while it is held, else None
                return self._anchors[anchor_key][0][i] if anchor_key in self._anchors else None

            layers = []
            for i, (p, b) in enumerate(zip(scene.painted, base_layers)):
                spare = spares.get(b.tex.shape)
                layer = relight_layer(b, p, anchor, light, grade, rec.ground, rec.indoor, apron(p), rec.lamps,
                                      out=spare.pop() if spare else None, held=functools.partial(held, i))
                if layer is None:
                    return full()
                layers.append(layer)
            spare = spares.get(base_ground.tex.shape)
            ground = relight_ground(base_ground, scene.ground_tile, anchor, light, grade, rec.indoor, rec.lamps,
                                    out=spare.pop() if spare else None, samples=scene.ground_samples)
            if ground is None:
                ground = bake_ground(scene.ground_tile, scene.ground_ppm, light, grade, rec.indoor, rec.lamps)
            return layers, ground

        self._release_anchor_when_settled(key)
        return self._baked.get_or(key, build)

    def _dropped_textures(self) -> dict[tuple, list[np.ndarray]]:
        """The layer and ground arrays of the light bucket the cache would drop next (it keeps two), taken out
        of it for the next bucket to be re-lit into: a transition then reuses two sets of pages instead of
        faulting in a fresh ~14 MB per layer and 5.5 MB of ground per bucket (as costly as the transform), and
        the heap does not grow around them. Nothing else holds them."""
        if len(self._baked) < self._baked.size:
            return {}
        _, (layers, ground) = self._baked.popitem(last=False)
        spares: dict[tuple, list[np.ndarray]] = {}
        for tex in [layer.tex for layer in layers] + [ground.tex]:
            spares.setdefault(tex.shape, []).append(tex)
        return spares

    def _release_anchor_when_settled(self, key: tuple) -> None:
        """A transition's anchor (a whole full-day bake, ~50 MB at 1280x720) is only needed to make new light
        buckets and the columns of re-lit ones not seen yet; once the light has kept one bucket for
        ANCHOR_IDLE_FRAMES, the anchor is let go: held, it grew a 3-minute render's memory by ~50 MB after its
        first pan. It is baked again, identically and only where asked, when the light next moves; the
        columns of re-lit layers no view had asked for are made from the anchor's columns baked for them alone
        (``relight._RelitColumns``)."""
        last, frames = self._settled
        frames = frames + 1 if key == last else 1
        self._settled = (key, frames)
        if frames >= ANCHOR_IDLE_FRAMES:
            self._anchors.clear()  # baked anew, as asked, when a new light bucket is re-lit from it

    def sky(self, scene: _Scene, light: Light, hour: float, grade: Grade) -> SkyTexture:
        hb = sky_hour(light, hour)
        key = (scene.key, light.key, hb, grade.key)
        return self._skies.get_or(key, lambda: bake_sky(scene.recipe, light, hb, grade, self.width, self.seed,
                                                        self._sky_arrays))

    # -- frame ---------------------------------------------------------------------------------------
    def render(self, state: WorldState, frame_index: int, light: Light | None = None,
               out: np.ndarray | None = None) -> np.ndarray:
        """RGB uint8 [H, W, 3] for ``state`` (``light``: that baked bucket as it is, for the light probes).
        ``out``: a C-contiguous uint8 [H, W, 3] to draw into (a chunk's frame: no copy per frame)."""
        probe = light is not None
        # 1. View, light, grade, textures
        t0 = time.process_time() if self.timings is not None else 0.0
        shot = View.from_state(state.camera, self.width, self.height, state.t, self.seed)
        rolled = abs(shot.roll) > 0.01
        view = shot.rolled_canvas() if rolled else shot  # over-render a margin that the roll brings in
        scene = self.scene(state)
        light = light or Light.from_environment(state.environment)
        gain = None if probe else self._light_match.gain(state)  # fades between buckets
        if not probe:
            self._keep_sprites_of(light.key)
        grade = self.grade(state, scene)
        relit = self.width >= RELIGHT_MIN_WIDTH  # (a light probe's few texels are baked faster than fitted)
        layers, ground = self.baked(scene, light, grade, anchor_light(light, state.environment) if relit else None)
        drawn_in_place = out is not None and view is shot and out.shape == (view.height, view.width, 3)
        if drawn_in_place:
            frame = out
        else:  # a rolled canvas is kept (the roll makes the frame returned); a level frame is returned itself
            frame = (self._canvas(view.height, view.width) if rolled
                     else np.empty((view.height, view.width, 3), np.uint8))
        roll_m = None
        footprint = None  # what of the canvas the roll reads (None: all of it)
        if rolled:
            roll_m = cv2.getRotationMatrix2D((view.width / 2.0, view.height / 2.0), -shot.roll, 1.0)
            roll_m[0, 2] += (self.width - view.width) / 2.0
            roll_m[1, 2] += (self.height - view.height) / 2.0
            if self.clip_roll:
                def clip() -> Footprint | None:  # None: the roll reads the whole canvas (at 90 degrees)
                    fp = roll_footprint(cv2.invertAffineTransform(roll_m), self.width, self.height, view.width,
                                        view.height)
                    return None if is_full(fp) else fp

                footprint = self._footprints.get_or((round(shot.roll, 9), view.width, view.height), clip)
        horizon = view.horizon_row
        sky = self.sky(scene, light, state.environment.hour, grade)
        t0 = self._tick("textures", t0)

        # 2. What is in front of what: layers and figures far to near; the frame rows that nearer opaque
        # layers cover from edge to edge (nothing behind them there is drawn, see ``occlusion``)
        items: list[tuple[float, int, object]] = []
        for layer in layers:
            depth = layer.spec.depth - float(view.position @ view.forward)
            if depth > MIN_LAYER_DISTANCE:
                placed = self._place_layer(view, layer)
                if placed is not None:
                    items.append((depth, 0, placed))
        for e in state.entities:
            if e.presence > 0.01:
                items.append((float(view.to_camera(self._foot(e)[None])[0, 2]), 1, e))
        items.sort(key=lambda it: -it[0])
        hidden = np.zeros(view.height, bool)
        behind: list[np.ndarray | None] = [None] * len(items)  # per layer: the rows nearer layers hide
        for i in range(len(items) - 1, -1, -1):
            depth, kind, placed = items[i]
            if kind == 0:
                behind[i] = hidden.copy()
                hidden[placed.top : placed.bottom] |= placed.covered
        far = []  # the farthest items, while they are far layers (nothing but the sky and the ground behind)
        for depth, kind, placed in items:
            if kind != 0 or depth < FAR_LAYER_DEPTH or not placed.far:
                break
            far.append(placed)
        t0 = self._tick("layers", t0)
        # 3. Sky above the horizon, 4. ground below it: the far layers are blended into both at half resolution
        # (``_blend_far``); what of them neither made (rows between the two that are not hidden) is drawn in turn
        sky_done = self._draw_sky(frame, view, sky, horizon, sky_drift(state), hidden, footprint, far)
        t0 = self._tick("sky", t0)
        ground_from = self._draw_ground(frame, view, ground, light, horizon, hidden, footprint, far)
        for i in range(len(far)):
            behind[i][:sky_done] = True
            behind[i][ground_from:] = True
        t0 = self._tick("ground", t0)
        # 5. Layers and figures, far to near
        for i, (depth, kind, obj) in enumerate(items):
            if kind == 0:
                self._draw_layer(frame, obj, behind[i], footprint)
                t0 = self._tick("layers", t0)
            else:
                self._draw_entity(frame, view, obj, depth, light, grade, state.camera.yaw, scene.recipe)
                t0 = self._tick("figures", t0)
        # 6. Roll, weather, screen effects (on the frame: a rolled view's particles turn with it, see ``weather``)
        if rolled:
            turn = self._rolls.get_or((round(shot.roll, 9), view.width, view.height), lambda: Roll.make(
                roll_m, (self.width, self.height), (view.width, view.height)))
            frame = turn.apply(frame, out)
            t0 = self._tick("roll+finish", t0)
        env = state.environment
        field = Field((view.width, view.height), roll_m)
        wc = light.ambient() * 190 + 25
        if env.rain > 0.01:
            draw_rain(frame, self._particles, env.rain, state.world_time, env.wind, view.yaw, view.pitch, view.focal,
                      grade.apply_color(tuple(wc * np.array([0.9, 0.95, 1.0]))), field)
        if env.snow > 0.01:
            draw_snow(frame, self._particles, env.snow, state.world_time, env.wind, view.yaw, view.pitch, view.focal,
                      grade.apply_color(tuple(light.ambient() * 235 + 20)), field)
        if gain is not None:  # a diagonal colour transform: ~4x faster than cv2.multiply by a scalar on 3 channels
            cv2.transform(frame, np.diag(gain).astype(np.float32), dst=frame)
        flash(frame, env.lightning)
        fade_to_black(frame, env.fade)
        t0 = self._tick("weather", t0)
        grade.finish(frame, frame_index, self.seed)
        self._tick("roll+finish", t0)
        if env.dissolve > 0.004 and env.dissolve_from and not probe:
            # A dissolve: the scene it comes from, rendered as it stands now, shows through and fades away.
            before = dataclasses.replace(state, scene=env.dissolve_from, scene_kind=env.dissolve_from_kind, scene_image=None,
                                         environment=dataclasses.replace(env, dissolve=0.0, dissolve_from=None,
                                                                         dissolve_from_kind=None))
            frame = cv2.addWeighted(self.render(before, frame_index), env.dissolve, frame, 1.0 - env.dissolve, 0.0,
                                    dst=out)
        if out is not None and frame is not out:
            out[...] = frame
            return out
        return frame

    def _keep_sprites_of(self, light_key: tuple) -> None:
        """Keep the lit sprites of ``light_key`` and of the SPRITE_LIGHTS - 1 lights drawn before it only. A
        transition passes each light bucket once: the sprites of those it left would never be drawn again,
        yet filled the cache to its bound with fresh pages (~40 MB over one "night falls")."""
        if light_key in self._sprite_lights:
            return
        self._sprite_lights = [*self._sprite_lights, light_key][-SPRITE_LIGHTS:]
        self._sprites.drop_where(lambda key: key[-3] not in self._sprite_lights)  # (..., light, grade, haze)

    # -- pieces --------------------------------------------------------------------------------------
    def _canvas(self, height: int, width: int) -> np.ndarray:
        """A rolled view's canvas, kept from frame to frame (a fresh one costs its page faults): every pixel
        the roll reads is drawn again, the rest holds anything (tests fill it)."""
        return self._buffers.get_or(("canvas", height, width), lambda: np.empty((height, width, 3), np.uint8))

    def _draw_sky(self, frame: np.ndarray, view: View, sky: SkyTexture, horizon: float, drift: float = 0.0,
                  hidden: np.ndarray | None = None, footprint: Footprint | None = None,
                  far: list[_LayerPlacement] = ()) -> int:
        """The sky by direction: each pixel's ray gives (azimuth, tan elevation) in the sky texture.

        Exact for any tilt (no plane at infinity that straight-up rays would meet edge-on or behind),
        at half resolution. The maps depend on pitch and lens only; yaw adds a column offset.
        ``hidden``: bool per frame row, covered by an opaque layer: the rows from where the hidden run
        above the horizon begins are left alone. ``footprint``: only its pixels are made (see ``footprint``).
        ``far``: layers, far to near, with nothing but the sky and the ground behind them, blended over the
        half-resolution sky before it is upscaled (``_blend_far``). Returns the frame row from which they are
        still to be drawn (the rows above it are done)."""
        rows = int(min(view.height, max(1, math.ceil(horizon + 2))))
        if rows % REDUCE and rows + 1 <= view.height:
            rows += 1  # an exact upscale (the ground covers the extra row), so its top alone can be made
        dst = frame[:rows]
        hs, ws = max(1, (rows + 1) // REDUCE), max(1, (view.width + 1) // REDUCE)
        end = hs  # small rows any visible row of the band is upscaled from: 0..end - 1
        done = rows  # frame rows made here, far layers included: above the hidden run at the band's bottom
        if hidden is not None:
            y1 = done = hidden_from(hidden, rows - 1)
            if y1 <= 0:
                return 0
            end = _reduced_rows(y1 - 1, rows, hs)[1]
        key = (round(view.pitch, 9), round(view.focal, 6), view.width, view.height, rows, sky.ppr)
        maps = self._sky_maps.get(key)
        if maps is None:
            maps = sky_rays(view.pitch, view.focal, view.width, view.height, rows, hs, ws, sky.ppr,
                            sky.texels.shape[0], SKY_TAN_TOP)
            self._sky_maps[key] = maps
            while len(self._sky_maps) > 8:
                self._sky_maps.popitem(last=False)
        col_az, map_y, left, right, reach = maps.column, maps.row, maps.left, maps.right, maps.reach
        offset = ((view.yaw + drift) * sky.ppr - 0.5) % sky.period_px
        # a bilinear read at x takes columns floor(x) and floor(x) + 1, at y rows floor(y) and floor(y) + 1;
        # one more either side for rounding. A level view reads a fifth of the rows (up to ~20 degrees up).
        texels = sky.made(math.floor(offset + left) - 2, math.ceil(offset + right) + 3,
                          (max(0, math.floor(reach[0][end - 1]) - 1), math.ceil(reach[1][end - 1]) + 2))
        small = np.empty((hs, ws, 3), np.uint8)
        seen = None if footprint is None else footprint.reduced(0, rows, hs, ws)
        pieces = None if seen is None else seen.pieces(0, end, *SMALL_STRIPS)
        for a, b, c0, c1 in pieces or [(0, end, 0, ws)]:  # a remap is per pixel: pieces are exact
            map_x = cv2.add(col_az[a:b, c0:c1], float(offset))
            cv2.remap(texels, map_x, map_y[a:b, c0:c1], cv2.INTER_LINEAR, dst=small[a:b, c0:c1],
                      borderMode=cv2.BORDER_WRAP)
        for placed in far:
            self._blend_far(small, placed, _to_small(view.width, rows, ws, hs), (0, end), seen)
        if pieces is not None and rows == REDUCE * hs and view.width == REDUCE * ws:
            _upscale(small, dst[: REDUCE * end], pieces, end)  # (the row below ``end``: as below)
            return done
        if end < hs and rows == REDUCE * hs:
            # Upscaled exactly, the small rows above ``end`` give the same output rows above REDUCE * end - 1
            # as the whole band would; that last row (clamped at the edge) and those below are hidden.
            cv2.resize(small[:end], (view.width, REDUCE * end), dst=dst[: REDUCE * end],
                       interpolation=cv2.INTER_LINEAR)
            return done
        small[end:] = small[end - 1]  # hidden: anything will do; the upscale of the rest is as if drawn
        cv2.resize(small, (view.width, rows), dst=dst, interpolation=cv2.INTER_LINEAR)
        return done

    def _blend_far(self, small: np.ndarray, placed: _LayerPlacement, to_small: np.ndarray, rows: tuple[int, int],
                   seen: Footprint | None) -> None:
        """Blend a far layer over ``rows`` (first, end) of the sky's or the ground's half-resolution image
        ``small`` before it is upscaled: ``to_small`` (3x3) takes frame pixels to its pixels. A far layer is a
        flat, hazy shape with nothing but the sky and the ground behind it, so it is warped and blended on a
        quarter of the pixels (its edges then as soft as the upscale makes them). Where it holds nothing
        (``coverage``) and outside ``seen`` (the small footprint of a rolled view) nothing is drawn; opaque
        rows are blended too (the same bytes as a copy)."""
        if placed.inv is None:
            return
        hmat = to_small @ placed.hmat
        inv = placed.inv @ np.linalg.inv(to_small)
        ws = small.shape[1]
        a = max(rows[0], int(math.floor(placed.top * to_small[1, 1] + to_small[1, 2])) - 1)
        b = min(rows[1], int(math.ceil(placed.bottom * to_small[1, 1] + to_small[1, 2])) + 2)
        if b <= a:
            return
        rects = ([(a, b, 0, ws)] if placed.coverage is None else
                 placed.coverage.rects(inv, placed.column0, placed.tex.shape[1], (a, b), (0, ws)))
        self._paint_pieces(small, placed, hmat, inv, rects if seen is None else _clip_to_footprint(rects, seen))

    def _draw_ground(self, frame: np.ndarray, view: View, ground: GroundTexture, light: Light, horizon: float,
                     hidden: np.ndarray | None = None, footprint: Footprint | None = None,
                     far: list[_LayerPlacement] = ()) -> int:
        """The ground plane y = 0 on the rows below the horizon, at half resolution, hazed with distance.

        The view is level here (roll turns the finished frame), so every row is a line of constant distance
        and its texture coordinates are linear along it: two exact points per row give the whole row.
        They are wrapped into the periodic tile before ``cv2.remap``, so almost every sample has its four
        neighbours inside the tile: warping the unbounded plane with BORDER_WRAP took OpenCV's per-pixel
        border path nearly everywhere (2-3 ms against 0.6 ms on one 640x176 band). ``hidden``: bool per
        frame row, covered by an opaque layer: the hidden run below the horizon is left alone.
        ``footprint``: only its pixels are made (see ``footprint``). ``far``: layers blended over it at half
        resolution, as over the sky (``_blend_far``). Returns the first frame row made (rows below it are done,
        the far layers' included; the frame's height: none).
        """
        cam_h = float(view.position[1])
        if cam_h <= 0.01:
            return view.height
        r0 = int(max(0, math.floor(horizon + 1)))
        if r0 >= view.height:
            return view.height
        band = frame[r0:]
        ppm = ground.ppm
        to_band = np.array([[1, 0, 0], [0, 1, -r0], [0, 0, 1.0]])  # frame pixels to the band's
        hmat = to_band @ view.plane_homography(np.zeros(3), np.array([1.0 / ppm, 0, 0]), np.array([0, 0, 1.0 / ppm]))
        h, w = band.shape[:2]
        hs, ws = max(1, (h + 1) // REDUCE), max(1, (w + 1) // REDUCE)
        to_small = _to_small(w, h, ws, hs)
        first = 0  # first small row any visible row of the band is upscaled from
        if hidden is not None:
            y0 = visible_from(hidden, r0) - r0
            if y0 >= h:
                return view.height
            first = _reduced_rows(y0, h, hs)[0]
        small = np.empty((hs, ws, 3), np.uint8)
        period = ground.tex.shape[:2]
        lines = _row_lines(np.linalg.inv(to_small @ hmat), hs, period, first)
        haze, fog_col = self._ground_haze(view, ground, light, r0, h, cam_h, first, hs)
        seen = None if footprint is None else footprint.reduced(r0, h, hs, ws)
        pieces = None if seen is None else seen.pieces(first, hs, *SMALL_STRIPS)
        for a, b, c0, c1 in pieces or [(first, hs, 0, ws)]:  # per pixel and per row: pieces are exact
            map_x, map_y = _fill_row_maps([(s[a - first : b - first], d[a - first : b - first]) for s, d in lines],
                                          period, c0, c1)
            fixed, frac = cv2.convertMaps(map_x, map_y, cv2.CV_16SC2)  # fixed point, as the warps use inside
            piece = small[a:b, c0:c1]
            cv2.remap(ground.tex, fixed, frac, cv2.INTER_LINEAR, dst=piece, borderMode=cv2.BORDER_WRAP)
            self._haze_rows(piece, haze[a - first : b - first], fog_col)
        for placed in far:
            self._blend_far(small, placed, to_small @ to_band, (first, hs), seen)
        small[:first] = small[first]  # hidden: anything will do; the upscale of the rest is as if drawn
        exact = h == REDUCE * hs and w == REDUCE * ws  # else the pieces' weights would not be the band's
        _upscale(small, band, pieces if exact else None)
        return r0 + (0 if hidden is None else y0)

    @staticmethod
    def _ground_haze(view: View, ground: GroundTexture, light: Light, r0: int, band_h: int, cam_h: float,
                     first: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """(haze per row ``first``..``rows - 1`` of the half-resolution ground band, by each row's distance,
        0..1; the colour it fades to): far rows, where the tile would alias, fade to its average colour."""
        fog_col = ground.haze_color if light.fog <= 0 else (
            ground.haze_color * (1 - light.fog) + ground.fog_color * light.fog)  # both graded
        v = r0 + (np.arange(first, rows) + 0.5) * band_h / rows
        ray_y = -(v - view.height / 2.0) / view.focal
        cp, sp = math.cos(view.pitch), math.sin(view.pitch)
        wy = ray_y * cp + sp
        wz = -ray_y * sp + cp
        dist = np.where(wy < -1e-6, cam_h * np.abs(wz) / np.maximum(-wy, 1e-6), 1e9)
        alias = np.clip((dist - GROUND_ALIAS_NEAR) / (GROUND_ALIAS_FAR - GROUND_ALIAS_NEAR), 0, 1)
        fog = light.hazes(np.minimum(dist, 1e6))
        return np.maximum(alias * 0.9, fog), fog_col

    @staticmethod
    def _haze_rows(small: np.ndarray, a: np.ndarray, fog_col: np.ndarray) -> None:
        """Haze the rows of ``small`` (in place) by ``a`` per row (``_ground_haze``)."""
        solid = a > 0.985
        if solid.any():
            small[solid] = np.clip(fog_col, 0, 255).astype(np.uint8)
        part = np.nonzero((a > 0.01) & ~solid)[0]
        if len(part):
            lo, hi = part.min(), part.max() + 1
            w = a[lo:hi, None, None].astype(np.float32)
            band = small[lo:hi]
            # the bytes of (band.astype(float32) * (1 - w) + fog_col * w).astype(uint8) (sum in the type numpy
            # gives it, truncated). The fog is laid out at the band's size first: added as a (rows, 1, 3)
            # broadcast, numpy's inner loop was 3 elements long, and this took ~1.5x as long (0.7 ms a frame of
            # a foggy dawn)
            kept = band.astype(np.float32)
            kept *= 1 - w
            fog = np.tile(fog_col * w, (1, band.shape[1], 1))
            fog += kept
            np.copyto(band, fog, casting="unsafe")

    def _place_layer(self, view: View, layer: LayerTexture) -> _LayerPlacement | None:
        """Where ``layer`` lands in this view (None: nowhere): its texture window, frame rows and the
        rows it covers from edge to edge."""
        n, r = view.forward, view.right
        d = layer.spec.depth - float(view.position @ n)
        lateral = float(view.position @ r)
        centre_a = layer.spec.depth * view.yaw + lateral
        half = d * (view.width / 2 / view.focal) * 1.25 / max(0.2, math.cos(view.pitch)) + 1.0 / layer.ppm
        # Rows covered: the top and bottom edges of the plane's painted rows straight ahead. Rows of
        # the texture without a single opaque texel (the sky above a skyline) warp to nothing: leaving
        # them out saves their warp and blend (one texel of margin for the bilinear filter).
        first, last = layer.content_rows()
        if last <= first:
            return None
        edge = np.array([
            layer.spec.depth * n + lateral * r + (layer.y_top - max(0, first - 1) / layer.ppm) * UP,
            layer.spec.depth * n + lateral * r + (layer.y_top - min(layer.tex.shape[0], last + 1) / layer.ppm) * UP,
        ])
        px, z = view.project(edge)
        top = 0 if z[0] <= 0 else int(max(0, math.floor(px[0, 1]) - 1))
        bottom = view.height if z[1] <= 0 else int(min(view.height, math.ceil(px[1, 1]) + 1))
        # Beyond the steep row the rays meet the plane behind the camera: never draw there.
        steep = view.steep_row()
        if steep is not None and view.pitch > 0:
            top = max(top, int(math.floor(steep)) + 2)
        elif steep is not None:
            bottom = min(bottom, int(math.ceil(steep)) - 1)
        if top >= bottom or top >= view.height or bottom <= 0:
            return None
        tex, start = layer.window((centre_a - half) * layer.ppm, (centre_a + half) * layer.ppm)
        origin = layer.spec.depth * n + (start / layer.ppm - layer.spec.depth * view.yaw) * r + layer.y_top * UP
        hmat = view.plane_homography(origin, r / layer.ppm, -UP / layer.ppm)
        try:
            inv = np.linalg.inv(hmat)
        except np.linalg.LinAlgError:  # the plane edge-on: it covers nothing
            inv = None
        covered = (np.zeros(bottom - top, bool) if inv is None else
                   covered_rows(inv, tex.shape[1], functools.partial(layer.opaque_between, start), top, bottom,
                                view.width))
        return _LayerPlacement(tex, hmat, top, bottom, covered, None if inv is None else layer.coverage(), inv, start,
                               None if layer.fill is None else functools.partial(layer.make, start), _far(layer.spec))

    def _draw_layer(self, frame: np.ndarray, placed: _LayerPlacement, hidden: np.ndarray | None = None,
                    footprint: Footprint | None = None) -> None:
        """Warp and blend a placed layer over ``frame``; not on rows ``hidden`` (bool per frame row) by
        nearer opaque layers, and rows it covers itself are copied, not blended (the same bytes).
        ``footprint``: only its pixels are drawn, in pieces (see ``footprint``). Blended rows are drawn only
        in the rectangles where the layer holds anything (``coverage``)."""
        top, bottom = placed.top, placed.bottom
        kinds = np.where(placed.covered, OPAQUE, MIXED)
        if hidden is not None:
            kinds[hidden[top:bottom]] = HIDDEN
        plan = []  # (kind, pieces) per run of rows drawn
        for kind, a, b in row_runs(kinds, top):
            if kind == HIDDEN:
                continue
            pieces = [(a, b, 0, frame.shape[1])] if footprint is None else footprint.pieces(a, b)
            if kind == MIXED and placed.coverage is not None:  # planned once for the run, then cut by the pieces
                rects = placed.coverage.rects(placed.inv, placed.column0, placed.tex.shape[1], (a, b),
                                              (0, frame.shape[1]))
                pieces = rects if footprint is None else _clip_to_footprint(rects, footprint)
            plan.append((kind, pieces))
        for kind, pieces in plan:
            self._paint_pieces(frame, placed, placed.hmat, placed.inv, pieces, kind == OPAQUE)

    def _paint_pieces(self, dst: np.ndarray, placed: _LayerPlacement, hmat: np.ndarray, inv: np.ndarray | None,
                      pieces: list[tuple[int, int, int, int]], opaque: bool = False) -> None:
        """Warp ``placed``'s texture by ``hmat`` (window to ``dst`` pixels; ``inv`` its inverse) into the
        rectangles ``pieces`` of ``dst``, its texels made first (only those these warps read), and blend it
        there, or copy it (``opaque``: alpha 255 throughout, where the blend would give the layer's colour)."""
        if placed.make is not None and pieces:
            placed.make(*_texels_read(inv, pieces, placed.tex.shape[1], placed.tex.shape[0]))
        for y0, y1, x0, x1 in pieces:
            moved = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1.0]]) @ hmat
            warped = self._warp(placed.tex, moved, (x1 - x0, y1 - y0), cv2.BORDER_CONSTANT)
            if opaque:
                cv2.cvtColor(warped, cv2.COLOR_RGBA2RGB, dst=dst[y0:y1, x0:x1])
            else:
                _blend_premultiplied(dst[y0:y1, x0:x1], warped)

    @staticmethod
    def _affine(hmat: np.ndarray) -> np.ndarray | None:
        """The 2x3 affine part if ``hmat`` is affine (a plane parallel to the image: no pitch), else None."""
        h22 = hmat[2, 2]
        if abs(h22) > 1e-9 and abs(hmat[2, 0]) < 1e-9 * abs(h22) and abs(hmat[2, 1]) < 1e-9 * abs(h22):
            return hmat[:2] / h22
        return None

    def _warp(self, tex: np.ndarray, hmat: np.ndarray, size: tuple[int, int], border: int) -> np.ndarray:
        """``tex`` warped into ``size`` (width, height) by ``hmat``, in a scratch array of the renderer's (the
        next warp overwrites it): a fresh array per piece, of a size that changes every frame, grew the heap
        and faulted in its pages (~50 page faults a frame of a steady city)."""
        w, h = size
        need = h * w * tex.shape[2]
        if self._warped.size < need:
            self._warped = np.empty(max(need, self.width * self.height * tex.shape[2]), np.uint8)
        out = self._warped[:need].reshape(h, w, tex.shape[2])
        aff = self._affine(hmat)
        if aff is not None:
            return cv2.warpAffine(tex, aff, size, dst=out, flags=cv2.INTER_LINEAR, borderMode=border)
        return cv2.warpPerspective(tex, hmat, size, dst=out, flags=cv2.INTER_LINEAR, borderMode=border)

    @staticmethod
    def _foot(e: EntityState) -> np.ndarray:
        kind = figures.canonical_kind(e.kind)
        alt = 0.0
        if kind == "bird" and e.action != "idle":
            alt = 1.5 + 0.15 * math.sin(2 * math.pi * e.stride)
        return np.array([e.x, alt, e.z])

    def _draw_entity(self, frame: np.ndarray, view: View, e: EntityState, depth: float, light: Light,
                     grade: Grade, camera_yaw: float, recipe: SceneRecipe) -> None:
        if depth < 0.3:
            return
        kind = figures.canonical_kind(e.kind)
        px, _ = view.project(self._foot(e)[None])
        u, v = px[0]
        h_m = figures.SIZES[kind][0]
        h_px = view.focal * h_m / depth
        if h_px < 2 or h_px > 4 * view.height:
            return
        side = figures.view_of(e.heading, camera_yaw)
        hb = figures.size_bucket(h_px)
        ph = figures.gesture_phase(e.action, e.gesture) if e.action in figures.GESTURE_POSES else figures.phase_bucket(e.stride)
        image = self._image(e.image)
        scale = h_px / hb
        resized = abs(scale - 1.0) > SPRITE_SIZE_SLACK  # else blended at its drawn size
        if image is None and not _may_show(view, u, v, figures.figure_bounds(
                kind, e.description, side, e.action, h_px if resized else hb)):
            return  # beside, above or below the frame: not drawn (a close figure's sprite is large)
        haze = round(light.haze(depth) * 20) / 20
        if image is not None:
            key = ("img", e.image, hb, side == "left", light.key, grade.key, haze)
        else:
            key = ("fig", kind, e.description, side, ph, e.action, hb, light.key, grade.key, haze)

        def draw() -> Drawing:  # the drawing alone, kept apart from its lighting: a transition re-lights it only
            if image is not None:
                rgba = cutout_sprite(image, hb, flip=(side == "left"))
                return Drawing.of(rgba, (rgba.shape[1] / 2.0, rgba.shape[0] - 1.0))
            sp = figures.draw_figure(kind, e.description, side, ph, e.action, hb)
            return Drawing.of(sp.rgba, sp.anchor)

        sprite = self._sprites.get_or(key, lambda: LitSprite.of(self._drawings.get_or(key[:-3], draw), light, recipe,
                                                               haze, grade))
        if resized:
            sprite = sprite.resized(scale)
        bob = 0.0
        if image is not None and e.action in ("walk", "run"):
            bob = abs(math.sin(2 * math.pi * e.stride)) * h_px * 0.03
        x0 = int(round(u - sprite.anchor[0]))
        y0 = int(round(v - sprite.anchor[1] - bob))
        sprite.blend(frame, x0, y0, e.presence)
