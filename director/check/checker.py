"""``check_clip``: measure every directive of a timeline on a rendered clip.

1. compile the timeline as the render did (the same readings of every directive);
2. decode the clip small (grey for flow, colour thumbnails, mono sound);
3. give each directive part to the measurement of its kind and gather the verdicts.
"""

from __future__ import annotations

from pathlib import Path

from director.check.camera_motion import check_camera
from director.check.clip import DecodedClip, decode_clip
from director.check.colour_style import check_style
from director.check.cuts import check_cut, check_dissolve
from director.check.expectations import Expectation, effect_words, expectations
from director.check.light_and_weather import check_scene_change
from director.check.optical_flow import FlowMeter
from director.check.tracking import check_character
from director.check.world_speed import check_speed
from director.check.verdict import CheckReport, Verdict
from director.commands.reader import RULES_ONLY, Reader
from director.world import Script, compile_timeline
from director.plan.timeline import CameraMove, CharacterAction, SceneChange, StyleChange, Timeline


def check_clip(clip_path: str | Path, timeline: Timeline, *, reader: Reader = RULES_ONLY,
               script: Script | None = None, clip: DecodedClip | None = None) -> CheckReport:
    """Judge ``clip_path`` against ``timeline``: one verdict per effect of every directive.

    ``reader`` must read as the clip's render did when directives depend on meaning matching
    (the CLI and the app pass what they rendered with); ``script``/``clip`` skip compiling/decoding again.
    Raises ``ClipError`` for a clip that cannot be read and ``TimelineError`` for a bad timeline.
    """
    # 1. The readings.
    script = script or compile_timeline(timeline, reader=reader)
    # 2. The clip.
    clip = clip or decode_clip(clip_path)
    meter = FlowMeter(clip.grey)
    duration = min(timeline.duration, clip.duration)
    # 3. The verdicts.
    verdicts: list[Verdict] = []
    for e in expectations(script, duration):
        if e.start >= clip.duration:
            verdicts.append(Verdict(e.index, e.at, e.text, _kind(e), effect_words(e.part), "", "not_checkable",
                                    f"the clip ends at {clip.duration:.1f} s, before this directive"))
            continue
        verdicts.extend(_judge(e, clip, meter))
    return CheckReport(str(clip_path), clip.duration, tuple(verdicts))


def _kind(e: Expectation) -> str:
    p = e.part
    if isinstance(p, CameraMove):
        return "cut" if p.move == "cut" else "camera"
    if isinstance(p, CharacterAction):
        return "character"
    if isinstance(p, SceneChange) and p.speed is not None and not (p.scene or p.weather or p.time_of_day or p.event):
        return "speed"
    if isinstance(p, SceneChange):
        return "scene" if p.scene else ("event" if p.event else "weather" if p.weather else "transition" if p.fade else "light")
    if isinstance(p, StyleChange):
        return "style"
    return "prompt"


def _judge(e: Expectation, clip: DecodedClip, meter: FlowMeter) -> list[Verdict]:
    p = e.part
    if p is None:
        return [Verdict(e.index, e.at, e.text, "prompt", "kept as a prompt", "words for neural engines", "not_checkable",
                        "previz cannot show it; not understood by the rules")]
    if isinstance(p, CameraMove):
        v = check_camera(e, clip, meter)
        return [v if v is not None else check_cut(e, clip, "cut" if p.move == "cut" else "shot")]
    if isinstance(p, CharacterAction):
        return [check_character(e, clip, meter)]
    if isinstance(p, SceneChange):
        verdicts = [check_speed(e, clip, meter)] if p.speed is not None else []
        if _kind(e) == "speed":
            return verdicts
        if p.scene:
            return verdicts + [check_dissolve(e, clip) if p.dissolve else check_cut(e, clip, "scene")]
        return verdicts + check_scene_change(e, clip)
    return [check_style(e, clip)]
