"""Deforum animation settings (the JSON the Deforum extension saves as ``*_settings.txt``) in and out.

In: ``max_frames``, ``fps``, ``animation_mode``, ``W``/``H``, ``seed``, the motion schedules (read with
``schedule_expr``, converted with ``deforum_units``) and ``prompts`` keyed by frame (numbers or
``max_f`` expressions, ``--neg`` negatives, ``positive_prompts``/``negative_prompts`` added to each).
Everything else is reported by key: nothing is dropped silently.

Out: the timeline's camera path, frame by frame, as Deforum schedules in the mode that carries it
(3D, or 2D for a camera that only turns and zooms), plus its prompts and scene as ``prompts``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from director.commands.reader import RULES_ONLY, Reader
from director.formats.camera_motion import motion_from_timeline
from director.formats.deforum_units import (
    ALL_MOTION_KEYS, MOTION_KEYS, REST_VALUE, UNWRITABLE, Canvas, Mode, choose_mode, deforum_from_motion,
    motion_from_deforum, schedule_string,
)
from director.formats.imported import ImportResult, TimedPrompt, build_timeline, split_negative
from director.formats.schedule_expr import MAX_FRAMES, ScheduleError, evaluate, schedule_series
from director.plan.timeline import Timeline, TimelineError

DEFAULT_FPS = 15.0  # Deforum's default output fps
# Keys whose meaning director has no counterpart for are reported one by one when they hold a schedule;
# the rest are listed together. Keys read here:
USED = {"max_frames", "fps", "animation_mode", "W", "H", "seed", "prompts", "positive_prompts",
        "negative_prompts", "batch_name", *ALL_MOTION_KEYS}
# Settings a Deforum file always carries that say nothing about the shot (UI and file plumbing).
PLUMBING = {"outdir", "timestring", "filename_format", "save_settings", "save_samples", "display_samples",
            "save_sample_per_step", "show_sample_per_step", "skip_video_creation", "ffmpeg_location",
            "ffmpeg_crf", "ffmpeg_preset", "sd_model_name", "sd_model_hash", "deforum_git_commit_id",
            "n_batch", "image_path", "mp4_path", "make_gif", "store_frames_in_ram"}


def looks_like_deforum(data: object) -> bool:
    """A Deforum settings object: ``max_frames`` with motion schedules or prompts."""
    return isinstance(data, dict) and "max_frames" in data and (
        "prompts" in data or "animation_mode" in data or any(k in data for k in ALL_MOTION_KEYS))


def read_deforum(data: object, source: str = "deforum settings", *, segment_seconds: float = 0.5,
                 metres_per_unit: float = 1.0) -> ImportResult:
    """Deforum settings (parsed JSON) → ``ImportResult``. Raises ``TimelineError`` listing every problem."""
    if not isinstance(data, dict):
        raise TimelineError([f"expected a JSON object at the top, got {type(data).__name__}"], source)
    problems: list[str] = []
    notes: list[str] = []
    # 1. Clip settings
    frames = _whole(data.get("max_frames"), "max_frames", 1, MAX_FRAMES, problems)
    fps = data.get("fps", DEFAULT_FPS)
    if "fps" not in data:
        notes.append(f"fps: not in the file; Deforum's default {DEFAULT_FPS:g} fps assumed")
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 120:
        problems.append(f"fps: expected a number of frames per second in (0, 120], got {fps!r}")
    mode = data.get("animation_mode", "2D")
    if "animation_mode" not in data:
        notes.append("animation_mode: not in the file; Deforum's default 2D assumed")
    if mode not in ("2D", "3D", "None", "Video Input", "Interpolation"):
        problems.append(f"animation_mode: unknown value {mode!r}; expected 2D, 3D, None, Video Input or Interpolation")
    seed = data.get("seed", -1)
    if isinstance(seed, bool) or not isinstance(seed, (int, float)) or not math.isfinite(seed):
        problems.append(f"seed: expected a number, got {seed!r}")
        seed = -1
    elif seed < 0:
        notes.append("seed: -1 (a random seed in Deforum); director uses seed 0")
    width, height = _size(data, notes)
    if problems:
        raise TimelineError(problems, source)

    # 2. Motion schedules of the mode, evaluated per frame
    motion = None
    if mode in ("2D", "3D"):
        values = {}
        for key in MOTION_KEYS[mode]:
            if key not in data:
                continue
            try:
                series, more = schedule_series(key, data[key], frames, seed)
                values[key] = series
                notes.extend(more)
            except ScheduleError as exc:
                problems.append(str(exc))
        for key in set(ALL_MOTION_KEYS) - set(MOTION_KEYS[mode]):
            if key in data and _moves(key, data[key], frames, seed):
                notes.append(f"{key}: ignored in {mode} mode (as Deforum does)")
        if not problems:
            try:
                motion = motion_from_deforum(values, mode, float(fps), frames,
                                             Canvas(width or 512, height or 512, metres_per_unit))
            except ValueError as exc:
                problems.append(str(exc))
    elif any(k in data for k in ALL_MOTION_KEYS):
        notes.append(f"animation_mode {mode!r}: no camera motion in this mode; motion schedules not imported")

    # 3. Prompts keyed by frame
    prompts = _prompts(data, frames, seed, problems, notes)
    if problems:
        raise TimelineError(problems, source)

    # 4. Everything else, by key
    for key in sorted(data):
        if key in USED or key in PLUMBING:
            continue
        value = data[key]
        if isinstance(value, str) and ":(" in value.replace(" ", ""):
            notes.append(f"{key}: a schedule with no counterpart in director; not imported")
    rest = sorted(k for k in data if k not in USED and k not in PLUMBING and not (
        isinstance(data[k], str) and ":(" in data[k].replace(" ", "")))
    if rest:
        notes.append("not used (no counterpart in director): " + ", ".join(rest))

    title = data.get("batch_name") if isinstance(data.get("batch_name"), str) else ""
    timeline, fit = build_timeline(source=source, title=title or "Deforum import", fps=float(fps), frames=frames,
                                   width=width, height=height, seed=int(seed), motion=motion, prompts=prompts,
                                   notes=notes, segment_seconds=segment_seconds)
    return ImportResult(timeline, "deforum", notes, fit)


def _whole(value: object, key: str, low: int, high: int, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or not low <= value <= high:
        problems.append(f"{key}: expected a whole number in {low}..{high}, got {value!r}")
        return low
    return int(value)


def _size(data: dict, notes: list[str]) -> tuple[int | None, int | None]:
    w, h = data.get("W"), data.get("H")
    if w is None and h is None:
        return None, None
    ok = all(isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 3840 and v % 2 == 0 for v in (w, h))
    if not ok or h > 2160:
        notes.append(f"W, H: {w!r}x{h!r} is not a size director renders (even, up to 3840x2160); default size kept")
        return None, None
    return w, h


def _moves(key: str, schedule: object, frames: int, seed: float) -> bool:
    try:
        series, _ = schedule_series(key, schedule, frames, seed)
    except ScheduleError:
        return True  # unreadable: still worth a note that it was not used
    return bool(np.any(np.abs(series - REST_VALUE.get(key, 0.0)) > 1e-12))


def _prompts(data: dict, frames: int, seed: float, problems: list[str], notes: list[str]) -> list[TimedPrompt]:
    raw = data.get("prompts", {})
    if isinstance(raw, str):  # some versions store the prompts JSON as text
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"prompts: invalid JSON text: {exc.msg}")
            return []
    if not isinstance(raw, dict):
        problems.append(f"prompts: expected an object of frame → prompt, got {type(raw).__name__}")
        return []
    common_pos = data.get("positive_prompts", "") if isinstance(data.get("positive_prompts"), str) else ""
    common_neg = data.get("negative_prompts", "") if isinstance(data.get("negative_prompts"), str) else ""
    out = []
    for key, text in raw.items():
        where = f"prompts.{key}"
        if not isinstance(text, str):
            problems.append(f"{where}: expected the prompt text, got {type(text).__name__}")
            continue
        try:
            value = evaluate(str(key), {"max_f": float(frames - 1), "s": float(seed)}, f"{where} frame")
        except ScheduleError as exc:
            problems.append(str(exc))
            continue
        if not isinstance(value, float) or not math.isfinite(value):
            problems.append(f"{where}: frame {key!r} is not a number")
            continue
        frame = int(value)
        if not 0 <= frame < frames:
            notes.append(f"{where}: frame {frame} is outside the clip (0..{frames - 1}); not imported")
            continue
        if "`" in text:
            notes.append(f"{where}: `…` expressions inside the prompt are kept as written, not evaluated")
        positive, negative = split_negative(text)
        positive = ", ".join(p for p in (positive, common_pos.strip()) if p)
        negative = ", ".join(n for n in (negative, common_neg.strip()) if n)
        out.append(TimedPrompt(frame, positive, negative, where))
    return out


# -- out ------------------------------------------------------------------------------------------

def write_deforum(timeline: Timeline, *, mode: Mode | None = None, fps: float | None = None,
                  metres_per_unit: float = 1.0, tolerance: float = 1e-4,
                  reader: Reader = RULES_ONLY) -> tuple[dict, list[str]]:
    """The timeline as Deforum settings (a dict to save as JSON) and notes on what the mode cannot carry.

    ``mode`` None picks 3D, or 2D when the camera only turns and zooms. Schedules keep a keyframe
    wherever the per-frame values leave a straight line by more than ``tolerance`` (Deforum's units).
    """
    motion = motion_from_timeline(timeline, fps=fps, reader=reader)
    mode = mode or choose_mode(motion)
    notes = [f"{axis}: {mode} mode has no {axis}; this camera motion is not in the schedules"
             for axis in UNWRITABLE[mode] if axis in motion.moving_axes()]
    canvas = Canvas(timeline.width, timeline.height, metres_per_unit)
    values = deforum_from_motion(motion, mode, canvas)
    settings: dict = {
        "batch_name": timeline.title or "director",
        "animation_mode": mode, "max_frames": motion.frames, "fps": motion.fps,
        "W": timeline.width, "H": timeline.height, "seed": timeline.seed,
    }
    for key in ALL_MOTION_KEYS:
        series = values.get(key)
        settings[key] = schedule_string(series, tolerance) if series is not None else f"0:({REST_VALUE.get(key, 0):g})"
    settings["prompts"] = deforum_prompts(timeline, motion.fps, motion.frames)
    settings["generated_by"] = "director"
    return settings, notes


def deforum_prompts(timeline: Timeline, fps: float, frames: int) -> dict[str, str]:
    """The scene at frame 0, then what neural engines are prompted with (prompt fields and text no
    rule understood), each at its frame; prompts at the same frame are joined."""
    from director.world import compile_timeline

    prompts = {"0": timeline.world.scene or timeline.title or "a scene"}
    for at, words in compile_timeline(timeline, reader=RULES_ONLY).prompts:
        key = str(min(frames - 1, round(at * fps)))
        prompts[key] = f"{prompts[key]}, {words}" if key in prompts else words
    return prompts


def save_deforum(timeline: Timeline, path: str | Path, **options) -> list[str]:
    """Write ``write_deforum``'s settings to ``path`` (JSON); return its notes."""
    settings, notes = write_deforum(timeline, **options)
    Path(path).write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return notes

