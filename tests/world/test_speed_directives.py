"""Slow motion and time-lapse (issue 14): read from what people type, run on the world clock (figures,
particles, the sky), prompted to neural engines, and measured by ``director check``."""

from __future__ import annotations

import pytest

from director.check import check_clip
from director.commands import parse_command
from director.engines.previz.sky_drift import sky_drift
from director.plan.timeline import Character, SceneChange, Timeline
from director.run.render import render
from director.world.script import compile_timeline, describe_part

WOMAN = [{"name": "woman", "text": "a woman in a red dress"}]


@pytest.mark.parametrize(("text", "rate"), [
    ("slow motion", 0.25), ("in slow motion", 0.25), ("slow-mo", 0.25), ("everything slows down", 0.25),
    ("time slows to a crawl", 0.25), ("super slow motion", 0.1), ("speed up time", 10.0),
    ("time-lapse of the clouds", 10.0), ("a timelapse", 10.0), ("fast forward", 10.0),
    ("back to normal speed", 1.0), ("real time", 1.0),
])
def test_speed_phrases_are_read(text, rate):
    r = parse_command(text, [Character(name="girl")], use_embeddings=False)
    assert r.understood and r.parts == (SceneChange(speed=rate),), r


@pytest.mark.parametrize("text", ["the girl slows down", "slowly pan left", "slow dolly in on the girl"])
def test_a_character_or_a_slow_camera_is_not_a_speed_change(text):
    r = parse_command(text, [Character(name="girl")], use_embeddings=False)
    assert all(not (isinstance(p, SceneChange) and p.speed) for p in r.parts), r


def _timeline(directives, duration=4.0, **extra) -> Timeline:
    return Timeline.model_validate({"duration": duration, "width": 320, "height": 180, "fps": 24, "seed": 3,
                                    "world": {"scene": "a busy street with cafes", "characters": WOMAN},
                                    "directives": directives, **extra})


def test_slow_motion_slows_the_world_not_the_directives():
    normal = compile_timeline(_timeline([{"at": 0, "text": "she walks to the right"}]), use_embeddings=False)
    slow = compile_timeline(_timeline([{"at": 0, "text": "she walks to the right"}, {"at": 0.5, "text": "slow motion"}]),
                            use_embeddings=False)
    assert slow.interpretations[1].understood and "slow motion" in describe_part(slow.interpretations[1].parts[0])
    x = lambda s, t: s.state_at(t).entity("woman").x  # noqa: E731
    assert x(slow, 0.5) == pytest.approx(x(normal, 0.5))  # nothing changes before the directive
    assert x(slow, 1.3) - x(slow, 0.5) == pytest.approx((x(normal, 0.7) - x(normal, 0.5)), rel=1e-6)  # 0.8 s at x0.25
    assert slow.state_at(1.3).world_time == pytest.approx(0.7) and normal.state_at(1.3).world_t is None
    # A character's later directive still starts at its own video time.
    later = compile_timeline(_timeline([{"at": 0.5, "text": "slow motion"}, {"at": 2.0, "text": "she waves"}]),
                             use_embeddings=False)
    assert later.state_at(1.9).entity("woman").action == "idle" and later.state_at(2.1).entity("woman").action == "wave"


def test_the_sky_turns_only_in_a_time_lapse():
    fast = compile_timeline(_timeline([{"at": 1.0, "text": "time-lapse"}]), use_embeddings=False)
    slow = compile_timeline(_timeline([{"at": 1.0, "text": "slow motion"}]), use_embeddings=False)
    assert sky_drift(fast.state_at(0.9)) == 0.0 and sky_drift(fast.state_at(2.0)) > 0.2
    assert sky_drift(slow.state_at(2.0)) == 0.0


@pytest.mark.slow
def test_check_measures_slow_motion_and_is_not_a_yes_man(tmp_path):
    timeline = _timeline([{"at": 0, "text": "she walks to the right"}, {"at": 1.5, "text": "slow motion"}])
    out = tmp_path / "slow.mp4"
    render(timeline, out, use_embeddings=False, engine_options={"embeddings": False})
    verdict = next(v for v in check_clip(out, timeline).verdicts if v.index == 1)
    assert verdict.kind == "speed" and verdict.status == "pass" and verdict.value < 0.6, verdict.line()
    # The same pixels judged as a time-lapse fail.
    lapse = timeline.model_copy(update={"directives": [timeline.directives[0], timeline.directives[1].model_copy(
        update={"text": "time-lapse"})]})
    assert next(v for v in check_clip(out, lapse).verdicts if v.index == 1).status == "fail"


def test_neural_engines_are_told_in_their_prompt():
    from director.world.prompt import compose_prompt

    s = compile_timeline(_timeline([{"at": 1.0, "text": "slow motion"}, {"at": 3.0, "text": "time-lapse"}]),
                         use_embeddings=False)
    assert "slow motion" not in compose_prompt(s.state_at(0.5))
    assert "slow motion" in compose_prompt(s.state_at(2.0)) and "time-lapse" in compose_prompt(s.state_at(3.5))
