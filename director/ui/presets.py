"""Example timelines for the presets menu: a built-in one, plus ``presets/timelines/*.json``.

The menu offers names; a name is looked up in the list built here, never turned into a path, so the
menu cannot be used to read other files. Images a preset refers to are read from its own folder
(trusted files shipped with the app) into the session's assets under the key the preset uses.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from director.plan.assets import AssetError, read_image
from director.plan.timeline import Timeline, TimelineError, load_timeline, timeline_from_data

log = logging.getLogger(__name__)

PRESETS_DIR = Path(__file__).resolve().parents[2] / "presets" / "timelines"
BUILTIN_NAME = "Paris 1980s walk (built-in example)"

# The example timeline from the core issue: what a new user sees first.
BUILTIN_TIMELINE = {
    "title": "Paris 1980s walk",
    "duration": 20,
    "world": {
        "scene": "On the streets of Paris in the 1980s",
        "characters": [{"name": "girl", "text": "A stylish blonde female model"}],
    },
    "directives": [
        {"at": 2, "text": "camera pans left", "duration": 3},
        {"at": 8, "text": "a cute cat runs to the girl"},
        {"at": 14, "text": "night falls", "duration": 4},
    ],
}


def default_timeline() -> Timeline:
    return timeline_from_data(BUILTIN_TIMELINE, BUILTIN_NAME)


@dataclass(frozen=True)
class Preset:
    name: str
    path: Path | None  # None for the built-in example


def list_presets(folder: Path = PRESETS_DIR) -> list[Preset]:
    """The built-in example first, then every ``*.json`` in ``folder`` by title (or file name)."""
    found = [Preset(BUILTIN_NAME, None)]
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                title = json.loads(path.read_text(encoding="utf-8")).get("title")
            except (OSError, ValueError, AttributeError):
                title = None
            found.append(Preset(str(title or path.stem.replace("_", " ")), path))
    names: set[str] = set()
    unique = []
    for p in found:
        if p.name not in names:
            names.add(p.name)
            unique.append(p)
    return unique


def load_preset(name: str, folder: Path = PRESETS_DIR) -> tuple[Timeline, dict[str, np.ndarray]]:
    """The preset called ``name`` and its images by key. Raises ``TimelineError`` if unknown/invalid."""
    preset = next((p for p in list_presets(folder) if p.name == name), None)
    if preset is None:
        raise TimelineError([f"no preset called {name!r}"], "presets")
    if preset.path is None:
        return default_timeline(), {}
    timeline = load_timeline(preset.path)
    images: dict[str, np.ndarray] = {}
    problems = []
    for key in image_keys(timeline):
        try:
            images[key] = read_image(preset.path.parent / key, label=key)
        except AssetError as exc:
            problems.append(str(exc))
    if problems:
        raise TimelineError(problems, preset.name)
    return timeline, images


def image_keys(timeline: Timeline) -> list[str]:
    """Every image key a timeline names (world, characters, directives), once each."""
    w = timeline.world
    keys = [w.scene_image, w.style_image, *(c.image for c in w.characters), *(d.image for d in timeline.directives)]
    return list(dict.fromkeys(k for k in keys if k))
