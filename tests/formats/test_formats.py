"""Other tools' formats: Deforum/Parseq in and out, OTIO, SRT/WebVTT, storyboard PDF (director.formats).

The example files in tests/data are written as those tools write them: a Deforum extension settings
file (3D, with expressions, ``max_f`` keyframes, ``--neg`` prompts, 3D rotation), a 2D one, and a Parseq
render (absolute values, ``_delta``/``_pc`` fields, a prompt whose weight changes every frame).
"""

from __future__ import annotations

import copy
import json
import math
import time
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
import webvtt
from pypdf import PdfReader

from director.world.camera_rig import CameraRig, TimedMove
from director.cli import main
from director.formats.camera_motion import motion_from_timeline
from director.formats.deforum import read_deforum, write_deforum
from director.formats.deforum_units import TRANSLATION_SCALE
from director.formats.detect import detect_format, import_file, timeline_from_any
from director.formats.otio_export import write_otio
from director.formats.parseq import read_parseq, write_parseq
from director.formats.schedule_expr import MAX_FRAMES, ScheduleError, evaluate, schedule_series
from director.formats.storyboard import storyboard_panels, write_storyboard
from director.formats.subtitles import write_subtitles
from director.formats.take_notes import Take
from director.plan.timecode import format_time
from director.plan.timeline import CameraMove, Directive, Timeline, TimelineError, load_timeline

DATA = Path(__file__).parents[1] / "data"
DEFORUM_3D = DATA / "deforum_3d_settings.txt"
DEFORUM_2D = DATA / "deforum_2d_settings.txt"
PARSEQ = DATA / "parseq_lighthouse.json"


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def _cumulative(timeline: Timeline, axis: str) -> np.ndarray:
    return motion_from_timeline(timeline).cumulative(axis)


# -- schedule expressions -------------------------------------------------------------------------

def test_numbers_interpolate_linearly_and_hold_at_the_ends():
    series, notes = schedule_series("zoom", "0:(0), 10:(10)", 20)
    assert series[5] == 5 and series[10] == 10 and series[19] == 10 and not notes


def test_an_expression_holds_from_its_keyframe_to_the_next_evaluated_per_frame():
    series, _ = schedule_series("rotation_3d_y", "0:(0), 30:(1.5*sin(2*3.14*t/60)), 90:(0)", 120)
    assert series[45] == pytest.approx(1.5 * math.sin(2 * 3.14 * 45 / 60))
    assert series[15] == pytest.approx(series[30] / 2)  # linear from 0 to the expression's first value
    assert series[90] == 0 and series[119] == 0


def test_keyframes_may_be_max_f_expressions_and_values_may_hold_commas():
    series, notes = schedule_series("x", "0:(0), max_f/2:(5), 'max_f':(where(t>95, 1, 0)), 200:(3)", 101)
    assert series[50] == 5 and series[100] == 1  # the "max_f" keyframe is frame 100, where t > 95 holds
    series2, _ = schedule_series("x", "0:(where(t>5, 1, 0))", 10)
    assert series2[5] == 0 and series2[6] == 1
    assert notes == ["x, keyframe 200: outside frames 0..100, ignored (as Deforum does)"]


@pytest.mark.parametrize("value, message", [
    ("__import__('os').system('id')", "only plain calls"),
    ("os", "unknown name 'os'"),
    ("t.__class__", "Attribute is not allowed"),
    ("(lambda: 1)()", "only plain calls"),
    ("[1, 2]", "List is not allowed"),
    ("'a' * 9", "is not a number"),
    ("open('x')", "unknown function 'open'"),
    ("t if t else 1", "IfExp is not allowed"),
    ("sin", "is a function"),
    ("sin(t, t)", "takes 1 argument"),
])
def test_unsafe_or_unknown_expressions_are_refused_with_their_place(value, message):
    with pytest.raises(ScheduleError) as err:
        schedule_series("translation_x", f"0:(0), 30:({value})", 60)
    assert str(err.value).startswith("translation_x, keyframe 30:") and message in str(err.value)


def test_work_is_bounded():
    start = time.perf_counter()
    with pytest.raises(ScheduleError, match="not a finite number at frame 0"):
        schedule_series("zoom", "0:(9**9**9)", 10)  # floats: overflows at once, no giant integer
    assert time.perf_counter() - start < 1.0
    with pytest.raises(ScheduleError, match="at most 500"):
        evaluate("+".join(["1"] * 300), {})
    with pytest.raises(ScheduleError, match="max_frames"):
        schedule_series("zoom", "0:(1)", MAX_FRAMES + 1)
    with pytest.raises(ScheduleError, match="keyframes"):
        schedule_series("zoom", ", ".join(f"{i}:(1)" for i in range(2001)), 10)


