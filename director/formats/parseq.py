"""Parseq's rendered output (the JSON its "Render" button makes for Deforum) in and out.

Layout (Parseq's ``parseq-renderer``): ``{"meta": {"generated_by": "sd_parseq", ...}, "options":
{"output_fps": 20, "bpm": ...}, "keyframes": [...], "rendered_frames": [{"frame": 0, "translation_x": 0,
"translation_x_delta": 0, ..., "zoom": 1, "zoom_delta": 1, "deforum_prompt": "pos --neg neg"}, ...],
"rendered_frames_meta": {...}}``. Values are absolute (rotating 180° over 4 frames reads 45, 90, 135,
180); ``<field>_delta`` is the per-frame change Deforum applies (for zoom ``1 + change``). Parseq does
not say 2D or 3D (that is Deforum's setting): ``mode`` decides, or the 3D fields moving do.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from director.commands.reader import RULES_ONLY, Reader
from director.formats.camera_motion import motion_from_timeline
from director.formats.deforum import deforum_prompts
from director.formats.deforum_units import (
    ALL_MOTION_KEYS, MOTION_KEYS, UNWRITABLE, Canvas, Mode, choose_mode, deforum_from_motion, motion_from_deforum,
)
from director.formats.imported import ImportResult, build_timeline, prompt_changes
from director.formats.schedule_expr import MAX_FRAMES
from director.plan.timeline import Timeline, TimelineError

DEFAULT_FPS = 20.0  # Parseq's default output fps
_DERIVED_SUFFIXES = ("_delta", "_pc")
_PROMPT_FIELDS = ("deforum_prompt", "positive_prompt", "negative_prompt")
_3D_ONLY = ("translation_z", "rotation_3d_x", "rotation_3d_y", "rotation_3d_z")


def looks_like_parseq(data: object) -> bool:
    """Parseq rendered output: a ``rendered_frames`` list."""
    return isinstance(data, dict) and isinstance(data.get("rendered_frames"), list)


def read_parseq(data: object, source: str = "parseq", *, mode: Mode | None = None, width: int = 512,
                height: int = 512, segment_seconds: float = 0.5, metres_per_unit: float = 1.0) -> ImportResult:
    """Parseq rendered frames (parsed JSON) → ``ImportResult``. ``width``/``height``: the Deforum canvas
    (2D translations are pixels). Raises ``TimelineError`` listing every problem."""
    if not looks_like_parseq(data):
        raise TimelineError(["expected Parseq's rendered output: an object with a \"rendered_frames\" list"], source)
    problems: list[str] = []
    notes: list[str] = []
    rows = data["rendered_frames"]
    # 1. Frames, in order, each an object with a whole "frame" number
    if not rows:
        raise TimelineError(["rendered_frames: empty"], source)
    if len(rows) > MAX_FRAMES:
        raise TimelineError([f"rendered_frames: {len(rows)} frames (at most {MAX_FRAMES})"], source)
    by_frame: dict[int, dict] = {}
    for i, row in enumerate(rows):
        f = row.get("frame") if isinstance(row, dict) else None
        if isinstance(f, bool) or not isinstance(f, (int, float)) or f != int(f) or not 0 <= f < MAX_FRAMES:
            problems.append(f"rendered_frames[{i}].frame: expected a whole frame number in 0..{MAX_FRAMES - 1}, got {f!r}")
            continue
        if int(f) in by_frame:
            notes.append(f"rendered_frames[{i}]: frame {int(f)} given twice; the later one is used (as Deforum does)")
        by_frame[int(f)] = row
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    fps = options.get("output_fps", DEFAULT_FPS)
    if "output_fps" not in options:
        notes.append(f"options.output_fps: not in the file; Parseq's default {DEFAULT_FPS:g} fps assumed")
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 120:
        problems.append(f"options.output_fps: expected frames per second in (0, 120], got {fps!r}")
    if problems:
        raise TimelineError(problems, source)
    frames = max(by_frame) + 1
    missing = frames - len(by_frame)
    if missing:
        notes.append(f"rendered_frames: {missing} frame(s) missing; each holds the frame before it")
    ordered = []
    for f in range(frames):
        ordered.append(by_frame.get(f, ordered[-1] if ordered else next(iter(by_frame.values()))))

    # 2. Motion: per-frame deltas of each motion field Parseq manages
    first = ordered[0]
    values: dict[str, np.ndarray] = {}
    for key in ALL_MOTION_KEYS:
        if key in first:
            values[key] = _deltas(key, ordered, problems)
    if problems:
        raise TimelineError(problems, source)
    if mode is None:
        moving_3d = any(k in values and np.any(np.abs(values[k][1:]) > 1e-12) for k in _3D_ONLY)
        mode = "3D" if moving_3d else "2D"
        notes.append(f"animation mode: a Parseq file does not say; read as {mode} "
                     f"({'3D fields move' if mode == '3D' else 'no 3D field moves'}); choose with --mode")
    for key in set(values) - set(MOTION_KEYS[mode]):
        if np.any(np.abs(values[key][1:] - (1.0 if key == "zoom" else 0.0)) > 1e-12):
            notes.append(f"{key}: ignored in {mode} mode (as Deforum does)")
    motion = motion_from_deforum({k: v for k, v in values.items() if k in MOTION_KEYS[mode]}, mode, float(fps),
                                 frames, Canvas(width, height, metres_per_unit))

    # 3. Prompts: one per change of text
    per_frame = []
    for f, row in enumerate(ordered):
        text = row.get("deforum_prompt")
        if text is None and "positive_prompt" in row:
            neg = row.get("negative_prompt") or ""
            text = f"{row['positive_prompt']} --neg {neg}" if neg else str(row["positive_prompt"])
        if isinstance(text, str):
            per_frame.append((f, text))
    prompts = prompt_changes(per_frame, "rendered_frames deforum_prompt", notes)

    # 4. Every other field, by name
    used = {"frame", *values, *_PROMPT_FIELDS}
    others = sorted({k for row in ordered for k in row} - used)
    for key in others:
        if not key.endswith(_DERIVED_SUFFIXES):
            notes.append(f"{key}: no counterpart in director; not imported")
    title = ""
    meta = data.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("doc_name"), str):
        title = meta["doc_name"]
    timeline, fit = build_timeline(source=source, title=title or "Parseq import", fps=float(fps), frames=frames,
                                   width=None, height=None, seed=None, motion=motion, prompts=prompts,
                                   notes=notes, segment_seconds=segment_seconds)
    return ImportResult(timeline, "parseq", notes, fit)


def _deltas(key: str, rows: list[dict], problems: list[str]) -> np.ndarray:
    """The per-frame change Deforum applies: ``<key>_delta`` when every frame has it, else from the
    absolute values (zoom: ``1 + change``, as Parseq computes it)."""
    delta_key = f"{key}_delta"
    use_delta = all(delta_key in r for r in rows)
    name = delta_key if use_delta else key
    out = np.zeros(len(rows))
    for f, row in enumerate(rows):
        v = row.get(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            problems.append(f"rendered_frames frame {f}: {name}: expected a number, got {v!r}")
            continue
        out[f] = v
    if use_delta:
        return out
    change = np.diff(out, prepend=out[0])
    return 1.0 + change if key == "zoom" else change


# -- out ------------------------------------------------------------------------------------------

def write_parseq(timeline: Timeline, *, mode: Mode | None = None, fps: float | None = None,
                 metres_per_unit: float = 1.0, reader: Reader = RULES_ONLY) -> tuple[dict, list[str]]:
    """The timeline's camera path as Parseq rendered frames (absolute values and ``_delta``s) and notes."""
    motion = motion_from_timeline(timeline, fps=fps, reader=reader)
    mode = mode or choose_mode(motion)
    notes = [f"{axis}: {mode} mode has no {axis}; this camera motion is not in the frames"
             for axis in UNWRITABLE[mode] if axis in motion.moving_axes()]
    deltas = deforum_from_motion(motion, mode, Canvas(timeline.width, timeline.height, metres_per_unit))
    absolute = {}
    for key, d in deltas.items():
        d = d.copy()
        d[0] = 1.0 if key == "zoom" else 0.0
        absolute[key] = 1.0 + np.cumsum(d - 1.0) if key == "zoom" else np.cumsum(d)
    prompts = deforum_prompts(timeline, motion.fps, motion.frames)
    prompt_at = sorted((int(k), v) for k, v in prompts.items())
    rows = []
    for f in range(motion.frames):
        row = {"frame": f}
        for key in deltas:
            row[key] = round(float(absolute[key][f]), 6)
            row[f"{key}_delta"] = round(float(absolute[key][f] - (absolute[key][f - 1] if f else 0.0))
                                        + (1.0 if key == "zoom" and f else 0.0), 6)
        row["deforum_prompt"] = next(v for k, v in reversed(prompt_at) if k <= f)
        rows.append(row)
    doc = {"meta": {"generated_by": "director", "doc_name": timeline.title or "director"},
           "options": {"output_fps": motion.fps}, "managedFields": sorted(deltas), "rendered_frames": rows}
    return doc, notes


def save_parseq(timeline: Timeline, path: str | Path, **options) -> list[str]:
    """Write ``write_parseq``'s document to ``path`` (JSON); return its notes."""
    doc, notes = write_parseq(timeline, **options)
    Path(path).write_text(json.dumps(doc), encoding="utf-8")
    return notes
