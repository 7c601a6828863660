"""What each directive of a take said and how it was read: the text markers, subtitles and storyboards show.

A take is a timeline record (the plan plus live commands stamped with their time, ``source="live"``)
and, when it was rendered, its clip. ``take_cues`` compiles the record once (rules only, so nothing
heavy loads) and gives one ``Cue`` per directive.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from director.commands.reader import RULES_ONLY
from director.vocabulary.camera_moves import CAMERA_MOVES, UNIT_SYMBOLS
from director.world.camera_rig import default_duration
from director.world import compile_timeline, describe_part
from director.plan.timeline import CameraMove, SceneChange, Timeline

CUE_SECONDS = 2.5  # a cue with no transition stays on screen this long (subtitles, marker ranges)


@dataclass(frozen=True)
class Take:
    """One take to export: its record, its clip (if rendered) and a name."""

    timeline: Timeline
    clip: Path | None = None
    name: str = "Take 1"


@dataclass(frozen=True)
class Cue:
    index: int
    at: float  # seconds
    duration: float  # seconds the directive's transition takes (0 = instant)
    text: str  # what was asked, in words
    reading: str  # how director read it, e.g. "camera: the camera pans right"
    live: bool  # a live command (typed while the take rendered)
    camera: CameraMove | None  # the first camera part, if any
    new_shot: bool = False  # a cut, a shot size or a new place: a storyboard "per shot" starts a panel here

    @property
    def end(self) -> float:
        return self.at + self.duration


def camera_words(move: CameraMove) -> str:
    """A camera move in words with its size: "the camera pans left 12.6°"."""
    words = describe_part(move)
    unit = UNIT_SYMBOLS.get(CAMERA_MOVES[move.move].units or "")
    if move.amount is not None and unit:
        words += f" {move.amount:.3g}{unit}"
    return words


def directive_words(d) -> str:
    """The directive in words: its text, its prompt, or its structured parts described."""
    if d.text or d.prompt:
        return d.text or d.prompt
    parts = [camera_words(p) if isinstance(p, CameraMove) else describe_part(p)
             for p in (d.camera, d.character, d.scene, d.style) if p]
    return "; ".join(parts) or (f"image {d.image}" if d.image else "directive")


def take_cues(timeline: Timeline) -> list[Cue]:
    """One cue per directive of ``timeline``, in time order."""
    script = compile_timeline(timeline, reader=RULES_ONLY)
    cues = []
    for interp, d in zip(script.interpretations, timeline.directives):
        camera = next((p for p in interp.parts if isinstance(p, CameraMove)), None)
        if d.duration is not None:
            duration = d.duration
        elif camera is not None:
            duration = default_duration(camera)
        else:
            duration = 0.0
        kinds = ", ".join(f"{type(p).__name__.removesuffix('Move').removesuffix('Action').removesuffix('Change').lower()}: "
                          f"{describe_part(p)}" for p in interp.parts)
        reading = kinds if interp.understood else (f"{kinds}; kept as a prompt" if kinds else "kept as a prompt")
        new_shot = (camera is not None and camera.move in ("cut", "shot")) or any(
            isinstance(p, SceneChange) and p.scene for p in interp.parts)
        cues.append(Cue(interp.index, d.at, duration, directive_words(d), reading or "image", d.source == "live",
                        camera, new_shot))
    return cues
