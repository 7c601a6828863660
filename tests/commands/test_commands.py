"""Free-text commands → directive parts: a table of phrasings, multi-part sentences, who-is-who,
unknown text, and the embedding fallback (model loaded once per session)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from director.commands import CommandParse, parse_command
from director.plan.timeline import CameraMove, Character, CharacterAction, SceneChange, StyleChange

MEI = Character(name="Mei", text="a little girl in a yellow dress", kind="person")
TOM = Character(name="Tom", text="an old man with a cane", kind="person")
GIRL = Character(name="girl", text="a girl with a straw hat")
WOMAN = Character(name="Ada", text="a fashion model in a red coat", kind="person")
STYLES = ("ghibli", "film_noir", "paris_1980s")


def cam(move: str, **kw: object) -> CameraMove:
    return CameraMove(move=move, **kw)  # type: ignore[arg-type]


def act(name: str, action: str, **kw: object) -> CharacterAction:
    return CharacterAction(name=name, action=action, **kw)  # type: ignore[arg-type]


def scene(**kw: object) -> SceneChange:
    return SceneChange(**kw)  # type: ignore[arg-type]


# (text, declared characters, expected parts) — read by the rules alone.
TABLE: list[tuple[str, tuple[Character, ...], tuple[object, ...]]] = [
    # camera
    ("slow dolly in on the girl", (GIRL,), (cam("dolly", direction="in", target="girl", pace="slow"),)),
    ("pan left", (), (cam("pan", direction="left"),)),
    ("pan left 30 degrees", (), (cam("pan", direction="left", amount=30.0),)),
    ("Pan right 45°", (), (cam("pan", direction="right", amount=45.0),)),
    ("whip pan right", (), (cam("pan", direction="right", pace="fast"),)),
    ("the camera swings to the left", (), (cam("pan", direction="left"),)),
    ("tilt up", (), (cam("tilt", direction="up"),)),
    ("look up at the sky", (), (cam("tilt", direction="up"),)),
    ("tilt down to the floor slowly", (), (cam("tilt", direction="down", pace="slow"),)),
    ("roll the camera 15 degrees", (), (cam("roll", direction="right", amount=15.0),)),
    ("zoom in 2x", (), (cam("zoom", direction="in", amount=2.0),)),
    ("zoom out 2x", (), (cam("zoom", direction="out", amount=0.5),)),
    ("crash zoom on Tom", (TOM,), (cam("zoom", direction="in", target="Tom", pace="fast"),)),
    ("push in on her", (MEI,), (cam("dolly", direction="in", target="Mei"),)),
    ("get closer to the girl", (MEI,), (cam("dolly", direction="in", target="Mei"),)),
    ("pull back", (), (cam("dolly", direction="out"),)),
    ("dolly out 3 meters", (), (cam("dolly", direction="out", amount=3.0),)),
    ("truck right", (), (cam("truck", direction="right"),)),
    ("move the camera to the left", (), (cam("truck", direction="left"),)),
    ("crane up", (), (cam("pedestal", direction="up"),)),
    ("pedestal down", (), (cam("pedestal", direction="down"),)),
    ("raise the camera", (), (cam("pedestal", direction="up"),)),
    ("orbit around Mei slowly", (MEI,), (cam("orbit", direction="right", target="Mei", pace="slow"),)),
    ("the camera circles Tom", (TOM,), (cam("orbit", direction="right", target="Tom"),)),
    ("shake the camera violently", (), (cam("shake", amount=1.0),)),
    ("handheld", (), (cam("shake"),)),
    ("hold the shot", (), (cam("static"),)),
    ("camera stays still", (), (cam("static"),)),
    ("follow the girl", (MEI,), (cam("follow", target="Mei"),)),
    ("track the old man", (TOM,), (cam("follow", target="Tom"),)),
    ("focus on Tom", (TOM,), (cam("focus", target="Tom"),)),
    ("wide shot", (), (cam("shot", shot="wide"),)),
    ("close-up on Mei", (MEI,), (cam("shot", shot="close", target="Mei"),)),
    ("extreme close up", (), (cam("shot", shot="extreme_close"),)),
    ("establishing shot", (), (cam("shot", shot="extreme_wide"),)),
    ("medium shot of the old man", (TOM,), (cam("shot", shot="medium", target="Tom"),)),
    ("cut to a wide shot", (), (cam("cut", shot="wide"),)),
    ("cut to Tom", (TOM,), (cam("cut", target="Tom"),)),
    # characters
    ("a cute cat runs to the girl", (GIRL,), (act("cat", "run", kind="cat", text="a cute cat", target="girl"),)),
    ("a kitten dashes toward the woman", (WOMAN,), (act("kitten", "run", kind="cat", text="a kitten", target="Ada"),)),
    ("an old man with a dog walks in from the left", (),
     (act("man", "enter", kind="person", text="an old man with a dog", side="left"),)),
    ("a puppy enters from the right", (), (act("puppy", "enter", kind="dog", text="a puppy", side="right"),)),
    ("a bird flies away", (), (act("bird", "leave", kind="bird", text="a bird"),)),
    ("the cat wanders off", (Character(name="Momo", text="a grey cat", kind="cat"),), (act("Momo", "leave"),)),
    ("the model walks to the center", (WOMAN,), (act("Ada", "walk", target="center"),)),
    ("Tom sits down", (TOM,), (act("Tom", "sit"),)),
    ("Mei stops", (MEI,), (act("Mei", "stop"),)),
    ("she turns around", (MEI, TOM), (act("Mei", "turn"),)),
    ("he runs away", (MEI, TOM), (act("Tom", "run", target="away"),)),
    ("Tom turns to face Mei", (MEI, TOM), (act("Tom", "turn", target="Mei"),)),
    ("the girl walks toward the camera", (MEI,), (act("Mei", "walk", target="near"),)),
    ("Mei runs off to the right", (MEI,), (act("Mei", "leave", side="right", pace="run"),)),
    ("Mei exits stage left", (MEI,), (act("Mei", "leave", side="left"),)),
    ("Tom vanishes", (TOM,), (act("Tom", "leave"),)),
    ("Tom hurries toward Mei", (MEI, TOM), (act("Tom", "run", target="Mei"),)),
    ("a stallion gallops in", (), (act("stallion", "enter", kind="horse", text="a stallion", pace="run"),)),
    # scene
    ("it starts to rain", (), (scene(weather="rain"),)),
    ("it begins to drizzle", (), (scene(weather="rain", intensity=0.3),)),
    ("heavy rain", (), (scene(weather="rain", intensity=0.9),)),
    ("it is pouring outside", (), (scene(weather="rain", intensity=0.9),)),
    ("the rain stops", (), (scene(weather="clear"),)),
    ("light snow falls", (), (scene(weather="snow", intensity=0.3),)),
    ("a thick fog rolls in", (), (scene(weather="fog", intensity=0.9),)),
    ("a gentle breeze picks up", (), (scene(weather="wind", intensity=0.3),)),
    ("a storm is coming", (), (scene(weather="storm"),)),
    ("the sky clears", (), (scene(weather="clear"),)),
    ("night falls", (), (scene(time_of_day="night"),)),
    ("the sun sets", (), (scene(time_of_day="dusk"),)),
    ("evening comes", (), (scene(time_of_day="dusk"),)),
    ("morning", (), (scene(time_of_day="dawn"),)),
    ("the sun comes up", (), (scene(time_of_day="dawn"),)),
    ("it is getting dark", (), (scene(time_of_day="night"),)),
    ("turn on the lights", (), (scene(lights=True),)),
    ("the lights go out", (), (scene(lights=False),)),
    ("lightning strikes", (), (scene(event="lightning"),)),
    ("thunder rumbles", (), (scene(event="thunder"),)),
    ("the car explodes", (), (scene(event="explosion"),)),
    ("fireworks light up the sky", (), (scene(event="fireworks"),)),
    ("we are now in a forest", (), (scene(scene="a forest"),)),
    ("cut to a snowy forest at night", (), (scene(scene="a snowy forest at night", weather="snow", time_of_day="night"),)),
    ("the scene changes to a beach", (), (scene(scene="a beach"),)),
    # style
    ("make it look like ghibli", (), (StyleChange(preset="ghibli"),)),
    ("film noir style", (), (StyleChange(preset="film_noir"),)),
    ("ghibli", (), (StyleChange(preset="ghibli"),)),
    ("in the style of Van Gogh", (), (StyleChange(text="Van Gogh"),)),
    ("make it black and white", (), (StyleChange(text="black and white"),)),
    # several parts
    ("it starts to rain and night falls", (), (scene(weather="rain"), scene(time_of_day="night"))),
    ("pan left, then zoom in", (), (cam("pan", direction="left"), cam("zoom", direction="in"))),
    ("thunder and lightning", (), (scene(event="thunder"), scene(event="lightning"))),
    ("a cat enters and runs to Mei", (MEI,),
     (act("cat", "enter", kind="cat", text="a cat"), act("cat", "run", target="Mei"))),
    ("the girl and the dog walk left", (MEI, Character(name="Rex", kind="dog")),
     (act("Mei", "walk", target="left"), act("Rex", "walk", target="left"))),
    ("night falls, the lights come on and the camera pans right", (),
     (scene(time_of_day="night"), scene(lights=True), cam("pan", direction="right"))),
]


@pytest.mark.parametrize(("text", "characters", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_rules_table(text: str, characters: tuple[Character, ...], expected: tuple[object, ...]) -> None:
    result = parse_command(text, characters, STYLES, use_embeddings=False)
    assert isinstance(result, CommandParse)
    assert result.parts == expected, result.notes
    assert result.understood and result.method == "rules"
    assert result.text == text


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 60


# --- who is who -----------------------------------------------------------------------------
def test_newcomer_gets_a_free_id() -> None:
    result = parse_command("a cat runs to the girl", [GIRL, Character(name="cat", kind="cat")], use_embeddings=False)
    assert result.parts == (act("cat2", "run", kind="cat", text="a cat", target="girl"),)
    assert any("new character 'cat2'" in n for n in result.notes)


def test_two_newcomers_of_the_same_kind_get_different_ids() -> None:
    result = parse_command("a dog enters and another dog enters from the left", use_embeddings=False)
    assert [p.name for p in result.parts] == ["dog", "dog2"]  # type: ignore[union-attr]


def test_declared_kind_synonym_and_description() -> None:
    momo = Character(name="Momo", text="a fluffy grey cat")
    assert parse_command("the kitten stops", [momo], use_embeddings=False).parts == (act("Momo", "stop"),)
    assert parse_command("the fluffy one stops", [momo], use_embeddings=False).parts == (act("Momo", "stop"),)


def test_pronoun_needs_a_single_candidate() -> None:
    two_women = [Character(name="Ann", text="a woman"), Character(name="Bea", text="a woman")]
    result = parse_command("push in on her", two_women, use_embeddings=False)
    assert result.parts == (cam("dolly", direction="in"),)  # no guess at who "her" is


def test_ambiguous_description_is_not_guessed() -> None:
    two_women = [Character(name="Ann", text="a woman"), Character(name="Bea", text="a woman")]
    result = parse_command("the woman sits down", two_women, use_embeddings=False)
    assert not result.understood


def test_subject_carries_to_the_next_clause() -> None:
    result = parse_command("Tom turns around and walks away", [TOM], use_embeddings=False)
    assert result.parts == (act("Tom", "turn"), act("Tom", "walk", target="away"))


# --- not understood ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["bake a cake", "Tom laughs", "", "the economy collapses", "blorp the fizz"])
def test_unknown_text_is_not_understood(text: str) -> None:
    result = parse_command(text, [TOM], use_embeddings=False)
    assert not result.understood and result.method == "none" and result.parts == ()
    assert result.notes


def test_partly_understood_keeps_what_was_read_and_says_what_was_not() -> None:
    result = parse_command("pan left and bake a cake", use_embeddings=False)
    assert result.parts == (cam("pan", direction="left"),)
    assert not result.understood
    assert result.method == "rules"
    assert "not understood: 'bake a cake'" in result.notes


def test_notes_explain_the_reading() -> None:
    result = parse_command("push in on her", [MEI], use_embeddings=False)
    assert "'push in' read as dolly in" in result.notes
    assert "'her' read as Mei" in result.notes


def test_import_does_not_load_the_model() -> None:
    code = "import sys, director.commands; assert 'sentence_transformers' not in sys.modules; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- embedding fallback -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def semantic() -> None:
    """Loads the embedding model once for the session (the first parse with embeddings does)."""
    parse_command("pan left")


RESCUED: list[tuple[str, tuple[Character, ...], tuple[object, ...]]] = [
    ("Mei takes a seat", (MEI,), (act("Mei", "sit"),)),
    ("Mei is sprinting toward Tom", (MEI, TOM), (act("Mei", "run", target="Tom"),)),
    ("bring the camera closer to Mei", (MEI,), (cam("dolly", direction="in", target="Mei"),)),
    ("the camera goes higher", (), (cam("pedestal", direction="up"),)),
    ("the view widens", (), (cam("zoom", direction="out"),)),
    ("the clouds part", (), (scene(weather="clear"),)),
]


@pytest.mark.parametrize(("text", "characters", "expected"), RESCUED, ids=[r[0] for r in RESCUED])
def test_embedding_rescues_what_rules_miss(semantic: None, text: str, characters: tuple[Character, ...],
                                           expected: tuple[object, ...]) -> None:
    assert not parse_command(text, characters, use_embeddings=False).understood
    result = parse_command(text, characters)
    assert result.understood and result.method == "embedding"
    assert result.parts == expected
    assert any("guessed by meaning" in n for n in result.notes)


@pytest.mark.parametrize("text", ["explain quantum physics", "Tom laughs", "cook dinner", "Mei reads a book",
                                  "the picture gets blurry"])
def test_embedding_does_not_guess_below_threshold(semantic: None, text: str) -> None:
    result = parse_command(text, [MEI, TOM])
    assert not result.understood and result.method == "none" and result.parts == ()


def test_rules_still_answer_with_embeddings_on(semantic: None) -> None:
    result = parse_command("slow dolly in on the girl", [GIRL])
    assert result.method == "rules"


def test_parallel_parses_share_one_model(semantic: None) -> None:
    results: list[CommandParse] = []
    lock = threading.Lock()

    def work() -> None:
        r = parse_command("bring the camera closer to Mei", [MEI])
        with lock:
            results.append(r)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.parts for r in results] == [(cam("dolly", direction="in", target="Mei"),)] * 4


def test_black_and_white_uses_the_noir_grade_when_there_is_one() -> None:
    from director.plan.styles import style_names

    result = parse_command("make it black and white", (), style_names(), use_embeddings=False)
    assert result.parts == (StyleChange(preset="noir", text="black and white"),)


@pytest.mark.parametrize(("text", "kind", "side"), [
    ("birds fly overhead", "bird", None), ("a car drives by from the right", "car", "right"),
    ("a plane flies over", "airplane", None), ("a bus goes past", "bus", None),
])
def test_things_passing_by_cross_the_frame(text: str, kind: str, side: str | None) -> None:
    (part,) = parse_command(text, (), STYLES, use_embeddings=False).parts
    assert isinstance(part, CharacterAction) and part.action == "cross" and part.kind == kind and part.side == side


@pytest.mark.parametrize(("text", "move", "direction"), [
    ("pull out to show the whole street", "dolly", "out"),  # the street is what is shown, not where to go
    ("the camera slides sideways to the left", "truck", "left"),
    ("tilt the camera to a dutch angle", "roll", "right"),
])
def test_camera_phrasings_from_the_directive_suite(text: str, move: str, direction: str) -> None:
    (part,) = parse_command(text, (), STYLES, use_embeddings=False).parts
    assert (part.move, part.direction) == (move, direction)
