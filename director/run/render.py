"""Render a timeline to an MP4 with sound: Director → engine → ClipWriter, with checkpoints on disk.

The clip is written to ``NAME.part`` (playable if the process dies) beside a sidecar folder holding
the audio and the checkpoints; ``render(..., resume=True)`` continues an interrupted render from the
last checkpoint that the ``.part`` really contains.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from director.plan.assets import Assets
from director.run.checkpoints import CheckpointStore
from director.sinks.clip_writer import ClipWriter, clip_frames
from director.run.director import Director, Progress
from director.engines.protocol import Engine
from director.world import Interpretation
from director.plan.timecode import format_time
from director.plan.timeline import Timeline

log = logging.getLogger(__name__)

# Constant-QP encoding: a resumed render then decodes to exactly the frames of an uninterrupted one
# (x264's CRF carries rate-control state across keyframes, so a restarted encoder drifts slightly).
RATE_CONTROL = "qp"
QUALITY = 23
# x264 speed preset: film grain (the "1980s film" style) makes frames expensive to encode. On 8 s of
# the Paris preset at 1280x720 (2-core VM): veryfast 51 fps and 8.4 MB, superfast 83 fps and 8.0 MB at
# the same QP, which is what lets encoding share two cores with previz and stay faster than real time.
PRESET = "superfast"
CHECKPOINTS_KEPT = 6  # enough to fall back past frames ffmpeg had not flushed when a render died


class ResumeError(RuntimeError):
    pass


@dataclass(frozen=True)
class RenderResult:
    path: Path | None  # the published clip, or None if stopped before anything was made
    frames: int
    duration: float  # seconds of video
    wall_seconds: float
    stopped: bool  # True if stopped early (the clip holds what was made)
    resumed_from: float | None  # seconds, if this continued an interrupted render
    unknown: tuple[Interpretation, ...]  # directives kept as prompts
    record: Timeline  # the timeline as played, live commands included


def render(
    timeline: Timeline,
    out: str | Path,
    *,
    base_dir: str | Path | None = None,
    engine: Engine | str | None = None,
    engine_options: dict | None = None,
    resume: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    use_embeddings: bool = True,
    checkpoint_every: float = 2.0,
    director: Director | None = None,
    assets: Assets | None = None,
) -> RenderResult:
    """Render ``timeline`` to ``out``. ``checkpoint_every`` is in seconds of video.

    Pass ``director`` to render a run you also steer (live commands) from another thread, ``assets``
    to read images differently from ``base_dir`` (e.g. ``Assets(base_dir, allow_outside=True)``).
    """
    out = Path(out)
    started = time.perf_counter()
    d = director or Director(timeline, engine=engine, engine_options=engine_options, base_dir=base_dir,
                             assets=assets, use_embeddings=use_embeddings, keep_checkpoints=1)  # a render never rewinds in memory
    resumed_from = None
    size = dict(width=d.settings.width, height=d.settings.height, fps=d.fps, sample_rate=d.settings.sample_rate,
                keyframe_interval=d.chunk_frames)
    if resume:
        writer, store, resumed_from = _resume(d, out, size)
    else:
        writer = ClipWriter(out, **size, rate_control=RATE_CONTROL, quality=QUALITY, preset=PRESET)
        store = CheckpointStore(writer.sidecar / "checkpoints")
    every = max(d.checkpoint_interval, round(checkpoint_every * d.fps / d.chunk_frames))
    try:
        for chunk in d.run():
            writer.write(chunk)
            if on_progress is not None:
                on_progress(chunk.info["progress"])
            if (chunk.index + 1) % every == 0 and not d.done:
                ckpt = d.checkpoint_now()
                store.save(ckpt.chunk_index, ckpt.frame, ckpt)
                store.prune(CHECKPOINTS_KEPT)
            if stop is not None and stop.is_set():
                d.stop()
    except BaseException:
        writer.abort()  # keep NAME.part and the checkpoints for --resume
        d.close()
        raise
    stopped = not d.done
    path = writer.finish() if writer.frames_written else None
    if path is None:
        writer.abort()
    d.close()
    return RenderResult(path, d.next_frame, d.next_frame / d.fps, time.perf_counter() - started, stopped,
                        resumed_from, tuple(d.script.unknown), d.record)


def _resume(d: Director, out: Path, size: dict) -> tuple[ClipWriter, CheckpointStore, float]:
    part = ClipWriter.part_path(out)
    sidecar = ClipWriter.sidecar_path(out)
    if not (sidecar / "checkpoints").is_dir():
        raise ResumeError(f"nothing to resume for {out}: no interrupted render ({part.name} and {sidecar.name}) beside it")
    store = CheckpointStore(sidecar / "checkpoints")
    made = clip_frames(out)
    found = store.latest(at_or_before_frame=made)
    if found is None or found.frame == 0:
        raise ResumeError(f"{part.name} holds {made} frames but no checkpoint within them; render again without --resume")
    ckpt = found.payload
    d.resume(ckpt)
    log.info("resuming %s at %s (frame %d)", out, format_time(ckpt.frame / d.fps), ckpt.frame)
    store.discard_after(ckpt.frame)
    writer = ClipWriter.resume(out, frames=ckpt.frame, **size)
    return writer, store, ckpt.frame / d.fps
