"""Scene choice: keywords first, then the nearest scene by embedding, resolved by the world when the
timeline is compiled; the engine receives it in the state and reports it."""

from __future__ import annotations

import logging

import pytest

from director.engines.protocol import ChunkRequest, RenderSettings, sample_index
from director.engines.previz import PrevizEngine, PrevizOptions
from director.plan.timeline import Timeline
from director.world import compile_timeline
from director.world.scene_kind import SceneChoice, choose_scene
from director.world.state import WorldState


@pytest.mark.parametrize("text, kind", [
    ("a Tuscan vineyard", "countryside"), ("the Sahara", "desert"), ("a Tokyo alley", "city"),
    ("a cozy living room", "interior"), ("a quiet country road through fields", "countryside"),
])
def test_known_words_choose_by_keywords_without_a_model(text, kind):
    choice = choose_scene(text, use_embeddings=False)
    assert (choice.kind, choice.method) == (kind, "keywords") and choice.score >= 1


def test_nothing_to_go_on_is_the_default():
    assert choose_scene("", use_embeddings=True) == SceneChoice("countryside", "default", 0.0, "")
    assert choose_scene("an Alpine pass", use_embeddings=False).method == "default"


@pytest.mark.parametrize("text, kind", [
    ("an Alpine pass", "mountains"), ("a coral reef lagoon", "beach"), ("the Amazon", "forest"),
    ("aurora borealis", "night sky"), ("a subway platform", "city"), ("the Himalayas", "mountains"),
])
def test_unplanned_words_go_to_the_nearest_scene_by_embedding(text, kind):
    choice = choose_scene(text)
    assert (choice.kind, choice.method) == (kind, "embedding"), choice
    assert 0.3 <= choice.score <= 1.0 and choice.nearest


def test_meaningless_text_is_the_default_even_with_the_model():
    assert choose_scene("zzz qqq").method == "default"


def test_engine_reports_the_choice_in_chunk_info_and_the_log(caplog):
    # The compiled script resolves the scene (by embedding here); the engine draws and reports what it got.
    timeline = Timeline.model_validate({"duration": 1, "world": {"scene": "an Alpine pass"}})
    states = (compile_timeline(timeline, use_embeddings=True).state_at(0.0),)
    eng = PrevizEngine(PrevizOptions(audio=False))
    with caplog.at_level(logging.INFO, logger="director.engines.previz"):
        eng.open(RenderSettings(64, 36, 24.0), states[0])
        chunk = eng.render(ChunkRequest(0, 0, (0.0,), states, "", frozenset(), 0, sample_index(1, 24.0)))
    scene = chunk.info.scene
    assert isinstance(scene, SceneChoice) and (scene.kind, scene.method) == ("mountains", "embedding")
    assert any("an Alpine pass" in r.getMessage() and "mountains" in r.getMessage() for r in caplog.records)
    off = (compile_timeline(timeline, use_embeddings=False).state_at(0.0),)
    eng = PrevizEngine(PrevizOptions(audio=False))
    eng.open(RenderSettings(64, 36, 24.0), off[0])
    assert eng.render(ChunkRequest(0, 0, (0.0,), off, "", frozenset(), 0, sample_index(1, 24.0))).info.scene.method == "default"


def test_a_state_built_by_hand_is_resolved_by_keywords():
    assert WorldState(0, scene="a quiet beach with cliffs").scene_kind == choose_scene("a quiet beach with cliffs", False)
    assert WorldState(0, scene="a quiet beach with cliffs").scene_kind.details == ("cliffs",)
    assert WorldState(0, scene="an Alpine pass").scene_kind.method == "default"


def test_a_dissolve_hands_the_engine_the_kind_it_comes_from():
    timeline = Timeline.model_validate({"duration": 4, "world": {"scene": "a city street"}, "directives": [
        {"at": 1, "scene": {"scene": "a quiet beach", "dissolve": True}, "duration": 2}]})
    state = compile_timeline(timeline, use_embeddings=False).state_at(2.0)
    assert state.scene_kind.kind == "beach" and state.environment.dissolve_from_kind.kind == "city"


def test_every_scene_kind_of_the_vocabulary_has_a_recipe():
    from director.engines.previz.scenes import RECIPES
    from director.vocabulary import SCENE_KIND_NAMES

    assert tuple(RECIPES) == SCENE_KIND_NAMES


def test_two_texts_of_one_kind_with_other_details_are_two_paintings():
    # The painted-scene cache is keyed by kind *and* detail layers: the beach with cliffs must not
    # reuse the plain beach painted first (issue 14).
    from director.engines.previz.compositor import WorldRenderer

    comp = WorldRenderer(160, 90, seed=3)
    plain = comp.render(WorldState(0, scene="a sandy beach"), 0)
    cliffs = comp.render(WorldState(0, scene="a sandy beach with distant cliffs"), 0)
    fresh = WorldRenderer(160, 90, seed=3).render(WorldState(0, scene="a sandy beach with distant cliffs"), 0)
    assert (cliffs == fresh).all()
    assert (cliffs != plain).any()
