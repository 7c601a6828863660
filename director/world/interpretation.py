"""How one directive was read: its structured fields plus whatever its text says (through
``director.commands``). Text nobody understood stays a prompt and is reported, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from director.commands.reader import WITH_MEANING, Reader
from director.plan.timecode import format_time
from director.plan.timeline import CameraMove, Character, CharacterAction, Directive, SceneChange, StyleChange

Part = CameraMove | CharacterAction | SceneChange | StyleChange


@dataclass(frozen=True)
class Interpretation:
    """How one directive was read: for the CLI, the app and the tests."""

    index: int
    at: float
    text: str | None
    parts: tuple[Part, ...]
    understood: bool
    method: str  # structured / rules / embedding / none
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"directive {self.index} (at {format_time(self.at)})"
        if not self.understood and self.parts:
            names = ", ".join(type(p).__name__ for p in self.parts)
            return f"{where}: {self.text!r} partly understood ({names}); the whole text is also kept as a prompt"
        if not self.understood:
            return f"{where}: {self.text!r} not understood; kept as a prompt for neural engines"
        names = ", ".join(type(p).__name__ for p in self.parts) or "prompt"
        return f"{where}: {names} ({self.method})"


def interpret(directive: Directive, index: int, cast: Sequence[Character],
              reader: Reader = WITH_MEANING) -> Interpretation:
    """Structured fields as written, plus whatever the directive's text says. ``cast`` is everyone
    known at this point: the world's characters and those earlier directives brought in. ``reader``
    says how text is read."""
    parts: list[Part] = [p for p in (directive.camera, directive.character, directive.scene, directive.style) if p]
    notes: tuple[str, ...] = ()
    method = "structured" if parts else "none"
    understood = bool(parts) or bool(directive.image)
    if directive.text:
        from director.plan.styles import style_names

        result = reader.parse(directive.text, cast, style_names())
        # Parts read from a partly understood text still apply; the whole text then also stays a prompt,
        # so the text decides whether the directive counts as understood.
        parts.extend(result.parts)
        if result.parts:
            method = result.method if method == "none" else f"structured+{result.method}"
        understood = result.understood
        notes = tuple(result.notes)
    if directive.prompt and not parts:
        understood = False
    return Interpretation(index, directive.at, directive.text or directive.prompt, tuple(parts), understood, method, notes)
