"""What a ``Run`` tells its listener, as typed events (never ``('flag', tuple)`` pairs).

A run emits, in order: for each chunk a ``Progress`` (how far, how fast) and a ``ChunkReady`` (the
chunk itself, after every sink took it), any number of ``Notice``s (a live command rejected, a sink
note), and exactly one ending: ``Finished`` (the last frame was made), ``Stopped`` (a cooperative
stop, or the listener went away) or ``Failed`` (the engine, the Director or a sink raised). The
ending comes after every sink was closed, so a listener that sees it can use what the sinks made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the Director module imports this one: only for annotations
    from director.engines.protocol import Chunk
    from director.run.director import AppliedCommand


@dataclass(frozen=True)
class Progress:
    """How far a run got after one chunk."""

    chunk_index: int  # chunks made so far in the take (a resumed or branched run counts its past)
    frames_done: int  # the boundary reached: frames of the clip made so far, the past included
    total_frames: int  # frames the whole clip will hold
    fps: float  # frames rendered per wall-clock second so far in this run

    @property
    def fraction(self) -> float:
        return self.frames_done / max(1, self.total_frames)


@dataclass(frozen=True)
class ChunkReady:
    """One chunk, handed to every sink already."""

    chunk: Chunk
    progress: Progress
    commands: tuple[AppliedCommand, ...]  # live commands that took effect at this chunk's start
    seconds: float  # video made so far (the boundary after this chunk)


@dataclass(frozen=True)
class Notice:
    """Something a person should read; the run goes on."""

    message: str
    level: Literal["info", "warning"] = "info"


@dataclass(frozen=True)
class Finished:
    """The last frame was made and every sink closed cleanly."""

    frames: int  # frames in the clip (a branched or resumed run counts its past)
    seconds: float


@dataclass(frozen=True)
class Stopped:
    """Ended before the last frame: ``stop()`` was asked (``reason='stop'``), or whoever iterated the
    events went away (``reason='closed'``, e.g. a browser tab closed). Sinks kept what was made."""

    frames: int
    seconds: float
    reason: Literal["stop", "closed"] = "stop"


@dataclass(frozen=True)
class Failed:
    """The engine, the Director or a sink raised; sinks were closed (clips written so far stay playable
    or are aborted, as each sink was configured)."""

    frames: int
    seconds: float
    error: BaseException

    @property
    def message(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


Ending = Finished | Stopped | Failed
RunEvent = Progress | ChunkReady | Notice | Finished | Stopped | Failed
