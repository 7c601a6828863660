"""WorldState compiled from timelines: pure functions of time."""

import math

import pytest

from director.world import compile_timeline
from director.plan.timeline import TimelineError, timeline_from_data


def compiled(directives, characters=(), scene="a city street", duration=30, **settings):
    data = {"duration": duration, "world": {"scene": scene, "characters": list(characters)}, "directives": directives, **settings}
    return compile_timeline(timeline_from_data(data), use_embeddings=False)


GIRL = {"name": "girl", "text": "A stylish blonde female model"}


def test_pan_left_eases_over_its_duration_and_holds():
    s = compiled([{"at": 2, "camera": {"move": "pan", "direction": "left", "amount": 40}, "duration": 4}])
    assert s.state_at(1.9).camera.yaw == 0
    mid = s.state_at(4).camera.yaw
    assert -25 < mid < -15  # smoothstep is half way at the middle
    assert s.state_at(6).camera.yaw == pytest.approx(-40)
    assert s.state_at(20).camera.yaw == pytest.approx(-40)


def test_overlapping_relative_moves_add_up():
    s = compiled([
        {"at": 0, "camera": {"move": "pan", "direction": "right", "amount": 30}, "duration": 2},
        {"at": 1, "camera": {"move": "pan", "direction": "right", "amount": 10}, "duration": 2},
    ])
    assert s.state_at(5).camera.yaw == pytest.approx(40)


def test_zoom_scales_the_focal_length_by_its_factor():
    s = compiled([{"at": 0, "camera": {"move": "zoom", "direction": "in", "amount": 2}, "duration": 1}])
    before, after = s.state_at(0).camera.fov, s.state_at(2).camera.fov
    ratio = math.tan(math.radians(before) / 2) / math.tan(math.radians(after) / 2)
    assert ratio == pytest.approx(2.0)


def test_dolly_moves_the_camera_forward_along_its_heading():
    s = compiled([{"at": 0, "camera": {"move": "dolly", "direction": "in", "amount": 3}, "duration": 1}])
    cam = s.state_at(2).camera
    assert cam.z == pytest.approx(3.0) and cam.x == pytest.approx(0.0)


def test_cut_is_instant_and_counted():
    s = compiled([
        {"at": 1, "camera": {"move": "pan", "direction": "left"}, "duration": 1},
        {"at": 5, "camera": {"move": "cut", "shot": "wide"}},
    ])
    assert s.state_at(4.99).camera.cut == 0
    after = s.state_at(5.0).camera
    assert after.cut == 1 and after.yaw == 0 and after.fov == pytest.approx(65)
    assert any(e.kind == "cut" for e in s.state_at(5.5).recent_events)


def test_character_runs_to_another_and_ends_beside_her():
    s = compiled([{"at": 8, "character": {"name": "cat", "action": "run", "kind": "cat", "text": "a cute cat", "target": "girl"}}],
                 characters=[GIRL])
    assert s.state_at(7.9).entity("cat") is None  # not in the world before its entry
    first = s.state_at(8.0).entity("cat")
    girl = s.state_at(8.0).entity("girl")
    d0 = math.hypot(first.x - girl.x, first.z - girl.z)
    running = s.state_at(8.5).entity("cat")
    assert running.action == "run" and running.speed > 3
    end = s.state_at(20).entity("cat")
    d_end = math.hypot(end.x - girl.x, end.z - girl.z)
    assert d0 > 4 and d_end == pytest.approx(0.9, abs=0.05)
    assert end.action == "idle" and end.presence == 1.0
    # It enters from off-screen and faces the girl once there.
    facing = math.degrees(math.atan2(girl.x - end.x, girl.z - end.z))
    assert abs((end.heading - facing + 180) % 360 - 180) < 1
    assert any(e.kind == "enter" and e.entity == "cat" for e in s.state_at(9).recent_events)
    # Its walk cycle advances with the distance covered.
    assert s.state_at(9).entity("cat").stride > s.state_at(8.5).entity("cat").stride > 0


