"""A wander after the fact: its record as a timeline (JSON), handed to the Direct tab, or an MP4."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Callable

from director.commands.reader import RULES_ONLY
from director.plan.assets import Assets
from director.run.director import Director, Progress
from director.run.render import RenderResult, render
from director.plan.timeline import Timeline

log = logging.getLogger(__name__)

EXPORT_SIZE = (1280, 720)


def save_timeline(record: Timeline, folder: Path, name: str = "wander") -> Path:
    """Write the record as ``NAME.json`` in ``folder``; return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_safe(name)}.json"
    path.write_text(record.to_json(), encoding="utf-8")
    return path


def export_mp4(record: Timeline, out: Path, *, assets: Assets | None = None, size: tuple[int, int] | None = EXPORT_SIZE,
               on_progress: Callable[[Progress], None] | None = None) -> RenderResult:
    """Render the wander's record to an MP4 with sound (at ``size``; the stream may have been smaller).
    Live text is read the same way as during the wander (rules, no embeddings)."""
    if size is not None and (record.width, record.height) != size:
        record = record.model_copy(update={"width": size[0], "height": size[1]})  # see WanderWorld.record
    director = Director(record, assets=assets, reader=RULES_ONLY, keep_checkpoints=6)
    return render(record, out, director=director, on_progress=on_progress)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or "wander"