@pytest.mark.parametrize("schedule, message", [
    ("0:0", "item 1 ('0:0'): expected FRAME:(VALUE)"),
    ("0:(1), 30 (1.5)", "item 2 ('30 (1.5)'): expected FRAME:(VALUE)"),
    ("0:(1), x:(2)", "item 2 frame: unknown name 'x'"),
    ("", "empty schedule"),
])
def test_malformed_schedules_say_where(schedule, message):
    with pytest.raises(ScheduleError, match=None) as err:
        schedule_series("angle", schedule, 40)
    assert message in str(err.value)


def test_linear_camera_moves_run_at_constant_speed():
    rig = CameraRig([TimedMove(0.0, 1.0, CameraMove(move="pan", direction="right", amount=10, ease="linear"), "")], 16 / 9)
    assert [round(rig.state(t).yaw, 9) for t in (0.25, 0.5, 1.0)] == [2.5, 5.0, 10.0]


# -- Deforum in -----------------------------------------------------------------------------------

def test_deforum_3d_settings_become_a_timeline_and_report_what_they_cannot_carry():
    result = import_file(DEFORUM_3D)
    t = result.timeline
    assert (t.duration, t.fps, t.width, t.height, t.seed, t.title) == (8.0, 15.0, 512, 512, 1234, "bunny_orbit")
    assert t.world.scene.startswith("tiny cute bunny")
    prompts = [(d.at, d.prompt) for d in t.directives if d.prompt]
    assert [p[0] for p in prompts] == [2.0, 4.0, 89 / 15]  # "max_f-30" = frame 89
    assert prompts[1][1] == "a beautiful coconut"  # the --neg part is not in the prompt...
    notes = "\n".join(result.notes)
    assert "prompts.60: negative prompt 'photo, realistic, nsfw, nude' not imported" in notes  # ...it is reported
    assert "zoom: ignored in 3D mode" in notes
    assert "strength_schedule: a schedule with no counterpart" in notes
    assert "not used (no counterpart in director): border, diffusion_cadence" in notes and "sampler" in notes
    moves = [d.camera for d in t.directives if d.camera]
    assert {m.move for m in moves} == {"pan", "roll", "dolly"} and all(m.ease == "linear" for m in moves)


def test_deforum_motion_is_reproduced_on_our_camera_within_the_stated_tolerance():
    data = _json(DEFORUM_3D)
    result = read_deforum(data)
    t = result.timeline
    dolly = schedule_series("translation_z", data["translation_z"], 120)[0]
    pan = schedule_series("rotation_3d_y", data["rotation_3d_y"], 120)[0]
    roll = schedule_series("rotation_3d_z", data["rotation_3d_z"], 120)[0]
    # Where the schedule puts the camera at each frame (motion applies from frame 1 on)...
    want = {"dolly": np.cumsum(np.r_[0, dolly[1:]]) * TRANSLATION_SCALE,
            "pan": np.cumsum(np.r_[0, pan[1:]]), "roll": -np.cumsum(np.r_[0, roll[1:]])}
    for axis, path in want.items():
        got = _cumulative(t, axis)
        assert np.max(np.abs(got - path)) <= result.fit.max_error[axis] + 1e-4  # amounts are written to 6 decimals, axis
    # ...and the stated gap is small: 1.5° of pan for a ±1.5°/frame sine, a few mm of dolly
    assert result.fit.max_error["pan"] < 1.5 and result.fit.max_error["dolly"] < 0.01
    assert _cumulative(t, "dolly")[-1] == pytest.approx(want["dolly"][-1], abs=0.02)  # 1.76 m forward
    assert _cumulative(t, "roll")[-1] == pytest.approx(want["roll"][-1], abs=1e-3)  # Deforum -z = our +roll


