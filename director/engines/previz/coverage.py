"""Where a layer holds anything: the frame rectangles a placed layer must warp and blend.

Most of a layer is transparent (the sky between a skyline's towers, the street between two trees), and a
transparent texel of a premultiplied texture is 0 on every channel (no window glow on it either). A frame
pixel whose bilinear samples all read such texels (or the warp's transparent border) gets exactly 0 from
the warp, and the blend leaves it as it was: it need not be warped or blended at all.

``Coverage`` keeps, per block of texels of one period, whether any texel is not transparent black (2D
prefix sums, over two periods so that a wrapped window is one range). ``Coverage.rects`` cuts a frame
region into cells (CELL_ROWS x CELL_COLUMNS pixels), maps each cell's corners into the texture (its
bilinear reach and a texel of rounding margin), asks the sums whether any block there is filled, and
returns the filled cells as rectangles: per strip of cells the runs of filled ones (short gaps between
them drawn too: one more warp and blend costs more), strips with the same runs joined.

A rectangle is warped with the layer's matrix moved to its corner, so its samples round as the whole
band's do but for a float32 rounding now and then (one level, a pixel in thousands: the row runs of
``occlusion`` are warped piecewise the same way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BLOCK_ROWS, BLOCK_COLUMNS = 8, 16  # texels per block of the sums (~0.7 MB a layer of 1800 x 5900 texels)
CELL_ROWS, CELL_COLUMNS = 48, 32  # frame pixels per cell: smaller cells skip more, but cost more calls
SAMPLE_MARGIN = 1  # texels counted beyond a cell's bilinear reach: its sample positions round in float32
MERGE_PIXELS = 6000  # a strip is joined to the rectangles above it when that draws at most this many
# pixels more: ~ what one more warp and blend call costs
MAX_FILLED = 0.4  # blocks of the texture a region shows filled beyond this share: drawn whole (a skyline
# shows ~0.4-0.7 and cells skip little of it: short gaps; the trees of a near layer ~0.1-0.4)
MIN_GAP_CELLS = 4  # a run of empty cells shorter than this between filled ones is drawn: ~25 us per
# warp-and-blend call against ~4.5 ns a pixel (4 cells of 32 x 48 pixels: ~28 us)


@dataclass(frozen=True)
class Coverage:
    """Filled blocks of a periodic layer texture (filled: some texel not transparent black)."""

    rows: int  # texture rows
    period: int  # texture columns of one period
    sums: np.ndarray  # int32 [row blocks + 1, column blocks + 1]: prefix sums of filled blocks, two periods wide

    @classmethod
    def of(cls, filled: np.ndarray) -> Coverage:
        """From ``filled`` (uint8 [rows, period], non-zero where a texel may be other than transparent black:
        alpha, or alpha and glow together)."""
        rows, period = filled.shape
        rb = -(-rows // BLOCK_ROWS)
        padded = np.zeros((rb * BLOCK_ROWS, period), np.uint8)
        padded[:rows] = filled
        by_rows = padded.reshape(rb, BLOCK_ROWS, period).max(axis=1)
        cb = -(-2 * period // BLOCK_COLUMNS)
        twice = np.zeros((rb, cb * BLOCK_COLUMNS), np.uint8)
        twice[:, :period] = by_rows
        twice[:, period : 2 * period] = by_rows
        blocks = (twice.reshape(rb, cb, BLOCK_COLUMNS).max(axis=2) > 0).astype(np.int32)
        sums = np.zeros((rb + 1, cb + 1), np.int32)
        sums[1:, 1:] = blocks.cumsum(0).cumsum(1)
        return cls(rows, period, sums)

    def rects(self, inv: np.ndarray, column0: int, window_width: int, rows: tuple[int, int],
              cols: tuple[int, int]) -> list[tuple[int, int, int, int]]:
        """(row, end row, column, end column) rectangles of frame rows ``rows`` x columns ``cols`` holding
        every pixel that may read a filled texel, disjoint. ``inv``: 3x3 from frame pixels to pixels of the
        texture window warped, whose column 0 is texture column ``column0`` (any integer: taken modulo the
        period) and which is ``window_width`` columns wide (outside it the warp reads its transparent border).
        """
        a, b = rows
        x0, x1 = cols
        if b <= a or x1 <= x0:
            return []
        if self._mostly_filled(inv, column0, rows, cols):
            return [(a, b, x0, x1)]
        tops = np.arange(a, b, CELL_ROWS, dtype=np.float64)
        ns = len(tops)
        ys = np.concatenate([tops, np.minimum(tops + CELL_ROWS, b) - 1.0])  # each strip's first and last row
        xs = np.append(np.arange(x0, x1, CELL_COLUMNS, dtype=np.float64), x1 - 1.0)  # cell edges (a cell's
        # last column is the next one's first, less one: counted too, a pixel more on its right)
        # 1. Each cell's reach in the window: the bounding box of its corners (a plane maps a rectangle in front
        # of the camera to a convex quad), widened by the bilinear neighbour and the margin. A texture row lands
        # on one frame row (``occlusion``), so a strip's texture rows are those of its first and last rows; the
        # window column grows along a frame row (the plane faces the camera), so a cell's are those of its edges.
        m00, m01, m02, m10, m11, m12, m20, m21, m22 = inv.ravel().tolist()  # (Python floats: ~10x faster
        # than numpy scalars with small arrays)
        w = m20 * xs[None, :] + (m21 * ys + m22)[:, None]
        if not (w > 1e-9).all():  # a corner behind the camera: the region is drawn whole
            return [(a, b, x0, x1)]
        u = (m00 * xs[None, :] + (m01 * ys + m02)[:, None]) / w
        if not (u[:, -1] > u[:, 0]).all():  # a mirrored view (never drawn): no shortcut
            return [(a, b, x0, x1)]
        v = (m10 * xs[0] + m11 * ys + m12) / w[:, 0]
        # 2. Texels inside the window and the texture only (the rest read as transparent black): the columns
        # modulo the period (a reach of a whole period or more is all of it; none: an empty block range), the
        # rows as block rows (none: an empty range)
        j0 = np.floor(np.minimum(u[:ns, :-1], u[ns:, :-1])) - SAMPLE_MARGIN
        np.maximum(j0, 0, out=j0)
        j1 = np.floor(np.maximum(u[:ns, 1:], u[ns:, 1:])) + (1 + SAMPLE_MARGIN)
        np.minimum(j1, window_width - 1, out=j1)
        n = np.minimum(np.maximum(j1 - j0 + 1, 0), self.period).astype(np.int64)
        c0 = (j0.astype(np.int64) + column0) % self.period
        k0, k1 = c0 // BLOCK_COLUMNS, (c0 + n - 1) // BLOCK_COLUMNS + 1
        t0 = np.maximum(np.floor(np.minimum(v[:ns], v[ns:])) - SAMPLE_MARGIN, 0).astype(np.int64)
        t1 = np.minimum(np.floor(np.maximum(v[:ns], v[ns:])) + 1 + SAMPLE_MARGIN, self.rows - 1).astype(np.int64)
        r0 = np.minimum(t0 // BLOCK_ROWS, self.sums.shape[0] - 1)
        r1 = np.where(t1 >= t0, t1 // BLOCK_ROWS + 1, r0)
        # 3. Filled blocks there: per strip, the filled blocks of its block rows counted along the columns
        along = (self.sums[r1] - self.sums[r0]).ravel()
        row = (np.arange(ns) * self.sums.shape[1])[:, None]
        filled = along[k1 + row] > along[k0 + row]
        return _runs(filled, a, b, x0, x1)

    def _mostly_filled(self, inv: np.ndarray, column0: int, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        """Whether the texture the frame region shows (its corners' bounding box) has more than MAX_FILLED of
        its blocks filled: cells would skip too little of it to pay for finding them (scalars: ~10 us)."""
        us, ts = [], []
        for y in (rows[0], rows[1] - 1.0):
            for x in (cols[0], cols[1] - 1.0):
                w = inv[2, 0] * x + inv[2, 1] * y + inv[2, 2]
                if w <= 1e-9:
                    return False
                us.append((inv[0, 0] * x + inv[0, 1] * y + inv[0, 2]) / w)
                ts.append((inv[1, 0] * x + inv[1, 1] * y + inv[1, 2]) / w)
        rb, cb = self.sums.shape[0] - 1, self.sums.shape[1] - 1
        r0 = min(rb - 1, max(0, int(math.floor(min(ts))) // BLOCK_ROWS))
        r1 = min(rb, max(r0 + 1, int(math.floor(max(ts))) // BLOCK_ROWS + 1))
        lo = max(-1e9, min(us))
        c0 = (int(math.floor(lo)) + column0) % self.period
        n = min(self.period, max(1, int(math.floor(min(1e9, max(us))) - math.floor(lo)) + 1))
        k0, k1 = c0 // BLOCK_COLUMNS, min(cb, (c0 + n - 1) // BLOCK_COLUMNS + 1)
        s = self.sums
        got = int(s[r1, k1] - s[r0, k1] - s[r1, k0] + s[r0, k0])
        return got > MAX_FILLED * (r1 - r0) * (k1 - k0)


def _runs(filled: np.ndarray, a: int, b: int, x0: int, x1: int) -> list[tuple[int, int, int, int]]:
    """Rectangles of the filled cells of a grid (strips of CELL_ROWS from row ``a``, cells of CELL_COLUMNS
    from column ``x0``, clipped to ``b`` and ``x1``): per strip its runs of filled cells, gaps shorter than
    MIN_GAP_CELLS between two runs filled in; a strip whose runs pair with those of the strip above is
    joined to them (each rectangle as wide as both) when that draws at most MERGE_PIXELS more."""
    ns, nc = filled.shape
    padded = np.zeros((ns, nc + 2), np.int8)
    padded[:, 1:-1] = filled
    step = np.diff(padded, axis=1)  # +1 where a run starts (at its cell), -1 where one ends
    strip, start = np.nonzero(step == 1)
    end = np.nonzero(step == -1)[1]
    if not len(start):
        return []
    join = (strip[1:] == strip[:-1]) & (start[1:] - end[:-1] < MIN_GAP_CELLS)
    keep_start = np.concatenate([[True], ~join])
    keep_end = np.concatenate([~join, [True]])
    strip, start, end = strip[keep_start].tolist(), start[keep_start].tolist(), end[keep_end].tolist()
    out: list[list[int]] = []  # [row, end row, first cell, end cell]
    group: list[int] = []  # indices in ``out`` of the rectangles the last strip joined
    i, last = 0, -2
    while i < len(strip):
        k = strip[i]
        runs = []
        while i < len(strip) and strip[i] == k:
            runs.append((start[i], end[i]))
            i += 1
        y0, y1 = a + k * CELL_ROWS, min(b, a + (k + 1) * CELL_ROWS)
        if k == last + 1 and len(runs) == len(group):
            more, joined, prev_end = 0, [], 0
            for j, (c0, c1) in zip(group, runs):
                r = out[j]
                lo, hi = min(r[2], c0), max(r[3], c1)
                if lo < prev_end:  # the joined rectangles would overlap: a pixel must be blended once
                    more = MERGE_PIXELS + 1
                    break
                more += ((hi - lo - (r[3] - r[2])) * (r[1] - r[0]) + (hi - lo - (c1 - c0)) * (y1 - y0)) * CELL_COLUMNS
                joined.append([r[0], y1, lo, hi])
                prev_end = hi
            if more <= MERGE_PIXELS:
                for j, r in zip(group, joined):
                    out[j] = r
                last = k
                continue
        group = list(range(len(out), len(out) + len(runs)))
        out.extend([y0, y1, c0, c1] for c0, c1 in runs)
        last = k
    return [(r[0], r[1], x0 + r[2] * CELL_COLUMNS, min(x1, x0 + r[3] * CELL_COLUMNS)) for r in out]
