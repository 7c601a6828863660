"""What opaque layers hide: frame rows that need no sky, ground or farther layer.

Layers are vertical planes facing the view and the frame is drawn level (roll turns the finished frame),
so a texture row lands on one frame row; a texture row opaque over the columns the frame reads covers its
frame row from edge to edge (when the warped window reaches both edges). Whatever lies behind it on that
row is never seen, so the compositor does not draw it (a city's facades hide half its skyline and sky).
Opaque over the period was asked first: one alley anywhere in a street's facades then hid nothing behind
any of its rows, and 44 % of the skyline a city frame drew was under opaque facades.

Every hidden row is overwritten by a layer with alpha 255, which gives the layer's colour whatever was
below it: skipped pixels may hold anything, and the frame is the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

HIDDEN, OPAQUE, MIXED = 0, 1, 2  # how a layer draws a frame row: not at all, by copy, by blend
MIN_RUN_ROWS = 12  # a shorter hidden or opaque run is drawn as a blend: one more warp call costs more
BILINEAR_MARGIN = 1  # texture rows either side of a sample's own that must be opaque too (rounding)


def covered_rows(inv: np.ndarray, window_width: int, opaque: Callable[[int, int], np.ndarray], top: int,
                 bottom: int, width: int) -> np.ndarray:
    """bool [bottom - top]: frame rows ``top``..``bottom - 1`` a layer covers from edge to edge.

    ``inv``: 3x3 from frame pixels to pixels of the texture window warped (``window_width`` columns);
    ``opaque(c0, c1)``: bool per texture row, opaque over window columns [c0, c1)
    (``LayerTexture.opaque_between``). A row counts only if every bilinear sample of it reads opaque texels:
    all its columns fall inside the window (outside is the warp's transparent border), and the texture rows
    around its own are opaque over the columns the rows read.
    """
    n = bottom - top
    none = np.zeros(max(0, n), bool)
    if n <= 0:
        return none
    corners = np.array([[0.0, width - 1.0, 0.0, width - 1.0],
                        [top, top, bottom - 1.0, bottom - 1.0],
                        [1.0, 1.0, 1.0, 1.0]])
    p = inv @ corners
    if (p[2] <= 0).any():
        return none
    s = p[0] / p[2]  # a projective map takes the rectangle to a convex quad: its columns span the corners'
    if s.min() < BILINEAR_MARGIN or s.max() > window_width - 1 - BILINEAR_MARGIN:
        return none
    # the columns read: floor(s) and floor(s) + 1, and the margin either side for rounding
    opaque = opaque(math.floor(s.min()) - BILINEAR_MARGIN, math.floor(s.max()) + 2 + BILINEAR_MARGIN)
    if not opaque.any():
        return none
    rows = np.arange(top, bottom, dtype=np.float64)
    q = inv @ np.stack([np.full(n, (width - 1) / 2.0), rows, np.ones(n)])
    t = np.floor(q[1] / q[2])  # a frame row's texture row (the same along the row: see the module note)
    h = len(opaque)
    pad = BILINEAR_MARGIN + 2  # texture rows t - margin .. t + 1 + margin, outside the texture transparent
    padded = np.concatenate([np.zeros(pad, bool), opaque, np.zeros(pad, bool)])
    idx = (np.minimum(np.maximum(t, -1), h) + pad).astype(np.int64)  # out of the texture: read on the padding
    ok = padded[idx - BILINEAR_MARGIN]
    for k in range(1 - BILINEAR_MARGIN, 2 + BILINEAR_MARGIN):
        ok &= padded[idx + k]
    return ok


def row_runs(kinds: np.ndarray, start: int, min_run: int = MIN_RUN_ROWS) -> list[tuple[int, int, int]]:
    """(kind, first row, end row) runs of a layer's rows (``kinds``: HIDDEN, OPAQUE or MIXED per row,
    from frame row ``start``). Hidden and opaque runs shorter than ``min_run`` become mixed (a blend
    draws any row right), and neighbouring mixed runs join, so there are few warps per layer."""
    if len(kinds) == 0:
        return []
    edges = np.flatnonzero(np.diff(kinds)) + 1
    bounds = np.concatenate([[0], edges, [len(kinds)]])
    runs: list[tuple[int, int, int]] = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        kind = int(kinds[a])
        if kind != MIXED and b - a < min_run:
            kind = MIXED
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1], start + b)
        else:
            runs.append((kind, start + a, start + b))
    return runs


def hidden_from(hidden: np.ndarray, row: int) -> int:
    """First row of the hidden run that ends at ``row`` (``row + 1`` if ``row`` is visible): the sky
    need not be drawn from there down."""
    if row < 0 or row >= len(hidden) or not hidden[row]:
        return row + 1
    visible = np.flatnonzero(~hidden[: row + 1])
    return int(visible[-1]) + 1 if visible.size else 0


def visible_from(hidden: np.ndarray, row: int) -> int:
    """First visible row at or below ``row``: the ground need not be drawn above it."""
    if row < 0 or row >= len(hidden) or not hidden[row]:
        return row
    visible = np.flatnonzero(~hidden[row:])
    return row + int(visible[0]) if visible.size else len(hidden)