def test_deforum_in_out_in_keeps_the_motion():
    first = read_deforum(_json(DEFORUM_3D)).timeline
    settings, notes = write_deforum(first)
    assert settings["animation_mode"] == "3D" and settings["max_frames"] == 120 and not notes
    again = read_deforum(json.loads(json.dumps(settings))).timeline
    # Tolerance: 0.01° on rotations, 2 cm on travel (dolly under a turning pan re-splits into truck+dolly)
    for axis, tolerance in (("pan", 0.01), ("tilt", 0.01), ("roll", 0.01), ("dolly", 0.02), ("truck", 0.02)):
        assert np.max(np.abs(_cumulative(first, axis) - _cumulative(again, axis))) < tolerance, axis
    assert again.world.scene == first.world.scene
    assert [d.prompt for d in again.directives if d.prompt] == [d.prompt for d in first.directives if d.prompt]


def test_deforum_2d_pixels_zoom_and_angle_map_to_pan_zoom_and_roll_and_round_trip():
    result = import_file(DEFORUM_2D)
    t = result.timeline
    pans = [d.camera for d in t.directives if d.camera and d.camera.move == "pan"]
    assert pans and all(p.direction == "left" for p in pans)  # the canvas sliding right = the camera turning left
    degrees = 4 * 44 * 55 / 768  # 4 px a frame for 44 frames, 55° across 768 px
    assert -_cumulative(t, "pan")[-1] == pytest.approx(degrees, rel=1e-6)
    assert "translation_z: ignored in 2D mode" in "\n".join(result.notes)
    settings, notes = write_deforum(t)
    assert settings["animation_mode"] == "2D" and not notes
    assert settings["translation_x"].startswith("0:(4")
    again = read_deforum(settings).timeline
    for axis in ("pan", "zoom", "roll"):
        assert np.max(np.abs(_cumulative(t, axis) - _cumulative(again, axis))) < 1e-3, axis


def test_writing_deforum_reports_motion_the_mode_cannot_carry():
    t = Timeline(duration=4, directives=[Directive(at=0, duration=3, camera=CameraMove(move="zoom", amount=2)),
                                         Directive(at=0, duration=3, camera=CameraMove(move="dolly", amount=1))])
    settings, notes = write_deforum(t)
    assert settings["animation_mode"] == "3D"
    assert notes == ["zoom: 3D mode has no zoom; this camera motion is not in the schedules"]


def test_malformed_deforum_files_list_every_problem_with_its_place(tmp_path):
    bad = {"max_frames": "ten", "fps": 0, "animation_mode": "4D"}
    with pytest.raises(TimelineError) as err:
        read_deforum(bad, "bad.txt")
    assert err.value.problems == ["max_frames: expected a whole number in 1..20000, got 'ten'",
                                  "fps: expected a number of frames per second in (0, 120], got 0",
                                  "animation_mode: unknown value '4D'; expected 2D, 3D, None, Video Input or Interpolation"]
    weighted = read_deforum({**_json(DEFORUM_3D), "prompts": {"0": "(cherry:`where(cos(6.28*t/10)>0, 1.8, 0.001)`)"}})
    assert "prompts.0: `…` expressions inside the prompt are kept as written" in "\n".join(weighted.notes)
    worse = {**_json(DEFORUM_3D), "translation_z": "0:(1), 30:(os.system('x'))", "rotation_3d_y": "0:(1) 30:(2)",
             "prompts": {"0": "ok", "abc": "x", "10": 5}}
    with pytest.raises(TimelineError) as err:
        read_deforum(worse, "worse.txt")
    text = str(err.value)
    assert "translation_z, keyframe 30: only plain calls" in text
    assert "rotation_3d_y, item 1 ('0:(1) 30:(2)'): expected FRAME:(VALUE)" in text
    assert "prompts.abc frame: unknown name 'abc'" in text and "prompts.10: expected the prompt text, got int" in text
    path = tmp_path / "broken_settings.txt"
    path.write_text('{"max_frames": 10,')
    with pytest.raises(TimelineError, match="line 1, column 19: invalid JSON"):
        import_file(path)


# -- Parseq in and out ------------------------------------------------------------------------------

def test_parseq_render_becomes_a_timeline():
    result = import_file(PARSEQ)
    t = result.timeline
    assert (t.duration, t.fps) == (3.0, 12.0)
    assert t.world.scene == "a lighthouse on a cliff at dusk, oil painting"
    prompts = [(d.at, d.prompt) for d in t.directives if d.prompt]
    assert prompts == [(1.5, "a lighthouse in a storm at night, oil painting, (lightning:0.00000)")]
    notes = "\n".join(result.notes)
    assert "read as 3D (3D fields move)" in notes
    assert "on 17 frame(s) only numbers (weights) in the prompt change" in notes
    assert "negative prompt 'blurry, text, watermark' not imported" in notes
    assert "strength: no counterpart in director" in notes and "_delta" not in notes


