"""The ground drawn from wrapped maps matches OpenCV's own wrapped warp; the roll's RGBA detour is exact."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from director.engines.previz.camera import View
from director.engines.previz.compositor import _fill_row_maps, _row_lines
from director.engines.previz.lighting import Light
from director.world.state import CameraState, Environment

TILE = (96, 160)  # rows, columns: small, not square, so a swapped axis would show


def _tile() -> np.ndarray:
    """A smooth periodic RGB tile with a sharp line at its seam (column 0 and row 0), so a wrong wrap shows."""
    rng = np.random.default_rng(5)
    tile = rng.integers(0, 256, (*TILE, 3), dtype=np.uint8)
    tile = cv2.GaussianBlur(np.tile(tile, (3, 3, 1)), (0, 0), 3)[TILE[0] : 2 * TILE[0], TILE[1] : 2 * TILE[1]]
    tile = np.ascontiguousarray(tile)
    tile[:, 0] = (250, 20, 20)
    tile[0, :] = (20, 250, 20)
    return tile


@pytest.mark.parametrize("yaw, pitch, x, z", [(0.0, -8.0, 0.0, 0.0), (33.0, -20.0, 1.3, -4.0), (-71.0, 5.0, 7.5, 50.0)])
def test_wrapped_maps_draw_the_ground_as_a_wrapped_warp(yaw, pitch, x, z):
    view = View.from_state(CameraState(yaw=yaw, pitch=pitch, x=x, z=z), 320, 180, 0.0, 0)
    ppm = 8.0
    hmat = view.plane_homography(np.zeros(3), np.array([1.0 / ppm, 0, 0]), np.array([0, 0, 1.0 / ppm]))
    r0 = int(math.floor(view.horizon_row + 1))
    hmat = np.array([[1, 0, 0], [0, 1, -r0], [0, 0, 1.0]]) @ hmat
    rows = view.height - r0
    tile = _tile()
    reference = cv2.warpPerspective(tile, hmat, (view.width, rows), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_WRAP)
    map_x, map_y = _fill_row_maps(_row_lines(np.linalg.inv(hmat), rows, TILE), TILE, 0, view.width)
    assert map_x.min() >= 0 and map_x.max() <= TILE[1] and map_y.min() >= 0 and map_y.max() <= TILE[0]
    fixed, frac = cv2.convertMaps(map_x, map_y, cv2.CV_16SC2)
    got = cv2.remap(tile, fixed, frac, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
    diff = np.abs(got.astype(np.int16) - reference)
    # the nearest rows are magnified (the seam lines are wide and must be in the same places); the
    # farthest sample the tile hundreds of texels apart, where a sub-texel rounding picks other texels
    near = rows // 3
    assert diff[-near:].max() <= 3
    assert diff.mean() < 0.5
    assert (diff > 24).mean() < 0.01


def test_hazes_are_haze_row_by_row():
    depths = np.array([0.0, 0.5, 3.0, 24.9, 25.0, 90.0, 700.0, 5e4, 1e6])
    for env in (Environment(hour=15), Environment(hour=23, fog=0.6), Environment(hour=19, rain=0.5, fog=0.2)):
        light = Light.from_environment(env)
        assert np.allclose(light.hazes(depths), [light.haze(d) for d in depths], rtol=0, atol=1e-12)
