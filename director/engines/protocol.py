"""The Engine protocol and the data that crosses it.

An engine turns ``ChunkRequest``s into ``Chunk``s (frames and sound). It never reads the timeline:
the Director compiles the timeline into ``WorldState``s and hands them over, one per frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from director.plan.assets import Assets
from director.world.state import WorldState

SAMPLE_RATE = 48_000
AUDIO_CHANNELS = 2


@dataclass(frozen=True)
class RenderSettings:
    """What every engine is asked for in ``open``: the picture, the clock, the seed, the sound. An engine's
    own options are not here: it received them, checked, when it was made (``create_engine``)."""

    width: int = 1280  # pixels
    height: int = 720  # pixels
    fps: float = 24.0  # output frames per second
    seed: int = 0  # same seed, same world
    sample_rate: int = SAMPLE_RATE  # audio is float32 stereo in [-1, 1]
    first_size: tuple[int, int] | None = None  # the first chunk's size when it is a live proxy: what to prepare


def sample_index(frame: int, fps: float, sample_rate: int = SAMPLE_RATE) -> int:
    """First audio sample of ``frame``: chunk audio lengths add up exactly to the clip's."""
    return int(round(frame * sample_rate / fps))


@dataclass(frozen=True)
class ChunkRequest:
    index: int  # chunk number in this run, from 0
    start_frame: int  # index of the chunk's first frame in the clip
    frame_times: tuple[float, ...]  # seconds, one per frame to render
    states: tuple[WorldState, ...]  # world at each frame time
    prompt: str  # the chunk's composed text prompt (for neural engines)
    changed: frozenset[str]  # what changed since the previous chunk: 'prompt', 'cut', 'scene', 'style', 'live'
    sample_start: int  # first audio sample of the chunk in the clip
    sample_end: int  # one past the last; the chunk's audio has exactly sample_end - sample_start rows
    size: tuple[int, int] | None = None  # (width, height) for a live proxy picture (engines with
    # ``proxy_sizes = True`` only); None = the run's size. The audio never depends on it.

    @property
    def num_frames(self) -> int:
        return len(self.frame_times)

    @property
    def num_samples(self) -> int:
        return self.sample_end - self.sample_start


@dataclass
class ChunkInfo:
    """What an engine says about one chunk it made (every engine fills these; engines with more to
    say subclass it: ``PrevizChunkInfo``, ``CausalWanChunkInfo``)."""

    engine: str = ""  # the engine's name
    prompt: str = ""  # the prompt the chunk was made with ("" until the engine or the Director sets it)
    notes: list[str] = field(default_factory=list)  # lines for a person: sound source, attention, GPU slices
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage, by stage name


@dataclass
class Chunk:
    index: int
    start_frame: int
    frames: np.ndarray  # uint8 [n, H, W, 3]
    audio: np.ndarray  # float32 [samples, 2] in [-1, 1]
    info: ChunkInfo = field(default_factory=ChunkInfo)  # what the engine says about it

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])


@dataclass
class EngineState:
    """What rewind and resume need to continue an engine exactly. ``data`` must pickle."""

    engine: str
    data: Any


@dataclass(frozen=True)
class SnapshotPolicy:
    """How often and how many engine snapshots (checkpoints) a run takes: part of what an engine
    declares, because only the engine knows what a snapshot costs (previz: a few numbers; a neural
    engine: its KV cache, gigabytes). The one at 0:00 is always kept, so a run can always restart."""

    every_chunks: int = 1  # take one at every this-many-th chunk boundary
    keep: int | None = None  # at most this many in memory (oldest dropped first, never 0:00's); None: all

    def __post_init__(self) -> None:
        if self.every_chunks < 1:
            raise ValueError(f"SnapshotPolicy.every_chunks must be >= 1, got {self.every_chunks}")
        if self.keep is not None and self.keep < 1:
            raise ValueError(f"SnapshotPolicy.keep must be >= 1 or None, got {self.keep}")


@runtime_checkable
class Engine(Protocol):
    name: str
    snapshot_policy: SnapshotPolicy  # how often and how many snapshots a run of this engine takes

    def chunk_frames(self, fps: float) -> int | None:
        """Native chunk length in output frames at ``fps``, or None if any length works."""
        ...

    def open(self, settings: RenderSettings, world: WorldState, assets: Assets) -> None: ...

    def render(self, request: ChunkRequest) -> Chunk: ...

    def snapshot(self) -> EngineState: ...

    def restore(self, state: EngineState) -> None: ...

    def close(self) -> None: ...


class EngineError(RuntimeError):
    """An engine cannot run as asked (missing weights, no GPU, bad option)."""
