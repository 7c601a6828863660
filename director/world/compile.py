"""Compiling a timeline into a ``Script``: every directive is read once (``world.interpretation``),
checked (unknown styles, characters and places are located errors), and turned into timed camera
moves, character actions, scene changes, images, prompts and events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Sequence

from director.plan.timecode import format_time
from director.plan.timeline import CameraMove, Character, CharacterAction, SceneChange, StyleChange, Timeline, TimelineError
from director.vocabulary.times_of_day import TIMES_OF_DAY
from director.vocabulary.weather import SETTLE_SECONDS, WEATHERS
from director.world.camera_rig import CameraRig, TimedMove, default_duration
from director.world.cast import declared_profile, newcomer_profile
from director.world.describe import describe_part
from director.world.entity_motion import EntityTrack, TimedAction
from director.world.environment import TimedChange, initial_fog, starting_hour
from director.world.events import timeline_events
from director.commands.reader import Reader
from director.world.interpretation import Interpretation, interpret
from director.world.script import Script
from director.world.time_warp import TimeWarp
from director.world.warped_track import WarpedTrack, track_on_world_clock

NORMAL_SPEED = TimeWarp()  # the world clock when no directive changes its speed
FADE_DURATION = 1.5  # a fade to or from black without a duration
DISSOLVE_DURATION = 1.0  # a dissolve to a new scene without a duration
# Places a character may go to besides other characters (CharacterAction.target).
PLACES = ("left", "right", "center", "centre", "near", "far", "away", "camera")


def change_duration(part: SceneChange) -> float:
    """Seconds a scene change takes when its directive gives none (a new scene alone is a cut: 0)."""
    if part.time_of_day:
        return TIMES_OF_DAY[part.time_of_day].change_seconds
    if part.weather:
        return WEATHERS[part.weather].settle_seconds
    if part.lights is not None:
        return SETTLE_SECONDS
    if part.fade:
        return FADE_DURATION
    if part.dissolve:
        return DISSOLVE_DURATION
    return 0.0


def _described(part, cache: dict | None) -> str:
    """``describe_part(part)``, kept in ``cache`` for the same part object (live records re-describe
    thousands of text-less moves on every recompile otherwise)."""
    if cache is None:
        return describe_part(part)
    hit = cache.get(("words", id(part)))
    if hit is None or hit[0] is not part:
        hit = cache[("words", id(part))] = (part, describe_part(part))
    return hit[1]


def _rig(moves: list[TimedMove], aspect: float, previous: Script | None) -> CameraRig:
    """The camera rig for ``moves``: ``previous``'s own when its moves are these (the same parts at the
    same times: a live command that moved no camera), else a new rig that takes over ``previous``'s
    memo of settled moves."""
    if previous is not None:
        old = previous.rig
        if old.aspect == aspect and len(old.moves) == len(moves) and all(
                a.move is b.move and a.at == b.at and a.duration == b.duration and a.text == b.text
                for a, b in zip(old.moves, moves)):
            return old
    rig = CameraRig(moves, aspect)
    if previous is not None:
        rig.adopt_settled(previous.rig)
    return rig


def _scenes(first: str, changes: Sequence[TimedChange]) -> set[str]:
    """Every scene text a script shows: the world's and each scene change's."""
    return {first, *(c.change.scene for c in changes if isinstance(c.change, SceneChange) and c.change.scene)}


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
    reader: Reader | None = None,
    use_embeddings: bool | None = None,
    cache: dict[tuple, Any] | None = None,
    previous: Script | None = None,
    interpretations: Sequence[Interpretation] | None = None,
) -> Script:
    """Read every directive and build the Script. Raises ``TimelineError`` for references that
    cannot be resolved (a camera aimed at an unknown character, a character image with no character).

    ``cache`` (optional, kept by the caller) skips re-reading directives already read, and ``previous``
    (the Script this one replaces) lends the camera its memo of settled moves: together they keep
    recompiling after a live command cheap however long the record has grown. ``interpretations``:
    one per directive, already read (an incremental compile): no directive is read again.

    ``reader`` says how free text is read (``commands.Reader``; default: by rules, then by meaning);
    ``use_embeddings`` is the older spelling of the same choice (``Reader.of`` turns it into a reader).
    """
    reader = Reader.of(use_embeddings, reader)
    # 1. Read every directive (or take the readings given), growing the cast as newcomers are named.
    readings = _read_all(timeline, reader, cache, interpretations)
    # 2. Check what the readings refer to: styles now, characters and places while laying out.
    problems = _unknown_styles(timeline)
    introduced = _newcomers(timeline, readings)
    # 3. Lay the parts out on the timeline: camera moves, actions, scene and style changes, images, prompts.
    plan = _lay_out(timeline, readings, introduced, cache, problems)
    if problems:
        raise TimelineError(problems)
    # 4. Assemble the Script, reusing from ``previous`` what the new readings cannot have changed.
    return _assemble(timeline, readings, plan, introduced, reader, previous)


def _read_all(timeline: Timeline, reader: Reader, cache: dict[tuple, Any] | None,
              given: Sequence[Interpretation] | None) -> list[Interpretation]:
    """One reading per directive, in order; each directive is read against the cast known before it."""
    readings: list[Interpretation] = []
    cast: list[Character] = list(timeline.world.characters)
    names = {c.name.lower() for c in cast}
    cast_key = tuple(cast)
    cast_hash = hash(cast_key)  # hashed once per change of cast, not once per directive
    for i, d in enumerate(timeline.directives):
        interp = given[i] if given is not None else None
        if interp is None and cache is not None:
            # Fast path: the same Directive object as last compile (a live record keeps its objects);
            # the entry holds the object, so its id cannot be reused meanwhile.
            hit = cache.get((i, id(d), cast_hash))
            if hit is not None and hit[0] is d and hit[1] == cast_key:
                interp = hit[2]
            else:
                interp = cache.get((i, d, cast_key))
        if interp is None:
            interp = interpret(d, i, cast, reader)
            if cache is not None:
                cache[(i, d, cast_key)] = interp
        if cache is not None and given is None:
            cache[(i, id(d), cast_hash)] = (d, cast_key, interp)
        readings.append(interp)
        for part in interp.parts:  # newcomers can be named by later directives ("close-up on the cat")
            if isinstance(part, CharacterAction) and part.name.lower() not in names:
                cast.append(Character(name=part.name, text=part.text or "", kind=part.kind))
                names.add(part.name.lower())
                cast_key = tuple(cast)
                cast_hash = hash(cast_key)
    return readings


def _unknown_styles(timeline: Timeline) -> list[str]:
    """Located problems for style names no style preset has (with the nearest name)."""
    from director.plan.styles import style_names

    styles = style_names()
    problems: list[str] = []

    def check_style(name: str | None, where: str) -> None:
        if name and name not in styles:
            close = get_close_matches(name, styles, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else f" (styles: {', '.join(styles)})"
            problems.append(f"{where}: unknown style {name!r}{hint}")

    check_style(timeline.world.style, "world.style")
    for i, d in enumerate(timeline.directives):
        if d.style is not None:
            check_style(d.style.preset, f"{d.label(i)}: style.preset")
    return problems


def _newcomers(timeline: Timeline, readings: Sequence[Interpretation]) -> dict[str, CharacterAction]:
    """Characters the world does not declare, by lower-case name: the first action that names each."""
    declared = {c.name.lower() for c in timeline.world.characters}
    introduced: dict[str, CharacterAction] = {}
    for interp in readings:
        for part in interp.parts:
            if isinstance(part, CharacterAction) and part.name.lower() not in declared:
                introduced.setdefault(part.name.lower(), part)
    return introduced


@dataclass
class _Plan:
    """The parts of every reading, laid out on the timeline."""

    moves: list[TimedMove] = field(default_factory=list)
    actions: dict[str, list[TimedAction]] = field(default_factory=dict)  # by lower-case character name
    changes: list[TimedChange] = field(default_factory=list)
    images: list[tuple[float, str, str, str | None]] = field(default_factory=list)  # (at, role, key, character)
    prompts: list[tuple[float, str]] = field(default_factory=list)
    cut_times: list[float] = field(default_factory=list)


def _lay_out(timeline: Timeline, readings: Sequence[Interpretation], introduced: dict[str, CharacterAction],
             cache: dict[tuple, Any] | None, problems: list[str]) -> _Plan:
    """Timed moves, actions, changes, images and prompts; a part that names an unknown character or
    place is left out and a located problem added to ``problems``."""
    known = {c.name.lower() for c in timeline.world.characters} | set(introduced)
    plan = _Plan()
    for interp, d in zip(readings, timeline.directives):
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
                plan.moves.append(TimedMove(d.at, duration, part, words or f"camera {part.move}"))
                if part.move == "cut":
                    plan.cut_times.append(d.at)
            elif isinstance(part, CharacterAction):
                if part.target and part.target.lower() not in known and part.target.lower() not in PLACES:
                    problems.append(f"{where}: character.target: unknown character or place {part.target!r}")
                    continue
                plan.actions.setdefault(part.name.lower(), []).append(TimedAction(d.at, part, words))
            elif isinstance(part, SceneChange):
                default = change_duration(part)
                plan.changes.append(TimedChange(d.at, d.duration if explicit else default, part, words))
                if part.scene:
                    plan.moves.append(TimedMove(d.at, 0.0, CameraMove(move="cut"), words))
                    plan.cut_times.append(d.at)
            elif isinstance(part, StyleChange):
                plan.changes.append(TimedChange(d.at, d.duration or 0.0, part, words))
        if d.image:
            who = next((p.name for p in interp.parts if isinstance(p, CharacterAction)), None)
            if d.image_role == "character" and who is None:
                problems.append(f"{where}: image: a character image needs a character in the directive")
            else:
                plan.images.append((d.at, d.image_role or "style", d.image, who))
        words = d.text or d.prompt or ""
        if not interp.understood and words:
            plan.prompts.append((d.at, words))
        elif d.prompt:
            plan.prompts.append((d.at, d.prompt))
    return plan


def _assemble(timeline: Timeline, readings: list[Interpretation], plan: _Plan,
              introduced: dict[str, CharacterAction], reader: Reader, previous: Script | None) -> Script:
    """The Script of ``plan``. What the new readings cannot have changed is taken from ``previous`` (a
    live command that moves no camera keeps the rig, one in the same world keeps its start), so it is
    not built again."""
    world = timeline.world
    same_world = previous is not None and previous.timeline.world is world
    rig = _rig(plan.moves, timeline.width / timeline.height, previous)
    hour, fog = (previous.initial_hour, previous.initial_fog) if same_world else (starting_hour(world.scene), initial_fog(world.scene))
    script = Script(timeline, readings, rig, {}, plan.changes, plan.images, plan.prompts, [], hour, fog, reader)
    # Resolve every scene text now (the embedding model, if needed, loads at compile, not mid-render);
    # those ``previous`` resolved are remembered by ``choose_scene`` already.
    scenes = _scenes(world.scene, plan.changes)
    for scene in scenes - _scenes(world.scene, previous.changes) if same_world else scenes:
        script.scene_kind(scene)
    speeds = [(c.at, c.duration, c.change.speed) for c in plan.changes if getattr(c.change, "speed", None)]
    script.warp = TimeWarp.of(speeds) if speeds else NORMAL_SPEED

    # Characters: declared ones stand in the scene from the start, facing the camera.
    if same_world and rig is previous.rig and script.warp == previous.warp and _same_cast(previous.tracks, plan.actions):
        # Nobody does anything new (and the camera and the clock are the same objects): the tracks are the
        # previous script's. They ask the script that built them for the camera and the others' places,
        # and its rig and tracks are these very ones, so every answer is the same as a rebuild's.
        script.tracks = previous.tracks
    else:
        _place_cast(script, world.characters, plan.actions, introduced, previous if same_world else None)
    script.events = timeline_events(script.changes, list(script.tracks.values()), plan.cut_times, timeline.seed, timeline.duration)
    return script


def _same_cast(tracks: dict[str, EntityTrack | WarpedTrack], actions: dict[str, list[TimedAction]]) -> bool:
    """True when ``tracks`` were planned from exactly ``actions`` (the same parts, at the same times):
    the same characters, none with an action added, changed or re-read."""
    if not set(actions) <= set(tracks):
        return False
    for key, track in tracks.items():
        own = sorted(actions.get(key, []), key=lambda a: a.at)  # as the track sorted them
        if len(own) != len(track.actions) or not all(
                a.action is b.action and a.at == b.at and a.text == b.text for a, b in zip(own, track.actions)):
            return False
    return True


def _place_cast(script: Script, characters: Sequence[Character], actions: dict[str, list[TimedAction]],
                introduced: dict[str, CharacterAction], previous: Script | None) -> None:
    """Plan every character's track into ``script.tracks``: the declared ones (a profile ``previous``
    made for the same world is kept), then each newcomer in the order it first acts."""
    n = len(characters)
    for i, c in enumerate(characters):
        own = sorted(actions.get(c.name.lower(), []), key=lambda a: a.at)
        on_stage = not (own and own[0].action.action == "enter")  # one who "enters" is off stage until then
        kept = previous.tracks.get(c.name.lower()) if previous is not None else None
        profile = kept.profile if kept is not None and kept.profile.declared == on_stage else declared_profile(c, i, n, on_stage)
        script.tracks[c.name.lower()] = track_on_world_clock(script.warp, profile, actions.get(c.name.lower(), []), script.base_camera, script._position_of)
    firsts = sorted(introduced, key=lambda k: min(a.at for a in actions[k]))
    for key in firsts:
        script.tracks[key] = track_on_world_clock(script.warp, newcomer_profile(introduced[key]), actions[key], script.base_camera, script._position_of)