def test_parseq_absolute_values_are_where_our_camera_ends_up():
    data = _json(PARSEQ)
    result = read_parseq(data)
    rows = data["rendered_frames"]
    for axis, field, sign in (("pan", "rotation_3d_y", 1), ("tilt", "rotation_3d_x", 1), ("roll", "rotation_3d_z", -1)):
        want = sign * np.array([r[field] - rows[0][field] for r in rows])
        assert np.max(np.abs(_cumulative(result.timeline, axis) - want)) <= result.fit.max_error[axis] + 1e-4  # amounts are written to 6 decimals
    dolly = (rows[-1]["translation_z"] - rows[0]["translation_z"]) * TRANSLATION_SCALE
    assert _cumulative(result.timeline, "dolly")[-1] == pytest.approx(dolly, abs=0.01)
    # without the _delta fields the absolute values give the same motion
    bare = copy.deepcopy(data)
    for r in bare["rendered_frames"]:
        for k in [k for k in r if k.endswith("_delta")]:
            del r[k]
    assert read_parseq(bare).timeline == result.timeline


def test_parseq_out_and_in_again():
    first = read_parseq(_json(PARSEQ)).timeline
    doc, notes = write_parseq(first, mode="3D")
    assert not notes and doc["rendered_frames"][0]["frame"] == 0 and len(doc["rendered_frames"]) == 36
    assert detect_format(doc) == "parseq"
    again = read_parseq(json.loads(json.dumps(doc)), mode="3D").timeline
    for axis in ("pan", "tilt", "roll", "dolly", "truck"):
        assert np.max(np.abs(_cumulative(first, axis) - _cumulative(again, axis))) < 0.02, axis


def test_malformed_parseq_frames_say_which_frame():
    data = _json(PARSEQ)
    data["rendered_frames"][3]["frame"] = "three"
    data["rendered_frames"][7]["translation_z_delta"] = "fast"
    with pytest.raises(TimelineError) as err:
        read_parseq(data, "p.json")
    assert err.value.problems == ["rendered_frames[3].frame: expected a whole frame number in 0..19999, got 'three'"]
    del data["rendered_frames"][3]
    with pytest.raises(TimelineError) as err:
        read_parseq(data, "p.json")
    assert "rendered_frames frame 7: translation_z_delta: expected a number, got 'fast'" in str(err.value)
    with pytest.raises(TimelineError, match="rendered_frames: empty"):
        read_parseq({"rendered_frames": []})


def test_uploads_of_any_kind_become_timelines():
    plain, notes = timeline_from_any({"duration": 3, "directives": [{"at": 1, "text": "pan left"}]})
    assert plain.duration == 3 and notes == []
    imported, notes = timeline_from_any(_json(DEFORUM_2D))
    assert imported.title == "zoom_into_the_forest" and notes[0].startswith("Imported deforum: 0:03.0 at 15 fps")


# -- takes out: OTIO, subtitles, storyboard ---------------------------------------------------------

def _take_record() -> Timeline:
    return Timeline(title="Harbour", duration=6, fps=24, world={"scene": "a rainy harbour at dawn"}, directives=[
        Directive(at=0, text="wide shot"),
        Directive(at=1.5, duration=2, text="camera pans right"),
        Directive(at=3, text="a seagull flies away"),
        Directive(at=4.5, text="it starts to rain", source="live"),
    ])


def test_otio_export_reads_back_with_the_same_markers_and_times(tmp_path):
    record = _take_record()
    plan = record.without_directive(3)
    clip = tmp_path / "take-1.mp4"
    path = write_otio([Take(plan, None, "Take 1"), Take(record, clip, "Take 2")], tmp_path / "session.otio")
    timeline = otio.adapters.read_from_file(str(path))
    assert [t.name for t in timeline.tracks] == ["Take 1", "Take 2"]
    for track, take in zip(timeline.tracks, (plan, record)):
        (item,) = list(track)
        assert item.source_range.duration.to_seconds() == pytest.approx(take.duration)
        got = [(m.name, m.marked_range.start_time.to_seconds(), m.metadata["director"]["source"]) for m in item.markers]
        assert got == [(d.text, d.at, d.source) for d in take.directives]
    clip_item = timeline.tracks[1][0]
    assert clip_item.media_reference.target_url == clip.resolve().as_uri()
    live = clip_item.markers[3]
    assert live.color == otio.schema.MarkerColor.RED and clip_item.markers[0].color == otio.schema.MarkerColor.GREEN
    assert "rain" in live.metadata["director"]["reading"]
    assert live.marked_range.duration.to_seconds() > 0
    pan = clip_item.markers[1]
    assert pan.marked_range.duration.to_seconds() == pytest.approx(2.0)
    assert pan.metadata["director"]["reading"] == "camera: the camera pans right"


