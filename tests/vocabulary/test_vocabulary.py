"""The vocabulary is the one definition of camera moves, character kinds, weather, times of day and
scene kinds: every entry is complete, and the schema, the command rules, the rig, the prose, the
phrase banks and the README agree with it (and keep no tables of their own)."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from director.commands import lexicon as lx
from director.commands import parse_command
from director.commands.phrase_bank import KIND_BANK, WORLD_BANK
from director.plan import timeline as tl
from director.plan.timeline import CameraMove, Character
from director.vocabulary import (
    CAMERA_MOVES, CHARACTER_KINDS, HOUR_OF, SCENE_DETAILS, SCENE_KINDS, TIMES_OF_DAY, WEATHERS,
)
from director.vocabulary.camera_moves import CAMERA_VERB_GROUPS, WRITTEN_UNITS
from director.vocabulary.readme_tables import BEGIN, END, camera_moves_table
from director.world import describe_part
from director.world.environment import WEATHER_EFFECTS
from director.world.rig_moves import RIG_MOVES
from director.world.state import HOUR_OF as STATE_HOURS

ROOT = Path(__file__).resolve().parents[2]


# --- camera moves -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CAMERA_MOVES))
def test_every_move_is_complete(name: str) -> None:
    e = CAMERA_MOVES[name]
    assert e.description and e.prose and e.example
    assert e.realiser in RIG_MOVES, f"{name}: no rig function {e.realiser!r} in world/rig_moves.py"
    assert (e.units is None) == (e.default_amount is None), f"{name}: a unit needs a default amount and back"
    if e.default_amount is not None:
        low, high = e.amount_range
        assert low <= e.default_amount <= high
    assert set(e.durations) == {"slow", "normal", "fast"} and all(d >= 0 for d in e.durations.values())
    for direction, move in e.axes.items():
        assert move in CAMERA_MOVES and direction in ("left", "right", "up", "down", "in", "out")
    assert e.default_direction is None or e.axes.get(e.default_direction) == name


@pytest.mark.parametrize("name", list(CAMERA_MOVES))
def test_every_move_is_read_from_its_example_and_said_in_its_prose(name: str) -> None:
    e = CAMERA_MOVES[name]
    result = parse_command(e.example, [Character(name="girl")], [], use_embeddings=False)
    assert [p.move for p in result.parts if isinstance(p, CameraMove)] == [name], (e.example, result.parts)
    assert describe_part(CameraMove(move=name)).startswith(f"the camera {e.prose}")


def test_every_move_but_a_shot_size_has_verbs() -> None:
    # A "shot" is asked for by its size ("wide shot", "close-up"): the shot sizes are its phrases.
    assert all(e.verbs for e in CAMERA_MOVES.values() if e.name != "shot")
    assert lx.SHOT_SIZES


def test_schema_is_built_from_the_registry() -> None:
    assert typing.get_args(tl.CameraMoveName) == tuple(CAMERA_MOVES)
    assert typing.get_args(tl.Weather) == tuple(WEATHERS)
    assert typing.get_args(tl.TimeOfDay) == tuple(TIMES_OF_DAY)
    assert tl.AMOUNT_RANGE == {e.name: e.amount_range for e in CAMERA_MOVES.values()}
    with pytest.raises(ValueError, match="out of range"):
        CameraMove(move="pan", amount=CAMERA_MOVES["pan"].amount_range[1] + 1)


def test_command_rules_read_the_registry() -> None:
    verbs = {p: (e.name, d) for e in (*CAMERA_MOVES.values(), *CAMERA_VERB_GROUPS.values()) for p, d in e.verbs.items()}
    assert lx.CAMERA_VERBS == verbs
    assert lx.KIND_NOUNS == {n: e.name for e in CHARACTER_KINDS.values() for n in e.nouns}
    assert lx.WEATHER_WORDS == {w: (e.name, level) for e in WEATHERS.values() for w, level in e.words.items()}
    assert lx.TIME_PHRASES == {p: e.name for e in TIMES_OF_DAY.values() for p in e.phrases}
    for e in CAMERA_MOVES.values():
        for direction, phrases in e.meanings.items():
            assert WORLD_BANK[f"camera:{e.name}" + (f":{direction}" if direction else "")] == phrases
    assert KIND_BANK == {e.name: e.meanings for e in CHARACTER_KINDS.values() if e.meanings}


def test_every_rig_function_realises_some_move() -> None:
    assert set(RIG_MOVES) == {e.realiser for e in CAMERA_MOVES.values()}


def test_amounts_are_read_in_the_units_text_can_write() -> None:
    for e in CAMERA_MOVES.values():
        if e.units in WRITTEN_UNITS:
            assert e.axes, f"{e.name}: a move with a size needs directions"


# No parallel tables: the move names appear as data only in the vocabulary (the rig registers its
# functions by realiser name; the rules name the few moves they treat specially).
@pytest.mark.parametrize("path", ["director/plan/timeline.py", "director/world/camera_rig.py",
                                  "director/commands/lexicon.py", "director/commands/phrase_bank.py",
                                  "director/world/describe.py", "director/world/entity_motion.py",
                                  "director/world/camera_framing.py"])
def test_no_table_of_move_names_outside_the_vocabulary(path: str) -> None:
    text = (ROOT / path).read_text()
    for word in ("pedestal", "orbit", "truck", "tilt"):
        assert not re.search(rf'["\']{word}["\']', text), f"{path} names the move {word!r}: read the vocabulary"


def test_readme_lists_the_moves_of_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(BEGIN) + len(BEGIN):readme.index(END)].strip()
    assert block == camera_moves_table().strip(), "run: python -m director.vocabulary.readme_tables README.md"


# --- character kinds, weather, times of day, scene kinds ----------------------------------------
@pytest.mark.parametrize("name", list(CHARACTER_KINDS))
def test_every_kind_is_complete(name: str) -> None:
    e = CHARACTER_KINDS[name]
    assert e.description and e.nouns and name in lx.KIND_NOUNS.values()
    assert e.height > 0 and 0 < e.walk_speed < e.run_speed and e.stride > 0
    assert e.figure in ("person", "cat", "dog", "bird", "horse", "car", "thing")


def test_each_noun_names_one_kind() -> None:
    nouns = [n for e in CHARACTER_KINDS.values() for n in e.nouns]
    assert len(nouns) == len(set(nouns))


@pytest.mark.parametrize("name", list(WEATHERS))
def test_every_weather_is_complete_and_realised(name: str) -> None:
    e = WEATHERS[name]
    assert e.description and e.meanings and e.settle_seconds > 0
    assert name in WEATHER_EFFECTS
    assert e.words or name == "clear"  # "clear" is read by its own phrases ("the sky clears")
    assert WORLD_BANK[f"scene:weather:{name}"] == e.meanings


@pytest.mark.parametrize("name", list(TIMES_OF_DAY))
def test_every_time_of_day_is_complete(name: str) -> None:
    e = TIMES_OF_DAY[name]
    assert e.description and e.phrases and e.meanings and 0 <= e.hour < 24 and e.change_seconds > 0
    assert STATE_HOURS[name] == HOUR_OF[name] == e.hour


def test_scene_kinds_and_details_are_complete() -> None:
    for e in SCENE_KINDS.values():
        assert e.keywords and e.descriptions
    for d in SCENE_DETAILS.values():
        assert d.words
