"""Takes, and the three ways a run continues from the past: ``rewind``, ``branch`` and ``resume``.

Every Start or rewind makes a take (an MP4 and the Director that made it). A take made by branching
reuses the frames of the take it branched from up to the branch point (``ClipWriter`` prefix: packets
copied, not re-encoded) and continues from that take's checkpoint, so its start is exactly what was
there before.

- ``rewind(director, t, timeline)``: the same Director goes back to its boundary at or before ``t``
  (directives from there on may come from an edited ``timeline``).
- ``branch(director, base, t, timeline)``: a new, unused Director continues ``base`` (a finished take)
  from its boundary at or before ``t``; ``base`` is left untouched.
- ``resume(director, out, ...)``: continue a render that died, from the last checkpoint its ``.part``
  really holds.

All three refuse, with a ``RewindError``/``ResumeError`` that says why, what cannot be continued:
settings that change frames already made (``picture_settings``) must stay as they were.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from director.plan.timecode import format_time
from director.plan.timeline import Timeline
from director.run.checkpoints import CheckpointStore
from director.run.director import Director
from director.sinks.clip_writer import ClipWriter, Prefix, clip_frames
from director.world import Interpretation, Script

log = logging.getLogger(__name__)


class RewindError(ValueError):
    """A rewind or branch that cannot be made (message says why and what to do instead)."""


class ResumeError(RuntimeError):
    """Nothing (usable) to resume."""


def picture_settings(t: Timeline) -> tuple:
    """Settings that change frames already made: a rewind or branch must keep them."""
    return (t.width, t.height, t.fps, t.seed, t.engine, t.chunk_seconds)


@dataclass
class Take:
    number: int
    path: Path  # the final MP4 (exists once ``finished``)
    director: Director  # kept for its checkpoints: rewinding from this take starts from them
    from_time: float = 0.0  # where it branched from its parent
    parent: int | None = None
    frames: int = 0  # frames in the clip, prefix included
    finished: bool = False
    stopped: bool = False  # stopped before the end: the MP4 holds what was made
    check: object | None = None  # director.ui.direct.take_check.TakeCheck once the finished clip was measured

    @property
    def seconds(self) -> float:
        return self.frames / self.director.fps

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        """How each directive this take played (live commands included) was read."""
        return self.director.interpretations

    @property
    def record(self) -> Timeline:
        """The timeline this take played: what was planned plus every live command at its time."""
        return self.director.record

    @property
    def script(self) -> Script:
        """The compiled record (what the clip was asked to show), for checking the clip against it."""
        return self.director.script

    @property
    def label(self) -> str:
        origin = f"from take {self.parent} at {format_time(self.from_time)}" if self.parent else "from the start"
        state = "stopped" if self.stopped else ("done" if self.finished else "rendering")
        return f"Take {self.number} · {format_time(self.seconds)} · {origin} · {state}"


@dataclass
class Takes:
    items: list[Take] = field(default_factory=list)
    current: int | None = None  # number of the take shown, rewound from and exported
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_number(self) -> int:
        return len(self.items) + 1

    def add(self, take: Take) -> None:
        with self._lock:
            self.items.append(take)
            self.current = take.number

    def get(self, number: int | None) -> Take | None:
        return next((t for t in self.items if t.number == number), None)

    def select(self, number: int) -> Take:
        take = self.get(number)
        if take is None:
            raise KeyError(f"no take {number}")
        self.current = number
        return take

    @property
    def shown(self) -> Take | None:
        return self.get(self.current)

    def choices(self) -> list[tuple[str, int]]:
        return [(t.label, t.number) for t in self.items]

    def close(self) -> None:
        for take in self.items:
            take.director.close()


@dataclass(frozen=True)
class BranchPoint:
    """Where a branched take starts: its boundary, and the frames it copies from its parent's clip."""

    seconds: float
    frame: int
    prefix: Prefix | None  # None when it starts at 0:00 (nothing to copy)


def _keep_picture(old: Timeline, new: Timeline) -> None:
    if picture_settings(old) != picture_settings(new):
        raise RewindError("size, fps, seed and engine must stay as they were to rewind; press Start for a new take")


def rewind(director: Director, t: float, timeline: Timeline | None = None) -> float:
    """Take ``director`` back to its boundary at or before ``t`` and return that boundary (seconds).
    Directives from the boundary on come from ``timeline`` when given (those before stay as played)."""
    if timeline is not None:
        _keep_picture(director.record, timeline)
    try:
        return director.rewind(t, timeline)
    except ValueError:
        raise RewindError(f"cannot rewind to {format_time(t)}: no checkpoint at or before it") from None


def branch(director: Director, base: Take, t: float, timeline: Timeline | None = None) -> BranchPoint:
    """Prepare the new ``director`` to continue the finished take ``base`` from its boundary at or
    before ``t`` (directives from there on from ``timeline``, else as ``base`` played them)."""
    old = base.director
    _keep_picture(old.record, timeline if timeline is not None else director.record)
    if not base.finished:
        raise RewindError(f"take {base.number} is still rendering: stop it first")
    try:
        boundary = director.branch(old, t, timeline, made_frames=base.frames)
    except ValueError:
        raise RewindError(f"cannot rewind to {format_time(t)}: take {base.number} has nothing before it") from None
    start = int(round(boundary * director.fps))
    return BranchPoint(boundary, start, Prefix(base.path, start) if start else None)


@dataclass
class Resumed:
    """A render that continues: its writer (appending to ``NAME.part``), its checkpoint store, and
    where it continues from."""

    writer: ClipWriter
    store: CheckpointStore
    seconds: float


def resume(director: Director, out: str | Path, encode: dict[str, Any]) -> Resumed:
    """Continue the interrupted render of ``out`` with ``director`` (built for the same timeline):
    restore the newest checkpoint within the frames ``NAME.part`` really holds, drop later ones, and
    reopen the writer there. ``encode``: the ``ClipWriter`` size arguments (the sidecar keeps the rest)."""
    out = Path(out)
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
    director.resume(ckpt)
    log.info("resuming %s at %s (frame %d)", out, format_time(ckpt.frame / director.fps), ckpt.frame)
    store.discard_after(ckpt.frame)
    writer = ClipWriter.resume(out, frames=ckpt.frame, **encode)
    return Resumed(writer, store, ckpt.frame / director.fps)
