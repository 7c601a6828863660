"""Contact sheets: layout and time stamps, and frames identical to what a run makes at those times."""

from __future__ import annotations

import numpy as np
import pytest

from director.sinks.contact_sheet import GAP, contact_sheet, contact_sheet_for, render_instants
from director.run.director import Director
from director.engines.previz import PrevizEngine
from director.plan.timeline import timeline_from_data

TIMELINE = timeline_from_data({
    "duration": 3, "width": 64, "height": 36, "seed": 3,
    "world": {"scene": "a city street", "characters": [{"name": "girl", "text": "a girl in a red coat"}]},
    "directives": [
        {"at": 0.5, "text": "pan left", "duration": 1},
        {"at": 1.0, "text": "a cute cat runs to the girl"},
        {"at": 2.0, "text": "night falls", "duration": 1},
    ],
})


def _frame(value: int, size: tuple[int, int] = (40, 30)) -> np.ndarray:
    return np.full((size[1], size[0], 3), value, np.uint8)


def test_grid_size_and_order() -> None:
    frames = [(_frame(40 * i), float(i)) for i in range(5)]
    sheet = contact_sheet(frames, columns=3)
    assert sheet.size == (3 * 40 + 4 * GAP, 2 * 30 + 3 * GAP)
    arr = np.asarray(sheet)
    # bottom-right pixel of tile i keeps the frame's value (the stamp sits top-left)
    for i in range(5):
        r, c = divmod(i, 3)
        assert tuple(arr[GAP + r * (30 + GAP) + 29, GAP + c * (40 + GAP) + 39]) == (40 * i,) * 3
    assert tuple(arr[-GAP - 1, -GAP - 1]) != (160,) * 3  # the sixth cell is empty background


def test_each_tile_is_stamped_with_its_time() -> None:
    frames = [(_frame(128, (160, 90)), 0.0), (_frame(128, (160, 90)), 83.5)]
    a, b = (np.asarray(contact_sheet([f], 1)) for f in frames)
    assert (a[GAP:GAP + 12, GAP:GAP + 40] != 128).any()  # something written in the corner
    assert not np.array_equal(a, b)  # "0:00.0" and "1:23.5" differ


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one frame"):
        contact_sheet([])
    with pytest.raises(ValueError, match="RGB uint8"):
        contact_sheet([(np.zeros((4, 4), np.uint8), 0.0)])
    with pytest.raises(ValueError, match="columns"):
        contact_sheet([(_frame(0), 0.0)], columns=0)


def _run_frames(engine=None) -> np.ndarray:
    with Director(TIMELINE, engine=engine, use_embeddings=False) as d:
        return np.concatenate([c.frames for c in d.run()])


def test_instants_are_the_frames_a_run_makes() -> None:
    times = [0.0, 1.25, 2.5, 2.99]
    made = _run_frames()
    frames = render_instants(TIMELINE, times, size=None)
    for t, frame in zip(times, frames):
        assert np.array_equal(frame, made[min(len(made) - 1, round(t * TIMELINE.fps))]), t  # clamped to the clip


class _StatefulPreviz(PrevizEngine):
    """Previz under another name: contact sheets must run it from the start like a neural engine."""

    name = "stateful-previz"


def test_stateful_engines_are_run_from_the_start() -> None:
    times = [0.5, 1.5]
    made = _run_frames()
    frames = render_instants(TIMELINE, times, size=None, engine=_StatefulPreviz())
    for t, frame in zip(times, frames):
        assert np.array_equal(frame, made[round(t * TIMELINE.fps)])


def test_contact_sheet_for_a_timeline() -> None:
    sheet = contact_sheet_for(TIMELINE, [0, 1, 2, 3], size=(48, 28), columns=2)
    assert sheet.size == (2 * 48 + 3 * GAP, 2 * 28 + 3 * GAP)
