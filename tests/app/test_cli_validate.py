"""``python -m director validate`` reads a timeline by compiling it only: no Director, no engine."""

from __future__ import annotations

import json

import pytest

from director.cli import main as cli_main


def _refuse(*args, **kwargs):
    raise AssertionError("validate must not build a Director or an engine")


@pytest.fixture
def no_engines(monkeypatch):
    import director.engines
    import director.run.director
    from director.engines.previz import PrevizEngine

    monkeypatch.setattr(director.engines, "create_engine", _refuse)
    monkeypatch.setattr(director.run.director, "create_engine", _refuse)
    monkeypatch.setattr(director.run.director.Director, "__init__", _refuse)
    monkeypatch.setattr(PrevizEngine, "__init__", _refuse)


def test_validate_prints_the_readings_without_building_an_engine(tmp_path, capsys, no_engines):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"duration": 10, "engine": "causal-wan", "directives": [
        {"at": 1, "text": "pan left"}, {"at": 2, "text": "bake a cake"}]}))
    assert cli_main(["validate", str(path), "--no-embeddings"]) == 0
    out = capsys.readouterr().out
    assert "directive 0 (at 0:01.0): CameraMove (rules)" in out
    assert "'bake a cake' not understood; kept as a prompt" in out
    assert "valid — 2 directives, 10 s" in out and "1 kept as prompts" in out


def test_validate_still_checks_the_images(tmp_path, capsys, no_engines):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"duration": 2, "world": {"scene": "a street", "scene_image": "missing.png"}}))
    assert cli_main(["validate", str(path), "--no-embeddings"]) == 1
    assert "world.scene_image" in capsys.readouterr().err
