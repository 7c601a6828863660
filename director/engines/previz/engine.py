"""``PrevizEngine``: the CPU, no-weights engine — a layered 2.5D world under a virtual camera, with sound.

Frames are pure functions of (WorldState, seed, size); sound carries a small ``SoundState`` (levels
of the previous frame, one-shot sounds still ringing) that ``snapshot``/``restore`` copy, so a run
resumed at any chunk boundary continues exactly as an uninterrupted one.

The scene kind arrives resolved in each state (``WorldState.scene_kind``: the world matched the scene
text by keywords, else by embedding when the timeline was compiled with a ``Reader`` that reads by meaning); each
chunk reports it as ``Chunk.info.scene`` (a ``SceneChoice``), and the first use of a text is
logged. A ``scene_image`` replaces the painted layers with depth layers of the picture
(``backdrop``); character images become cut-outs (``cutout``).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import cv2
import numpy as np

from director.plan.assets import Assets
from director.engines.protocol import Chunk, ChunkInfo, ChunkRequest, EngineError, EngineState, RenderSettings, SnapshotPolicy
from director.engines.previz.array_pool import ArrayPool
from director.engines.previz.compositor import WorldRenderer
from director.engines.previz.scenes import SceneChoice
from director.engines.previz.options import PrevizOptions
from director.engines.previz.soundscape import Soundscape, SoundState
from director.world.state import WorldState

log = logging.getLogger(__name__)


@dataclass
class PrevizChunkInfo(ChunkInfo):
    """``ChunkInfo`` plus the scene kind the chunk's scene text was matched to."""

    scene: SceneChoice | None = None  # None for a chunk without states


@dataclass
class _PrevizState:
    """Pickled inside ``EngineState.data``."""

    sound: SoundState
    next_frame: int


CHUNK_ARRAYS = 2  # chunk arrays kept for reuse (a chunk in the writer's hands, the next one drawn)


class PrevizEngine:
    """Renders ``ChunkRequest``s of any length; see the module docstring."""

    name = "previz"
    proxy_sizes = True  # ChunkRequest.size: a live proxy is the same world drawn with fewer pixels
    # A snapshot is a few numbers (sound levels, a frame index): take one at every chunk boundary and
    # keep them all, so rewind lands on any boundary.
    snapshot_policy = SnapshotPolicy(every_chunks=1, keep=None)

    def __init__(self, options: PrevizOptions | None = None) -> None:
        """``options`` as made by ``create_engine`` (which checks options written as text); None = defaults."""
        self.options = options or PrevizOptions()
        self.settings: RenderSettings | None = None
        self._renderer: WorldRenderer | None = None
        self._proxies: dict[tuple[int, int], WorldRenderer] = {}  # live proxy sizes, made on first use
        self._sound: Soundscape | None = None
        self._next_frame = 0
        self._chunk_arrays = ArrayPool(CHUNK_ARRAYS)  # chunk arrays no one holds any more are drawn into again

    def chunk_frames(self, fps: float) -> int | None:
        return None

    def open(self, settings: RenderSettings, world: WorldState, assets: Assets | None = None) -> None:
        """Prepare textures for ``world`` (painting and baking happen here, not in the first chunk)."""
        if settings.width < 16 or settings.height < 16:
            raise EngineError(f"previz: frame size {settings.width}x{settings.height} is too small")
        cv2.setNumThreads(self.options.threads or (os.cpu_count() or 1))
        self.settings = settings
        self._renderer = WorldRenderer(settings.width, settings.height, settings.seed, assets)
        self._sound = Soundscape(settings.seed, settings.sample_rate, settings.width, settings.height)
        self._proxies = {}
        self._next_frame = 0
        self._renderer_for(settings.first_size).render(world, 0)  # warm the caches of the first chunk's size

    def render(self, request: ChunkRequest) -> Chunk:
        """Frames uint8 [n, H, W, 3] and audio float32 [sample_end - sample_start, 2] for ``request``."""
        if self._renderer is None or self._sound is None or self.settings is None:
            raise EngineError("previz: render() before open()")
        if len(request.states) != request.num_frames:
            raise EngineError(f"previz: chunk {request.index} has {len(request.states)} states for "
                              f"{request.num_frames} frame times; one state per frame is required")
        t0 = time.perf_counter()
        renderer = self._renderer_for(request.size)
        frames = self._chunk_arrays.get((request.num_frames, renderer.height, renderer.width, 3))
        for i, state in enumerate(request.states):
            renderer.render(state, request.start_frame + i, out=frames[i])
        t1 = time.perf_counter()
        if self.options.audio:
            audio = self._sound.render(request.states, request.frame_times, request.sample_start, request.sample_end)
        else:
            audio = np.zeros((request.num_samples, 2), np.float32)
        t2 = time.perf_counter()
        self._next_frame = request.start_frame + request.num_frames
        scene = request.states[-1].scene_kind if request.states else None
        return Chunk(index=request.index, start_frame=request.start_frame, frames=frames, audio=audio,
                     info=PrevizChunkInfo(engine=self.name, prompt=request.prompt,
                                          timings={"frames": t1 - t0, "audio": t2 - t1}, scene=scene))

    def _renderer_for(self, size: tuple[int, int] | None) -> WorldRenderer:
        """The full-size renderer, or one for a live proxy size (textures painted for that width)."""
        s = self.settings
        if size is None or tuple(size) == (s.width, s.height):
            return self._renderer
        w, h = size
        if w < 16 or h < 16:
            raise EngineError(f"previz: live size {w}x{h} is too small")
        if (w, h) not in self._proxies:
            if len(self._proxies) >= 2:  # keep the two last used: a run steps between neighbours
                self._proxies.pop(next(iter(self._proxies)))
            self._proxies[(w, h)] = WorldRenderer(w, h, s.seed, self._renderer.assets)
        else:
            self._proxies[(w, h)] = self._proxies.pop((w, h))
        return self._proxies[(w, h)]

    def snapshot(self) -> EngineState:
        if self._sound is None:
            raise EngineError("previz: snapshot() before open()")
        return EngineState(engine=self.name, data=_PrevizState(self._sound.snapshot(), self._next_frame))

    def restore(self, state: EngineState) -> None:
        if state.engine != self.name or not isinstance(state.data, _PrevizState):
            raise EngineError(f"previz: cannot restore a state from engine {state.engine!r}")
        if self._sound is None:
            raise EngineError("previz: restore() before open()")
        self._sound.restore(state.data.sound)
        self._next_frame = state.data.next_frame

    def close(self) -> None:
        self._renderer = None
        self._proxies = {}
        self._sound = None
