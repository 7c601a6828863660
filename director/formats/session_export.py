"""The Direct tab's exports of a session's takes in other tools' formats, written into its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from director.formats.take_notes import Take
from director.plan.timeline import Timeline

ExportKind = Literal["otio", "srt", "vtt", "storyboard"]


def export_takes(kind: ExportKind, folder: Path, takes: list[Take], shown: Take | None, *,
                 fallback: Timeline, assets=None) -> Path:
    """Write one export into ``folder`` and return its path: ``otio`` holds every take (a track each),
    the others the shown take's record (or ``fallback``, the plan, before any take exists)."""
    timeline = shown.timeline if shown is not None else fallback
    stem = _slug(timeline.title or "director")
    if kind == "otio":
        from director.formats.otio_export import write_otio

        return write_otio(takes or [Take(fallback, None, "Plan")], folder / f"{stem}.otio")
    if kind in ("srt", "vtt"):
        from director.formats.subtitles import write_subtitles

        return write_subtitles(timeline, folder / f"{stem}.{kind}", kind)
    from director.formats.storyboard import write_storyboard

    return write_storyboard(timeline, folder / f"{stem}-storyboard.pdf", assets=assets)


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "director"
