"""Hostile timelines get located errors, never tracebacks or hangs: non-finite and absurd numbers,
booleans as numbers, books as directives, NUL bytes, deep JSON, huge integers, empty names.
Hypothesis puts hostile values into every field of a valid timeline."""

from __future__ import annotations

import json
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from director.cli import main as cli_main
from director.plan.limits import MAX_DIRECTIVE_CHARS
from director.world import compile_timeline
from director.plan.timeline import TimelineError, load_timeline, timeline_from_data

BASE = {"duration": 2, "width": 64, "height": 36, "fps": 12, "world": {"scene": "a street", "characters": [{"name": "girl"}]},
        "directives": [{"at": 0.5, "camera": {"move": "pan", "direction": "left", "amount": 20}},
                       {"at": 1, "character": {"name": "cat", "action": "enter"}},
                       {"at": 1.5, "text": "it starts to rain"}]}


def _with(path: tuple, value) -> dict:
    data = json.loads(json.dumps(BASE))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("path, value, where", [
    (("directives", 0, "camera", "amount"), math.nan, "directive 0 (at 0:00.5): camera.amount"),
    (("directives", 0, "camera", "amount"), math.inf, "camera.amount"),
    (("directives", 0, "camera", "amount"), -math.inf, "camera.amount"),
    (("directives", 0, "camera", "amount"), 1e308, "directive 0 (at 0:00.5): camera: amount 1e+308"),
    (("directives", 0, "camera", "amount"), True, "camera.amount"),
    (("fps",), 1e-9, "fps"), (("fps",), math.nan, "fps"), (("fps",), True, "fps"),
    (("max_duration",), 1e308, "max_duration"), (("duration",), math.inf, "duration"),
    (("seed",), True, "seed"), (("seed",), 10 ** 30, "seed"), (("seed",), -1, "seed"),
    (("width",), 1e9, "width"), (("chunk_seconds",), 1e-300, "chunk_seconds"),
    (("directives", 2, "text"), "x" * 100_000, "directive 2 (at 0:01.5): text"),
    (("directives", 2, "text"), "rain\x00", "text"),
    (("directives", 1, "character", "name"), "", "directive 1 (at 0:01.0): character.name"),
    (("directives", 1, "character", "name"), "   ", "character.name"),
    (("world", "characters", 0, "name"), "", "character 0: name"),
    (("world", "scene"), "s" * 1_000_000, "world.scene"),
    (("world", "style_image"), "a" * 1000, "world.style_image"),
    (("directives", 0, "at"), math.nan, "directive 0 (at ?): at: time must be finite"),
])
def test_bad_values_get_a_located_error(path, value, where):
    started = time.perf_counter()
    with pytest.raises(TimelineError) as err:
        timeline_from_data(_with(path, value), "t.json")
    assert time.perf_counter() - started < 1.0
    assert any(where in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("text, expect", [
    ("[" * 1000 + "]" * 1000, "nested"), ("[" * 200_000 + "]" * 200_000, "nested"),
    ('{"seed": ' + "9" * 5000 + "}", "4300 digits"), ("{", "invalid JSON"),
])
def test_hostile_json_files(tmp_path, text, expect):
    path = tmp_path / "t.json"
    path.write_text(text)
    with pytest.raises(TimelineError) as err:
        load_timeline(path)
    assert expect in str(err.value)


def test_brackets_inside_text_are_not_depth(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"directives": [{"at": 0, "text": "[" * 100}]}))
    assert load_timeline(path).directives[0].text == "[" * 100


def test_deep_data_from_a_program_is_refused():
    data = dict(BASE)
    nested: list = []
    for _ in range(100):
        nested = [nested]
    data["title"] = nested
    with pytest.raises(TimelineError, match="nested"):
        timeline_from_data(data)


def test_cli_refuses_absurd_values_without_a_traceback(tmp_path, capsys):
    for bad in (_with(("fps",), 1e-9), _with(("directives", 0, "camera", "amount"), 1e308)):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad))
        out = tmp_path / "out.mp4"
        assert cli_main(["render", str(path), "-o", str(out), "--no-embeddings", "-q"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error:") and "Traceback" not in err
        assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_a_long_live_command_is_refused_at_once():
    from director.run.director import Director
    from director.plan.limits import LimitError

    with Director(timeline_from_data(BASE), use_embeddings=False) as d:
        with pytest.raises(LimitError, match="at most 500"):
            d.send("pan left " * 40_000)
        d.send("pan left")  # a sentence still goes


hostile_numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10 ** 30), 10 ** 30),
                            st.booleans(), st.none())
hostile_text = st.one_of(st.text(max_size=40), st.just("\x00"), st.just("x" * (MAX_DIRECTIVE_CHARS + 1)), st.just(""))
hostile_value = st.one_of(hostile_numbers, hostile_text, st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
FIELDS = [("duration",), ("max_duration",), ("fps",), ("seed",), ("width",), ("height",), ("chunk_seconds",), ("title",),
          ("engine",), ("world", "scene"), ("world", "style"), ("world", "characters", 0, "name"),
          ("world", "characters", 0, "image"), ("directives", 0, "at"), ("directives", 0, "duration"),
          ("directives", 0, "camera", "amount"), ("directives", 0, "camera", "move"), ("directives", 1, "character", "name"),
          ("directives", 1, "character", "action"), ("directives", 2, "text"), ("directives", 2, "prompt")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FIELDS), hostile_value), min_size=1, max_size=4))
def test_any_hostile_field_gives_a_timeline_or_a_located_error(changes):
    data = json.loads(json.dumps(BASE))
    for path, value in changes:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    try:
        timeline = timeline_from_data(data, "t.json")
    except TimelineError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    # Accepted: every number in it is finite and in range, and it compiles to states.
    assert math.isfinite(timeline.duration) and 1 <= timeline.fps <= 120 and timeline.duration <= timeline.max_duration
    try:
        script = compile_timeline(timeline, use_embeddings=False)
    except TimelineError:
        return  # e.g. a camera target naming nobody: a located error too
    for t in (0.0, timeline.duration / 2, timeline.duration):
        state = script.state_at(t)
        assert all(math.isfinite(v) for v in (state.camera.x, state.camera.y, state.camera.z, state.camera.yaw))
