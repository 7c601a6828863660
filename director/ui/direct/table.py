"""Directive rows in the editor table ↔ the Timeline.

One row per directive: time, directive, duration, image, and a read-only note saying how the row
was read ("the camera pans left · rules") or what is wrong with it ("⚠ time: cannot read '0:6x'").
Free-text directives show as their text; structured ones (from presets or JSON) show as compact JSON
so they can be edited without losing anything. A row left exactly as it was keeps its original
directive (structure, live origin) untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from director.world import Interpretation, describe_part
from director.plan.timecode import format_time, parse_time
from director.plan.timeline import Directive, Timeline, TimelineError, timeline_from_data

HEADERS = ["time", "directive", "duration", "image", "how it was read"]
NOTE_COLUMN = 4
_STRUCTURED = ("camera", "character", "scene", "style", "prompt")
_LOCATED = re.compile(r"^directive (\d+) \(at [^)]*\):?\s*(.*)$", re.S)


def directive_cell(d: Directive) -> str:
    fields = {k: v for k, v in d.model_dump(mode="json", exclude_none=True).items() if k in _STRUCTURED}
    if not fields:
        return d.text or ""
    if d.text:
        fields = {"text": d.text, **fields}
    return json.dumps(fields, separators=(", ", ": "))


def _duration_cell(d: Directive) -> str:
    return f"{d.duration:g}" if d.duration else ""


def _row_key(time: str, text: str, duration: str, image: str) -> tuple[str, str, str, str]:
    return (time.strip(), text.strip(), duration.strip(), image.strip())


def read_note(interp: Interpretation, directive: Directive) -> str:
    """How a directive was read, in words."""
    origin = "● live · " if directive.source == "live" else ""
    if interp.method == "rejected":
        return f"{origin}⚠ rejected: {'; '.join(interp.notes)}"
    if not interp.understood:
        return f"{origin}⚠ not understood: kept as a prompt for neural engines"
    words = "; ".join(describe_part(p) for p in interp.parts) or ("reference image" if directive.image else "prompt")
    return f"{origin}{words} · {interp.method}"


def rows_from_timeline(timeline: Timeline, notes: list[str] | None = None) -> list[list[str]]:
    notes = notes or [""] * len(timeline.directives)
    return [
        [format_time(d.at), directive_cell(d), _duration_cell(d), d.image or "", note]
        for d, note in zip(timeline.directives, notes)
    ]


def notes_for(timeline: Timeline, interpretations: Iterable[Interpretation]) -> list[str]:
    return [read_note(i, d) for i, d in zip(interpretations, timeline.directives)]


@dataclass
class RowsRead:
    """The table's rows read against the world and settings, before the timeline is compiled:
    a timeline if every row is valid, and a note per row (sorted like the timeline when valid)."""

    timeline: Timeline | None
    cells: list[list[str]]  # time, directive, duration, image per row (blank rows dropped)
    notes: list[str]  # "" or "⚠ …" per row
    problems: list[str] = field(default_factory=list)  # problems not tied to one row

    @property
    def rows(self) -> list[list[str]]:
        return [[*c, note] for c, note in zip(self.cells, self.notes)]


def _cell(row: list[Any], i: int) -> str:
    value = row[i] if i < len(row) else ""
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def read_rows(rows: list[list[Any]], base: Timeline, image_keys: Iterable[str], *,
              before: Timeline | None = None) -> RowsRead:
    """Validate edited rows against ``base`` (world and settings). Row problems go in the note
    column beside the row; a valid table comes back sorted by time (it is compiled by the caller,
    once, see ``director.ui.direct.reading``). ``before`` is the timeline the rows were shown from
    (default ``base``): unchanged rows keep its directives as they were."""
    keys = set(image_keys)
    originals = {_row_key(format_time(d.at), directive_cell(d), _duration_cell(d), d.image or ""): d
                 for d in (before or base).directives}
    cells = [[_cell(r, i) for i in range(4)] for r in rows]
    cells = [c for c in cells if any(x.strip() for x in c)]  # blank rows are ignored
    notes = [""] * len(cells)
    data: list[dict[str, Any]] = []
    for n, (time, text, duration, image) in enumerate(cells):
        original = originals.get(_row_key(time, text, duration, image))
        if original is not None:
            data.append(original.model_dump(mode="json", exclude_defaults=True) | {"at": original.at})
            continue
        item: dict[str, Any] = {}
        problems = []
        try:
            item["at"] = parse_time(time) if time.strip() else problems.append("time: missing")
        except ValueError as exc:
            problems.append(f"time: {exc}")
        if duration.strip():
            try:
                item["duration"] = parse_time(duration)
            except ValueError as exc:
                problems.append(f"duration: {exc}")
        text = text.strip()
        if text.startswith("{"):
            try:
                fields = json.loads(text)
                if not isinstance(fields, dict):
                    raise ValueError("expected an object")
                item.update({k: v for k, v in fields.items() if k not in ("at", "duration")})
            except ValueError as exc:
                problems.append(f"directive: not valid JSON ({exc})")
        elif text:
            item["text"] = text
        if image.strip():
            if image.strip() not in keys:
                problems.append(f"image {image.strip()!r} is not uploaded: drop it under Reference images")
            else:
                item["image"] = image.strip()
        if problems:
            notes[n] = "⚠ " + "; ".join(problems)
        data.append(item)
    if any(notes):
        return RowsRead(None, cells, notes)
    # Sort by time first (stable), so "directive N" in any error is row N of what is shown.
    order = sorted(range(len(cells)), key=lambda i: data[i]["at"])
    cells, data = [cells[i] for i in order], [data[i] for i in order]
    document = base.model_dump(mode="json", exclude={"directives"}) | {"directives": data}
    try:
        timeline = timeline_from_data(document, "timeline")
    except TimelineError as exc:
        general = place_problems(exc.problems, notes)
        return RowsRead(None, cells, notes, general)
    return RowsRead(timeline, cells, notes)


def place_problems(problems: list[str], notes: list[str]) -> list[str]:
    """Put 'directive N (at …): …' problems in row N's note; return the rest."""
    general = []
    for problem in problems:
        m = _LOCATED.match(problem)
        if m and int(m.group(1)) < len(notes):
            i = int(m.group(1))
            notes[i] = (notes[i] + "; " if notes[i] else "⚠ ") + m.group(2)
        else:
            general.append(problem)
    return general
