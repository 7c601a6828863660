"""Engine options from the command line and DIRECTOR_ENGINE_OPTIONS: parsing, per-engine routing, errors."""

from __future__ import annotations

import pytest

from director.engines.options import EngineOptionError, engine_options_from, parse_engine_option, parse_option


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
    assert got == {"causal-wan": {"model": "/b", "compile": True, "window_frames": 9},
                   "previz": {"embeddings": False}}
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
