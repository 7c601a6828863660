"""Compiling a timeline into a ``Script``: ``state_at(t)`` gives the WorldState at any instant.

Compilation reads every directive once: free text goes through ``director.commands`` into structured
parts; text nobody understood stays a ``prompt`` and is reported, never dropped. Everything after
that is a pure function of time, causal by construction: a directive at time T changes nothing
before T, which is what lets a live command recorded at a chunk boundary replay to identical frames.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from typing import Any, Callable, Sequence

from director.world.camera_rig import CameraRig, TimedMove, default_duration
from director.world.easing import lerp, lerp_hour_forward, progress
from director.world.entity_motion import EntityTrack, Profile, TimedAction
from director.plan.timecode import format_time
from director.plan.timeline import (
    CameraMove,
    Character,
    CharacterAction,
    Directive,
    SceneChange,
    StyleChange,
    Timeline,
    TimelineError,
)
from director.world.state import EVENT_MEMORY, HOUR_OF, Environment, Event, WorldState
from director.world.time_warp import TimeWarp, speed_words
from director.world.warped_track import track_on_world_clock

Part = CameraMove | CharacterAction | SceneChange | StyleChange

KIND_WORDS = {
    "cat": ("cat", "kitten", "kitty"), "dog": ("dog", "puppy", "hound"), "bird": ("bird", "crow", "pigeon", "seagull"),
    "horse": ("horse", "pony"), "car": ("car", "taxi", "truck", "bus"), "bicycle": ("bicycle", "bike", "cyclist"),
}
WEATHER_DURATION = 3.0  # default seconds for weather and light changes without a duration
TIME_DURATION = 4.0
FADE_DURATION = 1.5  # a fade to or from black without a duration
DISSOLVE_DURATION = 1.0  # a dissolve to a new scene without a duration
STORM_LIGHTNING_EVERY = (5.0, 11.0)  # seconds between flashes in a storm (seeded)
THUNDER_DELAY = (0.8, 2.5)
FIREWORK_BURSTS = (4, 7)  # bursts in one "fireworks" event, spread over FIREWORK_SECONDS
FIREWORK_SECONDS = 3.5
FLASH_OF = {"lightning": 1.0, "explosion": 0.8, "burst": 0.35}  # how much each event lights the scene


def guess_kind(*texts: str | None) -> str:
    words = " ".join(t for t in texts if t).lower()
    for kind, names in KIND_WORDS.items():
        if any(f" {n}" in f" {words}" for n in names):
            return kind
    return "person"


@dataclass(frozen=True)
class Interpretation:
    """How one directive was read: for the CLI, the app and the tests."""

    index: int
    at: float
    text: str | None
    parts: tuple[Part, ...]
    understood: bool
    method: str  # structured / rules / embedding / none
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"directive {self.index} (at {format_time(self.at)})"
        if not self.understood and self.parts:
            names = ", ".join(type(p).__name__ for p in self.parts)
            return f"{where}: {self.text!r} partly understood ({names}); the whole text is also kept as a prompt"
        if not self.understood:
            return f"{where}: {self.text!r} not understood; kept as a prompt for neural engines"
        names = ", ".join(type(p).__name__ for p in self.parts) or "prompt"
        return f"{where}: {names} ({self.method})"


@dataclass
class _Change:
    at: float
    duration: float
    change: SceneChange | StyleChange
    text: str


@dataclass
class Script:
    """A compiled timeline. ``state_at`` is pure; build with ``compile_timeline``."""

    timeline: Timeline
    interpretations: list[Interpretation]
    rig: CameraRig
    tracks: dict[str, EntityTrack]
    changes: list[_Change]
    images: list[tuple[float, str, str, str | None]]  # (at, role, key, character)
    prompts: list[tuple[float, str]]
    events: list[Event]
    initial_hour: float
    initial_fog: float = 0.0  # a "misty forest" starts in mist (which also lights its nights: moonlit haze)
    warp: TimeWarp = field(default_factory=TimeWarp)  # the world's clock (slow motion, time-lapse)
    _resolving: set[str] = field(default_factory=set, repr=False)

    @property
    def unknown(self) -> list[Interpretation]:
        return [i for i in self.interpretations if not i.understood]

    def _position_of(self, entity_id: str, t: float) -> tuple[float, float] | None:
        track = self.tracks.get(entity_id.lower())
        if track is None or entity_id in self._resolving:
            return None
        self._resolving.add(entity_id)
        try:
            return track.position(t)
        finally:
            self._resolving.discard(entity_id)

    def _framed(self, entity_id: str, t: float):
        pos = self._position_of(entity_id, t)
        if pos is None:
            return None
        return pos, self.tracks[entity_id.lower()].profile.kind

    def base_camera(self, t: float):
        return self.rig.state(t)

    def state_at(self, t: float) -> WorldState:
        """The world at ``t`` seconds."""
        entities = tuple(s for s in (tr.state(t) for tr in self.tracks.values()) if s is not None)
        camera = self.rig.state(t, self._framed)
        env, scene, style, style_text = self._environment(t)
        scene_image = style_image = None
        images: dict[str, str] = {}
        for at, role, key, who in self.images:
            if at > t:
                break
            if role == "scene":
                scene_image = key
            elif role == "style":
                style_image = key
            elif who:
                images[who.lower()] = key
        if images:
            entities = tuple(replace(e, image=images.get(e.id.lower(), e.image)) for e in entities)
        prompts = tuple(text for at, text in self.prompts if at <= t)[-2:]
        actions = tuple(a for a in (tr.moving_text(t) for tr in self.tracks.values()) if a)
        recent = tuple(e for e in self.events if t - EVENT_MEMORY < e.t <= t)
        return WorldState(
            t=t,
            scene=scene,
            scene_image=scene_image if scene_image is not None else self.timeline.world.scene_image,
            style=style,
            style_image=style_image if style_image is not None else self.timeline.world.style_image,
            style_text=style_text,
            environment=env,
            camera=camera,
            entities=entities,
            prompts=prompts,
            actions=actions,
            camera_phrase=self.rig.phrase(t),
            recent_events=recent,
            world_t=None if self.warp.is_identity else self.warp.world(t),
            world_rate=self.warp.rate(t),
        )

    def _environment(self, t: float) -> tuple[Environment, str, str | None, str]:
        env = Environment(hour=self.initial_hour, fog=self.initial_fog)
        lights: float | None = None
        scene = self.timeline.world.scene
        style = self.timeline.world.style
        style_text = ""
        for c in self.changes:
            if c.at > t:
                break
            p = progress(t, c.at, c.duration)
            ch = c.change
            if isinstance(ch, StyleChange):
                style = ch.preset or style
                style_text = ch.text or style_text
                continue
            if ch.scene:
                if ch.dissolve and p < 1.0:  # the old scene shows through, less and less
                    env = replace(env, dissolve=1.0 - p, dissolve_from=scene)
                else:
                    env = replace(env, dissolve=0.0, dissolve_from=None)
                scene = ch.scene
            if ch.time_of_day:
                env = replace(env, hour=lerp_hour_forward(env.hour, HOUR_OF[ch.time_of_day], p))
            if ch.lights is not None:
                base = lights if lights is not None else _auto_lights(env)
                lights = lerp(base, 1.0 if ch.lights else 0.0, p)
            if ch.weather:
                env = _weather(env, ch.weather, ch.intensity, p)
            if ch.fade:
                env = replace(env, fade=lerp(env.fade, 1.0 if ch.fade == "out" else 0.0, p))
        flash = 0.0
        for e in self.events:
            if e.kind in FLASH_OF and e.t <= t < e.t + 0.5:
                flash = max(flash, FLASH_OF[e.kind] * _flash(t - e.t))
        env = replace(env, lightning=flash, lights=lights if lights is not None else _auto_lights(env))
        return env, scene, style, style_text


def _auto_lights(env: Environment) -> float:
    """Street lamps and windows come on as daylight fades, unless a directive says otherwise."""
    return max(0.0, min(1.0, (0.55 - env.daylight) * 2.5))


def _flash(dt: float) -> float:
    if dt < 0.08:
        return 1.0
    if dt < 0.15:
        return 0.25
    if dt < 0.25:
        return 0.7
    return max(0.0, 0.7 * (1 - (dt - 0.25) / 0.25))


def _weather(env: Environment, weather: str, intensity: float | None, p: float) -> Environment:
    level = intensity if intensity is not None else 0.7
    target = {"rain": 0.0, "snow": 0.0, "fog": env.fog, "wind": env.wind}
    if weather == "clear":
        target = {"rain": 0.0, "snow": 0.0, "fog": 0.0, "wind": 0.0}
    elif weather == "rain":
        target["rain"] = level
    elif weather == "snow":
        target["snow"] = level
    elif weather == "storm":
        target.update(rain=max(level, 0.85), wind=max(level, 0.8))
    elif weather == "fog":
        target = {"rain": env.rain, "snow": env.snow, "fog": level, "wind": env.wind}
    elif weather == "wind":
        target = {"rain": env.rain, "snow": env.snow, "fog": env.fog, "wind": level}
    return replace(env, **{k: lerp(getattr(env, k), v, p) for k, v in target.items()})


# -- compilation ----------------------------------------------------------------

Parser = Callable[..., object]


def _default_parser() -> Parser:
    from director.commands import parse_command

    return parse_command


def describe_part(part: Part) -> str:
    """Words for a structured part (prompts and the UI), e.g. 'the cat runs to the girl'."""
    if isinstance(part, CameraMove):
        bits = ["the camera", {"shot": "frames a", "cut": "cuts to", "focus": "focuses on", "follow": "follows",
                               "static": "holds still"}.get(part.move, part.move + "s")]
        if part.direction:
            bits.append(part.direction)
        if part.shot:
            bits.append(part.shot.replace("_", " ") + " shot")
        if part.target:
            bits.append(("of the " if part.shot else "the ") + part.target)
        return " ".join(bits)
    if isinstance(part, CharacterAction):
        who = part.text or _called(part.name)
        verb = {"enter": "enters", "leave": "leaves", "walk": "walks", "run": "runs", "stop": "stops",
                "turn": "turns", "idle": "waits", "cross": "passes by", "wave": "waves", "point": "points",
                "sit": "sits down", "dance": "dances", "jump": "jumps", "fall": "falls"}[part.action]
        where = ""
        if part.target:
            where = f" to {_called(part.target)}" if part.action in ("walk", "run", "enter") else f" at {'the camera' if part.target == 'near' else _called(part.target)}" if part.action in ("wave", "point") else f" towards {_called(part.target)}"
        return f"{who} {verb}{where}"
    if isinstance(part, SceneChange):
        bits = [w for w in (part.scene, part.weather, part.time_of_day, part.event) if w]
        if part.dissolve and part.scene:
            bits[0] = f"dissolve to {part.scene}"
        if part.fade:
            bits.append("fade to black" if part.fade == "out" else "fade in from black")
        if part.lights is not None:
            bits.append("lights on" if part.lights else "lights off")
        if part.speed is not None:
            bits.append(speed_words(part.speed))
        return ", ".join(bits)
    return part.text or part.preset or ""


def _called(name: str) -> str:
    """'girl' -> 'the girl', 'Ana' -> 'Ana' (a name needs no article)."""
    return name if name[:1].isupper() else f"the {name}"


def _initial_hour(scene: str) -> float:
    words = scene.lower()
    for word, hour in (("night", 23.0), ("midnight", 0.0), ("dusk", 19.0), ("sunset", 19.0), ("evening", 19.5),
                       ("dawn", 6.5), ("sunrise", 6.5), ("morning", 8.5)):
        if word in words:
            return hour
    return HOUR_OF["day"]


def _initial_fog(scene: str) -> float:
    """How misty a scene is as written: 'a misty pine forest' starts in a light mist."""
    words = set(re.findall(r"[a-z]+", scene.lower()))
    return 0.2 if words & {"misty", "mist", "foggy", "fog", "hazy", "haze"} else 0.0


def interpret(directive: Directive, index: int, cast: Sequence[Character], parse: Parser | None, use_embeddings: bool) -> Interpretation:
    """Structured fields as written, plus whatever the directive's text says. ``cast`` is everyone
    known at this point: the world's characters and those earlier directives brought in."""
    parts: list[Part] = [p for p in (directive.camera, directive.character, directive.scene, directive.style) if p]
    notes: tuple[str, ...] = ()
    method = "structured" if parts else "none"
    understood = bool(parts) or bool(directive.image)
    if directive.text:
        parse = parse or _default_parser()
        from director.plan.styles import style_names

        result = parse(directive.text, cast, style_names(), use_embeddings=use_embeddings)
        # Parts read from a partly understood text still apply; the whole text then also stays a prompt,
        # so the text decides whether the directive counts as understood.
        parts.extend(result.parts)
        if result.parts:
            method = result.method if method == "none" else f"structured+{result.method}"
        understood = result.understood
        notes = tuple(result.notes)
    if directive.prompt and not parts:
        understood = False
    return Interpretation(index, directive.at, directive.text or directive.prompt, tuple(parts), understood, method, notes)


