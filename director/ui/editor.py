"""The editor's fields (world, settings, directive rows) ↔ a Timeline, with messages for the user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from director.world import compile_timeline
from director.plan.styles import STYLES
from director.plan.timeline import Character, Timeline, TimelineError, timeline_from_data
from director.ui.timeline_table import TableReading, notes_for, read_table, rows_from_timeline

NO_STYLE = "(none)"
SIZES = ["1280x720", "960x540", "640x360", "320x180"]
FPS_CHOICES = [12, 24, 25, 30]
_SIZE = re.compile(r"^\s*(\d{2,4})\s*[x×]\s*(\d{2,4})")
_CHARACTER = re.compile(r"^\s*([^:]{1,40}?)\s*(?::\s*(.*))?$")


def style_choices() -> list[str]:
    return [NO_STYLE, *STYLES]


@dataclass(frozen=True)
class Fields:
    """What the editor shows, in the order of ``EDITOR_FIELDS`` in direct_tab."""

    scene: str
    characters: str
    style: str
    engine: str
    size: str
    fps: float
    seed: int
    duration: float
    rows: list[list[str]]

    def values(self) -> list[Any]:
        return [self.scene, self.characters, self.style, self.engine, self.size, self.fps, self.seed,
                self.duration, self.rows]


def fields_from_timeline(timeline: Timeline, *, use_embeddings: bool = True, notes: list[str] | None = None) -> Fields:
    if notes is None:
        try:
            notes = notes_for(timeline, compile_timeline(timeline, use_embeddings=use_embeddings).interpretations)
        except TimelineError as exc:
            notes = [""] * len(timeline.directives)
            from director.ui.timeline_table import _place

            _place(exc.problems, notes)
    w = timeline.world
    characters = "\n".join(f"{c.name}: {c.text}" if c.text else c.name for c in w.characters)
    return Fields(w.scene, characters, w.style or NO_STYLE, timeline.engine, f"{timeline.width}x{timeline.height}",
                  timeline.fps, timeline.seed, timeline.duration, rows_from_timeline(timeline, notes))


def parse_size(text: str) -> tuple[int, int]:
    m = _SIZE.match(str(text or ""))
    if not m:
        raise ValueError(f"size {text!r}: write it as WIDTHxHEIGHT, e.g. 1280x720")
    return int(m.group(1)), int(m.group(2))


def parse_characters(text: str, before: list[Character]) -> list[Character]:
    """One character a line, ``name: how they look``. Images stay with the name they belong to."""
    images = {c.name.lower(): c.image for c in before}
    kinds = {c.name.lower(): c.kind for c in before}
    found = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        m = _CHARACTER.match(line)
        if not m:
            raise ValueError(f"character line {line!r}: write name: description")
        name = m.group(1).strip()
        found.append(Character(name=name, text=(m.group(2) or "").strip(), image=images.get(name.lower()),
                               kind=kinds.get(name.lower())))
    return found


def read_fields(fields: Fields, base: Timeline, image_keys: list[str], *, use_embeddings: bool = True) -> TableReading:
    """Validate everything the editor shows against the session's timeline ``base``."""
    try:
        width, height = parse_size(fields.size)
        world = base.world.model_copy(update={
            "scene": (fields.scene or "").strip(),
            "style": None if fields.style in (None, "", NO_STYLE) else fields.style,
            "characters": parse_characters(fields.characters, list(base.world.characters)),
        })
        data = base.model_dump(mode="json") | {
            "world": world.model_dump(mode="json"), "engine": fields.engine, "width": width, "height": height,
            "fps": float(fields.fps), "seed": int(fields.seed), "duration": float(fields.duration), "directives": [],
        }
        settings = timeline_from_data(data, "settings")
    except (ValueError, TypeError, ValidationError) as exc:
        problems = exc.problems if isinstance(exc, TimelineError) else [str(exc)]
        return TableReading(None, [list(map(str, r)) for r in fields.rows], problems)
    return read_table(fields.rows, settings, image_keys, use_embeddings=use_embeddings, before=base)


def rows_value(value: Any) -> list[list[Any]]:
    """The table's value as rows, whatever form gradio hands it over in."""
    if value is None:
        return []
    if hasattr(value, "values") and hasattr(value, "columns"):  # pandas
        return value.fillna("").values.tolist()
    if isinstance(value, dict):
        return list(value.get("data") or [])
    return [list(r) for r in value]
