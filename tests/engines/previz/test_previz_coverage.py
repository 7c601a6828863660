"""A layer is warped and blended only where it holds anything (``coverage``), and the frame is as if it drew all."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz import compositor, coverage, textures
from director.engines.previz.compositor import WorldRenderer
from director.engines.previz.coverage import Coverage
from director.engines.previz.textures import ColumnBlocks, LayerTexture
from director.world.state import CameraState, EntityState, Environment, WorldState

W, H = 320, 180

CASES = [
    ("a street in Paris", CameraState(yaw=10, pitch=3), Environment(hour=15, rain=0.3)),
    ("a street in Paris", CameraState(yaw=-140, pitch=-8, x=2.0, z=-3.0), Environment(hour=19.5)),  # windows glow
    ("a forest", CameraState(yaw=25, pitch=1.5, z=4.0), Environment(hour=9, fog=0.3)),
    ("a forest", CameraState(yaw=200, pitch=14, y=3.0), Environment(hour=12)),
    ("a snowy village", CameraState(yaw=-5, pitch=-2), Environment(hour=21, snow=0.5)),
    ("a snowy village", CameraState(yaw=75, roll=12, z=-6.0), Environment(hour=16)),
]
IDS = ["city", "city-dusk-turned", "forest", "forest-pitched-up", "village", "village-rolled"]


def _state(scene: str, camera: CameraState, env: Environment) -> WorldState:
    girl = EntityState("girl", "person", "a girl in a red dress", None, 0.5, 6.0, 90, "walk", 1.2, 0.3)
    return WorldState(1.0, scene=scene, entities=(girl,), camera=camera, environment=env)


@pytest.fixture(autouse=True)
def cells_for_the_small_frame(monkeypatch):
    """Cells a quarter of their size at 1280 x 720, as the frames here are (a skyline's gaps span as many)."""
    monkeypatch.setattr(coverage, "CELL_ROWS", coverage.CELL_ROWS // 4)
    monkeypatch.setattr(coverage, "CELL_COLUMNS", coverage.CELL_COLUMNS // 4)
    monkeypatch.setattr(coverage, "MERGE_PIXELS", coverage.MERGE_PIXELS // 16)
    monkeypatch.setattr(coverage, "MAX_FILLED", 1.0)  # every region planned (the shortcut: its own test)


def _whole(self, inv, column0, window_width, rows, cols):
    return [(rows[0], rows[1], cols[0], cols[1])]


@pytest.mark.parametrize("scene, camera, env", CASES, ids=IDS)
def test_pixels_left_out_get_nothing_from_the_warp(monkeypatch, scene, camera, env):
    """Every pixel of a blended run outside the rectangles warps to transparent black: leaving it is exact."""
    placed_layers = []
    real = WorldRenderer._draw_layer

    def keep(self, frame, placed, hidden=None, footprint=None):
        placed_layers.append((self, placed, frame.shape[1]))  # (a rolled view's canvas is wider than the frame)
        return real(self, frame, placed, hidden, footprint)

    monkeypatch.setattr(WorldRenderer, "_draw_layer", keep)
    WorldRenderer(W, H, seed=3).render(_state(scene, camera, env), 5)
    skipped = 0
    for renderer, placed, width in placed_layers:
        rows = (placed.top, placed.bottom)
        whole = renderer._warp(placed.tex, np.array([[1, 0, 0], [0, 1, -rows[0]], [0, 0, 1.0]]) @ placed.hmat,
                               (width, rows[1] - rows[0]), cv2.BORDER_CONSTANT)
        drawn = np.zeros(whole.shape[:2], bool)
        for y0, y1, x0, x1 in placed.coverage.rects(placed.inv, placed.column0, placed.tex.shape[1], rows,
                                                    (0, whole.shape[1])):
            drawn[y0 - rows[0] : y1 - rows[0], x0:x1] = True
        assert not whole[~drawn].any()
        skipped += int((~drawn).sum())
    assert skipped > 0, "the case must have cells a layer leaves alone"


@pytest.mark.parametrize("scene, camera, env", CASES, ids=IDS)
def test_drawing_only_the_filled_cells_changes_no_pixel_but_rounding(monkeypatch, scene, camera, env):
    state = _state(scene, camera, env)
    areas = []
    real = Coverage.rects

    def counted(self, *args):
        got = real(self, *args)
        (a, b), (x0, x1) = args[3], args[4]
        areas.append((sum((r[1] - r[0]) * (r[3] - r[2]) for r in got), (b - a) * (x1 - x0)))
        return got

    monkeypatch.setattr(Coverage, "rects", counted)
    cells = [WorldRenderer(W, H, seed=3).render(state, 5, out=np.full((H, W, 3), fill, np.uint8)) for fill in (0, 255)]
    assert np.array_equal(cells[0], cells[1])
    drawn, total = map(sum, zip(*areas))
    assert drawn < 0.9 * total, "the case must leave some of its blended rows alone"
    monkeypatch.setattr(Coverage, "rects", _whole)
    whole = WorldRenderer(W, H, seed=3).render(state, 5)
    # a rectangle is warped from the layer's matrix moved to its corner: a sample's float32 position rounds
    # the other way now and then (one level, a pixel in thousands), as for the occlusion's row runs
    diff = np.abs(cells[0].astype(np.int16) - whole)
    assert diff.max() <= 1
    assert (diff > 0).mean() < 1e-3


@pytest.mark.parametrize("scene, camera, env", CASES, ids=IDS)
def test_a_frame_makes_only_the_texels_its_warps_read(monkeypatch, scene, camera, env):
    """Layers are baked (and re-lit) as frames ask for their texels: a frame asks for the columns and rows its
    pieces read (not its whole windows, nor the rows nearer layers hide), and shows what it shows with every
    window texel made."""
    state = _state(scene, camera, env)
    asked = []
    real_call, real_window = ColumnBlocks.__call__, LayerTexture.window

    def counted(self, c0, c1, r0=0, r1=None):
        asked.append((c1 - c0) * ((self.height if r1 is None else r1) - r0))
        return real_call(self, c0, c1, r0, r1)

    def whole_window(self, s_min, s_max):  # as before: the window made whole when a frame places the layer
        view, start = real_window(self, s_min, s_max)
        self.make(start, 0, view.shape[1])
        return view, start

    monkeypatch.setattr(ColumnBlocks, "__call__", counted)
    monkeypatch.setattr(textures, "COLUMN_BLOCK", 1)  # every texel made as asked: one too few would show
    monkeypatch.setattr(textures, "ROW_BAND", 1)
    frame = WorldRenderer(W, H, seed=3).render(state, 5)
    read, asked[:] = sum(asked), []
    monkeypatch.setattr(LayerTexture, "window", whole_window)
    assert np.array_equal(frame, WorldRenderer(W, H, seed=3).render(state, 5))
    assert read < 0.95 * sum(asked)


def _texture(rows: int, period: int, ext: int) -> np.ndarray:
    """Premultiplied RGBA, periodic: a few opaque and half-transparent blobs on transparent black, some across
    the period's end."""
    rng = np.random.default_rng(7)
    tex = np.zeros((rows, period, 4), np.uint8)
    for _ in range(6):
        cx, cy, r = int(rng.integers(0, period)), int(rng.integers(0, rows)), int(rng.integers(2, 9))
        a = int(rng.choice([255, 120]))
        for dx in (-period, 0, period):
            cv2.circle(tex, (cx + dx, cy), r, (a // 2, a // 3, a, a), -1)
    return np.concatenate([tex, tex[:, :ext]], axis=1)


@pytest.mark.parametrize("column0", [0, 150, 181, -37])
@pytest.mark.parametrize("pitched", [False, True])
def test_a_window_across_the_period_end_is_counted_from_both_ends(column0, pitched):
    period, rows = 200, 90
    tex = _texture(rows, period, 400)
    cov = Coverage.of(tex[:, :period].max(axis=2))
    start = column0 % period
    window = tex[:, start : start + 300]
    # frame -> window: a zoom by 1.3 moved 7.25 columns and 3.5 rows in; pitched: a row's depth changes with it
    # (a level view of a plane facing it: its depth changes with the row only, so rows stay rows)
    inv = np.array([[1.3, 0.0, 7.25], [0.0, 1.3, 3.5], [0.0, 0.0012 if pitched else 0.0, 1.0]])
    size = (200, 64)
    warped = cv2.warpPerspective(window, np.linalg.inv(inv), size, flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT)
    drawn = np.zeros(warped.shape[:2], bool)
    rects = cov.rects(inv, column0, window.shape[1], (0, size[1]), (0, size[0]))
    for y0, y1, x0, x1 in rects:
        assert not drawn[y0:y1, x0:x1].any(), "rectangles never overlap (a pixel is blended once)"
        drawn[y0:y1, x0:x1] = True
    assert warped[drawn].any() and not warped[~drawn].any()
    assert (~drawn).mean() > 0.2


def test_an_empty_region_is_no_rectangle_and_a_full_one_is_one():
    cov = Coverage.of(np.zeros((40, 100), np.uint8))
    assert cov.rects(np.eye(3), 0, 100, (0, 40), (0, 100)) == []
    cov = Coverage.of(np.full((40, 100), 3, np.uint8))
    assert cov.rects(np.eye(3), 0, 100, (0, 40), (0, 100)) == [(0, 40, 0, 100)]
    part = np.zeros((40, 100), np.uint8)
    part[:, 30:60] = 1
    cov = Coverage.of(part)
    # a cell's reach: its bilinear neighbour, the margin, the blocks the sums are kept in
    reach = coverage.SAMPLE_MARGIN + 2 + coverage.CELL_COLUMNS + coverage.BLOCK_COLUMNS
    for window, end in ((100, 60), (45, 45)):  # beyond a window's columns the warp reads its transparent border
        got = cov.rects(np.eye(3), 0, window, (0, 40), (0, 100))
        assert [r[:2] for r in got] == [(0, 40)]
        assert 30 - reach <= got[0][2] <= 30 and end <= got[0][3] <= end + reach


def test_the_bake_counts_every_texel_its_layers_fill():
    """The coverage a bake gives (from alpha and glow, for every light) holds each block that a baked or re-lit
    texture fills: a street at dusk, windows lit."""
    from director.engines.previz.grade import Grade
    from director.engines.previz.lighting import Light
    from director.engines.previz.relight import relight_layer
    from director.engines.previz.scenes import recipe_for
    from director.engines.previz.textures import LayerTexture, bake_layer, paint_layers
    from director.plan.styles import get_style
    from director.world.scene_kind import choose_scene

    recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
    grade = Grade(get_style("natural"))
    anchor = Light.from_environment(Environment(hour=12.0))
    dusk = Light.from_environment(Environment(hour=19.8))
    for p in paint_layers(recipe, 320, 5):
        args = (recipe.ground, recipe.indoor, True, recipe.lamps)
        base = bake_layer(p, anchor, grade, *args[:2], apron_ground=True, lamps=recipe.lamps, glow=False)
        relit = relight_layer(base, p, anchor, dusk, grade, *args)
        for layer in [bake_layer(p, dusk, grade, *args[:2], apron_ground=True, lamps=recipe.lamps)] + (
                [relit] if relit is not None else []):
            baked = layer.coverage()
            made = LayerTexture(None, layer.ready(), 1.0, layer.period_px, 0.0).coverage()
            assert baked.sums.shape == made.sums.shape
            blocks = np.diff(np.diff(baked.sums, axis=0), axis=1)
            filled = np.diff(np.diff(made.sums, axis=0), axis=1)
            assert (filled <= blocks).all()
            assert filled.sum() > 0 and blocks.sum() < blocks.size  # a real layer, with room to skip


def test_strips_join_when_that_draws_little_more_and_never_overlap():
    rows, cols = coverage.CELL_ROWS, coverage.CELL_COLUMNS
    grid = np.zeros((4, 30), bool)
    grid[0, 2:6] = grid[1, 2:7] = True  # one cell wider: joined
    grid[0, 20:24] = grid[1, 20:24] = True
    grid[2, 2:13] = grid[2, 18:24] = True  # the left run reaches towards the right one: not joined (far more)
    grid[3, 2:20] = grid[3, 25:29] = True  # joined, the left one would cover the right one's first cells
    got = coverage._runs(grid, 0, 4 * rows, 0, 30 * cols)
    assert got[:2] == [(0, 2 * rows, 2 * cols, 7 * cols), (0, 2 * rows, 20 * cols, 24 * cols)]
    assert got[2:] == [(2 * rows, 3 * rows, 2 * cols, 13 * cols), (2 * rows, 3 * rows, 18 * cols, 24 * cols),
                       (3 * rows, 4 * rows, 2 * cols, 20 * cols), (3 * rows, 4 * rows, 25 * cols, 29 * cols)]


def test_a_rolled_view_cuts_the_planned_rectangles_to_its_footprint():
    from director.engines.previz.footprint import Footprint

    x0 = np.array([10] * 10 + [0] * 10 + [30] * 10 + [5] * 10)
    x1 = np.array([50] * 10 + [60] * 10 + [30] * 10 + [40] * 10)  # rows 20..29: nothing to draw
    fp = Footprint(x0, x1, 64)
    rects = [(4, 20, 0, 20), (4, 20, 40, 64), (20, 30, 0, 64), (25, 40, 20, 64)]
    assert compositor._clip_to_footprint(rects, fp) == [(4, 20, 0, 20), (4, 20, 40, 60), (25, 40, 20, 40)]


def test_a_region_whose_texture_is_mostly_filled_is_drawn_whole_without_a_plan(monkeypatch):
    monkeypatch.setattr(coverage, "MAX_FILLED", 0.4)
    part = np.zeros((40, 320), np.uint8)
    part[:, :200] = 1  # ~60 % of the blocks the region shows
    assert Coverage.of(part).rects(np.eye(3), 0, 320, (0, 40), (0, 320)) == [(0, 40, 0, 320)]
    part[:, 60:200] = 0  # ~20 %: planned, the empty columns left out
    got = Coverage.of(part).rects(np.eye(3), 0, 320, (0, 40), (0, 320))
    assert len(got) == 1 and got[0][3] < 120
