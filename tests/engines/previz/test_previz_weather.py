"""Rain and snow: drawn on the finished frame, laid out on a rolled view's level canvas and turned with it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz.compositor import WorldRenderer
from director.engines.previz.weather import Field, Particles, draw_snow, rain_streaks
from director.world.state import CameraState, Environment, WorldState

W, H = 320, 180


def _weather(roll: float, **env) -> np.ndarray:
    """bool [H, W]: a rolled view's rain streaks or snow flakes: the pixels brighter than where the particles
    have moved on (the weather also dims the scene: the frame without it is no reference)."""
    def frame(world_t: float) -> np.ndarray:
        state = WorldState(1.0, scene="a forest", camera=CameraState(roll=roll),
                           environment=Environment(hour=15, **env), world_t=world_t)
        return WorldRenderer(W, H, seed=3).render(state, 0).astype(int)

    return (frame(1.0) - frame(1.37)).max(axis=2) > 12


@pytest.mark.parametrize("roll", [0.0, 20.0, -35.0])
def test_rain_falls_along_the_worlds_vertical_in_a_rolled_view(roll):
    """Streaks (no wind) lean by the view's roll, the way the world's vertical does in the frame."""
    changed = _weather(roll, rain=0.6)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(changed.astype(np.uint8))
    angles = []
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < 12:
            continue
        ys, xs = np.nonzero(labels == k)
        cov = np.cov(np.stack([xs, ys]).astype(float))
        vals, vecs = np.linalg.eigh(cov)
        if vals[1] < 9 * max(vals[0], 1e-9):
            continue  # not a line (streaks crossing)
        dx, dy = vecs[:, 1] * np.sign(vecs[1, 1])  # the streak's axis, pointing down the frame
        angles.append(np.degrees(np.arctan2(-dx, dy)))  # from the frame's vertical, clockwise as a roll turns
    assert len(angles) > 20
    assert abs(np.median(angles) - roll) < 3.0, (np.median(angles), roll)


@pytest.mark.parametrize("env", [{"rain": 0.6}, {"snow": 0.8}])
def test_a_rolled_views_weather_reaches_the_frames_corners(env):
    """Laid out on the whole level canvas, the particles fill the turned frame, corners included, about as
    densely as its middle."""
    changed = _weather(30.0, **env)
    h, w = H // 4, W // 4
    corners = [changed[:h, :w], changed[:h, -w:], changed[-h:, :w], changed[-h:, -w:]]
    middle = changed[h:-h, w:-w].mean()
    assert middle > 0
    assert all(c.mean() > 0.4 * middle for c in corners), [c.mean() / middle for c in corners]


def _ends(frame_shape, margin: int, *args) -> list[np.ndarray]:
    """``rain_streaks`` for a frame ``margin`` pixels wider on every side, in the frame's pixels: all of them."""
    *args, where = args
    size = where.size if where else (frame_shape[1], frame_shape[0])
    m = np.eye(2, 3) if where is None or where.to_frame is None else where.to_frame
    wide = Field(size, m + [[0, 0, margin], [0, 0, margin]])
    shape = (frame_shape[0] + 2 * margin, frame_shape[1] + 2 * margin)
    return [g - margin for g in rain_streaks(shape, *args, wide)]


@pytest.mark.parametrize("wind, where", [
    (0.0, None),
    (0.8, None),
    (-1.0, Field((420, 300), cv2.getRotationMatrix2D((210.0, 150.0), -25.0, 1.0) + [[0, 0, -50], [0, 0, -60]])),
    (0.4, Field((380, 280), cv2.getRotationMatrix2D((190.0, 140.0), 137.0, 1.0) + [[0, 0, -30], [0, 0, -50]])),
])
def test_streaks_left_out_would_draw_nothing_on_the_frame(wind, where):
    """``rain_streaks`` drops only streaks wholly off the frame (each drawn alone draws nothing on it), and
    there are such streaks (a rolled view's canvas corners, streaks above and below the frame)."""
    dropped = 0
    for t in np.linspace(0.0, 3.0, 5):  # many streak positions around the frame's edges
        args = (Particles(8), 1.0, t, wind, 0.1, 0.0, 300.0, where)
        kept = rain_streaks((H, W), *args)
        for g, (every, seen) in enumerate(zip(_ends((H, W), 512, *args), kept)):
            codes = {tuple(c) for c in np.round(seen * 4).astype(np.int64).reshape(len(seen), 4).tolist()}
            left_out = [e for e in np.round(every * 4).astype(np.int32) if tuple(e.reshape(4).tolist()) not in codes]
            assert len(left_out) == len(every) - len(seen)  # the kept ones are some of all, none moved
            blank = np.zeros((H, W, 3), np.uint8)
            cv2.polylines(blank, left_out, False, (255, 255, 255), 1, cv2.LINE_AA, 2)
            assert not blank.any()
            dropped += len(left_out)
    assert dropped > 0


def test_snow_flakes_stay_inside_the_frame():
    """Turned flakes that land off the frame (or on its last pixels) are left out, not wrapped or clipped."""
    field = Field((480, 480), cv2.getRotationMatrix2D((240.0, 240.0), 40.0, 1.0) + [[0, 0, -80], [0, 0, -150]])
    frame = np.zeros((H, W, 3), np.uint8)
    draw_snow(frame, Particles(2), 1.0, 1.5, 0.3, 0.0, 0.0, 300.0, (255, 255, 255), field)
    lit = frame.max(axis=2) > 0
    assert lit.sum() > 100
    assert lit[:, :8].any() and lit[:, -8:].any() and lit[:8].any() and lit[-8:].any()  # up to the edges
