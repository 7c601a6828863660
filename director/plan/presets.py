"""Shipped presets: example timelines (``presets/timelines/*.json``) and named camera moves
(``presets/camera_moves.json``). Styles live in ``director.plan.styles``.

>>> from director.plan.presets import load_preset, camera_moves, TIMELINES_DIR
>>> timeline = load_preset("paris_1980s_walk")           # or its title, "Paris 1980s walk"
>>> Director(timeline, base_dir=TIMELINES_DIR)            # image paths in presets are relative to that folder
>>> timeline.with_directive(camera_moves()["crane up"].directive(at=12))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from director.plan.timecode import parse_time
from director.plan.timeline import CameraMove, Directive, Timeline, load_timeline

PRESETS_DIR = Path(__file__).resolve().parents[2] / "presets"
TIMELINES_DIR = PRESETS_DIR / "timelines"  # the base_dir for the images that presets name
CAMERA_MOVES_FILE = PRESETS_DIR / "camera_moves.json"


class PresetError(ValueError):
    """An unknown preset name or a malformed presets file; the message says which and where."""


# --- timelines --------------------------------------------------------------------------------
def timeline_presets(folder: Path = TIMELINES_DIR) -> dict[str, Path]:
    """Example timelines by name (the file stem, e.g. ``"paris_1980s_walk"``), sorted by name."""
    return {p.stem: p for p in sorted(Path(folder).glob("*.json"))}


def preset_path(name: str, folder: Path = TIMELINES_DIR) -> Path:
    """The file of the preset called ``name``: its file stem or its title, any case, spaces or
    underscores. Raises ``PresetError`` with the nearest name when there is none."""
    found = timeline_presets(folder)
    key = _key(name)
    by_key = {_key(stem): path for stem, path in found.items()}
    for stem, path in found.items():  # titles second: a file name always wins
        try:
            title = json.loads(path.read_text(encoding="utf-8")).get("title")
        except (OSError, ValueError, AttributeError):
            title = None
        if title:
            by_key.setdefault(_key(str(title)), path)
    if key in by_key:
        return by_key[key]
    close = get_close_matches(key, list(by_key), n=1)
    hint = f" — did you mean {by_key[close[0]].stem!r}?" if close else ""
    raise PresetError(f"no timeline preset called {name!r}{hint} (known: {', '.join(found)})")


def load_preset(name: str, folder: Path = TIMELINES_DIR) -> Timeline:
    """The validated timeline of preset ``name``. Its image paths stay relative to ``folder``
    (``TIMELINES_DIR``): give that as ``base_dir`` to ``Director`` or ``render``."""
    return load_timeline(preset_path(name, folder))


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