def test_entering_character_starts_outside_the_frame():
    s = compiled([{"at": 2, "character": {"name": "dog", "action": "walk", "kind": "dog", "target": "center", "side": "right"}}])
    dog = s.state_at(2).entity("dog")
    cam = s.state_at(2).camera
    half_width = math.tan(math.radians(cam.fov) / 2) * dog.z
    assert dog.x > half_width  # right of the frame's edge


def test_leaving_character_fades_out_after_the_edge():
    s = compiled([{"at": 1, "character": {"name": "girl", "action": "leave", "side": "left"}}], characters=[GIRL])
    assert s.state_at(0.5).entity("girl").presence == 1
    assert s.state_at(25).entity("girl").presence == 0


def test_night_falls_forward_through_dusk():
    s = compiled([{"at": 10, "scene": {"time_of_day": "night"}, "duration": 4}])
    hours = [s.state_at(t).environment.hour for t in (9, 11, 12, 13, 15)]
    assert hours[0] == 12 and hours[-1] == 23
    assert hours == sorted(hours)
    assert s.state_at(15).environment.daylight < 0.1 < s.state_at(9).environment.daylight
    assert s.state_at(15).environment.lights > 0.9  # lamps come on by themselves


def test_dawn_after_night_moves_the_clock_forward():
    s = compiled([{"at": 0, "scene": {"time_of_day": "dawn"}, "duration": 2}], scene="a village at night")
    assert s.state_at(0).environment.hour == 23
    assert 23 < s.state_at(0.5).environment.hour or s.state_at(0.5).environment.hour < 6.5


def test_rain_ramps_and_clear_stops_it():
    s = compiled([
        {"at": 2, "scene": {"weather": "rain", "intensity": 0.8}, "duration": 2},
        {"at": 10, "scene": {"weather": "clear"}, "duration": 1},
    ])
    assert s.state_at(1).environment.rain == 0
    assert s.state_at(5).environment.rain == pytest.approx(0.8)
    assert s.state_at(12).environment.rain == 0


def test_storm_brings_seeded_lightning_and_thunder():
    s = compiled([{"at": 0, "scene": {"weather": "storm"}}], duration=60)
    kinds = [e.kind for e in s.events]
    assert kinds.count("lightning") >= 3 and kinds.count("thunder") == kinds.count("lightning")
    flash_times = [e.t for e in s.events if e.kind == "lightning"]
    assert s.state_at(flash_times[0] + 0.01).environment.lightning == 1.0
    again = compiled([{"at": 0, "scene": {"weather": "storm"}}], duration=60)
    assert [e.t for e in again.events] == [e.t for e in s.events]


def test_close_shot_frames_the_target():
    s = compiled([{"at": 1, "camera": {"move": "shot", "shot": "close", "target": "girl"}, "duration": 1}], characters=[GIRL])
    cam = s.state_at(3).camera
    girl = s.state_at(3).entity("girl")
    aim = math.degrees(math.atan2(girl.x - cam.x, girl.z - cam.z))
    assert abs(cam.yaw - aim) < 0.5
    assert cam.fov < 25 and cam.target == "girl"


def test_state_is_causal_a_later_directive_changes_nothing_before_it():
    base = [{"at": 1, "camera": {"move": "pan", "direction": "left"}, "duration": 3}]
    a = compiled(base)
    b = compiled(base + [{"at": 6, "scene": {"weather": "snow"}}, {"at": 6, "character": {"name": "cat", "action": "run", "target": "center"}}])
    for t in (0, 2.5, 5.99):
        sa, sb = a.state_at(t), b.state_at(t)
        assert sa.camera == sb.camera and sa.environment == sb.environment and sa.entities == sb.entities


def test_unknown_camera_target_is_a_located_error_with_a_suggestion():
    with pytest.raises(TimelineError) as err:
        compiled([{"at": 4, "camera": {"move": "focus", "target": "gril"}}], characters=[GIRL])
    assert "directive 0 (at 0:04.0): camera.target: unknown character 'gril' — did you mean 'girl'?" in str(err.value)


