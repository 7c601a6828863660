"""``Reader``: how text is read, passed down as one object (the older use_embeddings flag maps onto it)."""

from __future__ import annotations

import pytest

from director.commands import RULES_ONLY, WITH_MEANING, Reader, parse_command
from director.plan.timeline import Character, Timeline
from director.world import compile_timeline


def _timeline() -> Timeline:
    return Timeline.model_validate({"duration": 6, "world": {"scene": "an Alpine pass", "characters": [{"name": "girl"}]},
                                    "directives": [{"at": 1, "text": "slow dolly in on the girl"},
                                                   {"at": 2, "text": "it starts to rain"}]})


def test_a_reader_parses_as_parse_command_does() -> None:
    cast = [Character(name="girl")]
    assert RULES_ONLY.parse("pan left", cast) == parse_command("pan left", cast, use_embeddings=False)
    assert Reader.of(False) == RULES_ONLY and Reader.of() == WITH_MEANING and Reader.of(None, RULES_ONLY) is RULES_ONLY
    with pytest.raises(ValueError, match="contradicts"):
        Reader.of(True, RULES_ONLY)


def test_compiling_with_a_reader_equals_the_flag() -> None:
    by_flag = compile_timeline(_timeline(), use_embeddings=False)
    by_reader = compile_timeline(_timeline(), reader=RULES_ONLY)
    assert by_flag.interpretations == by_reader.interpretations
    assert by_flag.state_at(4.0) == by_reader.state_at(4.0)
    # The reader also decides how the scene text is matched: rules only leave an unknown place the default.
    assert by_reader.reader is RULES_ONLY and by_reader.state_at(0.0).scene_kind.method == "default"
