"""The timeline a creator writes: global settings, the world, timed directives.

JSON on disk, validated with pydantic. Errors are reported by ``load_timeline`` as
``TimelineError`` with one located line per problem ("directive 3 (at 0:08.0): camera.move: ...").
Edits return copies (``with_directive``, ``without_directive``...), never mutate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator,
)

from director.plan import limits
from director.plan.timecode import format_time, parse_time
from director.vocabulary.camera_moves import CAMERA_MOVE_NAMES, CAMERA_MOVES
from director.vocabulary.times_of_day import TIME_OF_DAY_NAMES
from director.vocabulary.weather import WEATHER_NAMES

DEFAULT_MAX_DURATION = 180.0

Seconds = Annotated[float, BeforeValidator(parse_time)]


def _number(value: Any) -> Any:
    if isinstance(value, bool):  # JSON true is not 1
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("contains a NUL byte (\\x00)")
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return text


Number = Annotated[float, BeforeValidator(_number)]  # finite: models set allow_inf_nan=False
Integer = Annotated[int, BeforeValidator(_number)]
Sentence = Annotated[str, StringConstraints(max_length=limits.MAX_DIRECTIVE_CHARS), AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(max_length=limits.MAX_SCENE_CHARS), AfterValidator(_no_nul)]
Name = Annotated[str, StringConstraints(max_length=limits.MAX_NAME_CHARS), AfterValidator(_no_nul), AfterValidator(_not_blank)]
ImageKey = Annotated[str, StringConstraints(max_length=limits.MAX_IMAGE_KEY_CHARS), AfterValidator(_no_nul)]
Title = Annotated[str, StringConstraints(max_length=limits.MAX_TITLE_CHARS), AfterValidator(_no_nul)]

# Names a timeline may use: the vocabulary defines each once (``director.vocabulary``).
CameraMoveName = Literal[CAMERA_MOVE_NAMES]  # type: ignore[valid-type]
ShotSize = Literal["extreme_wide", "wide", "medium", "close", "extreme_close"]
CharacterActionName = Literal["enter", "leave", "walk", "run", "stop", "turn", "idle", "cross",  # cross: passes by, in one side and out the other
                              "wave", "point", "sit", "dance", "jump", "fall"]  # gestures and poses, done in place
GESTURES = ("wave", "point", "sit", "dance", "jump", "fall")
Weather = Literal[WEATHER_NAMES]  # type: ignore[valid-type]
TimeOfDay = Literal[TIME_OF_DAY_NAMES]  # type: ignore[valid-type]
ImageRole = Literal["scene", "style", "character"]
DirectiveKind = Literal["camera", "character", "scene", "style", "prompt"]


# Valid camera amounts per move, in the move's unit (see CameraMove).
AMOUNT_RANGE: dict[str, tuple[float, float]] = {e.name: e.amount_range for e in CAMERA_MOVES.values()}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CameraMove(_Model):
    """A camera instruction. ``amount`` is in the move's unit (``director.vocabulary.camera_moves``):
    degrees for pan/tilt/roll/orbit, a factor for zoom (2 = twice as close), metres for
    dolly/truck/pedestal, 0..1 intensity for shake."""

    move: CameraMoveName
    direction: Literal["left", "right", "up", "down", "in", "out"] | None = None
    amount: Number | None = Field(default=None, description="size of the move in the unit of its kind")
    shot: ShotSize | None = Field(default=None, description="shot size for 'shot', 'cut' and 'focus'")
    target: Name | None = Field(default=None, description="character name to frame, follow or orbit")
    pace: Literal["slow", "normal", "fast"] | None = Field(default=None, description="sets the default duration")
    ease: Literal["smooth", "linear"] | None = Field(
        default=None, description="smooth (eased in and out; the default) or linear (constant speed, as imported "
                                  "keyframe schedules move)")

    @model_validator(mode="after")
    def _amount_in_range(self) -> CameraMove:
        low, high = AMOUNT_RANGE[self.move]
        if self.amount is not None and not low <= self.amount <= high:
            raise ValueError(f"amount {self.amount:g} for {self.move!r} is out of range [{low:g}, {high:g}]")
        return self


class CharacterAction(_Model):
    """Something a character does. ``name`` is the character's id (declared in the world or new)."""

    name: Name
    action: CharacterActionName
    kind: Name | None = Field(default=None, description="person, cat, dog, bird, horse, car... (guessed if absent)")
    text: Sentence | None = Field(default=None, description="how the character looks")
    target: Name | None = Field(
        default=None,
        description="another character's name, or a place: left, right, center, near, far, away",
    )
    side: Literal["left", "right", "back", "front"] | None = Field(default=None, description="side to enter from or leave by")
    pace: Literal["walk", "run"] | None = Field(default=None, description="how an enter, leave or cross goes (\"runs off\")")