def test_structured_parts_get_words_for_prompts():
    s = compiled([{"at": 0, "character": {"name": "cat", "action": "run", "text": "a cute cat", "target": "girl"}}], characters=[GIRL])
    st = s.state_at(0.5)
    assert st.actions == ("a cute cat runs to the girl",)


def test_unknown_style_is_a_located_error_with_a_suggestion():
    with pytest.raises(TimelineError) as err:
        compiled([{"at": 2, "style": {"preset": "gibli"}}])
    assert "directive 0 (at 0:02.0): style.preset: unknown style 'gibli' — did you mean 'ghibli'?" in str(err.value)


def test_zoom_out_accepts_a_factor_written_either_way():
    for amount in (2.0, 0.5):
        s = compiled([{"at": 0, "camera": {"move": "zoom", "direction": "out", "amount": amount}, "duration": 1}])
        before, after = s.state_at(0).camera.fov, s.state_at(2).camera.fov
        ratio = math.tan(math.radians(after) / 2) / math.tan(math.radians(before) / 2)
        assert ratio == pytest.approx(2.0)


def test_walking_away_heads_into_the_distance_and_vanishes():
    s = compiled([{"at": 0, "character": {"name": "girl", "action": "walk", "target": "away"}}], characters=[GIRL], duration=60)
    assert s.state_at(5).entity("girl").z > s.state_at(1).entity("girl").z
    assert s.state_at(59).entity("girl").presence == 0


def test_free_text_is_read_by_the_command_parser():
    s = compiled([{"at": 1, "text": "a kitten dashes toward the woman"}, {"at": 5, "text": "bake a cake"}], characters=[GIRL])
    kinds = [type(p).__name__ for p in s.interpretations[0].parts]
    assert kinds == ["CharacterAction"] and s.interpretations[0].understood
    assert s.state_at(3).entity(s.interpretations[0].parts[0].name).kind == "cat"
    assert [i.text for i in s.unknown] == ["bake a cake"]
    assert "bake a cake" in s.state_at(6).prompts


@pytest.mark.parametrize("direction, side", [("right", 1), ("left", -1)])
def test_orbit_travels_round_the_subject_and_keeps_it_framed(direction, side):
    s = compiled([{"at": 0, "camera": {"move": "orbit", "direction": direction, "amount": 90, "target": "girl"}, "duration": 2}],
                 characters=[GIRL])
    for t in (1.0, 3.0):
        cam, girl = s.state_at(t).camera, s.state_at(t).entity("girl")
        aim = math.degrees(math.atan2(girl.x - cam.x, girl.z - cam.z))
        assert abs((cam.yaw - aim + 180) % 360 - 180) < 0.5
        assert math.hypot(girl.x - cam.x, girl.z - cam.z) == pytest.approx(6.0, abs=0.01)
    end = s.state_at(3.0).camera
    assert end.x == pytest.approx(side * 6.0, abs=0.01) and end.z == pytest.approx(6.0, abs=0.01)


def test_a_declared_character_who_enters_is_off_stage_until_then():
    s = compiled([{"at": 5, "character": {"name": "girl", "action": "enter", "side": "left"}}], characters=[GIRL])
    assert s.state_at(4.9).entity("girl") is None
    assert s.state_at(12).entity("girl").presence == 1
    assert any(e.kind == "enter" and e.entity == "girl" for e in s.events)


def test_newcomers_can_be_named_by_later_free_text():
    s = compiled([{"at": 1, "text": "a cute cat runs to the girl"}, {"at": 6, "text": "close-up on the cat"},
                  {"at": 9, "text": "the cat walks to the left"}], characters=[GIRL])
    cat = s.interpretations[0].parts[0].name
    close = s.interpretations[1].parts[0]
    assert close.move in ("shot", "focus") and close.target == cat
    assert s.interpretations[2].parts[0].name == cat
    assert len([e for e in s.state_at(10).entities if e.kind == "cat"]) == 1
    assert s.state_at(10).entity(cat).description == "a cute cat"


