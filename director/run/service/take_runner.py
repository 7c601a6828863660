"""One take, stepped chunk by chunk, as events: the single thing a service worker owns.

A worker (a thread of the app, or a Ray actor) holds one ``TakeRunner``: it builds the Director and
its engine from a ``TakeSpec``, drives it with the library's ``Run`` (the one chunk loop), feeds live
commands in at chunk boundaries (keeping each one's author and arrival order), saves failover
checkpoints, and turns every step into the service's picklable events (``service.protocol``: the wire
form of ``run.events``, with the chunk's arrays and the authors of commands).

Failover. A runner can start from a ``RunCheckpoint`` (``resume``) with a ``Replay``: the live
commands the lost worker had applied after that checkpoint (each at its boundary frame, re-applied
exactly there) and ``deliver_from``, the first frame the caller has not seen yet. Chunks before it
are rendered (the engine must pass through them) but not sent again, and commands that arrived
after the loss wait until that frame, so the caller's clip is frame-identical to an uninterrupted
run.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Iterator

from director.plan.assets import Assets
from director.plan.timeline import Timeline
from director.run.checkpoints import CheckpointStore
from director.run.director import Director, RunCheckpoint
from director.run.events import ChunkReady as RunChunk, Failed as RunFailed
from director.run.run import Run
from director.run.service.protocol import (
    ChunkReady, CheckpointSaved, CommandApplied, Event, Finished, LiveCommand, Started, Stopped, TakeSpec,
)

log = logging.getLogger(__name__)

CHECKPOINTS_KEPT = 2  # directory mode: the newest is what failover needs; one more survives a torn save


class WorkerLost(RuntimeError):
    """The worker was told to drop the take as a crash would (``kill_worker`` on the in-process backend)."""


@dataclass(frozen=True)
class AppliedAt:
    """A live command and the clip frame (chunk boundary) it took effect at."""

    frame: int
    command: LiveCommand


@dataclass
class Replay:
    """What a runner resuming after a lost worker must redo (see the module docstring)."""

    applied: list[AppliedAt] = field(default_factory=list)  # after the checkpoint, by frame, in order
    deliver_from: int = 0  # first frame the caller has not received


class TakeRunner:
    """Runs one take; ``steps()`` yields events until a final one. ``send``/``stop``/``lose`` may
    be called from another thread while ``steps()`` runs."""

    def __init__(self, spec: TakeSpec, session_id: str, worker: str = "local",
                 resume: RunCheckpoint | None = None, replay: Replay | None = None) -> None:
        self.spec = spec
        self.session_id = session_id
        self.worker = worker
        timeline = Timeline.model_validate_json(spec.timeline_json)
        options = spec.engine_options
        assets = Assets(base_dir=spec.base_dir, allow_outside=spec.allow_outside_images) if spec.base_dir else None
        # keep_checkpoints=1: failover checkpoints leave this runner; a service take never rewinds in memory.
        self.director = Director(timeline, engine_options=options, assets=assets,
                                 use_embeddings=spec.use_embeddings, keep_checkpoints=1)
        d = self.director
        self.every = max(d.checkpoint_interval, round(spec.checkpoint_every * d.fps / d.chunk_frames))
        self.store = (CheckpointStore(spec.checkpoint_folder(session_id))
                      if spec.checkpoint_mode == "directory" else None)
        self.replay = replay or Replay()
        self._replay = deque(self.replay.applied)
        self._pending: deque[LiveCommand] = deque()
        self._lock = threading.Lock()
        self._lost = threading.Event()
        self._stopping = threading.Event()  # the Run's stop: Director.run() clears its own flag when it starts
        self._clock: tuple[float, float] | None = None  # (wall, video seconds) when delivery began; see _pace
        if resume is not None:
            d.resume(resume)

    # -- control (any thread) -------------------------------------------------------------------
    def send(self, command: LiveCommand) -> None:
        with self._lock:
            self._pending.append(command)

    def stop(self) -> None:
        self._stopping.set()
        self.director.stop()

    def lose(self) -> None:
        """Drop the take at the next boundary without a word, as a dead worker would."""
        self._lost.set()
        self.stop()

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    # -- the loop ---------------------------------------------------------------------------------
    def steps(self) -> Iterator[Event]:
        """1. open; 2. drive the take through a ``Run`` (the package's one chunk loop): before each
        chunk, feed the commands due at its boundary; after it, report what was applied, deliver the
        chunk, pace a live take, checkpoint; 3. finish or stop."""
        d = self.director
        try:
            d.open()
            yield Started(self.worker, os.getpid(), d.total_frames, d.fps, d.settings.width, d.settings.height,
                          d.chunk_frames, d.settings.sample_rate)
            if not self._stopping.is_set():
                run = Run(d, stop=self._stopping)
                fed = self._feed()  # commands due at the first boundary
                for event in run.events():
                    if not isinstance(event, RunChunk):
                        continue  # Progress and Notices: a rejected command is reported as CommandApplied
                    chunk = event.chunk
                    yield from self._applied(fed, chunk.start_frame)
                    if chunk.start_frame >= self.replay.deliver_from:
                        yield ChunkReady(chunk.index, chunk.start_frame, chunk.frames, chunk.audio,
                                         d.next_frame, d.total_frames)
                        self._pace(chunk.start_frame)
                    if (chunk.index + 1) % self.every == 0 and not d.done:
                        yield self._checkpoint()
                    fed = [] if self._stopping.is_set() else self._feed()  # due at the next boundary
                if isinstance(run.ending, RunFailed):
                    raise run.ending.error
            if self._lost.is_set():
                raise WorkerLost(f"worker {self.worker} dropped take {self.session_id} at frame {d.next_frame}")
            record = d.record.model_dump_json()
            yield Finished(d.next_frame, d.fps, record) if d.done else Stopped(d.next_frame, "stopped", record)
        finally:
            d.close()

    def _pace(self, start_frame: int) -> None:
        """Live takes: wait while the video made runs more than ``live_lead`` seconds ahead of the wall
        clock (started at the first chunk this runner delivered). A stop ends the wait at once."""
        lead = self.spec.live_lead
        if lead is None:
            return
        d = self.director
        if self._clock is None:
            self._clock = (time.monotonic(), start_frame / d.fps)
        wall0, video0 = self._clock
        ahead = (d.next_frame / d.fps - video0) - (time.monotonic() - wall0)
        if ahead > lead:
            self._stopping.wait(ahead - lead)

    def _feed(self) -> list[LiveCommand | None]:
        """Hand the Director what applies at this boundary: replayed commands due exactly here, then
        (once past what the caller has seen) new ones in arrival order. None marks a replayed one."""
        d = self.director
        fed: list[LiveCommand | None] = []
        while self._replay and self._replay[0].frame <= d.next_frame:
            d.send(self._replay.popleft().command.text)
            fed.append(None)
        if d.next_frame >= self.replay.deliver_from:
            with self._lock:
                while self._pending:
                    command = self._pending.popleft()
                    d.send(command.text)
                    fed.append(command)
        return fed

    def _applied(self, fed: list[LiveCommand | None], frame: int) -> Iterator[CommandApplied]:
        # The Director appends one AppliedCommand per command it applied, in the order sent.
        applied = self.director.applied[len(self.director.applied) - len(fed):] if fed else []
        for command, a in zip(fed, applied):
            if command is not None:
                accepted = a.interpretation.method != "rejected"
                reading = a.interpretation.describe() if accepted else "; ".join(a.interpretation.notes)
                yield CommandApplied(command.seq, command.author, command.text, frame / self.director.fps,
                                     reading, accepted)

    def _checkpoint(self) -> CheckpointSaved:
        # checkpoint_now(), taken after the chunk and before the next boundary's live commands, not the
        # Director's own rewind checkpoint (taken after them): the ledger replays every command applied
        # at or after a checkpoint's frame, so that one would apply the boundary's commands twice.
        ckpt = self.director.checkpoint_now()
        if self.store is None:
            return CheckpointSaved(ckpt.chunk_index, ckpt.frame, ckpt)
        self.store.save(ckpt.chunk_index, ckpt.frame, ckpt)
        self.store.prune(CHECKPOINTS_KEPT)
        return CheckpointSaved(ckpt.chunk_index, ckpt.frame, None)


def load_checkpoint(spec: TakeSpec, session_id: str, saved: CheckpointSaved | None) -> RunCheckpoint | None:
    """The checkpoint a resuming runner starts from: the payload itself ("object" mode) or the
    newest readable one on shared storage ("directory" mode); None = start from the beginning."""
    if saved is None:
        return None
    if saved.payload is not None:
        return saved.payload
    found = CheckpointStore(spec.checkpoint_folder(session_id)).latest(at_or_before_frame=saved.frame)
    return None if found is None else found.payload
