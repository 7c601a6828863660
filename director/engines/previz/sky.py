"""The sky texture: a panorama by (azimuth, tan elevation), baked per light bucket, hour and grade.

What the sky holds, in the order its colours are made (the order matters where a step is not linear):
gradient by elevation, the sun's or moon's glow, its disc, stars (a max), the milky way, clouds (blended
over by their density), fog (thinning towards the zenith), and a fade of the top rows to their row mean.

A light transition ("night falls") bakes a new sky for every light bucket it crosses (``compositor.sky_hour``),
so the bake is written as a sum: all of it but the disc and the stars is linear in a few planes that do
not depend on the light (cloud density, the elevation weight under the clouds, the milky way) or depend on
the hour only (the glow), each times a colour of the light, plus a colour per row (horizon, fog)::

    sky[r, c] = row_colour[r] + row_scale[r] * sum_k colour_k * plane_k[r, c]

The light-independent planes are made once per sky size, cover and seed (``SkyFields``); a bake adds the
glow plane and mixes the planes with one ``cv2.transform`` (a 3x3 colour matrix per pixel, its fastest
case). The top fade is linear too (row means of a sum are sums of row means), so each plane is faded
by itself. The disc and stars, a few thousand texels, are computed exactly where they are and added as
their difference to the linear sum (including what they add to their rows' means in the fade). Results
depend on the inputs only: cached planes are pure functions of their key, so the order in which skies
are baked never changes a sky.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache

import cv2
import numpy as np

from director.engines.previz.array_pool import ArrayPool
from director.engines.previz.canvas import periodic_noise_2d
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import SceneRecipe
from director.engines.previz.textures import LRU, ColumnBlocks, period_spans, reference_focal

SKY_TAN_TOP = 2.4  # tan(elevation) of the sky texture's first row
SKY_TAN_BOTTOM = -0.4
SKY_PPR = 0.22  # sky texels per radian, as a fraction of the reference focal length (the sky is smooth)
SKY_EXT_RADIANS = 3.5  # azimuth repeated after the period in ``SkyTexture.tex``
FOG_SKY_DISTANCE = 600.0  # metres: the sky at the horizon is fogged like a layer this far away
BELOW_HORIZON = 0.85  # below the horizon the sky is the horizon colour this dark

GLOW_STEP = 4  # broad sun glow: computed every 4th texel of the sky and upscaled (it is smooth)
GLOW_COARSE_SCALE = 0.2  # radians: glows at least this wide are broad
GLOW_REACH = 8.0  # sharp glows are added within this many of their scales of the centre

STAR_DENSITY = 0.0015  # stars per texel for ``SceneRecipe.stars`` = 1
MILKY_WAY_STARS = 2.5  # recipes with at least this star density show a milky way band
MILKY_WAY_COLOR = (0.8, 0.85, 1.0)
CLOUD_THICKEST = 0.9  # the densest cloud hides this much of the sky behind it

# Rows whose colour is the same over a run at least this long are mixed with their colour as the
# transform's constant; shorter runs (rows that each differ: fog, stars in the top fade) are mixed
# without it and get their colours added as a row-repeated image, which costs a pass.
MIN_CONSTANT_ROWS = 8
# float -> uint8 by truncation, as the sky always was (numpy's astype), in one OpenCV pass: its
# convertScaleAbs rounds, so shift by just under half a level (the texels are never negative)
TRUNCATE = -0.4999
MIX_BAND_ROWS = 64  # rows mixed at a time: a band's float32 temporaries (1.3 MB at 1280) stay in the cache
SKY_COLUMN_BLOCK = 128  # sky columns made together when a view first asks for them (a turn is ~1 500 at 1280)


def _read_only(a: np.ndarray | None) -> np.ndarray | None:
    """``a``, made read only: cached arrays are shared by every bake and thread."""
    if a is not None:
        a.flags.writeable = False
    return a


@dataclass
class SkyTexture:
    """A baked sky: one period of azimuth, graded, uint8 [rows, period_px, 3].

    Its texels are made when asked for (``made``): a view sees a fifth to a third of the turn and of the rows,
    and a light transition bakes a sky per light bucket. ``periodic`` makes them all."""

    texels: np.ndarray  # uint8 [H, period_px, 3], contiguous; texels not made yet hold anything
    ppr: float  # pixels per radian of azimuth (and per unit tan(elevation))
    period_px: int
    fill: _SkyMix | None = None  # makes columns [c0, c1) of rows [r0, r1) of ``texels`` (None: all are made)

    def made(self, c0: int, c1: int, rows: tuple[int, int] | None = None) -> np.ndarray:
        """``texels`` with columns [c0, c1) (any integers: they wrap around the period) of ``rows`` (first,
        last + 1; None: all) made. A level view reads a fifth of the rows: those up to ~20 degrees up."""
        if self.fill is not None:
            r0, r1 = rows or (0, self.texels.shape[0])
            if c1 - c0 >= self.period_px:
                c0, c1 = 0, self.period_px
            for _, p0, n in period_spans(c0, c1, self.period_px):
                self.fill(p0, p0 + n, r0, r1)
        return self.texels

    @property
    def periodic(self) -> np.ndarray:
        """uint8 [H, period_px, 3], every column made: for ``cv2.remap`` with ``BORDER_WRAP``."""
        return self.made(0, self.period_px)

    @cached_property
    def tex(self) -> np.ndarray:
        """uint8 [H, period + ext, 3]: the period followed by its first ``ext`` columns again, so a window
        that wraps is one slice. Made on first use, every column made (the compositor remaps the columns
        ``made`` gives, with wrapping)."""
        ext = min(self.period_px, int(self.ppr * SKY_EXT_RADIANS))
        return np.concatenate([self.periodic, self.periodic[:, :ext]], axis=1)


@dataclass(frozen=True)
class SkyGeometry:
    """Where each texel of a sky of one output width looks."""

    rows: int
    period: int  # columns of one turn of azimuth
    ppr: float  # texels per radian
    tan_el: np.ndarray  # float64 [rows], falling row by row
    el: np.ndarray  # float32 [rows], radians
    az: np.ndarray  # float32 [period], radians from +z
    zenith_weight: np.ndarray  # float32 [rows]: 0 the horizon colour .. 1 the zenith colour
    fade: np.ndarray  # float32 [k]: weight of the row mean in the first k rows (see ``_fade_top``)

    @classmethod
    @lru_cache(maxsize=8)  # a few output widths per process (the render, proxies, the light probes)
    def for_width(cls, width: int) -> SkyGeometry:
        ppr = reference_focal(width) * SKY_PPR
        period = int(round(2 * math.pi * ppr))
        ppr = period / (2 * math.pi)
        rows = int((SKY_TAN_TOP - SKY_TAN_BOTTOM) * ppr)
        tan_el = SKY_TAN_TOP - (np.arange(rows) + 0.5) / ppr
        el = np.arctan(tan_el).astype(np.float32)
        az = ((np.arange(period) + 0.5) / ppr).astype(np.float32)
        w = (np.clip(el / (math.pi / 2), 0, 1) ** 0.45).astype(np.float32)
        # Towards the top row the sky fades to each row's mean: rays nearer the zenith than the texture
        # reaches read its first row, which must therefore hold no clouds or stars (they would smear
        # into streaks). The fading rows are the first ones (tan_el falls row by row).
        top = np.clip((tan_el - SKY_TAN_TOP * 0.6) / (SKY_TAN_TOP * 0.35), 0, 1).astype(np.float32)
        fade = top[: int(np.count_nonzero(top))]
        return cls(rows, period, ppr, *(_read_only(a) for a in (tan_el, el, az, w, fade)))

    def row_colours(self, zenith: np.ndarray, horizon: np.ndarray) -> np.ndarray:
        """float32 [rows, 3]: the gradient from the horizon to the zenith colour (darker below the horizon)."""
        w = self.zenith_weight[:, None].astype(np.float64)
        grad = horizon[None, :] * (1 - w) + zenith[None, :] * w
        return np.where((self.el < 0)[:, None], horizon[None, :] * BELOW_HORIZON, grad).astype(np.float32)


@dataclass(frozen=True)
class SkyFields:
    """The parts of a sky that no light changes, for one size, seed, cloud cover and star state.

    Planes are float32 [rows, period], read only, shared by every bake (and thread) that uses them;
    ``under_clouds`` and ``clouds`` are already faded at the top (``_fade_top``)."""

    clear: np.ndarray | None  # 1 - cloud density, not faded; None without clouds (everywhere 1)
    under_clouds: np.ndarray  # (1 - density) * zenith weight of the row, faded
    clouds: np.ndarray | None  # cloud density, faded; None without clouds
    star_texels: np.ndarray | None  # int64 [n]: flat texel index of each star (repeats: the last one wins)
    star_brightness: np.ndarray | None  # float64 [n]: each star's level at full night
    milky_way: np.ndarray | None  # level of the milky way band at full night, not faded; None if none


_FIELDS = LRU(4)  # SkyFields, ~15 MB each at 1280 (20 MB with a milky way), read only: a dawn needs the
# night (stars) and day fields of the frames and of the light probes (96 px, ~0.1 MB): with 2, they were rebuilt
_FIELDS_LOCK = threading.Lock()


def sky_fields(geo: SkyGeometry, stars: float, cover: float, seed: int, night: bool) -> SkyFields:
    """The light-independent fields of a sky (cached: a light transition makes them once, not per sky).

    Stars, milky way and clouds are drawn from one random stream in that order, so the stream the clouds
    get depends on whether the stars were drawn: ``night`` (any stars at all) is part of the key."""
    key = (seed & 0xFFFFFFFF, geo.rows, geo.period, night, stars, cover if cover > 0.02 else None)

    def build() -> SkyFields:
        rows, period = geo.rows, geo.period
        rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x5C1])
        star_texels = star_brightness = milky = None
        if night:
            n_stars = int(period * rows * STAR_DENSITY * stars)
            sr = rng.integers(0, rows, n_stars)
            sc = rng.integers(0, period, n_stars)
            keep = geo.tan_el[sr] > 0.02
            b = rng.uniform(0.2, 1.0, n_stars) ** 3 * 255
            star_texels, star_brightness = sr[keep] * period + sc[keep], b[keep]
            if stars >= MILKY_WAY_STARS:
                band = np.exp(-((geo.tan_el[:, None] - 0.9 - 0.5 * np.sin(geo.az[None, :] * 1.0)) ** 2) / 0.05)
                mw = periodic_noise_2d(rows, period, rng, 8.0)
                milky = (band * np.clip(0.5 + mw, 0, 1) * 55).astype(np.float32)
        clear = clouds = None
        w_plane = np.ascontiguousarray(np.broadcast_to(geo.zenith_weight[:, None], (rows, period)))
        if cover > 0.02:
            # clouds: periodic noise, squashed towards the horizon by perspective
            small = periodic_noise_2d(max(8, rows // 4), max(8, period // 4), rng, 5.0)
            cl = cv2.resize(small, (period, rows), interpolation=cv2.INTER_CUBIC)
            thr = 0.6 - cover * 0.8
            dens = (np.clip((cl - np.float32(thr)) / np.float32(0.35), 0, 1)
                    * np.clip(geo.tan_el / 0.12, 0, 1).astype(np.float32)[:, None]) * np.float32(CLOUD_THICKEST)
            clear = np.subtract(np.float32(1.0), dens)
            w_plane = cv2.multiply(clear, w_plane)
            clouds = _fade_top(dens, geo.fade)
        return SkyFields(_read_only(clear), _read_only(_fade_top(w_plane, geo.fade)), _read_only(clouds),
                         _read_only(star_texels), _read_only(star_brightness), _read_only(milky))

    with _FIELDS_LOCK:  # sessions may bake skies on several threads
        return _FIELDS.get_or(key, build)


def _fade_top(plane: np.ndarray, fade: np.ndarray) -> np.ndarray:
    """In place, and returned: the first ``len(fade)`` rows of a float32 plane blended towards their row
    mean by ``fade``. Linear, so a faded sum of planes is the sum of the faded planes."""
    k = len(fade)
    if k:
        band = plane[:k]
        mean = band.mean(axis=1, dtype=np.float32)
        band *= (1 - fade)[:, None]
        band += (fade * mean)[:, None]
    return plane


def _sky_distance(el: np.ndarray, az: np.ndarray, sun_az: float, sun_el: float) -> np.ndarray:
    """Angular distance (small-angle, radians) of each (el row, az column) texel from the sun/moon."""
    daz = ((az - sun_az + np.pi) % (2 * np.pi) - np.pi).astype(np.float32)
    return cv2.magnitude(np.ascontiguousarray(daz[None, :] * np.cos(el)[:, None]),
                         np.ascontiguousarray(np.broadcast_to((el - np.float32(sun_el))[:, None], (len(el), len(az)))))


def _rows_repeated(values: np.ndarray, cols: int) -> np.ndarray:
    """float32 [rows, cols, C] holding row i's ``values[i]`` ([rows, C]) in every column. Nearest-neighbour
    upscaling of the one-column image is an exact copy, ~4x faster than ``np.repeat``."""
    rows, ch = values.shape
    return cv2.resize(np.ascontiguousarray(values, np.float32).reshape(rows, 1, ch), (cols, rows),
                      interpolation=cv2.INTER_NEAREST).reshape(rows, cols, ch)


def glow_field(geo: SkyGeometry, sun_az: float, sun_el: float, terms: tuple[tuple[float, float], ...],
               out: np.ndarray | None = None) -> np.ndarray:
    """float32 [rows, period]: ``sum(weight * exp(-dist / scale))`` over ``terms`` of (scale, weight), the
    glow around the sun or moon as a fraction of its colour (in ``out`` if given: what it held is not read).

    Broad terms (scale >= GLOW_COARSE_SCALE) are smooth: evaluated every GLOW_STEP texels and upscaled
    linearly. Sharp ones have a cusp at the centre: evaluated exactly, on the box of texels where they
    reach a tenth of a level (GLOW_REACH scales; beyond it exp(-d/s) * 255 < 0.1)."""
    rows, cols, el, az = geo.rows, geo.period, geo.el, geo.az
    broad = tuple(t for t in terms if t[0] >= GLOW_COARSE_SCALE)
    if broad:
        s = GLOW_STEP
        # coarse texel i sits at the centre of fine texels [s*i, s*i + s): sample el/az there
        el_c = np.interp(np.arange(0, rows, s) + (s - 1) / 2, np.arange(rows), el).astype(np.float32)
        az_c = np.interp(np.arange(0, cols, s) + (s - 1) / 2, np.arange(cols), az).astype(np.float32)
        dist = _sky_distance(el_c, az_c, sun_az, sun_el)
        coarse = np.zeros_like(dist)
        for scale, weight in broad:
            coarse += np.exp(dist * np.float32(-1.0 / scale)) * np.float32(weight)
        glow = cv2.resize(coarse, (cols, rows), dst=out, interpolation=cv2.INTER_LINEAR)
    elif out is not None:
        glow = out
        glow[...] = 0.0
    else:
        glow = np.zeros((rows, cols), np.float32)
    for scale, weight in terms:
        if scale >= GLOW_COARSE_SCALE:
            continue
        r0, r1, spans = _box(geo, sun_az, sun_el, scale * GLOW_REACH)
        for a, b in spans:
            dist = _sky_distance(el[r0:r1], az[a:b], sun_az, sun_el)
            glow[r0:r1, a:b] += np.exp(dist * np.float32(-1.0 / scale)) * np.float32(weight)
    return glow


def _box(geo: SkyGeometry, sun_az: float, sun_el: float, reach: float) -> tuple[int, int, list[tuple[int, int]]]:
    """(first row, last row + 1, column spans) of the texels within ``reach`` radians of the sun/moon: the
    columns split where the box wraps around the panorama (slices, not gathers); no spans if none."""
    cols = geo.period
    band = np.nonzero(np.abs(geo.el - np.float32(sun_el)) < reach)[0]
    if band.size == 0:
        return 0, 0, []
    r0, r1 = int(band.min()), int(band.max()) + 1
    min_cos = float(np.cos(geo.el[r0:r1]).min())
    half = reach / max(min_cos, 1e-3)  # azimuth half-width of the box, radians
    if 2 * half >= 2 * math.pi:
        return r0, r1, [(0, cols)]
    centre = int(round(sun_az / (2 * math.pi) * cols))
    span = int(math.ceil(half / (2 * math.pi) * cols)) + 2
    c0, c1 = (centre - span) % cols, (centre + span + 1) % cols
    spans = [(c0, c1)] if c0 < c1 else [(c0, cols), (0, c1)]
    return r0, r1, [(a, b) for a, b in spans if b > a]


def _disc(geo: SkyGeometry, sun_az: float, sun_el: float, radius: float, edge: float,
          strength: float) -> tuple[np.ndarray, np.ndarray]:
    """The sun/moon disc (``radius``, soft ``edge``, radians): (flat texel index int64 [n], its weight [n])."""
    r0, r1, spans = _box(geo, sun_az, sun_el, radius + edge) if strength > 0 else (0, 0, [])
    at, weights = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    for a, b in spans:
        weight = np.clip((radius - _sky_distance(geo.el[r0:r1], geo.az[a:b], sun_az, sun_el)) / edge, 0, 1) * strength
        ys, xs = np.nonzero(weight)
        at.append((ys + r0).astype(np.int64) * geo.period + xs + a)
        weights.append(weight[ys, xs])
    return np.concatenate(at), np.concatenate(weights)


@dataclass(frozen=True)
class SkyLight:
    """The colours and sun/moon of one light bucket and hour, as the sky uses them (RGB 0..255)."""

    zenith: np.ndarray
    horizon: np.ndarray
    glow_color: np.ndarray  # the glow plane's colour
    glow_terms: tuple[tuple[float, float], ...]  # (scale radians, weight) of the glow around the centre
    sun: tuple[float, float]  # (azimuth, elevation) radians of the sun or the moon
    disc: tuple[float, float, float]  # (radius, edge, strength)
    disc_color: np.ndarray
    night: float  # 0..1: how much the stars and the milky way show
    cover: float  # 0..1 cloud cover
    cloud_color: np.ndarray
    fog: float  # fog at the horizon (0: none); it thins towards the zenith
    fog_color: np.ndarray

    @classmethod
    def of(cls, recipe: SceneRecipe, light: Light, hour: float) -> SkyLight:
        zen, hor = light.sky_colors()
        sun = light.sun_direction(hour)
        if light.daylight > 0.12:
            sun_col = np.array([255, 240, 200]) * (1 - light.warmth) + np.array([255, 170, 90]) * light.warmth
            strength = 1.0 - 0.8 * light.overcast
            glow, terms = sun_col * (0.8 * strength), ((0.25, 0.35), (0.05, 0.5))
            disc, disc_col = (0.03, 0.005, strength), sun_col
        else:
            moon = 1 - light.overcast
            glow, terms = np.full(3, 25 * moon), ((0.08, 1.0),)
            disc, disc_col = (0.025, 0.004, moon), np.array([235.0, 235.0, 220.0])
        night = max(0.0, 1.0 - light.daylight / 0.3) * (1.0 - light.overcast)
        cover = min(1.0, recipe.clouds * 0.6 + light.overcast * 0.8)
        base = 0.3 + 0.65 * light.daylight
        cloud = np.array([245, 245, 250]) * base * (1 - 0.35 * light.overcast)
        cloud = cloud * (1 - light.warmth * 0.3) + np.array([255, 160, 120]) * light.warmth * 0.3 * base
        # As thick as on the far layers at the horizon (so hills and sky meet in one fog colour)
        fog = light.haze(FOG_SKY_DISTANCE) if light.fog > 0 else 0.0
        return cls(zen, hor, glow.astype(np.float32), terms, sun, disc, disc_col.astype(np.float64), night,
                   cover, cloud, fog, light.fog_color())


def bake_sky(recipe: SceneRecipe, light: Light, hour: float, grade: Grade, width: int, seed: int,
             pool: ArrayPool | None = None) -> SkyTexture:
    """Sky by elevation and hour: gradient, sun or moon, clouds, stars at night (see the module's docstring).
    ``pool``: where its texels and glow plane come from (arrays of skies no longer held are used again)."""
    # 1. What this light and hour look like; the fields no light changes (cached)
    geo = SkyGeometry.for_width(width)
    sl = SkyLight.of(recipe, light, hour)
    fields = sky_fields(geo, recipe.stars, sl.cover, seed, sl.night > 0)
    rows, cols, k = geo.rows, geo.period, len(geo.fade)
    grad = geo.row_colours(sl.zenith, sl.horizon)
    clouds = fields.clouds is not None
    if sl.fog > 0:  # fog lies on the ground: thinner towards the zenith
        fog = (sl.fog * (1.0 - 0.5 * np.clip(geo.tan_el / 1.5, 0, 1))).astype(np.float32)
    else:
        fog = np.zeros(rows, np.float32)

    # 2. The glow of this hour; the row colour (horizon, fog) and the row scale (what the fog leaves)
    glow = glow_field(geo, *sl.sun, sl.glow_terms, None if pool is None else pool.get((rows, cols), np.float32))
    row_scale = 1.0 - fog
    above = geo.el >= 0
    row_colour = (np.where(above, 1.0, BELOW_HORIZON)[:, None] * sl.horizon[None, :] * row_scale[:, None]
                  + fog[:, None] * sl.fog_color[None, :])

    # 3. The disc and the stars, exactly on their texels: before clouds a texel there is the glowing
    #    gradient with the disc blended in, then maxed with the star (the milky way, added after, cancels
    #    out of the difference); that difference from the linear sum passes the clouds and fog as
    #    (1 - d)(1 - f), and is part of its row's mean in the top fade.
    disc_at, disc_w = _disc(geo, *sl.sun, *sl.disc)
    star_at = fields.star_texels if sl.night > 0 and fields.star_texels is not None else np.zeros(0, np.int64)
    texels = np.unique(np.concatenate([disc_at, star_at]))
    delta = None
    if texels.size:
        r = texels // cols
        plain = grad[r].astype(np.float64) + glow.ravel()[texels][:, None] * sl.glow_color
        exact = plain.copy()
        d_pos = np.searchsorted(texels, disc_at)
        exact[d_pos] += (sl.disc_color - exact[d_pos]) * disc_w[:, None]
        if star_at.size:  # repeated stars: as in a numpy assignment, the last one wins
            s_pos = np.searchsorted(texels, star_at)
            exact[s_pos] = np.maximum(exact[s_pos], (fields.star_brightness * sl.night)[:, None])
        through = row_scale[r].astype(np.float64)
        if fields.clear is not None:
            through = through * fields.clear.ravel()[texels]
        delta = (exact - plain) * through[:, None]
        fade = np.zeros(rows)
        fade[:k] = geo.fade
        in_top = r < k
        for ch in range(3):  # a texel's part of its row mean, faded in with the row mean's weight
            row_colour[:, ch] += np.bincount(r[in_top], delta[in_top, ch], minlength=rows) / cols * fade
        delta *= (1.0 - fade[r])[:, None]

    # 4. The planes and their colours. Under clouds of density d and fog f a texel is
    #    (grad + glow + milky way) * (1 - d)(1 - f) + cloud * d (1 - f) + fog colour * f, and grad is
    #    horizon + (zenith - horizon) * w above the horizon: the horizon and fog colours are row colours.
    #    The glow and the milky way pass the clouds as they are mixed (``_Plane``), column block by block.
    terms = [(_Plane(fields.under_clouds), sl.zenith - sl.horizon),
             (_Plane(glow, fields.clear, geo.fade), sl.glow_color)]  # (step 3 read the glow unfaded)
    if clouds:
        terms.append((_Plane(fields.clouds), sl.cloud_color - sl.horizon))
    if fields.milky_way is not None and sl.night > 0:
        terms.append((_Plane(fields.milky_way, fields.clear, geo.fade, copy=True), np.asarray(MILKY_WAY_COLOR) * sl.night))

    # 5. Mix (one colour matrix per texel, the disc and stars, floor; grade) as views ask for columns
    out = np.empty((rows, cols, 3), np.uint8) if pool is None else pool.get((rows, cols, 3))
    mix = _SkyMix(out, terms, row_colour, row_scale if sl.fog > 0 else None, texels, delta, grade)
    return SkyTexture(texels=out, ppr=geo.ppr, period_px=cols, fill=mix)


class _Plane:
    """A term's plane of the sky mix, as ``part`` gives its texels [a:b, c0:c1]: ``plane`` itself, or (with
    ``clear``) ``clear * plane`` faded at the top (``_fade_top``), made a block at a time. The fade's row
    means are those of the whole rows, made once (the fade covers the top third of the rows)."""

    def __init__(self, plane: np.ndarray, clear: np.ndarray | None = None, fade: np.ndarray | None = None,
                 copy: bool = False) -> None:
        self.plane, self.clear, self.fade, self.means = plane, clear, fade, None
        if fade is not None and clear is None:  # faded whole at once: in place (the glow, as it always was),
            self.plane = _fade_top(plane.copy() if copy else plane, fade)  # or numpy's copy (``copy``)
        elif fade is not None and len(fade):
            self.means = cv2.multiply(clear[: len(fade)], plane[: len(fade)]).mean(axis=1, dtype=np.float32)

    def part(self, a: int, b: int, c0: int, c1: int) -> np.ndarray:
        if self.clear is None:
            return self.plane[a:b, c0:c1]
        out = cv2.multiply(self.clear[a:b, c0:c1], self.plane[a:b, c0:c1])
        k = 0 if self.fade is None else len(self.fade)
        if a < k:  # _fade_top's arithmetic, on these rows of the block
            rows = out[: min(b, k) - a]
            rows *= (1 - self.fade[a : min(b, k)])[:, None]
            rows += (self.fade[a : min(b, k)] * self.means[a : min(b, k)])[:, None]
        return out


class _SkyMix(ColumnBlocks):
    """``out``'s texels, made as asked (``self(c0, c1, r0, r1)``: the blocks of SKY_COLUMN_BLOCK columns and
    ROW_BAND rows that meet columns [c0, c1) and rows [r0, r1), not made yet; see ``ColumnBlocks``):
    ``row_colour[r] + row_scale[r] * sum(colour * plane)`` over ``terms`` of (``_Plane``, colour RGB), plus
    ``delta`` (float [n, 3]) at the flat ``texels`` (sorted), truncated to levels and graded. Each texel
    depends on its own inputs alone: the texels of any block are the bytes of a whole bake.

    Three planes per ``cv2.transform`` (its fast 3x3 case), in bands of MIX_BAND_ROWS rows: a band's
    float32 temporaries stay in the CPU cache and on the heap (a whole sky's are 15 MB each, which
    glibc maps afresh, and faults in page by page, for every bake)."""

    def __init__(self, out: np.ndarray, terms: list[tuple[_Plane, np.ndarray]], row_colour: np.ndarray,
                 row_scale: np.ndarray | None, texels: np.ndarray, delta: np.ndarray | None, grade: Grade) -> None:
        super().__init__(out.shape[1], out.shape[0], SKY_COLUMN_BLOCK)
        self.out, self.row_colour, self.row_scale, self.grade = out, row_colour, row_scale, grade
        self.groups = []
        for i in range(0, len(terms), 3):
            group = terms[i : i + 3]
            colours = [np.asarray(c, np.float64) for _, c in group] + [np.zeros(3)] * (3 - len(group))
            self.groups.append(([p for p, _ in group], np.stack(colours, axis=1)))
        # The row colour is the transform's constant on runs of equal rows, unless a row scale (fog) or a
        # second group of planes must come first.
        self.simple = row_scale is None and len(self.groups) == 1
        self.runs = _row_runs(row_colour) if self.simple else [(0, len(row_colour), False)]
        cols = out.shape[1]
        self.texels, self.delta = texels, delta
        self.tex_row, self.tex_col = (texels // cols, texels % cols) if delta is not None else (None, None)

    def make(self, c0: int, c1: int, rows0: int, rows1: int) -> None:
        """Columns [c0, c1) of rows [rows0, rows1)."""
        cols, width = self.out.shape[1], c1 - c0
        for r0, r1, constant in self.runs:
            for a in range(max(r0, rows0), min(r1, rows1), MIX_BAND_ROWS):
                b = min(r1, rows1, a + MIX_BAND_ROWS)
                band = None
                for planes, matrix in self.groups:
                    pad = [np.zeros((b - a, width), np.float32)] * (3 - len(planes))
                    bias = self.row_colour[a] if constant and self.simple else np.zeros(3)
                    part = cv2.transform(cv2.merge([p.part(a, b, c0, c1) for p in planes] + pad),
                                         np.hstack([matrix, bias[:, None]]))
                    band = part if band is None else cv2.add(band, part, dst=band)
                if self.row_scale is not None:
                    flat = band.reshape(b - a, width * 3)
                    flat *= self.row_scale[a:b, None]
                if not constant:
                    cv2.add(band, _rows_repeated(self.row_colour[a:b], width), dst=band)
                if self.delta is not None:
                    i0, i1 = np.searchsorted(self.texels, (a * cols, b * cols))
                    c = self.tex_col[i0:i1]
                    inside = (c >= c0) & (c < c1)
                    if inside.any():
                        at = (self.tex_row[i0:i1][inside] - a) * width + c[inside] - c0
                        band.reshape(-1, 3)[at] += self.delta[i0:i1][inside].astype(np.float32)
                cv2.convertScaleAbs(band, dst=self.out[a:b, c0:c1], alpha=1.0, beta=TRUNCATE)
        mixed = self.out[rows0:rows1, c0:c1]
        graded = self.grade.apply(mixed, own=True)
        if graded is not mixed:
            mixed[...] = graded


def _row_runs(row_colour: np.ndarray) -> list[tuple[int, int, bool]]:
    """(first, last + 1, constant) row runs covering all rows: runs of at least MIN_CONSTANT_ROWS equal
    rows are constant; the rows between them form varying runs."""
    change = np.nonzero(np.any(row_colour[1:] != row_colour[:-1], axis=1))[0] + 1
    bounds = [0, *change.tolist(), len(row_colour)]
    runs: list[tuple[int, int, bool]] = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        constant = b - a >= MIN_CONSTANT_ROWS
        if not constant and runs and not runs[-1][2]:
            runs[-1] = (runs[-1][0], b, False)
        else:
            runs.append((a, b, constant))
    return runs