def test_daylight_is_continuous_through_dusk_and_dawn():
    from director.world.state import Environment

    hours = [h / 60 for h in range(24 * 60)]
    light = [Environment(hour=h).daylight for h in hours]
    assert max(abs(a - b) for a, b in zip(light, light[1:])) < 0.01  # no step from one minute to the next
    assert light[0] == 0 and light[13 * 60] == 1 and light[23 * 60] == 0


def test_words_for_structured_actions_use_names_without_articles():
    s = compiled([{"at": 0, "character": {"name": "Ana", "action": "walk", "target": "girl"}}],
                 characters=[GIRL, {"name": "Ana", "text": ""}])
    assert s.state_at(0.5).actions == ("Ana walks to the girl",)


def test_recompiling_a_live_record_reuses_the_settled_camera_and_gives_the_same_states():
    """A live session recompiles its whole record at each chunk: with ``previous`` the camera takes over
    the settled moves (no refold of the past) and every state equals a fresh compile's."""
    from director.plan.timeline import CameraMove, Directive, Timeline, World

    step = 2 / 24
    base = Timeline(duration=120, width=320, height=180, fps=24, world=World(scene="a street"))
    moves = [Directive(at=i * step, duration=step, source="live",
                       camera=CameraMove(move=("dolly", "pan", "truck")[i % 3], direction=("in", "left", "right")[i % 3],
                                         amount=0.1 + 0.01 * (i % 7)))
             for i in range(300)]
    record = base.model_copy(update={"directives": moves})
    cache: dict = {}
    first = compile_timeline(record, use_embeddings=False, cache=cache)
    first.state_at(300 * step)  # the live run has been through all of it
    live = Directive(at=300 * step, duration=1.0, text="camera pans right", source="live")
    grown = record.with_directive(live)
    again = compile_timeline(grown, use_embeddings=False, cache=cache, previous=first)
    assert len(again.rig._settled) >= 290  # taken over, not refolded
    fresh = compile_timeline(grown, use_embeddings=False)
    for t in (0.0, 3.3, 24.9, 300 * step, 300 * step + 0.4, 26.5):
        assert again.state_at(t) == fresh.state_at(t), t
    # a directive inserted in the past (a rewound take) invalidates the memo from there on
    past = Directive(at=10.0, duration=0.5, text="tilt up", source="live")
    rewound = grown.with_directive(past)
    other = compile_timeline(rewound, use_embeddings=False, cache=cache, previous=again)
    assert len(other.rig._settled) <= 121
    for t in (9.0, 10.2, 20.0, 26.0):
        assert other.state_at(t) == compile_timeline(rewound, use_embeddings=False).state_at(t), t


def test_a_misty_scene_starts_in_mist_and_the_fog_can_lift():
    s = compiled([{"at": 2, "text": "the fog lifts", "duration": 1}], scene="a misty pine forest")
    assert s.state_at(0).environment.fog > 0.1
    assert s.state_at(5).environment.fog == 0
    assert compiled([], scene="a pine forest").state_at(0).environment.fog == 0


def test_a_dissolve_shows_the_old_scene_through_the_new_one():
    s = compiled([{"at": 2, "text": "dissolve to a beach at night", "duration": 2}], scene="a city street")
    assert s.state_at(1.9).environment.dissolve == 0 and s.state_at(1.9).scene == "a city street"
    mid = s.state_at(3.0)
    assert mid.scene == "a beach at night" and mid.environment.dissolve_from == "a city street"
    assert 0.3 < mid.environment.dissolve < 0.7
    assert s.state_at(4.5).environment.dissolve == 0 and s.state_at(4.5).environment.dissolve_from is None
    cut = compiled([{"at": 2, "text": "cut to a beach at night"}], scene="a city street")
    assert cut.state_at(2.01).environment.dissolve == 0
