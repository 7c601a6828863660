"""Compile live commands incrementally: read only the new directives, against the current script.

A live command arrives while a run plays; the record then holds every directive so far. Reading a
directive (the text parser, maybe the embedding model) is what costs; the rest of a compile (the
camera rig's moves, the entity tracks, the events) is assembled from the readings. So a live command:

  1. is placed in the record where ``Timeline.with_directive`` puts it (after every directive at or
     before its time: the stable sort);
  2. is read once, with the cast known at that place (the world's characters plus those brought in
     by earlier directives), exactly as ``compile_timeline`` would read it there;
  3. shifts the readings after it by one (their ``index``), re-reading them only if the new directive
     brought in a character they could now name (a planned directive later in the record);
  4. and the script is assembled from the readings (``compile_timeline(interpretations=...)``, which reads
     nothing) with the previous script's camera memo.

The result equals a fresh ``compile_timeline`` of the same record (tests/world/test_incremental.py).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from director.plan.timeline import Character, CharacterAction, Directive, Timeline
from director.commands.reader import WITH_MEANING, Reader
from director.world.compile import compile_timeline
from director.world.interpretation import Interpretation, interpret
from director.world.script import Script


def cast_at(timeline: Timeline, interpretations: Sequence[Interpretation], index: int) -> list[Character]:
    """Everyone a directive at ``index`` may name: the world's characters, then each character the
    readings before ``index`` brought in (in order, as ``compile_timeline`` grows its cast)."""
    cast = list(timeline.world.characters)
    names = {c.name.lower() for c in cast}
    for interp in interpretations[:index]:
        for part in interp.parts:
            if isinstance(part, CharacterAction) and part.name.lower() not in names:
                cast.append(Character(name=part.name, text=part.text or "", kind=part.kind))
                names.add(part.name.lower())
    return cast


def append_directives(script: Script, directives: Sequence[Directive], *,
                      reader: Reader = WITH_MEANING,
                      cache: dict[tuple, Any] | None = None) -> Script:
    """``script`` with ``directives`` added to its record, reading only those (see the module
    docstring). Raises ``TimelineError`` as ``compile_timeline`` would for the new record (a command
    naming someone unknown); ``script`` is left as it was. ``cache``: ``compile_timeline``'s (it keeps
    the words of text-less moves). ``reader``: how text is read."""
    record = script.timeline
    readings = list(script.interpretations)
    for directive in directives:
        # 1. where the stable sort puts it
        index = bisect_right([d.at for d in record.directives], directive.at)
        record = record.model_copy(update={"directives": [*record.directives[:index], directive,
                                                          *record.directives[index:]]})
        # 2. read it with the cast known there
        before = cast_at(record, readings, index)
        new = interpret(directive, index, before, reader)
        # 3. the readings after it move one place on; re-read them if the cast they saw grew
        known = {c.name.lower() for c in before}
        grew = any(isinstance(p, CharacterAction) and p.name.lower() not in known for p in new.parts)
        later = []
        for offset, old in enumerate(readings[index:], start=index + 1):
            if grew:
                cast = cast_at(record, [*readings[:index], new, *later], offset)
                later.append(interpret(record.directives[offset], offset, cast, reader))
            else:
                later.append(dataclasses.replace(old, index=offset))
        readings = [*readings[:index], new, *later]
    # 4. assemble from the readings (nothing is read again)
    return compile_timeline(record, reader=reader, cache=cache, previous=script, interpretations=readings)
