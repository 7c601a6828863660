"""The roll turns the canvas tile by tile (``previz.roll``): the frame of the plain RGB warp of the whole canvas."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz.camera import View
from director.engines.previz.roll import Roll
from director.world.state import CameraState


def _roll(roll: float, width: int, height: int, tile: tuple[int, int]) -> Roll:
    """The roll as ``WorldRenderer.render`` makes it for a rolled view of ``width`` x ``height``."""
    view = View.from_state(CameraState(roll=roll), width, height, 0.0, 0).rolled_canvas()
    m = cv2.getRotationMatrix2D((view.width / 2.0, view.height / 2.0), -roll, 1.0)
    m[0, 2] += (width - view.width) / 2.0
    m[1, 2] += (height - view.height) / 2.0
    return Roll.make(m, (width, height), (view.width, view.height), tile)


@pytest.mark.parametrize("roll, size, tile", [
    (10.0, (320, 180), (64, 48)),
    (-25.0, (331, 187), (100, 70)),  # tiles cut short at the right and bottom edges
    (90.0, (160, 90), (40, 40)),
    (170.0, (200, 120), (1000, 1000)),  # one tile: the whole frame
])
def test_tiles_give_the_plain_warp_of_the_whole_canvas(roll, size, tile):
    turn = _roll(roll, *size, tile)
    cw, ch = turn.canvas_size
    canvas = np.random.default_rng(1).integers(0, 256, (ch, cw, 3), dtype=np.uint8)
    plain = cv2.warpAffine(canvas, turn.matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    out = np.zeros((size[1], size[0], 3), np.uint8)
    assert turn.apply(canvas, out) is out
    # a tile's matrix is moved to its corner: a sample's fixed-point position rounds the other way now
    # and then (one level on a few pixels in ten thousand, even on this noise)
    diff = np.abs(out.astype(np.int16) - plain)
    assert diff.max() <= 1
    assert (diff > 0).mean() < 2e-3
    assert np.array_equal(turn.apply(canvas), out)  # a fresh frame when no ``out`` is given


@pytest.mark.parametrize("roll", [10.0, -40.0, 135.0])
def test_tiles_cover_the_frame_once_and_read_inside_the_canvas(roll):
    turn = _roll(roll, 330, 190, (64, 48))
    seen = np.zeros((190, 330), np.int32)
    cw, ch = turn.canvas_size
    for t in turn.tiles:
        seen[t.y0 : t.y1, t.x0 : t.x1] += 1
        assert 0 <= t.cx0 < t.cx1 <= cw and 0 <= t.cy0 < t.cy1 <= ch
        # every sample of the tile (and its bilinear neighbour) falls inside its canvas rectangle
        inv = cv2.invertAffineTransform(t.matrix)
        u, v = np.meshgrid(np.arange(t.x1 - t.x0), np.arange(t.y1 - t.y0))
        sx = inv[0, 0] * u + inv[0, 1] * v + inv[0, 2]
        sy = inv[1, 0] * u + inv[1, 1] * v + inv[1, 2]
        inside_x = (sx >= 0) & (np.floor(sx) + 1 <= t.cx1 - t.cx0 - 1)
        inside_y = (sy >= 0) & (np.floor(sy) + 1 <= t.cy1 - t.cy0 - 1)
        at_edge_x = ((t.cx0 == 0) | (t.cx1 == cw))  # there the canvas edge itself is replicated, as the whole warp does
        at_edge_y = ((t.cy0 == 0) | (t.cy1 == ch))
        assert (inside_x | at_edge_x).all() and (inside_y | at_edge_y).all()
    assert (seen == 1).all()


def test_a_canvas_of_another_size_is_refused():
    turn = _roll(10.0, 160, 90, (64, 48))
    with pytest.raises(ValueError, match="roll: a canvas of"):
        turn.apply(np.zeros((90, 160, 3), np.uint8))
