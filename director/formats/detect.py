"""Which tool wrote this JSON: a director timeline, Deforum settings or Parseq's rendered frames."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from director.formats.deforum import looks_like_deforum, read_deforum
from director.formats.imported import ImportResult
from director.formats.parseq import looks_like_parseq, read_parseq
from director.plan.timeline import Timeline, TimelineError
from director.plan.timeline import read_json_file as read_timeline_json

Format = Literal["timeline", "deforum", "parseq"]
MAX_IMPORT_BYTES = 32 * 1024 * 1024  # a long Parseq render at 60 fps is tens of MB; beyond that, refuse


def detect_format(data: object) -> Format:
    """``"parseq"`` for a ``rendered_frames`` list, ``"deforum"`` for ``max_frames`` with schedules or
    prompts, else ``"timeline"``."""
    if looks_like_parseq(data):
        return "parseq"
    if looks_like_deforum(data):
        return "deforum"
    return "timeline"


def read_json_file(path: str | Path, max_bytes: int = MAX_IMPORT_BYTES) -> object:
    """Parse a JSON file (Deforum saves ``*_settings.txt``), with located errors as ``TimelineError``."""
    return read_timeline_json(path, max_bytes)


def import_data(data: object, fmt: Literal["deforum", "parseq"] | None = None, source: str = "file",
                **options) -> ImportResult:
    """Import parsed Deforum or Parseq JSON (``fmt`` None: detect it). ``options`` go to the reader."""
    fmt = fmt or detect_format(data)
    if fmt == "deforum":
        return read_deforum(data, source, **options)
    if fmt == "parseq":
        return read_parseq(data, source, **options)
    raise TimelineError(["neither Deforum settings (max_frames with schedules or prompts) nor Parseq "
                         "rendered frames (a rendered_frames list)"], source)


def import_file(path: str | Path, fmt: Literal["deforum", "parseq"] | None = None, **options) -> ImportResult:
    """Read a Deforum settings file or a Parseq render from ``path``."""
    return import_data(read_json_file(path), fmt, str(path), **options)


def timeline_from_any(data: object, source: str = "upload") -> tuple[Timeline, list[str]]:
    """A timeline from parsed JSON of any known kind: a director timeline as it is, Deforum settings or a
    Parseq render imported. Returns the timeline and lines to show (a summary and the import's notes)."""
    from director.plan.timeline import timeline_from_data

    fmt = detect_format(data)
    if fmt == "timeline":
        return timeline_from_data(data, source), []
    result = import_data(data, fmt, source)
    return result.timeline, [f"Imported {result.summary()}", *result.notes]
