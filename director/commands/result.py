"""What reading a command gives: ``CommandParse`` (public) and ``ClauseReading`` (one clause)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from director.plan.timeline import CameraMove, CharacterAction, SceneChange, StyleChange

Part = CameraMove | CharacterAction | SceneChange | StyleChange
Method = Literal["rules", "embedding", "none"]


@dataclass(frozen=True)
class CommandParse:
    """The structured reading of one free-text command.

    ``parts`` are the timeline models the text asks for, in the order written. ``understood`` is
    False when any clause of the text was not understood: the caller then keeps the whole text as a
    ``prompt`` directive (and reports it); ``parts`` still holds what *was* understood, and ``notes``
    says which words were not. ``method`` is "rules" when the deterministic rules read every part,
    "embedding" when the embedding matcher was needed for at least one, "none" when nothing was read.
    """

    text: str
    parts: tuple[Part, ...]
    understood: bool
    method: Method
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ClauseReading:
    """The parts read from one clause, how, and what to tell the user about it."""

    parts: tuple[Part, ...]
    method: Literal["rules", "embedding"]
    notes: tuple[str, ...] = ()
    subject: str | None = None  # the character the clause was about, for "… and runs to the girl"
