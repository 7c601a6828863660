"""Shipped presets: example timelines (``presets/timelines/*.json`` and one built in), named camera moves
(``presets/camera_moves.json``), and the images the example timelines name. Styles live in
``director.plan.styles``. This is the one preset loader: the library, the CLI and the app's presets menu
all read presets here.

>>> from director.plan.presets import load_preset, camera_moves, TIMELINES_DIR
>>> timeline = load_preset("paris_1980s_walk")           # or its title, "Paris 1980s walk"
>>> Director(timeline, base_dir=TIMELINES_DIR)            # image paths in presets are relative to that folder
>>> timeline.with_directive(camera_moves()["crane up"].directive(at=12))

A preset name is looked up among the files found in the presets folder, never turned into a path, so a
name from a browser cannot be used to read other files. The images a preset names are read from its own
folder (trusted files shipped with the app).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from director.plan.assets import AssetError, read_image
from director.plan.timecode import parse_time
from director.plan.timeline import CameraMove, Directive, Timeline, TimelineError, load_timeline, timeline_from_data
from director.plan.timeline_images import image_keys

PRESETS_DIR = Path(__file__).resolve().parents[2] / "presets"
TIMELINES_DIR = PRESETS_DIR / "timelines"  # the base_dir for the images that presets name
CAMERA_MOVES_FILE = PRESETS_DIR / "camera_moves.json"

BUILTIN_NAME = "Paris 1980s walk (built-in example)"
# The example timeline from the core issue: what a new user sees first (it needs no file).
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


class PresetError(TimelineError):
    """An unknown preset name or a malformed presets file; the message says which and where. A
    ``TimelineError`` too, so whoever reports timeline problems reports these the same way."""

    def __init__(self, message: str, source: str = "presets"):
        ValueError.__init__(self, message)
        self.problems = [message]
        self.source = source


# --- timelines --------------------------------------------------------------------------------
def default_timeline() -> Timeline:
    """The built-in example (``BUILTIN_NAME``)."""
    return timeline_from_data(BUILTIN_TIMELINE, BUILTIN_NAME)


def timeline_presets(folder: Path = TIMELINES_DIR) -> dict[str, Path]:
    """Example timelines by name (the file stem, e.g. ``"paris_1980s_walk"``), sorted by name."""
    return {p.stem: p for p in sorted(Path(folder).glob("*.json"))}


def _title(path: Path) -> str | None:
    try:
        title = json.loads(path.read_text(encoding="utf-8")).get("title")
    except (OSError, ValueError, AttributeError):
        return None
    return str(title) if title else None


@dataclass(frozen=True)
class Preset:
    """One entry of the presets menu."""

    name: str  # what the menu shows: the timeline's title, else its file name
    path: Path | None  # None for the built-in example


def list_presets(folder: Path = TIMELINES_DIR) -> list[Preset]:
    """The presets menu: the built-in example first, then every ``*.json`` in ``folder`` by title (or
    file name), each name once."""
    found = [Preset(BUILTIN_NAME, None)]
    found += [Preset(_title(path) or stem.replace("_", " "), path) for stem, path in timeline_presets(folder).items()]
    unique: dict[str, Preset] = {}
    for preset in found:
        unique.setdefault(preset.name, preset)
    return list(unique.values())


def preset_path(name: str, folder: Path = TIMELINES_DIR) -> Path:
    """The file of the preset called ``name``: its file stem or its title, any case, spaces or
    underscores. Raises ``PresetError`` with the nearest name when there is none."""
    found = timeline_presets(folder)
    key = _key(name)
    by_key = {_key(stem): path for stem, path in found.items()}
    for path in found.values():  # titles second: a file name always wins
        title = _title(path)
        if title:
            by_key.setdefault(_key(title), path)
    if key in by_key:
        return by_key[key]
    close = get_close_matches(key, list(by_key), n=1)
    hint = f" — did you mean {by_key[close[0]].stem!r}?" if close else ""
    raise PresetError(f"no timeline preset called {name!r}{hint} (known: {', '.join(found)})")


def load_preset(name: str, folder: Path = TIMELINES_DIR) -> Timeline:
    """The validated timeline of preset ``name`` (``BUILTIN_NAME`` is the built-in example). Its image
    paths stay relative to ``folder`` (``TIMELINES_DIR``): give that as ``base_dir`` to ``Director`` or
    ``render``, or read them with ``preset_images``."""
    if name == BUILTIN_NAME:
        return default_timeline()
    return load_timeline(preset_path(name, folder))


def preset_images(timeline: Timeline, folder: Path = TIMELINES_DIR) -> dict[str, np.ndarray]:
    """The images a preset's timeline names, by the key it uses, read from the presets ``folder``.
    Raises ``TimelineError`` listing every image that cannot be read."""
    images: dict[str, np.ndarray] = {}
    problems = []
    for key in image_keys(timeline):
        try:
            images[key] = read_image(Path(folder) / key, label=key)
        except AssetError as exc:
            problems.append(str(exc))
    if problems:
        raise TimelineError(problems, timeline.title or "preset")
    return images


def load_preset_and_images(name: str, folder: Path = TIMELINES_DIR) -> tuple[Timeline, dict[str, np.ndarray]]:
    """What the presets menu loads: the timeline of ``name`` and its images by key."""
    timeline = load_preset(name, folder)
    return timeline, preset_images(timeline, folder)


def _key(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").replace("-", " ").split())


# --- camera moves -------------------------------------------------------------------------------
class _MoveSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    camera: CameraMove
    duration: float = Field(ge=0, description="seconds the move takes")
    description: str = ""


class _MovesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str = Field(default="", alias="_about")
    moves: dict[str, _MoveSpec]


@dataclass(frozen=True)
class NamedMove:
    """A named camera move: what to do (``camera``) and how long it takes (``duration``, seconds)."""

    name: str
    camera: CameraMove
    duration: float
    description: str

    def directive(self, at: float | str, *, target: str | None = None, duration: float | None = None) -> Directive:
        """A timeline directive doing this move at ``at`` (seconds or "m:ss"), aimed at ``target``
        (a character's name) when given."""
        camera = self.camera if target is None else self.camera.model_copy(update={"target": target})
        return Directive(at=parse_time(at), duration=self.duration if duration is None else duration, camera=camera)


def camera_moves(path: Path = CAMERA_MOVES_FILE) -> dict[str, NamedMove]:
    """Named camera moves from ``presets/camera_moves.json``, in file order. Raises ``PresetError``
    naming the move and field at fault."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PresetError(f"{path}: cannot read camera moves: {exc}") from None
    try:
        parsed = _MovesFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            loc = list(e["loc"])
            where = f"move {loc[1]!r}: " + ".".join(map(str, loc[2:])) if loc[:1] == ["moves"] and len(loc) > 1 else ".".join(map(str, loc))
            lines.append(f"  - {where}: {e['msg']}")
        raise PresetError(f"{path}: {len(lines)} problem(s)\n" + "\n".join(lines)) from None
    return {name: NamedMove(name, spec.camera, spec.duration, spec.description) for name, spec in parsed.moves.items()}
