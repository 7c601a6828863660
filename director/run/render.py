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

from director.commands.reader import Reader
from director.plan.assets import Assets
from director.plan.timeline import Timeline
from director.run.checkpoints import CheckpointStore
from director.run.director import Director, Progress
from director.run.events import Failed, Stopped
from director.run.run import Run
from director.run.takes import ResumeError, resume as resume_render
from director.engines.protocol import Engine
from director.sinks.checkpoint_sink import KEPT_ON_DISK, CheckpointSink
from director.sinks.clip_sink import ClipSink
from director.sinks.clip_writer import ClipWriter
from director.world import Interpretation

log = logging.getLogger(__name__)

# Constant-QP encoding: a resumed render then decodes to exactly the frames of an uninterrupted one
# (x264's CRF carries rate-control state across keyframes, so a restarted encoder drifts slightly).
RATE_CONTROL = "qp"
QUALITY = 23
# x264 speed preset: film grain (the "1980s film" style) makes frames expensive to encode. On 8 s of
# the Paris preset at 1280x720 (2-core VM): veryfast 51 fps and 8.4 MB, superfast 83 fps and 8.0 MB at
# the same QP, which is what lets encoding share two cores with previz and stay faster than real time.
PRESET = "superfast"
CHECKPOINTS_KEPT = KEPT_ON_DISK  # enough to fall back past frames ffmpeg had not flushed when a render died
__all__ = ["RenderResult", "ResumeError", "render"]


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
    reader: Reader | None = None,
    use_embeddings: bool | None = None,
    checkpoint_every: float = 2.0,
    director: Director | None = None,
    assets: Assets | None = None,
) -> RenderResult:
    """Render ``timeline`` to ``out``. ``checkpoint_every`` is in seconds of video.

    Pass ``director`` to render a run you also steer (live commands) from another thread, ``assets``
    to read images differently from ``base_dir`` (e.g. ``Assets(base_dir, allow_outside=True)``).
    ``reader``: how free text is read (``commands.Reader``; default: by rules, then by meaning);
    ``use_embeddings`` is its older spelling, kept so older notebooks still run.
    """
    out = Path(out)
    started = time.perf_counter()
    d = director or Director(timeline, engine=engine, engine_options=engine_options, base_dir=base_dir,
                             assets=assets, reader=Reader.of(use_embeddings, reader), keep_checkpoints=1)  # a render never rewinds in memory
    resumed_from = None
    size = dict(width=d.settings.width, height=d.settings.height, fps=d.fps, sample_rate=d.settings.sample_rate,
                keyframe_interval=d.chunk_frames)
    # 1. the clip: fresh, or continuing NAME.part from its last checkpoint
    if resume:
        resumed = resume_render(d, out, size)
        writer, store, resumed_from = resumed.writer, resumed.store, resumed.seconds
    else:
        writer = ClipWriter(out, **size, rate_control=RATE_CONTROL, quality=QUALITY, preset=PRESET)
        store = CheckpointStore(writer.sidecar / "checkpoints")
    # 2. the run: clip + checkpoints on disk every ``checkpoint_every`` seconds of video
    every = max(d.checkpoint_interval, round(checkpoint_every * d.fps / d.chunk_frames))
    clip = ClipSink(writer, on_failure="abort")  # a failure keeps NAME.part and the checkpoints for --resume
    run = Run(d, [clip, CheckpointSink(store, d, every, keep=CHECKPOINTS_KEPT)], stop=stop)
    for event in run.events():
        if isinstance(event, Progress) and on_progress is not None:
            on_progress(event)
        elif isinstance(event, Failed):
            raise event.error
    return RenderResult(clip.published, d.next_frame, d.next_frame / d.fps, time.perf_counter() - started,
                        isinstance(run.ending, Stopped), resumed_from, tuple(d.script.unknown), d.record)
