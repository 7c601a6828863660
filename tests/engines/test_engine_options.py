"""Engine options through one door: parsing (command line, DIRECTOR_ENGINE_OPTIONS), per-engine routing, and\nchecking against each engine's options dataclass when the engine is made, with errors that say where."""

from __future__ import annotations

import pytest

from director.engines import create_engine
from director.engines.causal_wan.config import CausalWanConfig
from director.engines.options import (
    EngineOptionError,
    GivenOption,
    command_line_option,
    engine_options_from,
    parse_engine_option,
    parse_option,
    resolve_engine_options,
    resolve_options,
)
from director.engines.previz import PrevizEngine, PrevizOptions
from director.engines.protocol import EngineError, RenderSettings


def test_values_are_json_where_they_parse():
    assert parse_option("window_frames=12") == ("window_frames", 12)
    assert parse_option("fp8=true") == ("fp8", True)
    assert parse_option("timesteps=[1000, 625]") == ("timesteps", [1000, 625])
    assert parse_option("model=/models/wan=v2") == ("model", "/models/wan=v2")
    assert parse_engine_option("causal-wan:model=Wan-AI/Wan2.1-T2V-1.3B-Diffusers") == (
        "causal-wan", "model", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers")


def test_command_line_overrides_the_environment():
    env = '{"causal-wan": {"model": "/a", "compile": true}, "previz": {"embeddings": false}}'
    got = engine_options_from(["causal-wan:model=/b", "causal-wan:window_frames=9"], env)
    values = {engine: {k: o.value for k, o in given.items()} for engine, given in got.items()}
    assert values == {"causal-wan": {"model": "/b", "compile": True, "window_frames": 9},
                      "previz": {"embeddings": False}}
    assert got["causal-wan"]["model"].source == "app flag --engine-option causal-wan:model=/b"
    assert got["causal-wan"]["compile"].source == "DIRECTOR_ENGINE_OPTIONS['causal-wan']['compile']"
    assert engine_options_from([], None) == {} and engine_options_from([], "  ") == {}


@pytest.mark.parametrize("items, env, message", [
    (["model=/a"], None, "ENGINE:KEY=VALUE"),
    (["causal-wn:model=/a"], None, "did you mean 'causal-wan'"),
    (["causal-wan:model"], None, "KEY=VALUE"),
    ([], "{causal-wan: 1}", "not valid JSON"),
    ([], '{"causal-wan": "/a"}', "must map engine names to objects"),
    ([], '{"neural": {"model": "/a"}}', "DIRECTOR_ENGINE_OPTIONS: unknown engine 'neural'"),
])
def test_bad_options_say_what_is_wrong(items, env, message):
    with pytest.raises(EngineOptionError, match=message):
        engine_options_from(items, env)


def test_app_refuses_bad_options_at_start(capsys):
    import app

    with pytest.raises(SystemExit) as exc:
        app.main(["--engine-option", "causal-wn:model=/a"])
    assert exc.value.code == 2
    assert "did you mean 'causal-wan'" in capsys.readouterr().err


# --- one door: checked against the engine's options dataclass when it is made --------------------------
def test_an_unknown_option_suggests_the_nearest_and_names_its_flag():
    with pytest.raises(EngineOptionError) as exc:
        resolve_options("previz", dict([command_line_option("treads=2")]))
    message = str(exc.value)
    assert "engine option 'treads' for previz: unknown — did you mean 'threads'?" in message
    assert "command line --engine-option treads=2" in message and "known: threads, audio, embeddings" in message
    with pytest.raises(EngineError, match="engine option 'treads' for previz: unknown"):  # also an EngineError
        create_engine("previz", {"treads": 2})


@pytest.mark.parametrize("engine, key, value, expected", [
    ("previz", "threads", "two", "expected a whole number, got 'two'"),
    ("previz", "audio", 1, "expected true or false, got 1"),
    ("previz", "threads", True, "expected a whole number, got True"),
    ("causal-wan", "decoder", "taehv", "expected one of 'vae', 'tiny', got 'taehv'"),
    ("causal-wan", "timesteps", ["a"], "expected a list of numbers, got ['a']"),
    ("causal-wan", "window_frames", 1.5, "expected a whole number or null, got 1.5"),
])
def test_a_wrong_type_names_the_option_the_engine_and_what_it_expected(engine, key, value, expected):
    with pytest.raises(EngineOptionError) as exc:
        resolve_options(engine, {key: GivenOption(value, "DIRECTOR_ENGINE_OPTIONS['x']")})
    assert f"engine option {key!r} for {engine}: {expected} (from DIRECTOR_ENGINE_OPTIONS['x'])" in str(exc.value)


def test_a_value_out_of_range_names_its_source():
    with pytest.raises(EngineOptionError, match=r"engine option 'threads' for previz: threads must be >= 0 .*"
                                                r"\(from app flag --engine-option previz:threads=-1\)"):
        resolve_engine_options(engine_options_from(["previz:threads=-1"]))
    with pytest.raises(EngineOptionError, match=r"engine option 'previz_guidance' for causal-wan: previz_guidance "
                                                r"must be in \[0, 1\], got 3.0 \(from "
                                                r"DIRECTOR_ENGINE_OPTIONS\['causal-wan'\]\['previz_guidance'\]\)"):
        resolve_engine_options(engine_options_from([], '{"causal-wan": {"previz_guidance": 3}}'))
    with pytest.raises(EngineOptionError, match=r"engine options for causal-wan: sink_frames and window_frames set "
                                                r"with attention='longlive'.*\(sink_frames from code; "
                                                r"window_frames from code; attention from code\)"):
        resolve_options("causal-wan", {"sink_frames": 3, "window_frames": 9, "attention": "longlive"})


def test_every_problem_is_reported_at_once():
    with pytest.raises(EngineOptionError) as exc:
        resolve_options("previz", {"treads": 1, "audio": "no"})
    assert str(exc.value).startswith("2 engine option problems:") and "'treads'" in str(exc.value) \
        and "'audio'" in str(exc.value)


def test_values_become_the_fields_types():
    got = resolve_options("causal-wan", dict([command_line_option("timesteps=[1000, 625]"),
                                             command_line_option("model=123"), command_line_option("fp8=true")]))
    assert isinstance(got, CausalWanConfig)
    assert got.timesteps == (1000.0, 625.0) and got.model == "123" and got.fp8 is True  # a folder named 123
    assert resolve_options("previz", None) == PrevizOptions()
    typed = PrevizOptions(threads=1)
    assert resolve_options("previz", typed) is typed
    with pytest.raises(EngineOptionError, match="expected PrevizOptions, got CausalWanConfig"):
        resolve_options("previz", CausalWanConfig())


def test_the_engine_holds_the_options_it_was_made_with():
    engine = create_engine("previz", {"audio": False, "embeddings": False})
    assert isinstance(engine, PrevizEngine) and engine.options == PrevizOptions(audio=False, embeddings=False)
    assert "options" not in {f for f in RenderSettings.__dataclass_fields__}  # no second door at open()


def test_the_app_resolves_every_engines_options_at_start():
    resolved = resolve_engine_options(engine_options_from(["previz:threads=1"], '{"causal-wan": {"fp8": true}}'))
    assert resolved == {"previz": PrevizOptions(threads=1), "causal-wan": CausalWanConfig(fp8=True)}


def test_app_refuses_a_bad_option_value_at_start(capsys):
    import app

    with pytest.raises(SystemExit) as exc:
        app.main(["--engine-option", "previz:treads=1"])
    assert exc.value.code == 2
    assert "engine option 'treads' for previz: unknown — did you mean 'threads'?" in capsys.readouterr().err


def test_render_refuses_a_bad_option_before_writing(tmp_path, capsys):
    from director.cli import main

    timeline = tmp_path / "t.json"
    timeline.write_text('{"duration": 1, "width": 64, "height": 36}')
    out = tmp_path / "out.mp4"
    assert main(["render", str(timeline), "-o", str(out), "-q", "--engine-option", "threads=many"]) == 1
    err = capsys.readouterr().err
    assert "engine option 'threads' for previz: expected a whole number, got 'many' " \
           "(from command line --engine-option threads=many)" in err
    assert not out.exists() and not list(tmp_path.glob("*.part*"))
