"""``parse_command``: free text → timeline directive parts (camera, character, scene, style)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from director.commands.action_rules import read_action
from director.commands.camera_rules import read_camera
from director.commands.characters import Cast, CastMember
from director.commands.clauses import Clause, join, split_clauses
from director.commands.fallback import SemanticReader
from director.commands.result import ClauseReading, CommandParse, Method, Part
from director.commands.scene_rules import read_scene
from director.commands.speed_rules import read_speed
from director.commands.style_rules import read_style
from director.plan.timeline import Character

_READER_LOCK = threading.Lock()
_READER: list[SemanticReader] = []  # one per process, built on first use (holds no user state)


def _semantic_reader() -> SemanticReader:
    with _READER_LOCK:
        if not _READER:
            _READER.append(SemanticReader())
        return _READER[0]


def _read_by_rules(clause: Clause, cast: Cast, styles: Sequence[str], previous: CastMember | None) -> ClauseReading | None:
    """The rules, most specific first: explicit style phrases, character actions, scene, weak
    style phrases ("make it black and white"), camera."""
    return (
        read_speed(clause)
        or read_style(clause, styles)
        or read_action(clause, cast, previous)
        or read_scene(clause, cast)
        or read_style(clause, styles, weak=True)
        or read_camera(clause, cast)
    )


def _is_bare_mention(clause: Clause, cast: Cast) -> bool:
    mention = cast.peek(clause, 0)
    return mention is not None and mention.end == len(clause)


def parse_command(
    text: str,
    characters: Sequence[Character] = (),
    styles: Sequence[str] = (),
    *,
    use_embeddings: bool = True,
) -> CommandParse:
    """Read a free-text command into timeline parts.

    ``characters`` are the world's declared characters (matched by name, kind or description;
    described newcomers get a fresh id), ``styles`` the known style-preset names. With
    ``use_embeddings`` (default) wording the rules miss is matched by meaning with the packaged
    all-MiniLM-L6-v2 model (loaded on first need, ~5 s once per process); False runs the rules only.
    A clause that neither reads is reported in ``notes`` and makes ``understood`` False.
    """
    reader = _semantic_reader() if use_embeddings else None
    cast = Cast(characters, kind_guesser=reader.guess_kind if reader else None)

    # 1. Split into clauses ("it starts to rain and night falls").
    clauses = split_clauses(text)
    parts: list[Part] = []
    notes: list[str] = []
    methods: set[str] = set()
    missed: list[str] = []
    previous: CastMember | None = None

    # 2. Read each clause by the rules, then by meaning; a clause that fails alone is tried joined
    #    to the next one ("black" + "white", "thunder" + "lightning").
    k = 0
    while k < len(clauses):
        reading: ClauseReading | None = None
        candidates = [clauses[k]]
        if k + 1 < len(clauses):
            joined = join(clauses[k], clauses[k + 1])
            # A clause that is only a character ("the girl" of "the girl and the cat walk") is
            # read joined first.
            bare = _is_bare_mention(clauses[k], cast)
            candidates = [joined, clauses[k]] if bare else [clauses[k], joined]
        used = 1
        for clause in candidates:
            size = len(cast.members)
            reading = _read_by_rules(clause, cast, styles, previous)
            if reading is None and reader is not None:
                reading = reader.read(clause, cast, previous)
            if reading is not None:
                used = 2 if clause is not clauses[k] else 1
                break
            del cast.members[size:]  # forget newcomers introduced by a failed reading
        if reading is None:
            missed.append(clauses[k].text)
            notes.append(f"not understood: '{clauses[k].text}'")
        else:
            parts.extend(reading.parts)
            notes.extend(reading.notes)
            methods.add(reading.method)
            if reading.subject is not None:
                previous = cast.by_name(reading.subject)
        k += used

    # 3. Assemble: understood only when every clause was read.
    method: Method = "none" if not parts else ("embedding" if "embedding" in methods else "rules")
    understood = bool(parts) and not missed
    if not clauses:
        notes.append("empty command")
    return CommandParse(text=text, parts=tuple(parts), understood=understood, method=method, notes=tuple(notes))
