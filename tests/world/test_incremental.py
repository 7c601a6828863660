"""Live commands compile incrementally: only the new directive is read, and the script equals a fresh
compile of the same record."""

from __future__ import annotations

import pytest

from director.commands.reader import RULES_ONLY
import director.world.script as script_module
from director.plan.timeline import CameraMove, Directive, SceneChange, TimelineError, timeline_from_data
from director.run.director import Director
from director.world.incremental import append_directives, cast_at
from director.world.script import compile_timeline
from tests.state_engine import StateEngine

TIMES = [i * 0.25 for i in range(0, 49)]  # every quarter second of the 12 s record


def _timeline():
    return timeline_from_data({
        "duration": 12, "width": 64, "height": 36, "fps": 24, "seed": 3,
        "world": {"scene": "a street in Paris", "characters": [{"name": "girl", "text": "a girl in a red coat"}]},
        # a planned directive after the live ones: the live ones are placed before it
        "directives": [{"at": 0.5, "text": "camera pans left", "duration": 1},
                       {"at": 10.0, "text": "the cat runs to the girl"}],
    })


COMMANDS = [  # (at, command): a camera move, weather, time of day, a newcomer, a move naming it, style
    (1.0, "slow dolly in on the girl"),
    (2.0, "it starts to rain"),
    (3.0, "night falls"),
    (4.0, "a cat walks in from the left"),
    (5.0, "close-up on the cat"),
    (5.0, Directive(at=0, camera=CameraMove(move="orbit", direction="left", amount=30), duration=2)),
    (6.5, Directive(at=0, scene=SceneChange(weather="snow"))),
    (7.0, "pan right"),
]


def _directive(at, command):
    if isinstance(command, str):
        return Directive(at=at, text=command, source="live")
    return command.model_copy(update={"at": at, "source": "live"})


def _assert_same(incremental, fresh):
    assert incremental.timeline == fresh.timeline
    assert incremental.interpretations == fresh.interpretations
    assert incremental.events == fresh.events
    for t in TIMES:
        assert incremental.state_at(t) == fresh.state_at(t), t


def test_each_command_alone_equals_a_fresh_compile_of_the_record():
    script = compile_timeline(_timeline(), reader=RULES_ONLY)
    for at, command in COMMANDS:
        script = append_directives(script, [_directive(at, command)], reader=RULES_ONLY)
        _assert_same(script, compile_timeline(script.timeline, reader=RULES_ONLY))
    assert [i.index for i in script.interpretations] == list(range(len(COMMANDS) + 2))
    kinds = {type(p).__name__ for i in script.interpretations for p in i.parts}
    assert {"CameraMove", "SceneChange", "CharacterAction"} <= kinds


def test_several_commands_at_one_boundary_equal_a_fresh_compile():
    script = compile_timeline(_timeline(), reader=RULES_ONLY)
    batch = [_directive(2.0, c) for _, c in COMMANDS[:5]]
    script = append_directives(script, batch, reader=RULES_ONLY)
    _assert_same(script, compile_timeline(script.timeline, reader=RULES_ONLY))


def test_only_the_new_directive_is_read(monkeypatch):
    script = compile_timeline(_timeline(), reader=RULES_ONLY)
    read = []
    real = script_module.interpret
    monkeypatch.setattr("director.world.incremental.interpret",
                        lambda d, *a, **k: read.append(d.text) or real(d, *a, **k))
    script = append_directives(script, [_directive(2.0, "it starts to rain")], reader=RULES_ONLY)
    assert read == ["it starts to rain"]


def test_a_newcomer_before_a_planned_directive_that_names_it_rereads_that_one():
    planned = _timeline().model_copy(update={"directives": [Directive(at=9.0, text="close-up on the dog")]})
    base = compile_timeline(planned, reader=RULES_ONLY)  # nobody called "dog" yet
    script = append_directives(base, [_directive(1.0, "a dog runs in")], reader=RULES_ONLY)
    fresh = compile_timeline(script.timeline, reader=RULES_ONLY)
    _assert_same(script, fresh)
    assert base.interpretations[0].parts[0].target is None  # read before anyone was called "dog"
    assert script.interpretations[1].parts[0].target == "dog"  # read again, now knowing the dog
    assert [c.name for c in cast_at(script.timeline, script.interpretations, 1)] == ["girl", "dog"]


def test_a_rejected_command_leaves_the_script_as_it_was():
    script = compile_timeline(_timeline(), reader=RULES_ONLY)
    with pytest.raises(TimelineError, match="unknown character 'dragon'"):
        append_directives(script, [Directive(at=1.0, camera=CameraMove(move="zoom", target="dragon"))],
                          reader=RULES_ONLY)
    assert len(script.timeline.directives) == 2


def test_a_live_run_makes_the_frames_of_a_fresh_run_of_its_record():
    d = Director(_timeline(), engine=StateEngine(), reader=RULES_ONLY)
    commands = dict((round(at * 2) / 2, c) for at, c in COMMANDS)
    live = []
    for chunk in d.run():
        live.append(chunk.frames)
        if d.time in commands:
            d.send(commands[d.time])
    fresh = Director(d.record, engine=StateEngine(), reader=RULES_ONLY)
    _assert_same(d.script, compile_timeline(d.record, reader=RULES_ONLY))
    assert [c.frames.tobytes() for c in fresh.run()] == [f.tobytes() for f in live]


def test_a_command_that_moves_no_camera_keeps_the_rig_and_the_world_start():
    script = compile_timeline(_timeline(), reader=RULES_ONLY)
    rain = append_directives(script, [_directive(2.0, "it starts to rain")], reader=RULES_ONLY)
    assert rain.rig is script.rig  # nothing the camera does changed: the rig is not built again
    assert (rain.initial_hour, rain.initial_fog) == (script.initial_hour, script.initial_fog)
    assert rain.tracks is script.tracks  # nobody does anything new: the cast's tracks are not planned again
    walk = append_directives(rain, [_directive(2.5, "the girl walks to the left")], reader=RULES_ONLY)
    assert walk.tracks is not rain.tracks and walk.rig is rain.rig
    assert walk.tracks["girl"].profile is rain.tracks["girl"].profile  # the same world: her profile is kept
    _assert_same(walk, compile_timeline(walk.timeline, reader=RULES_ONLY))
    panned = append_directives(walk, [_directive(3.0, "pan right")], reader=RULES_ONLY)
    assert panned.rig is not walk.rig and len(panned.rig.moves) == len(walk.rig.moves) + 1
    _assert_same(panned, compile_timeline(panned.timeline, reader=RULES_ONLY))
