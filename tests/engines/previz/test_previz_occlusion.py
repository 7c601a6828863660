"""Rows hidden by opaque layers are not drawn behind them, and the frame is as if they were."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz import compositor, occlusion
from director.engines.previz.compositor import WorldRenderer
from director.engines.previz.occlusion import HIDDEN, MIXED, OPAQUE, hidden_from, row_runs, visible_from
from director.world.state import CameraState, EntityState, Environment, WorldState

W, H = 320, 180


def _state(scene: str, camera: CameraState, env: Environment) -> WorldState:
    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    return WorldState(1.0, scene=scene, entities=(girl,), camera=camera, environment=env)


CASES = [
    ("a street in Paris", CameraState(yaw=10, pitch=3), Environment(hour=15, rain=0.3)),
    ("a street in Paris", CameraState(yaw=-40, pitch=-6, x=2.0, z=-3.0), Environment(hour=18.2)),
    ("a street in Paris", CameraState(roll=10, pitch=2), Environment(hour=15)),
    ("a forest", CameraState(yaw=25, pitch=1.5, z=4.0), Environment(hour=9, fog=0.3)),
    ("a snowy village", CameraState(yaw=-5, pitch=-2), Environment(hour=21, snow=0.5)),
]


@pytest.mark.parametrize("scene, camera, env", CASES, ids=["city", "city-turned", "city-rolled", "forest", "village"])
def test_skipping_hidden_rows_changes_no_pixel(monkeypatch, scene, camera, env):
    state = _state(scene, camera, env)
    hidden_rows = []
    real = compositor.covered_rows

    def counted(*args):
        got = real(*args)
        hidden_rows.append(int(got.sum()))
        return got

    monkeypatch.setattr(compositor, "covered_rows", counted)
    skipping = [WorldRenderer(W, H, seed=3).render(state, 5, out=np.full((H, W, 3), fill, np.uint8))
                for fill in (0, 255)]  # stale bytes under the skipped rows must never show
    assert sum(hidden_rows) > 0, "the case must have rows that an opaque layer covers"
    monkeypatch.setattr(compositor, "covered_rows",
                        lambda inv, window, opaque, top, bottom, width: np.zeros(bottom - top, bool))
    drawing_all = WorldRenderer(W, H, seed=3).render(state, 5)
    assert np.array_equal(skipping[0], skipping[1])
    # a layer drawn in row runs is warped piecewise: its matrix moved by a run's first row rounds a
    # sample's fixed-point position the other way now and then (one level, a pixel in thousands)
    diff = np.abs(skipping[0].astype(np.int16) - drawing_all)
    assert diff.max() <= 1
    assert (diff > 0).mean() < 1e-3


def test_runs_join_short_ones_into_blends():
    k = np.array([MIXED] * 3 + [OPAQUE] * 20 + [HIDDEN] * 4 + [OPAQUE] * 2 + [MIXED] * 5 + [HIDDEN] * 15)
    assert row_runs(k, 100, min_run=12) == [(MIXED, 100, 103), (OPAQUE, 103, 123), (MIXED, 123, 134),
                                            (HIDDEN, 134, 149)]
    assert row_runs(np.array([], int), 0) == []


def test_hidden_runs_at_the_horizon():
    hidden = np.zeros(20, bool)
    hidden[5:12] = True
    assert hidden_from(hidden, 9) == 5 and hidden_from(hidden, 3) == 4 and hidden_from(hidden, 11) == 5
    assert visible_from(hidden, 7) == 12 and visible_from(hidden, 2) == 2 and visible_from(hidden, 15) == 15
    hidden[:] = True
    assert hidden_from(hidden, 19) == 0 and visible_from(hidden, 0) == 20


def test_a_row_counts_covered_only_with_opaque_texels_across_the_whole_width():
    opaque = np.zeros(50, bool)
    opaque[10:40] = True
    asked = []

    def opaque_between(c0, c1):
        asked.append((c0, c1))
        return opaque

    identity = np.array([[1, 0, 10.0], [0, 1, 0], [0, 0, 1]])  # frame pixels to window pixels: 10 columns in
    got = occlusion.covered_rows(identity, 100, opaque_between, 0, 50, 80)
    # rows next to a transparent one are not counted (the bilinear filter reads it)
    assert np.array_equal(np.flatnonzero(got), np.arange(11, 38))
    # the frame's 80 columns sample window columns 10..89, the filter reads 90 too, and one more either side
    assert asked == [(9, 92)]
    # a window narrower than the frame leaves a transparent border: nothing is covered
    assert not occlusion.covered_rows(identity, 60, opaque_between, 0, 50, 80).any()


def test_a_row_opaque_where_the_frame_reads_it_covers_whatever_the_rest_of_the_period_holds():
    """A gap in a layer's row outside the columns a frame reads (an alley round the corner) leaves the row
    covering; a gap among those columns, or within a texel of them, does not."""
    from director.engines.previz.textures import LayerTexture

    tex = np.zeros((60, 400, 4), np.uint8)
    tex[10:50, :, 3] = 255
    tex[20:30, 300, 3] = 0  # a gap far to the right of what the frame reads
    tex[32:36, 91, 3] = 254  # a texel short of opaque, one column right of the last column read (90)
    tex[40:44, 50, 3] = 0  # a gap among the columns read
    layer = LayerTexture(spec=None, tex=tex, ppm=10.0, period_px=320, y_top=5.0)
    identity = np.array([[1, 0, 10.0], [0, 1, 0], [0, 0, 1]])  # frame columns 0..79 read window columns 10..90
    # a covered frame row's texture row, the one above and the two below must be opaque over columns 9..91
    got = occlusion.covered_rows(identity, 400, lambda c0, c1: layer.opaque_between(0, c0, c1), 0, 60, 80)
    rows = set(np.flatnonzero(got).tolist())
    assert set(range(20, 30)) <= rows  # the far gap hides nothing
    assert not rows & set(range(31, 37))  # the texel next to the last column read is read by the filter
    assert not rows & set(range(39, 45))
    assert rows == set(range(11, 30)) | {37} | set(range(45, 48))
    # the same columns seen from a window that starts a period later: the period repeats
    again = occlusion.covered_rows(identity, 400, lambda c0, c1: layer.opaque_between(320, c0, c1), 0, 60, 80)
    assert np.array_equal(again, got)


def test_opacity_over_columns_that_wrap_around_the_period():
    from director.engines.previz.textures import OPAQUE_BLOCK, _opaque_blocks, opaque_over

    alpha = np.full((3, 4 * OPAQUE_BLOCK + 5), 255, np.uint8)
    alpha[1, 2] = 0  # row 1: a gap in its first block
    alpha[2, -1] = 0  # row 2: a gap in its last block (the 5 columns left)
    blocks, period = _opaque_blocks(alpha), alpha.shape[1]
    assert blocks.shape == (3, 6)  # 5 blocks, counted from 0
    assert opaque_over(blocks, period, OPAQUE_BLOCK, 3 * OPAQUE_BLOCK).tolist() == [True, True, True]
    assert opaque_over(blocks, period, period - 3, period + 10).tolist() == [True, False, False]  # wraps
    far_left = -2 * period + OPAQUE_BLOCK + 1  # two periods to the left of the second block
    assert opaque_over(blocks, period, far_left, far_left + OPAQUE_BLOCK).tolist() == [True, True, True]
    assert opaque_over(blocks, period, 7, 7 + period).tolist() == [True, False, False]  # the whole period