@pytest.mark.parametrize("suffix", ["srt", "vtt"])
def test_subtitles_show_each_directive_while_it_plays(tmp_path, suffix):
    record = _take_record()
    path = write_subtitles(record, tmp_path / f"take.{suffix}")
    track = webvtt.from_srt(str(path)) if suffix == "srt" else webvtt.read(str(path))
    assert len(track.captions) == 4
    assert [c.start for c in track.captions] == ["00:00:00.000", "00:00:01.500", "00:00:03.000", "00:00:04.500"]
    texts = [c.text for c in track.captions]
    assert texts[1].splitlines() == ["camera pans right", "→ camera: the camera pans right"]
    assert texts[3].startswith("[live] it starts to rain")
    assert track.captions[1].end == "00:00:04.000"  # as long as the pan (2 s), at least 2.5 s
    assert track.captions[3].end == "00:00:06.000"  # 2.5 s, but never past the clip


def test_storyboard_pdf_has_a_panel_per_directive_with_its_words_and_time(tmp_path):
    record = _take_record().with_directive(Directive(at=5, text="cut to a close-up"))
    record = record.with_directive(Directive(at=5.5, prompt="the lighthouse beam sweeps"))
    record = record.with_directive(Directive(at=5.8, text="zoom in 2x", duration=0.1))
    path = write_storyboard(record, tmp_path / "board.pdf", frame_size=(160, 90))
    reader = PdfReader(str(path))
    assert len(reader.pages) == 2  # 7 panels, 6 a page
    text = "\n".join(page.extract_text() for page in reader.pages)
    for d in record.directives:
        assert (d.text or d.prompt) in text and format_time(d.at) in text
    assert "LIVE" in text and "Harbour" in text and "page 2/2" in text
    assert "shot: wide" in text and "camera: pans right" in text and "camera: zooms in 2x" in text
    assert len(reader.pages[0].images) >= 3 and len(reader.pages[1].images) == 1  # identical frames are stored once
    shots = storyboard_panels(record, "shot")
    assert [p.start for p in shots] == [0.0, 5.0]  # the wide shot, then the cut
    assert "camera pans right" in shots[0].text and shots[0].end == 5.0


# -- the command line ---------------------------------------------------------------------------------

def test_cli_imports_exports_and_storyboards(tmp_path, capsys):
    out = tmp_path / "forest.json"
    assert main(["import", "deforum", str(DEFORUM_2D), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "wrote" in captured.out and "note: strength_schedule" in captured.err
    timeline = load_timeline(out)
    assert timeline.title == "zoom_into_the_forest"
    assert main(["import", "parseq", str(PARSEQ), "-o", str(tmp_path / "p.json"), "--mode", "3D", "--size", "768x432"]) == 0
    for fmt, name in (("otio", "a.otio"), ("srt", "a.srt"), ("vtt", "a.vtt"), ("deforum", "a.txt"), ("parseq", "a_pq.json")):
        assert main(["export", fmt, str(out), "-o", str(tmp_path / name)]) == 0, fmt
    assert detect_format(_json(tmp_path / "a.txt")) == "deforum"
    assert main(["storyboard", str(out), "-o", str(tmp_path / "b.pdf"), "--per", "shot"]) == 0
    assert len(PdfReader(str(tmp_path / "b.pdf")).pages) == 1


def test_cli_import_of_a_bad_file_fails_with_located_errors(tmp_path, capsys):
    bad = tmp_path / "bad_settings.txt"
    bad.write_text(json.dumps({"max_frames": 10, "animation_mode": "3D", "translation_x": "0:(0), 5:(os)"}))
    assert main(["import", "deforum", str(bad), "-o", str(tmp_path / "x.json")]) == 1
    assert "translation_x, keyframe 5: unknown name 'os'" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
