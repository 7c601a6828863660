"""A rolled view draws only the canvas pixels the roll reads (``footprint``), and the frame is as if it drew all."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz import compositor
from director.engines.previz.compositor import REDUCE, WorldRenderer, _upscale
from director.engines.previz.camera import View
from director.engines.previz.footprint import roll_footprint
from director.world.state import CameraState, EntityState, Environment, WorldState

W, H = 320, 180
ROLLS = [10.0, -25.0, 45.0, 90.0, 137.0, -170.0]


def _rolled_canvas(roll: float, width: int = W, height: int = H) -> tuple[np.ndarray, tuple[int, int]]:
    """(2x3 from the canvas to the frame, canvas size) as ``WorldRenderer.render`` turns a rolled view."""
    cam = View.from_state(CameraState(roll=roll), width, height, 0.0, 0)
    view = cam.rolled_canvas()
    m = cv2.getRotationMatrix2D((view.width / 2.0, view.height / 2.0), -roll, 1.0)
    m[0, 2] += (width - view.width) / 2.0
    m[1, 2] += (height - view.height) / 2.0
    return m, (view.width, view.height)


def _outside(fp, shape) -> np.ndarray:
    cols = np.arange(shape[1])[None, :]
    return (cols < fp.x0[:, None]) | (cols >= fp.x1[:, None])


@pytest.mark.parametrize("roll", ROLLS)
def test_the_roll_reads_nothing_outside_the_footprint(roll):
    m, (cw, ch) = _rolled_canvas(roll)
    fp = roll_footprint(cv2.invertAffineTransform(m), W, H, cw, ch)
    outside = _outside(fp, (ch, cw))
    assert 0.0 < outside.mean() < 0.6 or roll == 90.0  # a real saving (at 90 degrees the canvas is the frame)
    canvas = np.random.default_rng(1).integers(0, 256, (ch, cw, 4), dtype=np.uint8)
    turned = []
    for fill in (0, 255):
        c = canvas.copy()
        c[outside] = fill
        turned.append(cv2.warpAffine(c, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    assert np.array_equal(turned[0], turned[1])


@pytest.mark.parametrize("rows, cols", [(233, 694), (231, 694), (117, 160)])
def test_the_upscale_reads_nothing_outside_the_reduced_footprint(rows, cols):
    """Pixels of the big image in the footprint come only from small pixels in its reduction, and the
    upscale made in pieces gives them the bytes of the whole upscale."""
    m, (cw, ch) = _rolled_canvas(25.0, 640, 360)
    fp = roll_footprint(cv2.invertAffineTransform(m), 640, 360, cw, ch)
    band = (ch // 3, 2 * rows if rows % 2 == 0 else 2 * rows - 1)  # first row, rows of the big band
    band = (band[0], min(band[1], ch - band[0]))
    small_w = (cw + 1) // REDUCE
    small = np.random.default_rng(2).integers(0, 256, (rows, small_w, 3), dtype=np.uint8)
    red = fp.reduced(band[0], band[1], rows, small_w)
    big_out = _outside(fp, (ch, cw))[band[0] : band[0] + band[1]]
    outs = []
    for fill in (0, 255):
        s = small.copy()
        s[_outside(red, s.shape)] = fill
        outs.append(cv2.resize(s, (cw, band[1]), interpolation=cv2.INTER_LINEAR))
    assert np.array_equal(outs[0][~big_out], outs[1][~big_out])
    if band[1] == REDUCE * rows and cw == REDUCE * small_w:  # exact: the pieces' upscale is the whole one's
        whole = cv2.resize(small, (cw, band[1]), interpolation=cv2.INTER_LINEAR)
        for fill in (0, 255):
            got = np.full_like(whole, fill)
            _upscale(small, got, red.pieces(0, rows, 16))
            assert np.array_equal(got[~big_out], whole[~big_out])


class _FilledEmpty:
    """numpy as the compositor sees it, with every ``np.empty`` filled: stale bytes must never show."""

    def __init__(self, fill: int) -> None:
        self.fill = fill

    def __getattr__(self, name):
        return getattr(np, name)

    def empty(self, shape, dtype=float):
        return np.full(shape, self.fill, dtype)


def _state(scene: str, camera: CameraState) -> WorldState:
    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    return WorldState(1.0, scene=scene, entities=(girl,), camera=camera,
                      environment=Environment(hour=16, rain=0.2))


CASES = [("a street in Paris", CameraState(roll=10, pitch=2)),
         ("a street in Paris", CameraState(roll=-25, yaw=30, x=1.0)),
         ("a forest", CameraState(roll=45, pitch=-12)),
         ("a forest", CameraState(roll=90, pitch=6)),
         ("a snowy village", CameraState(roll=-60, pitch=25, y=4.0)),
         ("a street in Paris", CameraState(roll=170, pitch=-35, y=6.0))]


@pytest.mark.parametrize("scene, camera", CASES, ids=["city-10", "city-25", "forest-45", "forest-90",
                                                       "village-pitched-up", "city-upside-down"])
def test_drawing_only_the_footprint_changes_no_pixel(monkeypatch, scene, camera):
    state = _state(scene, camera)
    clipped = []
    for fill in (0, 255):  # whatever the canvas and the half-resolution bands held before
        with monkeypatch.context() as mp:
            mp.setattr(compositor, "np", _FilledEmpty(fill))
            clipped.append(WorldRenderer(W, H, seed=3).render(state, 5))
    assert np.array_equal(clipped[0], clipped[1])
    whole = WorldRenderer(W, H, seed=3)
    whole.clip_roll = False
    drawn_all = whole.render(state, 5)
    # a layer drawn in pieces is warped from moved matrices: a sample's fixed-point position rounds
    # the other way now and then (one level, a pixel in thousands), as for the occlusion's row runs
    diff = np.abs(clipped[0].astype(np.int16) - drawn_all)
    assert diff.max() <= 1
    assert (diff > 0).mean() < 1e-3


def test_the_kept_canvas_is_drawn_again_every_frame():
    """The rolled canvas is kept between frames: a frame after another is the frame rendered alone."""
    a, b = _state("a street in Paris", CameraState(roll=12)), _state("a forest", CameraState(roll=-20, yaw=50))
    r = WorldRenderer(W, H, seed=3)
    r.render(a, 0)
    after = r.render(b, 1)
    assert np.array_equal(after, WorldRenderer(W, H, seed=3).render(b, 1))


