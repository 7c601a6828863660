"""Shipped presets: every example timeline validates (as `python -m director validate` does), is read
by the rules as intended, and renders its first second with previz; every named camera move parses
and moves the camera; styles carry a grade and a prompt fragment."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from director.cli import main as cli_main
from director.run.director import Director
from director.plan.presets import (
    BUILTIN_NAME,
    CAMERA_MOVES_FILE,
    TIMELINES_DIR,
    NamedMove,
    PresetError,
    camera_moves,
    default_timeline,
    list_presets,
    load_preset,
    load_preset_and_images,
    preset_path,
    timeline_presets,
)
from director.plan.styles import STYLES, Style
from director.plan.timeline import CameraMove, Directive, Timeline, TimelineError, load_timeline

PRESETS = sorted(timeline_presets())
PREVIEW_SIZE = (320, 180)


def test_enough_varied_presets() -> None:
    assert len(PRESETS) >= 6
    assert {"paris_1980s_walk", "ghibli_girl_and_the_cat"} <= set(PRESETS)
    durations = [load_preset(name).duration for name in PRESETS]
    assert all(30 <= d <= 180 for d in durations), durations
    assert min(durations) == 30 and max(durations) == 180
    scenes = " ".join(load_preset(name).world.scene.lower() for name in PRESETS)
    for word in ("paris", "forest", "beach", "mountain", "snowy", "living room", "night sky"):
        assert word in scenes


@pytest.mark.parametrize("name", PRESETS)
def test_preset_validates_like_the_cli(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = timeline_presets()[name]
    timeline = load_timeline(path)
    assert timeline.title and timeline.engine == "previz"
    assert cli_main(["validate", str(path), "--no-embeddings"]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize("name", PRESETS)
def test_preset_text_is_read_by_the_rules(name: str) -> None:
    """Every free-text directive is understood; only explicit ``prompt`` directives stay prompts."""
    timeline = load_preset(name)
    d = Director(timeline, base_dir=TIMELINES_DIR, use_embeddings=False)
    for directive, interp in zip(timeline.directives, d.script.interpretations):
        if directive.text:
            assert interp.understood and interp.parts, interp.describe()
        elif directive.prompt:
            assert not interp.parts


@pytest.mark.parametrize("name", PRESETS)
def test_preset_renders_its_first_second(name: str) -> None:
    timeline = load_preset(name).with_settings(width=PREVIEW_SIZE[0], height=PREVIEW_SIZE[1], duration=1.0)
    with Director(timeline, base_dir=TIMELINES_DIR, use_embeddings=False) as d:
        chunks = list(d.run())
    frames = np.concatenate([c.frames for c in chunks])
    audio = np.concatenate([c.audio for c in chunks])
    assert frames.shape == (24, 180, 320, 3) and frames.dtype == np.uint8
    assert audio.shape == (48_000, 2) and np.isfinite(audio).all()
    assert frames.std() > 10  # a picture, not a blank frame


def test_paris_walk_is_the_one_from_the_brief() -> None:
    t = load_preset("paris_1980s_walk")
    assert t.title == "Paris 1980s walk" and "1980s" in t.world.scene
    girl = t.world.characters[0]
    assert "blonde" in girl.text and "model" in girl.text
    assert any(d.text and "walks" in d.text for d in t.directives)  # wanders, then is directed
    assert sum(1 for d in t.directives if d.camera or (d.text and "shot" in d.text)) >= 2


def test_ghibli_preset_has_its_own_style_image_and_the_cat() -> None:
    path = preset_path("Ghibli girl and the cat")  # titles work too
    t = load_timeline(path)
    assert t.world.style == "ghibli" and t.world.style_image
    image = (path.parent / t.world.style_image).resolve()
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert any(d.text == "a cute cat runs to the girl" for d in t.directives)


def test_preset_lookup_errors_suggest_a_name() -> None:
    with pytest.raises(PresetError, match="did you mean 'paris_1980s_walk'"):
        load_preset("paris 1980 walk")
    assert load_preset("PARIS 1980S WALK") == load_preset("paris_1980s_walk")


def test_the_menu_lists_the_built_in_example_first_then_every_file_by_title() -> None:
    menu = list_presets()
    assert menu[0].name == BUILTIN_NAME and menu[0].path is None
    assert len({p.name for p in menu}) == len(menu) == len(PRESETS) + 1
    assert "Ghibli girl and the cat" in [p.name for p in menu]
    assert load_preset(BUILTIN_NAME) == default_timeline()


def test_the_menu_loads_a_preset_with_its_images() -> None:
    timeline, images = load_preset_and_images("Ghibli girl and the cat")  # the title the menu shows
    assert timeline == load_preset("ghibli_girl_and_the_cat")
    assert images and set(images) == {k for k in (timeline.world.style_image, timeline.world.scene_image,
                                                  *(c.image for c in timeline.world.characters)) if k}
    assert all(img.dtype == np.uint8 and img.ndim == 3 for img in images.values())
    with pytest.raises(TimelineError, match="no timeline preset called '../../etc/passwd'"):  # a name, never a path
        load_preset_and_images("../../etc/passwd")


# --- camera moves -------------------------------------------------------------------------------
MOVES = camera_moves()


def test_enough_named_camera_moves() -> None:
    assert len(MOVES) >= 10
    for name in ("slow push-in", "whip pan left", "crane up", "orbit reveal", "dolly zoom", "handheld",
                 "establishing wide", "close-up", "truck along", "tilt up to sky"):
        assert name in MOVES
    assert list(MOVES) == list(json.loads(CAMERA_MOVES_FILE.read_text())["moves"])  # file order


@pytest.mark.parametrize("name", list(MOVES))
def test_camera_move_parses_and_moves_the_camera(name: str) -> None:
    move = MOVES[name]
    assert isinstance(move, NamedMove) and isinstance(move.camera, CameraMove)
    assert move.duration >= 0 and move.description
    target = "girl" if move.camera.move in ("orbit", "shot", "focus", "follow") else None
    base = Timeline(duration=12, world={"scene": "a city street", "characters": [{"name": "girl", "text": "a girl"}]})
    timeline = base.with_directive(move.directive(at=1.0, target=target))
    d = Director(timeline, use_embeddings=False)
    before, after = d.state_at(0.5).camera, d.state_at(1.0 + move.duration + 0.5).camera
    values = [getattr(after, f) for f in ("x", "y", "z", "yaw", "pitch", "roll", "fov", "shake")]
    assert all(math.isfinite(v) for v in values)
    if move.camera.move != "static":
        assert after != before, f"{name} left the camera where it was"


def test_named_move_directive_round_trips_through_json() -> None:
    directive = MOVES["orbit reveal"].directive(at="0:03", target="girl")
    assert directive.at == 3.0 and directive.camera is not None and directive.camera.target == "girl"
    assert Directive.model_validate_json(directive.model_dump_json()) == directive


def test_camera_moves_file_errors_name_the_move(tmp_path) -> None:
    bad = tmp_path / "moves.json"
    bad.write_text(json.dumps({"moves": {"zoomy": {"camera": {"move": "zoomm"}, "duration": 1}}}))
    with pytest.raises(PresetError, match="move 'zoomy': camera.move"):
        camera_moves(bad)


# --- styles ---------------------------------------------------------------------------------
def test_styles_have_a_grade_and_a_prompt_fragment() -> None:
    from dataclasses import replace

    assert len(STYLES) >= 8
    for style in STYLES.values():
        assert style.prompt and style.description
        ungraded = Style(style.name, style.description, style.prompt)
        assert style.name == "natural" or replace(style) != ungraded, f"{style.name} has no colour grade"
