"""The editor's nine fields (world, settings, directive rows), defined once, and how they map to a Timeline.

``EditorFields`` is what the Direct tab's controller takes in: the layout builds one from its
components' values (in ``EditorFields.names()`` order) and never lists the fields itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

from pydantic import ValidationError

from director.plan.styles import STYLES
from director.plan.timeline import Character, Timeline, TimelineError, timeline_from_data
from director.ui.direct.table import rows_from_timeline

NO_STYLE = "(none)"
SIZES = ["1280x720", "960x540", "640x360", "320x180"]
FPS_CHOICES = [12, 24, 25, 30]
_SIZE = re.compile(r"^\s*(\d{2,4})\s*[x×]\s*(\d{2,4})")
_CHARACTER = re.compile(r"^\s*([^:]{1,40}?)\s*(?::\s*(.*))?$")


def style_choices() -> list[str]:
    return [NO_STYLE, *STYLES]


@dataclass(frozen=True)
class EditorFields:
    """What the editor shows: the world, the settings and the directive rows (time, directive,
    duration, image, how it was read). Values are as the browser sends them (strings, numbers)."""

    scene: str
    characters: str  # one per line, ``name: how they look``
    style: str  # a style name or NO_STYLE
    engine: str
    size: str  # WIDTHxHEIGHT
    fps: float
    seed: int
    duration: float  # seconds
    rows: list[list[Any]]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The field names in order: the order of the layout's inputs and of ``values()``."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> EditorFields:
        """Fields from component values in ``names()`` order (the table in any form gradio sends)."""
        names = cls.names()
        if len(values) != len(names):
            raise ValueError(f"editor fields: expected {len(names)} values ({', '.join(names)}), got {len(values)}")
        given = dict(zip(names, values))
        return cls(**given | {"rows": rows_value(given["rows"])})

    def values(self) -> list[Any]:
        return [getattr(self, name) for name in self.names()]

    def with_rows(self, rows: list[list[Any]]) -> EditorFields:
        return replace(self, rows=rows)


def fields_from_timeline(timeline: Timeline, notes: list[str]) -> EditorFields:
    """The editor showing ``timeline``, each row with its note (how it was read)."""
    w = timeline.world
    characters = "\n".join(f"{c.name}: {c.text}" if c.text else c.name for c in w.characters)
    return EditorFields(w.scene, characters, w.style or NO_STYLE, timeline.engine,
                        f"{timeline.width}x{timeline.height}", timeline.fps, timeline.seed, timeline.duration,
                        rows_from_timeline(timeline, notes))


def settings_from_fields(f: EditorFields, base: Timeline) -> Timeline:
    """``base`` with the world and settings the editor shows, and no directives (the rows are read
    separately). Raises ``ValueError`` (or ``TimelineError``) saying which field is wrong."""
    try:
        width, height = parse_size(f.size)
        world = base.world.model_copy(update={
            "scene": (f.scene or "").strip(),
            "style": None if f.style in (None, "", NO_STYLE) else f.style,
            "characters": parse_characters(f.characters, list(base.world.characters)),
        })
        data = base.model_dump(mode="json") | {
            "world": world.model_dump(mode="json"), "engine": f.engine, "width": width, "height": height,
            "fps": float(f.fps), "seed": int(f.seed), "duration": float(f.duration), "directives": [],
        }
        return timeline_from_data(data, "settings")
    except TimelineError:
        raise
    except (TypeError, ValidationError) as exc:
        raise ValueError(str(exc)) from None


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


def rows_value(value: Any) -> list[list[Any]]:
    """The table's value as rows, whatever form gradio hands it over in."""
    if value is None:
        return []
    if hasattr(value, "values") and hasattr(value, "columns"):  # pandas
        return value.fillna("").values.tolist()
    if isinstance(value, dict):
        return list(value.get("data") or [])
    return [list(r) for r in value]
