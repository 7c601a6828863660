"""A tiny engine for Director tests: it paints each frame from the WorldState it is given
(camera yaw, hour, rain, entity positions) and keeps a running counter in its state, so tests can
see exactly which states reached the engine and that snapshot/restore carries state across."""

from __future__ import annotations

import numpy as np

from director.engines.protocol import Chunk, ChunkRequest, EngineState, RenderSettings, SnapshotPolicy


class StateEngine:
    name = "state-test"
    snapshot_policy = SnapshotPolicy()  # cheap snapshots: every boundary, all kept

    def __init__(self, chunk: int | None = None):
        self._chunk = chunk
        self.counter = 0
        self.requests: list[ChunkRequest] = []

    def chunk_frames(self, fps: float) -> int | None:
        return self._chunk

    def open(self, settings: RenderSettings, world, assets) -> None:
        self.settings = settings

    def render(self, request: ChunkRequest) -> Chunk:
        s = self.settings
        self.requests.append(request)
        frames = np.zeros((request.num_frames, s.height, s.width, 3), np.uint8)
        for i, st in enumerate(request.states):
            frames[i, :, :, 0] = int(st.camera.yaw) % 256
            frames[i, :, :, 1] = int(st.environment.hour * 10) % 256
            frames[i, :, :, 2] = (self.counter + i) % 256
            for e in st.entities:
                frames[i, 0, min(s.width - 1, int(abs(e.x) * 10)), :] = 255
        self.counter += request.num_frames
        audio = np.full((request.num_samples, 2), request.states[0].environment.rain * 0.5, np.float32)
        return Chunk(request.index, request.start_frame, frames, audio)

    def snapshot(self) -> EngineState:
        return EngineState(self.name, {"counter": self.counter})

    def restore(self, state: EngineState) -> None:
        self.counter = state.data["counter"]

    def close(self) -> None:
        pass