def _described(part, cache: dict | None) -> str:
    """``describe_part(part)``, kept in ``cache`` for the same part object (live records re-describe
    thousands of text-less moves on every recompile otherwise)."""
    if cache is None:
        return describe_part(part)
    hit = cache.get(("words", id(part)))
    if hit is None or hit[0] is not part:
        hit = cache[("words", id(part))] = (part, describe_part(part))
    return hit[1]


@dataclass(frozen=True)
class _Where:
    """``directive 3 (at 0:12.0)``, formatted only if a problem needs it."""

    index: int
    at: float

    def __str__(self) -> str:
        return f"directive {self.index} (at {format_time(self.at)})"


def compile_timeline(
    timeline: Timeline,
    *,
    parse: Parser | None = None,
    use_embeddings: bool = True,
    cache: dict[tuple, Any] | None = None,
    previous: Script | None = None,
) -> Script:
    """Read every directive and build the Script. Raises ``TimelineError`` for references that
    cannot be resolved (a camera aimed at an unknown character, a character image with no character).

    ``cache`` (optional, kept by the caller) skips re-reading directives already read, and ``previous``
    (the Script this one replaces) lends the camera its memo of settled moves: together they keep
    recompiling after a live command cheap however long the record has grown.
    """
    interpretations: list[Interpretation] = []
    cast: list[Character] = list(timeline.world.characters)
    names = {c.name.lower() for c in cast}
    cast_key = tuple(cast)
    cast_hash = hash(cast_key)  # hashed once per change of cast, not once per directive
    for i, d in enumerate(timeline.directives):
        interp = None
        if cache is not None:
            # Fast path: the same Directive object as last compile (a live record keeps its objects);
            # the entry holds the object, so its id cannot be reused meanwhile.
            hit = cache.get((i, id(d), cast_hash))
            if hit is not None and hit[0] is d and hit[1] == cast_key:
                interp = hit[2]
            else:
                interp = cache.get((i, d, cast_key))
        if interp is None:
            interp = interpret(d, i, cast, parse, use_embeddings)
            if cache is not None:
                cache[(i, d, cast_key)] = interp
        if cache is not None:
            cache[(i, id(d), cast_hash)] = (d, cast_key, interp)
        interpretations.append(interp)
        for part in interp.parts:  # newcomers can be named by later directives ("close-up on the cat")
            if isinstance(part, CharacterAction) and part.name.lower() not in names:
                cast.append(Character(name=part.name, text=part.text or "", kind=part.kind))
                names.add(part.name.lower())
                cast_key = tuple(cast)
                cast_hash = hash(cast_key)

    problems: list[str] = []
    world = timeline.world
    from director.plan.styles import style_names

    styles = style_names()

    def check_style(name: str | None, where: str) -> None:
        if name and name not in styles:
            close = get_close_matches(name, styles, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else f" (styles: {', '.join(styles)})"
            problems.append(f"{where}: unknown style {name!r}{hint}")

    check_style(world.style, "world.style")
    for i, d in enumerate(timeline.directives):
        if d.style is not None:
            check_style(d.style.preset, f"{d.label(i)}: style.preset")
    declared = {c.name.lower(): c for c in world.characters}
    introduced: dict[str, CharacterAction] = {}
    for interp in interpretations:
        for part in interp.parts:
            if isinstance(part, CharacterAction) and part.name.lower() not in declared:
                introduced.setdefault(part.name.lower(), part)
    known = set(declared) | set(introduced)

    moves: list[TimedMove] = []
    actions: dict[str, list[TimedAction]] = {}
    changes: list[_Change] = []
    images: list[tuple[float, str, str, str | None]] = []
    prompts: list[tuple[float, str]] = []
    cut_times: list[float] = []
    for interp, d in zip(interpretations, timeline.directives):
        where = _Where(interp.index, d.at)  # formatted only when a problem is reported
        explicit = d.duration is not None
        for part in interp.parts:
            words = d.text or d.prompt or _described(part, cache)
            if isinstance(part, CameraMove):
                if part.target and part.target.lower() not in known:
                    close = get_close_matches(part.target.lower(), known, n=1)
                    hint = f" — did you mean {close[0]!r}?" if close else f" (characters: {', '.join(sorted(known)) or 'none'})"
                    problems.append(f"{where}: camera.target: unknown character {part.target!r}{hint}")
                    continue
                duration = d.duration if explicit else default_duration(part)
                moves.append(TimedMove(d.at, duration, part, words or f"camera {part.move}"))
                if part.move == "cut":
                    cut_times.append(d.at)
            elif isinstance(part, CharacterAction):
                if part.target and part.target.lower() not in known and part.target.lower() not in (
                    "left", "right", "center", "centre", "near", "far", "away", "camera"
                ):
                    problems.append(f"{where}: character.target: unknown character or place {part.target!r}")
                    continue
                actions.setdefault(part.name.lower(), []).append(TimedAction(d.at, part, words))
            elif isinstance(part, SceneChange):
                default = (TIME_DURATION if part.time_of_day else WEATHER_DURATION if (part.weather or part.lights is not None)
                           else FADE_DURATION if part.fade else DISSOLVE_DURATION if part.dissolve else 0.0)
                changes.append(_Change(d.at, d.duration if explicit else default, part, words))
                if part.scene:
                    moves.append(TimedMove(d.at, 0.0, CameraMove(move="cut"), words))
                    cut_times.append(d.at)
            elif isinstance(part, StyleChange):
                changes.append(_Change(d.at, d.duration or 0.0, part, words))
        if d.image:
            who = next((p.name for p in interp.parts if isinstance(p, CharacterAction)), None)
            if d.image_role == "character" and who is None:
                problems.append(f"{where}: image: a character image needs a character in the directive")
            else:
                images.append((d.at, d.image_role or "style", d.image, who))
        words = d.text or d.prompt or ""
        if not interp.understood and words:
            prompts.append((d.at, words))
        elif d.prompt:
            prompts.append((d.at, d.prompt))
    if problems:
        raise TimelineError(problems)

    rig = CameraRig(moves, timeline.width / timeline.height)
    if previous is not None:
        rig.adopt_settled(previous.rig)
    script = Script(timeline, interpretations, rig, {}, changes, images, prompts, [], _initial_hour(world.scene),
                    _initial_fog(world.scene))
    script.warp = TimeWarp.of((c.at, c.duration, c.change.speed) for c in changes if getattr(c.change, "speed", None))

    # Characters: declared ones stand in the scene from the start, facing the camera.
    n = len(world.characters)
    for i, c in enumerate(world.characters):
        own = sorted(actions.get(c.name.lower(), []), key=lambda a: a.at)
        on_stage = not (own and own[0].action.action == "enter")  # one who "enters" is off stage until then
        profile = Profile(c.name, c.kind or guess_kind(c.text, c.name), c.text or c.name, c.image, on_stage,
                          ((i - (n - 1) / 2) * 1.8, 6.0 + 0.6 * (i % 2)), 180.0)
        script.tracks[c.name.lower()] = track_on_world_clock(script.warp, profile, actions.get(c.name.lower(), []), script.base_camera, script._position_of)
    firsts = sorted(introduced, key=lambda k: min(a.at for a in actions[k]))
    for key in firsts:
        first = introduced[key]
        profile = Profile(first.name, first.kind or guess_kind(first.text, first.name), first.text or first.name, None, False, (0.0, 7.0), 90.0)
        script.tracks[key] = track_on_world_clock(script.warp, profile, actions[key], script.base_camera, script._position_of)

    script.events = _events(script, cut_times, timeline.seed)
    return script


def _events(script: Script, cut_times: list[float], seed: int) -> list[Event]:
    events: list[Event] = [Event(t, "cut") for t in cut_times]
    for track in script.tracks.values():
        if not track.profile.declared and math.isfinite(track.appears_at):
            events.append(Event(track.appears_at, "enter", track.profile.id))
    rng = random.Random(seed * 7919 + 17)
    storms: list[tuple[float, float]] = []
    for i, c in enumerate(script.changes):
        ch = c.change
        if isinstance(ch, SceneChange) and ch.event:
            events.append(Event(c.at, ch.event))
            if ch.event == "lightning":
                events.append(Event(c.at + rng.uniform(*THUNDER_DELAY), "thunder"))
            if ch.event == "fireworks":  # a volley of bursts, each a flash of light and a bang
                for _ in range(rng.randint(*FIREWORK_BURSTS)):
                    events.append(Event(c.at + rng.uniform(0.0, FIREWORK_SECONDS), "burst"))
        if isinstance(ch, SceneChange) and ch.weather == "storm":
            end = next((o.at for o in script.changes[i + 1:] if isinstance(o.change, SceneChange) and o.change.weather), script.timeline.duration)
            storms.append((c.at + 1.0, end))
    for start, end in storms:
        t = start + rng.uniform(0.5, 3.0)
        while t < end:
            events.append(Event(t, "lightning"))
            events.append(Event(t + rng.uniform(*THUNDER_DELAY), "thunder"))
            t += rng.uniform(*STORM_LIGHTNING_EVERY)
    return sorted(events, key=lambda e: e.t)
