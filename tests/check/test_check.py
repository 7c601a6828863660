"""``director check``: every camera move, cuts, light, weather and characters measured on real previz
clips, and the same clip judged against the opposite directive fails (the checker is not a yes-man)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from director.commands.reader import RULES_ONLY
from director.check import ClipError, check_clip
from director.check.clip import decode_clip
from director.cli import main
from director.run.render import render
from director.world import compile_timeline
from director.plan.timeline import Timeline

MOVES = [
    "pan left", "pan right", "tilt up", "tilt down", "zoom in", "zoom out", "dolly in", "dolly out",
    "truck left", "truck right", "crane up", "crane down", "roll right", "roll left",
    "orbit right", "orbit left", "slow push in", "close-up", "wide shot", "shake the camera", "hold the shot",
]
SLOW = ["slowly crane up", "slowly pan right"]  # no duration: the slow pace's 5 s, still clearly visible
STEP = 2.0  # seconds per move: 1.5 s of move, 0.5 s of rest


def _timeline(directives: list[dict], duration: float, scene: str = "a city street", **world) -> Timeline:
    return Timeline.model_validate({"duration": duration, "width": 320, "height": 180, "fps": 24, "seed": 2,
                                    "world": {"scene": scene, **world}, "directives": directives})


def _render(tmp_path, timeline: Timeline, name: str):
    out = tmp_path / f"{name}.mp4"
    render(timeline, out, reader=RULES_ONLY, engine_options={"embeddings": False})
    return out


@pytest.fixture(scope="module")
def moves_clip(tmp_path_factory):
    directives = []
    for i, text in enumerate(MOVES):
        directives.append({"at": 0.2 + i * STEP, "text": text, "duration": 1.5})
        if text.startswith("shake"):  # a shake stays on: calm it before the next move
            directives.append({"at": 0.2 + i * STEP + 1.6, "text": "steady the camera", "duration": 0.3})
    end = 0.2 + len(MOVES) * STEP
    for i, text in enumerate(SLOW):
        directives.append({"at": end + i * 5.5, "text": text})
    timeline = _timeline(directives, end + len(SLOW) * 5.5 + 0.2)
    return _render(tmp_path_factory.mktemp("moves"), timeline, "moves"), timeline


@pytest.mark.slow
def test_every_camera_move_is_seen_and_its_opposite_is_not(moves_clip):
    path, timeline = moves_clip
    script = compile_timeline(timeline, reader=RULES_ONLY)
    clip = decode_clip(path)
    report = check_clip(path, timeline, script=script, clip=clip)
    lines = [v.line() for v in report.verdicts]
    assert all(v.status == "pass" for v in report.verdicts if v.kind == "camera"), "\n".join(lines)
    assert len([v for v in report.verdicts if v.kind == "camera"]) == len(MOVES) + len(SLOW) + 1
    # The same pixels judged against the opposite direction must fail.
    swap = {"left": "right", "right": "left", "up": "down", "down": "up", "in": "out", "out": "in"}
    opposite = []
    for d in timeline.directives:
        words = d.text.split()
        if words[-1] in swap and not words[0] in ("shake", "hold", "steady"):
            opposite.append(d.model_copy(update={"text": " ".join(words[:-1] + [swap[words[-1]]])}))
    wrong = timeline.model_copy(update={"directives": opposite})
    judged = check_clip(path, wrong, clip=clip)
    assert judged.verdicts and all(v.status == "fail" for v in judged.verdicts), "\n".join(v.line() for v in judged.verdicts)


def test_light_weather_and_cut(tmp_path):
    timeline = _timeline([
        {"at": 1.0, "text": "it starts to rain", "duration": 1.0},
        {"at": 3.0, "text": "cut to a wide shot"},
        {"at": 4.0, "text": "night falls", "duration": 1.5},
        {"at": 6.5, "text": "lightning strikes"},
    ], 8.0, scene="a beach")
    path = _render(tmp_path, timeline, "env")
    report = check_clip(path, timeline, reader=RULES_ONLY)
    by_kind = {v.kind: v for v in report.verdicts}
    assert by_kind["weather"].status == "pass", by_kind["weather"].line()
    assert by_kind["light"].status == "pass", by_kind["light"].line()
    assert by_kind["event"].status == "pass", by_kind["event"].line()
    assert by_kind["cut"].status == "pass", by_kind["cut"].line()
    # A directive the clip never obeyed: the same clip, but asked for fog at 1 s.
    foggy = timeline.model_copy(update={"directives": [timeline.directives[0].model_copy(update={"text": "thick fog rolls in"})]})
    assert check_clip(path, foggy, reader=RULES_ONLY).verdicts[0].status == "fail"


def test_fade_out_and_in(tmp_path):
    timeline = _timeline([{"at": 1.0, "text": "fade to black"}, {"at": 3.5, "text": "fade in from black"}], 6.0)
    path = _render(tmp_path, timeline, "fade")
    report = check_clip(path, timeline, reader=RULES_ONLY)
    assert [(v.kind, v.status) for v in report.verdicts] == [("transition", "pass")] * 2, report.to_json()
    swapped = timeline.model_copy(update={"directives": list(reversed([
        d.model_copy(update={"at": a}) for d, a in zip(timeline.directives, (3.5, 1.0))]))})
    assert all(v.status == "fail" for v in check_clip(path, swapped, reader=RULES_ONLY).verdicts)


def test_character_entering_is_tracked(tmp_path):
    timeline = _timeline([{"at": 0.5, "text": "a man walks in from the left"}], 5.0, scene="a countryside meadow")
    path = _render(tmp_path, timeline, "enter")
    report = check_clip(path, timeline, reader=RULES_ONLY)
    (verdict,) = report.verdicts
    assert verdict.kind == "character" and verdict.status == "pass", verdict.line()
    # From the right instead: the figure crossed the other way.
    other = timeline.model_copy(update={"directives": [timeline.directives[0].model_copy(update={"text": "a man walks in from the right"})]})
    assert check_clip(path, other, reader=RULES_ONLY).verdicts[0].status == "fail"


def test_cli_check_prints_a_line_per_effect_and_json(tmp_path, capsys):
    timeline = _timeline([{"at": 0.5, "text": "pan right", "duration": 1.5}, {"at": 2.2, "text": "Tom laughs"}], 3.0)
    path = _render(tmp_path, timeline, "cli")
    tl = tmp_path / "t.json"
    tl.write_text(timeline.to_json())
    assert main(["check", str(path), str(tl), "--no-embeddings"]) == 0
    out = capsys.readouterr().out
    assert '0:00.5 "pan right" pan right → horizontal flow -' in out and "✔" in out
    assert '"Tom laughs" kept as a prompt' in out
    assert main(["check", str(path), str(tl), "--no-embeddings", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["status"] for v in data["verdicts"]] == ["pass", "not_checkable"]
    # A clip that did not obey exits 3.
    tl.write_text(timeline.model_copy(update={"directives": [timeline.directives[0].model_copy(update={"text": "pan left"})]}).to_json())
    assert main(["check", str(path), str(tl), "--no-embeddings"]) == 3


def test_unreadable_clip_is_a_located_error(tmp_path, capsys):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(ClipError, match="bad.mp4"):
        decode_clip(bad)
    tl = tmp_path / "t.json"
    tl.write_text(_timeline([], 2.0).to_json())
    assert main(["check", str(bad), str(tl), "--no-embeddings"]) == 1
    assert "bad.mp4" in capsys.readouterr().err


def test_a_gesture_is_seen_where_the_figure_stands(tmp_path):
    woman = [{"name": "woman", "text": "a woman in a red dress"}]
    waves = _timeline([{"at": 1.0, "text": "the woman waves at the camera"}], 4.0, scene="a countryside meadow", characters=woman)
    report = check_clip(_render(tmp_path, waves, "wave"), waves, reader=RULES_ONLY)
    (verdict,) = report.verdicts
    assert verdict.kind == "character" and verdict.status == "pass", verdict.line()
    # The same words against a clip where she only stands there: nothing moved where she is.
    still = _timeline([{"at": 1.0, "text": "the woman waits"}], 4.0, scene="a countryside meadow", characters=woman)
    assert check_clip(_render(tmp_path, still, "still"), waves, reader=RULES_ONLY).verdicts[0].status == "fail"


def test_a_dissolve_is_gradual_and_a_cut_is_not(tmp_path):
    dissolve = _timeline([{"at": 1.0, "text": "dissolve to a snowy mountain valley", "duration": 1.5}], 3.5)
    report = check_clip(_render(tmp_path, dissolve, "dissolve"), dissolve, reader=RULES_ONLY)
    verdict = next(v for v in report.verdicts if v.kind == "scene")
    assert verdict.status == "pass", verdict.line()
    # A hard cut to the same place, judged as the dissolve: one frame holds the whole change.
    cut = _timeline([{"at": 1.0, "text": "cut to a snowy mountain valley"}], 3.5)
    report = check_clip(_render(tmp_path, cut, "cut"), dissolve, reader=RULES_ONLY)
    assert next(v for v in report.verdicts if v.kind == "scene").status == "fail"


def test_paris_girl_walking_right_is_tracked_not_the_grainy_road(tmp_path):
    """Regression: in the Paris preset (1980s film grain on a flat road) the flow on the road is noise,
    and the tracker followed that noise: "the girl walks to the right" was judged ✘ though she does."""
    preset = json.loads((Path(__file__).resolve().parents[2] / "presets" / "timelines" / "paris_1980s_walk.json").read_text())
    preset.update(duration=4.0, width=320, height=180)
    preset["directives"] = preset["directives"][:2]  # "wide shot" at 0, "the girl walks to the right" at 1.5
    timeline = Timeline.model_validate(preset)
    path = _render(tmp_path, timeline, "paris")
    walk = [v for v in check_clip(path, timeline).verdicts if v.index == 1]
    assert len(walk) == 1 and walk[0].status == "pass" and walk[0].value > 0.1, walk[0].line()
    # The same pixels judged against a walk to the left fail.
    left = timeline.model_copy(update={"directives": [timeline.directives[0], timeline.directives[1].model_copy(
        update={"text": "the girl walks to the left"})]})
    assert [v.status for v in check_clip(path, left).verdicts if v.index == 1] == ["fail"]


def test_a_newcomer_is_looked_for_where_the_world_brings_it_in():
    """Regression: in the Paris preset "a cute cat runs to the girl" comes in from the right and stops just
    left of her; the checker guessed its entry side from where it stops and looked for it on the left."""
    from director.check.expectations import expectations, screen_x

    preset = json.loads((Path(__file__).resolve().parents[2] / "presets" / "timelines" / "paris_1980s_walk.json").read_text())
    script = compile_timeline(Timeline.model_validate(preset), reader=RULES_ONLY)
    cat = next(e for e in expectations(script, preset["duration"]) if e.text == "a cute cat runs to the girl")
    assert cat.entity_before is None and cat.entity_first is not None
    assert screen_x(cat.camera_before, cat.entity_first.x, cat.entity_first.z)[0] > 0.9  # the right edge
    assert screen_x(cat.camera_after, cat.entity_after.x, cat.entity_after.z)[0] < 0  # ends left of centre


def test_a_figure_lost_behind_another_for_a_few_frames_is_found_again_further_on():
    """A fast figure (a bird) passing behind another is lost for a few frames and comes out further away than
    one frame's step: it is found again, not taken for something else (the reach grows with the frames lost)."""
    from director.check.clip import DecodedClip
    from director.check.optical_flow import FlowMeter
    from director.check.tracking import MAX_STEP, _track

    h, w, step = 180, 320, 16  # px per frame: a third of one frame's reach (MAX_STEP: 48 px)
    rng = np.random.default_rng(0)
    background = cv2.GaussianBlur(rng.integers(60, 200, (h, w), dtype=np.uint8), (0, 0), 3)
    frames, hidden = [], range(8, 12)  # four frames behind a post: it comes out 80 px on
    for i in range(20):
        f = background.copy()
        if i not in hidden:
            x = 10 + step * i
            f[80:92, x : x + 14] = 20
        f[:, 140:200] = 90  # the post it passes behind
        frames.append(f)
    grey = np.stack(frames)
    clip = DecodedClip(Path("synthetic.mp4"), 24.0, w, h, grey, np.zeros((len(frames), h, w, 3), np.uint8),
                       np.zeros(0, np.float32), 48000)
    assert 5 * step > MAX_STEP * w  # further than one frame's reach
    xs, _, seen = _track(clip, FlowMeter(grey), 2, 19, 50.0, 0.05)  # (the first pair's flow starts cold)
    assert seen >= 11 and xs[-1] > 0.8 * w, (seen, xs)