class SceneChange(_Model):
    """Plot, weather, time of day and light. Each field left out stays as it was."""

    weather: Weather | None = None
    intensity: Number | None = Field(default=None, ge=0, le=1, description="weather strength 0..1")
    time_of_day: TimeOfDay | None = None
    lights: bool | None = Field(default=None, description="artificial lights on or off")
    event: Literal["lightning", "thunder", "explosion", "fireworks"] | None = None
    scene: LongText | None = Field(default=None, description="a new setting (a cut to another place)")
    fade: Literal["out", "in"] | None = Field(default=None, description="fade to black (out) or up from black (in)")
    dissolve: bool | None = Field(default=None, description="the new scene cross-fades in over the old (a dissolve), not a cut")
    speed: Number | None = Field(default=None, ge=0.01, le=1000, description="world seconds per video second from here: 0.25 slow motion, 10 time-lapse, 1 normal")


class StyleChange(_Model):
    preset: Name | None = Field(default=None, description="name of a style preset")
    text: Sentence | None = Field(default=None, description="free style words for neural engines")


class Character(_Model):
    name: Name
    text: Sentence = ""
    kind: Name | None = None
    image: ImageKey | None = Field(default=None, description="reference image path, relative to the timeline file")


class World(_Model):
    scene: LongText = ""
    scene_image: ImageKey | None = None
    style: Name | None = None
    style_image: ImageKey | None = None
    characters: list[Character] = Field(default_factory=list, max_length=limits.MAX_CHARACTERS)

    @model_validator(mode="after")
    def _unique_names(self) -> World:
        seen: set[str] = set()
        for c in self.characters:
            key = c.name.lower()
            if key in seen:
                raise ValueError(f"two characters are named {c.name!r}")
            seen.add(key)
        return self


class Directive(_Model):
    """A timed instruction. Either free ``text`` (parsed into the structured fields when the
    timeline is compiled) or one or more structured fields."""

    at: Seconds = Field(description="when it starts, seconds or m:ss.s")
    duration: Seconds | None = Field(
        default=None, description="how long its transition takes; left out = the usual time for its kind (0 = instant)"
    )
    text: Sentence | None = None
    camera: CameraMove | None = None
    character: CharacterAction | None = None
    scene: SceneChange | None = None
    style: StyleChange | None = None
    prompt: Sentence | None = Field(default=None, description="text passed to neural engines as it is")
    image: ImageKey | None = Field(default=None, description="reference image, relative to the timeline file")
    image_role: ImageRole | None = None
    source: Literal["timeline", "live"] = "timeline"

    @model_validator(mode="after")
    def _has_content(self) -> Directive:
        if not any((self.text, self.camera, self.character, self.scene, self.style, self.prompt, self.image)):
            raise ValueError("a directive needs text or one of camera, character, scene, style, prompt, image")
        if self.image and not self.image_role:
            object.__setattr__(self, "image_role", "style")
        return self

    def label(self, index: int) -> str:
        return f"directive {index} (at {format_time(self.at)})"


class Timeline(_Model):
    """Everything needed to render a clip. Sizes in pixels, times in seconds."""

    duration: Seconds = 20.0
    max_duration: Seconds = Field(default=DEFAULT_MAX_DURATION, le=limits.MAX_TIMELINE_SECONDS,
                                  description="raise to allow clips longer than 3 minutes (at most 4 hours)")
    width: Integer = Field(default=1280, ge=16, le=3840)
    height: Integer = Field(default=720, ge=16, le=2160)
    fps: Number = Field(default=24.0, ge=limits.MIN_FPS, le=120)
    seed: Integer = Field(default=0, ge=0, le=limits.MAX_SEED)
    engine: Name = "previz"
    chunk_seconds: Number = Field(default=0.5, ge=limits.MIN_CHUNK_SECONDS, le=10, description="length of one generated chunk")
    title: Title = ""
    world: World = Field(default_factory=World)
    directives: list[Directive] = Field(default_factory=list, max_length=limits.MAX_DIRECTIVES)

    @model_validator(mode="after")
    def _check(self) -> Timeline:
        if self.duration <= 0:
            raise ValueError("duration must be positive")
        if self.duration > self.max_duration:
            raise ValueError(
                f"duration {format_time(self.duration)} is longer than max_duration "
                f"{format_time(self.max_duration)}; set \"max_duration\" to allow it"
            )
        if self.width % 2 or self.height % 2:
            raise ValueError(f"size {self.width}x{self.height} must have even width and height (H.264)")
        return self

    # -- edits return copies -------------------------------------------------
    def with_directive(self, directive: Directive) -> Timeline:
        return self.model_copy(update={"directives": sorted_directives([*self.directives, directive])})

    def without_directive(self, index: int) -> Timeline:
        items = list(self.directives)
        del items[index]
        return self.model_copy(update={"directives": items})

    def with_settings(self, **changes: Any) -> Timeline:
        """Copy with top-level settings changed, validated again."""
        return Timeline.model_validate({**self.model_dump(), **changes})

    def directives_before(self, t: float) -> Timeline:
        return self.model_copy(update={"directives": [d for d in self.directives if d.at < t]})

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_defaults=True), indent=2)


