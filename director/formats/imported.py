"""What an import gives back, and the part every importer shares: timed prompts and camera motion → a Timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from director.formats.camera_motion import CameraMotion, MotionFit, directives_from_motion
from director.plan.timecode import format_time
from director.plan.timeline import DEFAULT_MAX_DURATION, Directive, Timeline, TimelineError, World, sorted_directives

NEGATIVE_MARK = "--neg"
MAX_PROMPT_DIRECTIVES = 200  # a Parseq file can change its prompt text on every frame


@dataclass(frozen=True)
class TimedPrompt:
    frame: int
    positive: str
    negative: str = ""
    where: str = ""  # "prompts.60" — for notes


@dataclass
class ImportResult:
    """A timeline read from another tool's file, with one note per thing it could not carry over."""

    timeline: Timeline
    source_format: str  # "deforum" | "parseq"
    notes: list[str] = field(default_factory=list)
    fit: MotionFit | None = None

    def summary(self) -> str:
        moves = sum(1 for d in self.timeline.directives if d.camera)
        prompts = sum(1 for d in self.timeline.directives if d.prompt)
        text = (f"{self.source_format}: {format_time(self.timeline.duration)} at {self.timeline.fps:g} fps, "
                f"{moves} camera moves, {prompts} prompt changes")
        if self.fit and self.fit.max_error:
            worst = ", ".join(f"{k} {v:.3g}" for k, v in self.fit.max_error.items())
            text += f"; largest gap to the schedule between moves: {worst}"
        return text


def split_negative(prompt: str) -> tuple[str, str]:
    """Deforum's ``"positive --neg negative"`` → (positive, negative)."""
    positive, _, negative = prompt.partition(NEGATIVE_MARK)
    return positive.strip(), negative.strip()


def build_timeline(*, source: str, title: str, fps: float, frames: int, width: int | None, height: int | None,
                   seed: int | None, motion: CameraMotion | None, prompts: list[TimedPrompt],
                   notes: list[str], segment_seconds: float) -> tuple[Timeline, MotionFit | None]:
    """The first prompt becomes the world's scene, later ones prompt directives at their frames (neural
    engines see them; negative prompts are reported, timelines have none); the motion becomes linear
    camera moves. Raises ``TimelineError`` if the result is not a valid timeline."""
    duration = frames / fps
    directives: list[Directive] = []
    fit = None
    if motion is not None and motion.moving_axes():
        moves, fit = directives_from_motion(motion, segment_seconds)
        directives.extend(moves)
    scene = ""
    negatives: dict[str, list[str]] = {}
    for i, p in enumerate(sorted(prompts, key=lambda p: p.frame)):
        if p.negative:
            negatives.setdefault(p.negative, []).append(p.where)
        if i == 0 and p.frame == 0:
            scene = p.positive
        elif p.positive:
            directives.append(Directive(at=p.frame / fps, prompt=p.positive))
    for negative, places in negatives.items():
        notes.append(f"{', '.join(places)}: negative prompt {negative!r} not imported (timelines have no "
                     "negative prompts)")
    data = {
        "title": title, "duration": duration, "max_duration": max(DEFAULT_MAX_DURATION, duration), "fps": fps,
        "world": World(scene=scene), "directives": sorted_directives(directives),
    }
    if seed is not None and seed >= 0:
        data["seed"] = seed
    if width and height:
        data["width"], data["height"] = width, height
    try:
        return Timeline(**data), fit
    except ValueError as exc:
        raise TimelineError([str(exc).splitlines()[-1].strip()], source) from None


def prompt_changes(per_frame: list[tuple[int, str]], where: str, notes: list[str]) -> list[TimedPrompt]:
    """Prompts at the frames where the wording changes. A Parseq prompt can carry a weight that changes
    on every frame (``(lightning:0.25)``): changes of numbers only are reported, not made directives."""
    words = [re.sub(r"-?\d+(\.\d+)?", "#", text) for _, text in per_frame]
    kept = [per_frame[i] for i in range(len(per_frame)) if i == 0 or words[i] != words[i - 1]]
    numbers_only = sum(1 for i in range(1, len(per_frame))
                       if per_frame[i][1] != per_frame[i - 1][1] and words[i] == words[i - 1])
    if numbers_only:
        notes.append(f"{where}: on {numbers_only} frame(s) only numbers (weights) in the prompt change; "
                     "those changes were not imported")
    if len(kept) > MAX_PROMPT_DIRECTIVES:
        notes.append(f"{where}: {len(kept)} changes of wording; the first {MAX_PROMPT_DIRECTIVES} were imported")
        kept = kept[:MAX_PROMPT_DIRECTIVES]
    return [TimedPrompt(f, *split_negative(text), where=f"{where} frame {f}") for f, text in kept]
