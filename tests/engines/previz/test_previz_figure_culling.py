"""Figures wholly outside the frame are not drawn (issue 13): a close figure walking out of shot made a
sprite as tall as the frame every pose, lit and premultiplied, for nothing. ``figure_bounds`` must hold
every drawing, or a figure at the frame's edge would be left out while part of it shows."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz import figures
from director.engines.previz.camera import View
from director.engines.previz.compositor import WorldRenderer
from director.world.state import CameraState, EntityState, Environment, WorldState

ACTIONS = ("idle", "walk", "run") + figures.GESTURE_POSES
DESCRIPTIONS = ("", "a tall man", "a little girl", "a huge dog", "a tiny kitten", "a heavy old man")


@pytest.mark.parametrize("kind", sorted(figures.SIZES))
def test_every_drawing_fits_its_bounds(kind):
    for action in ACTIONS:
        for view in ("left", "right", "front", "back"):
            for description in DESCRIPTIONS:
                for height in (7.0, 60.0, 150.0):
                    for phase in (0.0, 0.5):
                        rgba = figures.draw_figure(kind, description, view, phase, action, height).rgba
                        w, h = figures.figure_bounds(kind, description, view, action, height)
                        assert rgba.shape[1] <= w and rgba.shape[0] <= h, (kind, action, view, description, height)


def _state(x: float, z: float = 4.0, kind: str = "person") -> WorldState:
    walker = EntityState("a", kind, "a girl in a red dress", None, x, z, 90, "walk", 1.2, 0.3)
    return WorldState(0.0, scene="a street in Paris", entities=(walker,), camera=CameraState(),
                      environment=Environment(hour=21.0))


@pytest.fixture
def drawn(monkeypatch):
    """Heights of the figures drawn from now on."""
    heights = []
    real = figures.draw_figure

    def counting(kind, description, view, phase, action, height_px):
        heights.append(height_px)
        return real(kind, description, view, phase, action, height_px)

    monkeypatch.setattr(figures, "draw_figure", counting)
    return heights


def test_a_figure_beside_the_frame_is_not_drawn(drawn):
    r = WorldRenderer(320, 180, seed=3)
    empty = r.render(WorldState(0.0, scene="a street in Paris", camera=CameraState(), environment=Environment(hour=21.0)), 0)
    for x in (-6.0, 6.0):  # 4 m away and 6 m to the side: out of a 60 degree view
        assert np.array_equal(r.render(_state(x), 0), empty)
    assert drawn == []
    r.render(_state(0.0), 0)
    assert len(drawn) == 1


def test_a_figure_partly_in_the_frame_is_drawn(drawn):
    r = WorldRenderer(320, 180, seed=3)
    view = View.from_state(CameraState(), 320, 180, 0.0, 3)
    edge_x = 4.0 * (160 / view.focal)  # the frame's right edge at 4 m
    frame = r.render(_state(edge_x + 0.2), 0)  # the ground point just outside, half the body inside
    assert len(drawn) == 1
    empty = r.render(WorldState(0.0, scene="a street in Paris", camera=CameraState(), environment=Environment(hour=21.0)), 0)
    assert (np.abs(frame.astype(int) - empty.astype(int)).sum(axis=2) > 30)[:, 300:].any()