def sorted_directives(directives: list[Directive]) -> list[Directive]:
    """Stable sort by time: directives at the same time keep their written order."""
    return sorted(directives, key=lambda d: d.at)


class TimelineError(ValueError):
    """Every problem found in a timeline, one located line each."""

    def __init__(self, problems: list[str], source: str = "timeline"):
        self.problems = problems
        self.source = source
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems))


def _location(loc: tuple[Any, ...], data: Any) -> str:
    """Turn pydantic's ('directives', 3, 'camera', 'move') into 'directive 3 (at 0:08.0): camera.move'."""
    parts = list(loc)
    where = ""
    if len(parts) >= 2 and parts[0] == "directives" and isinstance(parts[1], int):
        index = parts[1]
        at = "?"
        try:
            at = format_time(parse_time(data["directives"][index]["at"]))
        except Exception:
            pass
        where = f"directive {index} (at {at})"
        parts = parts[2:]
    elif len(parts) >= 3 and parts[:2] == ["world", "characters"] and isinstance(parts[2], int):
        where = f"character {parts[2]}"
        parts = parts[3:]
    field = ".".join(str(p) for p in parts if not (isinstance(p, str) and p.startswith("function-")))
    if where and field:
        return f"{where}: {field}"
    return where or field or "timeline"


def _suggest(error: dict[str, Any]) -> str:
    from difflib import get_close_matches

    if error.get("type") == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        got = error.get("input")
        if isinstance(got, str):
            close = get_close_matches(got, options, n=1)
            if close:
                return f"unknown value {got!r} — did you mean {close[0]!r}?"
        return f"unknown value {got!r}; expected one of {', '.join(options)}"
    if error.get("type") == "extra_forbidden":
        return "unknown field"
    msg = error.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def timeline_from_data(data: Any, source: str = "timeline") -> Timeline:
    """Validate already-parsed JSON data; raise ``TimelineError`` listing every problem."""
    if not isinstance(data, dict):
        raise TimelineError([f"expected a JSON object at the top, got {type(data).__name__}"], source)
    depth = limits.json_depth(data)
    if depth > limits.MAX_JSON_DEPTH:
        raise TimelineError([f"nested {depth} levels deep; a timeline is at most {limits.MAX_JSON_DEPTH}"], source)
    try:
        timeline = Timeline.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _location(tuple(error["loc"]), data)
            problems.append(f"{where}: {_suggest(error)}")
        raise TimelineError(problems, source) from None
    problems = [
        f"{d.label(i)}: starts after the end of the clip ({format_time(timeline.duration)})"
        for i, d in enumerate(timeline.directives)
        if d.at > timeline.duration
    ]
    if problems:
        raise TimelineError(problems, source)
    return timeline.model_copy(update={"directives": sorted_directives(timeline.directives)})


def read_json_file(path: str | Path, max_bytes: int | None = None) -> Any:
    """Parse a JSON file; a missing, unreadable, too large or invalid file raises ``TimelineError``
    saying so (with the line and column of a JSON error)."""
    path = Path(path)
    try:
        data = limits.read_input_file(path, "file", max_bytes or limits.MAX_JSON_BYTES)
        return limits.parse_json(data, "file", max_bytes=max_bytes or limits.MAX_JSON_BYTES)
    except ValueError as exc:  # LimitError (missing, FIFO, too big, too deep) or invalid JSON
        raise TimelineError([str(exc).removeprefix("file: ")], str(path)) from None


def load_timeline(path: str | Path) -> Timeline:
    """Read and validate a timeline JSON file. Image paths stay relative to the file."""
    return timeline_from_data(read_json_file(path), str(path))
