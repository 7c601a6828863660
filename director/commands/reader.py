"""``Reader``: how free text is read, as one object passed down instead of a ``use_embeddings`` flag.

Rules always run first; a reader with ``meaning=True`` (the default) also matches wording the rules
miss by meaning (the packaged all-MiniLM-L6-v2, offline, loaded on first need), both for commands and
for scene texts (``world.scene_kind``). ``RULES_ONLY`` is the fast, model-free reader the tests, the
exporters and ``--no-embeddings`` use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from director.commands.parser import parse_command
from director.commands.result import CommandParse
from director.plan.timeline import Character


@dataclass(frozen=True)
class Reader:
    meaning: bool = True  # match unknown wording by meaning (embeddings) after the rules

    def parse(self, text: str, characters: Sequence[Character] = (), styles: Sequence[str] = ()) -> CommandParse:
        """``parse_command`` with this reader's settings."""
        return parse_command(text, characters, styles, use_embeddings=self.meaning)

    @classmethod
    def of(cls, use_embeddings: bool | None = None, reader: Reader | None = None) -> Reader:
        """The reader a caller asked for: ``reader`` if given, else one for the legacy ``use_embeddings`` flag
        (None: the default, reading by meaning)."""
        if reader is not None:
            if use_embeddings is not None and use_embeddings != reader.meaning:
                raise ValueError(f"use_embeddings={use_embeddings} contradicts reader={reader}: pass one of them")
            return reader
        return cls(meaning=True if use_embeddings is None else use_embeddings)


WITH_MEANING = Reader(meaning=True)
RULES_ONLY = Reader(meaning=False)
