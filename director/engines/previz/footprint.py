"""What of a rolled view's canvas the roll reads: per canvas row, the span of columns the frame samples.

A rolled view is drawn level on a bigger canvas (``View.rolled_canvas``) and turned into the frame by one
bilinear warp. The frame's footprint on the canvas is a turned rectangle: the canvas corners outside it
(~29 % of the canvas at a 10 degree roll) are never read. Sky, ground and layers are drawn only over the
footprint, in horizontal strips whose columns cover every span of their rows; the rest of the canvas is
left unwritten. That is safe because nothing drawn later reads it into the footprint: figures blend over
what is there, and the roll reads the footprint only (weather and screen effects are drawn on the frame).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_MARGIN = 2  # canvas pixels around every point the roll samples: its bilinear neighbour plus rounding
STRIP_ROWS = 48  # rows per strip: more strips waste fewer corner pixels, but each is one more warp per layer
MERGE_PIXELS = 8000  # neighbouring strips are drawn as one when that draws at most this many pixels more:
# ~ what one more warp and blend call costs (~40 us against ~5 ns a pixel), so near-full rows are one piece
MEMO_ENTRIES = 16  # reductions kept per footprint (the ground's band moves with the pitch)


@dataclass(frozen=True)
class Footprint:
    """Per row of an image, the columns ``x0[row]``..``x1[row] - 1`` that must be drawn (none: x0 == x1)."""

    x0: np.ndarray  # int64 [rows]
    x1: np.ndarray  # int64 [rows]
    width: int  # columns of the image
    _memo: dict = field(default_factory=dict, compare=False, repr=False)  # strips and reductions asked before

    def pieces(self, first: int, end: int, strip: int = STRIP_ROWS,
               merge: int = MERGE_PIXELS) -> list[tuple[int, int, int, int]]:
        """(row, end row, column, end column) rectangles covering the footprint on rows ``first``..``end - 1``:
        the rows cut into strips of ``strip`` rows (neighbours joined while that adds at most ``merge``
        pixels), each as wide as its rows' spans together (a strip cut short by ``first`` or ``end`` keeps
        its columns: a few more pixels, no numpy per call)."""
        key = ("strips", strip, merge)
        strips = self._memo.get(key)
        if strips is None:
            strips = self._memo[key] = self._strips(strip, merge)
        return [(max(first, a), min(end, b), c0, c1) for a, b, c0, c1 in strips if a < end and b > first]

    def _strips(self, strip: int, merge: int) -> list[tuple[int, int, int, int]]:
        """(row, end row, column, end column) of every strip with pixels to draw, neighbours joined."""
        live = self.x1 > self.x0
        starts = np.arange(0, len(self.x0), strip)
        lo = np.minimum.reduceat(np.where(live, self.x0, self.width), starts).tolist()
        hi = np.maximum.reduceat(np.where(live, self.x1, 0), starts).tolist()
        out: list[tuple[int, int, int, int]] = []
        for a, c0, c1 in zip(starts.tolist(), lo, hi):
            b = min(a + strip, len(self.x0))
            if c1 <= c0:
                continue
            if out and out[-1][1] == a:
                pa, _, p0, p1 = out[-1]
                joined = (b - pa) * (max(p1, c1) - min(p0, c0))
                if joined - (a - pa) * (p1 - p0) - (b - a) * (c1 - c0) <= merge:
                    out[-1] = (pa, b, min(p0, c0), max(p1, c1))
                    continue
            out.append((a, b, c0, c1))
        return out

    def reduced(self, first: int, rows: int, small_rows: int, small_width: int) -> Footprint:
        """The footprint of an image of ``small_rows`` x ``small_width`` that a bilinear resize stretches over
        rows ``first``..``first + rows - 1`` and all columns (``cv2.resize``: pixel centres aligned): every small
        pixel that a footprint pixel is interpolated from, with one pixel of margin for rounding."""
        key = ("reduced", first, rows, small_rows, small_width)
        if key not in self._memo:
            if len(self._memo) > MEMO_ENTRIES:
                self._memo.clear()
            self._memo[key] = self._reduce(first, rows, small_rows, small_width)
        return self._memo[key]

    def _reduce(self, first: int, rows: int, small_rows: int, small_width: int) -> Footprint:
        x0, x1 = self.x0[first : first + rows], self.x1[first : first + rows]
        f = np.floor((np.arange(rows) + 0.5) * small_rows / rows - 0.5).astype(np.int64)
        lo = np.clip(f - 1, 0, small_rows - 1)  # small rows a row reads, with a row of margin: both rise
        hi = np.clip(f + 3, 1, small_rows)
        sx = small_width / self.width
        live = x1 > x0
        c0 = np.where(live, np.clip(np.floor((x0 + 0.5) * sx - 0.5).astype(np.int64) - 1, 0, small_width),
                      small_width)
        c1 = np.where(live, np.clip(np.floor((x1 - 0.5) * sx - 0.5).astype(np.int64) + 3, 0, small_width), 0)
        i = np.arange(small_rows)
        ya = np.searchsorted(hi, i, side="right")  # the rows reading small row i: ya..yb - 1
        yb = np.searchsorted(lo, i, side="right")
        k = np.arange(max(1, int((yb - ya).max(initial=1))))
        idx = ya[:, None] + k[None, :]
        ok = idx < yb[:, None]
        idx = np.minimum(idx, rows - 1)
        s0 = np.where(ok, c0[idx], small_width).min(axis=1)
        s1 = np.where(ok, c1[idx], 0).max(axis=1)
        return Footprint(np.minimum(s0, s1), s1, small_width)


def roll_footprint(inv: np.ndarray, frame_width: int, frame_height: int, width: int, height: int) -> Footprint:
    """The footprint on a ``width`` x ``height`` canvas of a frame warped from it: ``inv`` (2x3) takes frame
    pixels to canvas pixels. The frame's pixel centres cover a parallelogram on the canvas; a canvas row is
    read by the samples within ``SAMPLE_MARGIN`` rows of it, so its span is the parallelogram's extent over
    that band of rows, widened by the margin."""
    u = np.array([0.0, frame_width - 1.0, frame_width - 1.0, 0.0])
    v = np.array([0.0, 0.0, frame_height - 1.0, frame_height - 1.0])
    cx = inv[0, 0] * u + inv[0, 1] * v + inv[0, 2]
    cy = inv[1, 0] * u + inv[1, 1] * v + inv[1, 2]
    rows = np.arange(height, dtype=np.float64)
    ya, yb = rows - SAMPLE_MARGIN, rows + SAMPLE_MARGIN
    lo = np.full(height, np.inf)
    hi = np.full(height, -np.inf)
    for k in range(4):  # the extent of a convex polygon over a band is reached on its edges
        px, py, qx, qy = cx[k], cy[k], cx[(k + 1) % 4], cy[(k + 1) % 4]
        if abs(qy - py) < 1e-9:  # a level edge: all of it or none of it in the band
            inside = (ya <= py) & (py <= yb)
            lo[inside] = np.minimum(lo[inside], min(px, qx))
            hi[inside] = np.maximum(hi[inside], max(px, qx))
            continue
        ta, tb = (ya - py) / (qy - py), (yb - py) / (qy - py)
        t0 = np.clip(np.minimum(ta, tb), 0.0, 1.0)
        t1 = np.clip(np.maximum(ta, tb), 0.0, 1.0)
        meets = np.minimum(ta, tb) <= 1.0
        meets &= np.maximum(ta, tb) >= 0.0
        xa, xb = px + t0 * (qx - px), px + t1 * (qx - px)
        lo = np.where(meets, np.minimum(lo, np.minimum(xa, xb)), lo)
        hi = np.where(meets, np.maximum(hi, np.maximum(xa, xb)), hi)
    live = hi >= lo
    x0 = np.zeros(height, np.int64)
    x1 = np.zeros(height, np.int64)
    x0[live] = np.clip(np.floor(lo[live]) - SAMPLE_MARGIN, 0, width).astype(np.int64)
    x1[live] = np.clip(np.floor(hi[live]) + 2 + SAMPLE_MARGIN, 0, width).astype(np.int64)
    return Footprint(x0, x1, width)


def is_full(fp: Footprint) -> bool:
    """Whether ``fp`` asks for every pixel (then drawing whole rows is the same and needs no strips)."""
    return bool((fp.x0 == 0).all() and (fp.x1 == fp.width).all())

