"""Gestures and poses (issue 14): "she waves", "he points", "she sits down", "they dance", "he jumps",
"she falls" are read as actions, held in the compiled world and drawn as poses by previz."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz import figures
from director.world import compile_timeline
from director.plan.timeline import timeline_from_data

WOMAN = {"name": "woman", "text": "a woman in a red dress"}
GIRL, GRANDPA = {"name": "girl", "text": "a little girl"}, {"name": "grandpa", "text": "an old man"}


def compiled(phrase, cast):
    data = {"duration": 8, "world": {"scene": "a street", "characters": cast}, "directives": [{"at": 1, "text": phrase}]}
    return compile_timeline(timeline_from_data(data), use_embeddings=False)


@pytest.mark.parametrize(("phrase", "cast", "action"), [
    ("the woman waves at the camera", [WOMAN], "wave"),
    ("Tom points at the house", [{"name": "Tom", "text": "a man in a blue coat"}], "point"),
    ("she sits down", [WOMAN], "sit"),
    ("they dance", [GIRL, GRANDPA], "dance"),
    ("he jumps", [GRANDPA], "jump"),
    ("she falls", [WOMAN], "fall"),
])
def test_gestures_are_understood_and_done_in_place(phrase, cast, action):
    s = compiled(phrase, cast)
    assert s.interpretations[-1].understood
    before = {e.id: e for e in s.state_at(0.5).entities}
    during = s.state_at(2.0).entities
    assert len(during) == len(cast) and all(e.action == action and e.gesture == pytest.approx(1.0) for e in during)
    assert all((e.x, e.z) == (before[e.id].x, before[e.id].z) for e in during)  # in place


def test_a_wave_ends_but_sitting_and_falling_hold():
    assert compiled("she waves", [WOMAN]).state_at(7.5).entities[0].action == "idle"
    assert compiled("she sits down", [WOMAN]).state_at(7.5).entities[0].action == "sit"
    assert compiled("she falls", [WOMAN]).state_at(7.5).entities[0].action == "fall"


def _box(rgba):
    ys, xs = np.nonzero(rgba[..., 3] > 128)
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1, rgba.shape[0] - 1 - ys.max()


@pytest.mark.parametrize("view", ["front", "right"])
def test_poses_change_the_silhouette(view):
    def draw(action, phase):
        return figures.draw_figure("person", "a woman in a red dress", view, phase, action, 120).rgba

    w0, h0, gap0 = _box(draw("idle", 0.0))
    assert _box(draw("sit", 1.0))[1] < 0.85 * h0  # seated: lower
    w, h, _ = _box(draw("fall", 1.0))
    assert w > 1.5 * h  # lying down: longer than tall
    assert _box(draw("jump", 0.5))[2] > gap0 + 0.1 * h0  # off the ground
    assert _box(draw("wave", 0.25))[1] > 1.05 * h0  # the hand above the head
    assert _box(draw("point", 0.0))[0] > 1.3 * w0  # the arm out
    assert not np.array_equal(draw("dance", 0.25), draw("dance", 0.75))  # it moves


def test_gesture_phase_cycles_or_holds():
    assert figures.gesture_phase("wave", 0.2) != figures.gesture_phase("wave", 0.6)
    assert figures.gesture_phase("sit", 5.0) == 1.0 and figures.gesture_phase("fall", 0.0) == 0.0


def test_a_crowd_gathers_as_several_people_from_both_sides():
    s = compiled("a crowd gathers", [WOMAN])
    assert s.interpretations[-1].understood
    crowd = [e for e in s.state_at(7.5).entities if e.id != "woman"]
    assert len(crowd) >= 5 and all(e.kind == "person" and e.presence == 1.0 and e.speed == 0 for e in crowd)
    spots = {(round(e.x, 1), round(e.z, 1)) for e in crowd}
    assert len(spots) >= 4  # spread out, not one on top of the other
    sides = {e.x > 0 for e in s.state_at(1.6).entities if e.id != "woman"}
    assert sides == {True, False}  # in from the left and from the right
    around = compiled("a crowd of people gathers around the woman", [WOMAN]).state_at(7.5).entities
    assert len(around) >= 6 and all(abs(e.x) < 1.5 and abs(e.z - around[0].z) < 1.5 for e in around)
