"""Previz camera: pan, tilt, zoom, dolly and cuts move the picture the way a real camera would."""

from __future__ import annotations

import math

import cv2
import numpy as np

from director.engines.protocol import ChunkRequest, RenderSettings, sample_index
from director.engines.previz import PrevizEngine, PrevizOptions
from director.world.state import CameraState, EntityState, WorldState

W, H = 320, 180


def render(states: list[WorldState], scene_seed: int = 3) -> np.ndarray:
    eng = PrevizEngine(PrevizOptions(audio=False))
    eng.open(RenderSettings(W, H, 24.0, seed=scene_seed), states[0])
    req = ChunkRequest(0, 0, tuple(float(i) / 24 for i in range(len(states))), tuple(states), "", frozenset(), 0,
                       sample_index(len(states), 24.0))
    return eng.render(req).frames


def grey(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)


def shift(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(dx, dy) by which the content of ``a`` moved to give ``b`` (phase correlation)."""
    win = cv2.createHanningWindow((W, H), cv2.CV_32F)
    (dx, dy), _ = cv2.phaseCorrelate(grey(a), grey(b), win)
    return dx, dy


def focal(fov: float = 55.0) -> float:
    return (W / 2) / math.tan(math.radians(fov) / 2)


def test_pan_right_moves_content_left():
    a, b = render([WorldState(0, scene="city street"), WorldState(0, scene="city street", camera=CameraState(yaw=3))])
    dx, dy = shift(a, b)
    assert dx < -0.6 * focal() * math.tan(math.radians(3)), (dx, dy)
    assert abs(dy) < 2


def test_tilt_up_moves_content_down():
    a, b = render([WorldState(0, scene="forest"), WorldState(0, scene="forest", camera=CameraState(pitch=3))])
    dx, dy = shift(a, b)
    assert dy > 0.6 * focal() * math.tan(math.radians(3)), (dx, dy)
    assert abs(dx) < 2


def test_zoom_scales_about_the_centre():
    fov2 = 2 * math.degrees(math.atan(math.tan(math.radians(27.5)) / 1.5))  # a 1.5x zoom
    a, b = render([WorldState(0, scene="city"), WorldState(0, scene="city", camera=CameraState(fov=fov2))])
    errors = {}
    for s in (1.0, 1.25, 1.5, 1.75, 2.0):
        m = cv2.getRotationMatrix2D((W / 2, H / 2), 0, s)
        scaled = cv2.warpAffine(a, m, (W, H))
        c = (slice(H // 4, 3 * H // 4), slice(W // 4, 3 * W // 4))
        errors[s] = float(np.abs(grey(scaled)[c] - grey(b)[c]).mean())
    assert min(errors, key=errors.get) == 1.5, errors


def _figure_height(frame: np.ndarray, empty: np.ndarray) -> int:
    diff = np.abs(frame.astype(int) - empty.astype(int)).sum(axis=2) > 30
    rows = np.nonzero(diff.any(axis=1))[0]
    return int(rows.max() - rows.min() + 1) if len(rows) else 0


def test_dolly_grows_near_more_than_far():
    def person(z):
        return (EntityState("p", "person", "", None, 0.0, z, 90),)

    states = []
    for cam_z in (0.0, 2.0):
        cam = CameraState(z=cam_z)
        states += [WorldState(0, scene="desert", camera=cam), WorldState(0, scene="desert", camera=cam, entities=person(8)),
                   WorldState(0, scene="desert", camera=cam, entities=person(40))]
    f = render(states)
    near0, far0 = _figure_height(f[1], f[0]), _figure_height(f[2], f[0])
    near1, far1 = _figure_height(f[4], f[3]), _figure_height(f[5], f[3])
    assert near1 / near0 > 1.25 and far1 / far0 < 1.1, (near0, near1, far0, far1)
    # layers: the near layer (18 m) slides outward faster than the far one; the frame changes most at the edges
    assert np.abs(grey(f[3]) - grey(f[0])).mean() > 1.0


def test_truck_gives_parallax():
    """Moving the camera sideways shifts near things more than far things."""
    a, b = render([WorldState(0, scene="countryside"), WorldState(0, scene="countryside", camera=CameraState(x=1.5))])
    top = slice(int(H * 0.35), int(H * 0.45))  # far hills band near the horizon
    bottom = slice(int(H * 0.5), int(H * 0.62))  # near fence band
    def band_shift(rows):
        (dx, _), _ = cv2.phaseCorrelate(grey(a)[rows], grey(b)[rows])
        return dx
    assert band_shift(bottom) < band_shift(top) - 2


def test_cut_is_a_hard_cut():
    cams = [CameraState(yaw=0.0), CameraState(yaw=0.4), CameraState(yaw=130, x=5, fov=35, cut=1)]
    f = render([WorldState(0, scene="city", camera=c) for c in cams])
    within = np.abs(f[1].astype(int) - f[0].astype(int)).mean()
    across = np.abs(f[2].astype(int) - f[1].astype(int)).mean()
    assert across > 20 and across > 4 * within, (within, across)


def test_roll_rotates_clockwise():
    a, b = render([WorldState(0, scene="beach"), WorldState(0, scene="beach", camera=CameraState(roll=8))])
    # the horizon (strong horizontal edge) tilts: left side up, right side down for a clockwise rotation
    def horizon_row(img, cols):
        g = grey(img)[:, cols].mean(axis=1)
        return int(np.argmax(np.abs(np.diff(g))))
    left, right = slice(20, 60), slice(W - 60, W - 20)
    assert horizon_row(b, left) < horizon_row(a, left) and horizon_row(b, right) > horizon_row(a, right)
