"""What crosses the session service: a take to run, live commands, the events a take streams back.

A *session* is one take run as a service: the caller (the app server, the CLI) submits a
``TakeSpec``, gets a ``Session`` handle, reads its typed events and sends live commands; the take
itself runs elsewhere — a thread of this process (``InProcessService``) or a Ray actor
(``RayService``) — so the caller never holds an engine. Everything here pickles (it crosses
processes), so specs carry the timeline as JSON and chunks carry plain arrays.

Event order for one session: ``Queued``* → ``Started`` → (``CommandApplied`` | ``ChunkReady`` |
``CheckpointSaved`` | ``Notice`` ``Started``)* → exactly one of ``Finished`` / ``Stopped`` / ``Failed``.
A worker lost mid-take shows as a ``Notice`` followed by more chunks, never as an error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal, Protocol, Union

import numpy as np

CheckpointMode = Literal["object", "directory"]


@dataclass(frozen=True)
class TakeSpec:
    """Everything a worker needs to run one take (the timeline travels as JSON: it pickles small)."""

    timeline_json: str
    base_dir: str | None = None  # where the timeline's images resolve
    allow_outside_images: bool = False
    engine_options: Any = None  # the engine's options dataclass (checked by the caller) or a mapping create_engine checks
    use_embeddings: bool = True
    checkpoint_every: float = 2.0  # seconds of video between failover checkpoints
    # "object": checkpoints travel back with the stream and stay in the caller's object store (short
    # runs, small engine states); "directory": saved under checkpoint_dir/<session id> on storage
    # every worker sees (long runs, neural KV caches of hundreds of MB).
    checkpoint_mode: CheckpointMode = "object"
    checkpoint_dir: str | None = None
    label: str = ""  # shown in messages and logs (e.g. the timeline's file name)
    # A live view: keep the video made at most this many seconds ahead of real time (None: as fast as
    # the worker can, for renders). Bounds command latency whatever the buffers between worker and view.
    live_lead: float | None = None

    @classmethod
    def from_timeline(cls, timeline: Any, **kw: Any) -> TakeSpec:
        """A spec for a ``director.plan.timeline.Timeline`` (``kw`` are the other fields)."""
        return cls(timeline_json=timeline.model_dump_json(), **kw)

    @property
    def engine(self) -> str:
        """The engine the timeline names (read without compiling anything)."""
        import json

        return json.loads(self.timeline_json).get("engine", "previz")

    def checkpoint_folder(self, session_id: str) -> Path:
        if self.checkpoint_dir is None:
            raise ValueError("checkpoint_mode 'directory' needs checkpoint_dir (a folder every worker can reach)")
        return Path(self.checkpoint_dir) / session_id


@dataclass(frozen=True)
class LiveCommand:
    """A live command as the service received it. ``seq`` is the arrival order within the session:
    commands are applied in that order, at the next chunk boundary, and keep their ``author``."""

    seq: int
    text: str
    author: str
    received: float = field(default_factory=time.time)  # wall clock, for command latency


# -- events ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Queued:
    """The take waits for a free slot; ``ahead`` takes were submitted before it and still wait."""

    ahead: int
    message: str


@dataclass(frozen=True)
class Started:
    """The take runs on ``worker`` (a Ray node id, or "local") in process ``process``. Sent again,
    after a ``Notice``, when the take resumes on another worker."""

    worker: str
    process: int
    total_frames: int
    fps: float
    width: int
    height: int
    chunk_frames: int
    sample_rate: int


@dataclass(frozen=True)
class CommandApplied:
    """A live command took effect at the chunk boundary ``at`` (seconds), read as ``reading``."""

    seq: int
    author: str
    text: str
    at: float
    reading: str
    accepted: bool  # False: rejected (e.g. it names a character the world does not have)


@dataclass(frozen=True)
class ChunkReady:
    """Frames uint8 [n, H, W, 3] and audio float32 [samples, 2] starting at clip frame ``start_frame``."""

    index: int
    start_frame: int
    frames: np.ndarray
    audio: np.ndarray
    frames_done: int
    total_frames: int

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])


@dataclass(frozen=True)
class CheckpointSaved:
    """A failover checkpoint before clip frame ``frame``. ``payload`` (a ``RunCheckpoint``) is set in
    "object" mode and None in "directory" mode (it is on disk)."""

    chunk_index: int
    frame: int
    payload: Any = None


@dataclass(frozen=True)
class Notice:
    """Something the creator should know that is not an error (a worker lost and the take resumed)."""

    text: str


@dataclass(frozen=True)
class Finished:
    frames: int
    fps: float
    record_json: str  # the timeline as played, live commands included


@dataclass(frozen=True)
class Stopped:
    frames: int
    reason: str  # "stopped by the creator", "idle for 300 s", ...
    record_json: str | None = None


@dataclass(frozen=True)
class Failed:
    error: str


Event = Union[Queued, Started, CommandApplied, ChunkReady, CheckpointSaved, Notice, Finished, Stopped, Failed]
FINAL_EVENTS = (Finished, Stopped, Failed)


class ServiceError(RuntimeError):
    """The service cannot be used as asked (no Ray, a bad address, a closed service)."""


class Session(Protocol):
    """A handle on one submitted take. ``events`` may be read by one consumer; ``send`` and ``stop``
    may be called from any thread."""

    id: str

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """Events until the final one (``Finished``/``Stopped``/``Failed``). ``timeout`` bounds the
        wait for each event (``TimeoutError`` past it); reading counts as activity (idle timeout)."""
        ...

    def send(self, text: str, author: str = "creator") -> LiveCommand:
        """Queue a live command; it is applied at the next chunk boundary in arrival order."""
        ...

    def stop(self) -> None:
        """Stop after the chunk in progress (or leave the queue) and release the slot."""
        ...

    def kill_worker(self) -> None:
        """Lose the worker running this take, as a crash would (tests, drills): the take resumes."""
        ...


class SessionService(Protocol):
    def submit(self, spec: TakeSpec) -> Session: ...

    def close(self) -> None: ...
