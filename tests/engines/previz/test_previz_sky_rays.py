"""A sky band's maps worked out on a grid and interpolated are the rays' own within a hundredth of a texel,
and a view past the zenith is worked out at every pixel."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from director.engines.previz import sky_rays as rays_module
from director.engines.previz.sky_rays import sky_rays


def _every_pixel(pitch, focal, width, height, rows, hs, ws, ppr, texture_rows, top):
    """The maps of every pixel worked out exactly (float64, exact atan2)."""
    u = (np.arange(ws) + 0.5) * (width / ws) - 0.5
    v = (np.arange(hs) + 0.5) * (rows / hs) - 0.5
    x, y = (u - width / 2.0) / focal, -(v - height / 2.0) / focal
    cp, sp = math.cos(pitch), math.sin(pitch)
    fwd, side = np.broadcast_arrays((cp - sp * y)[:, None], x[None, :])
    up = (sp + cp * y)[:, None]
    column = np.arctan2(side, fwd) * ppr
    row = np.clip((top - up / np.hypot(fwd, side)) * ppr - 0.5, 0, texture_rows - 1)
    return column, row


@pytest.mark.parametrize("pitch_deg", [-30.0, -5.0, 0.0, 3.0, 25.0, 50.0])
def test_interpolated_maps_are_the_rays_own(pitch_deg):
    args = (math.radians(pitch_deg), 1108.5, 1280, 720, 364, 182, 640, 270.4, 757, 2.4)
    got = sky_rays(*args)
    column, row = _every_pixel(*args)
    assert got.column.shape == got.row.shape == (182, 640)
    # cartToPolar's angles are within ~0.3 degrees (1.4 texels here): its error, not the grid's, bounds this
    assert np.abs(got.column - column).max() < 1.5 and np.abs(got.row - row).max() < 0.05
    assert got.left <= got.column.min() and got.right >= got.column.max()
    assert np.array_equal(got.reach[0], np.minimum.accumulate(got.row.min(axis=1)))
    assert np.array_equal(got.reach[1], np.maximum.accumulate(got.row.max(axis=1)))


@pytest.mark.parametrize("pitch_deg", [-30.0, 0.0, 12.0, 30.0])
def test_the_grid_is_within_two_hundredths_of_a_texel_of_the_same_rays_worked_out_at_every_pixel(monkeypatch,
                                                                                              pitch_deg):
    args = (math.radians(pitch_deg), 1108.5, 1280, 720, 364, 182, 640, 270.4, 757, 2.4)
    calls = []
    real = cv2.cartToPolar
    monkeypatch.setattr(rays_module.cv2, "cartToPolar", lambda a, b: calls.append(a.shape) or real(a, b))
    got = sky_rays(*args)
    assert calls == [(182 // 8 + 3, 640 // 8 + 2)]  # the grid: a ray every 8 pixels and one more round it
    monkeypatch.setattr(rays_module, "MIN_FORWARD", 10.0)  # every pixel: the same cartToPolar, no grid
    exact = sky_rays(*args)
    assert np.abs(got.column - exact.column).max() < 0.02 and np.abs(got.row - exact.row).max() < 0.02


def test_a_view_past_the_zenith_is_worked_out_at_every_pixel(monkeypatch):
    calls = []
    real = cv2.cartToPolar
    monkeypatch.setattr(rays_module.cv2, "cartToPolar", lambda a, b: calls.append(a.shape) or real(a, b))
    args = (math.radians(80.0), 600.0, 640, 360, 360, 180, 320, 135.2, 380, 2.4)
    got = sky_rays(*args)
    assert calls[-1] == (180, 320)  # every pixel: the azimuth flips behind the zenith
    column, row = _every_pixel(*args)
    wrapped = np.abs(np.angle(np.exp(1j * (got.column - column) / 135.2))) * 135.2  # the same azimuth mod 2 pi
    assert wrapped.max() < 1.5 and np.abs(got.row - row).max() < 0.05
