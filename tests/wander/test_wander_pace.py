"""Wander at the live size the machine sustains: the pace governor steps the live picture down when
chunks are slow and back up when they are fast again; the status says which size; the record stays full
size, and frame digests replay at the live sizes they were made at."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from director.engines.protocol import Chunk, ChunkRequest
from director.ui.wander.registry import WanderRegistry
from director.ui.wander.replay import replay_digests
from director.ui.wander.world import WanderConfig, WanderWorld, frame_digest
from tests.state_engine import StateEngine

SMALL = dict(width=320, height=180)  # live sizes 320x180, 240x136, 160x90


class SlowProxyEngine(StateEngine):
    """``StateEngine`` that draws at the live proxy size it is asked for and takes ``seconds_per_megapixel``
    of wall time per frame's pixels (a sleep: a machine that is slow by exactly that much)."""

    name = "slow-proxy-test"
    proxy_sizes = True

    def __init__(self, seconds_per_megapixel: float):
        super().__init__()
        self.seconds_per_megapixel = seconds_per_megapixel

    def render(self, request: ChunkRequest) -> Chunk:
        chunk = super().render(request)
        width, height = request.size or (self.settings.width, self.settings.height)
        time.sleep(self.seconds_per_megapixel * width * height * request.num_frames / 1e6)
        frames = np.ascontiguousarray(np.stack([cv2.resize(f, (width, height), interpolation=cv2.INTER_NEAREST)
                                                for f in chunk.frames]))
        return Chunk(chunk.index, chunk.start_frame, frames, chunk.audio)


def _chunk_cost(world: WanderWorld, frames: np.ndarray, full_cost: float) -> float:
    """Wall seconds a chunk 'took' on a machine where a full-size chunk takes ``full_cost`` (by pixels)."""
    c = world.config
    return full_cost * frames.shape[1] * frames.shape[2] / (c.width * c.height)


def _paced_walk(world: WanderWorld, full_cost: float, chunks: int) -> list[tuple[int, int]]:
    """Step ``chunks`` chunks, telling the world each took ``full_cost`` scaled by its pixels; the sizes made."""
    sizes = []
    for _ in range(chunks):
        made = world.step()
        assert made is not None
        frames = made[0]
        sizes.append((frames.shape[2], frames.shape[1]))
        assert world.live.size == sizes[-1]
        world.paced(_chunk_cost(world, frames, full_cost))
    return sizes


def test_slow_chunks_step_the_live_size_down_and_fast_ones_back_up():
    world = WanderWorld(WanderConfig(scene="a quiet street in Paris", **SMALL))
    world.input.update(["right"])
    sizes = _paced_walk(world, 0.15, 40)  # full size 1.8x real time; 240 wide ~1x; 160 wide 0.45x
    assert sizes[0] == (320, 180) and sizes[-1] == (160, 90)
    # down within ~half a second of video (not on one chunk), and straight to the size that keeps up
    assert sizes.index((160, 90)) <= 8 and (240, 136) not in sizes
    assert world.live.describe() == "live 160x90 · preview"
    assert set(sizes[-15:]) == {(160, 90)}, "a size that cannot keep up is not tried again and again"
    sizes = _paced_walk(world, 0.02, 120)  # the load went away: 0.24x at full size
    assert sizes[-1] == (320, 180) and (240, 136) in sizes
    assert world.live.describe() == "live 320x180 · full quality"
    world.stop()


def test_the_record_replays_full_size_and_the_live_sizes_reproduce_the_live_digests():
    world = WanderWorld(WanderConfig(scene="a quiet street in Paris", **SMALL), keep_digests=True)
    world.input.update(["forward"])
    _paced_walk(world, 0.02, 4)
    world.send_text("night falls")
    world.input.update(["forward", "turn_right"])
    _paced_walk(world, 0.3, 20)  # slow: the live picture goes down to 160 wide
    _paced_walk(world, 0.01, 4)
    record = world.record()
    world.stop()
    assert set(world.live_sizes) >= {(320, 180), (160, 90)} and len(world.live_sizes) == len(world.digests)
    # The record is the full-size timeline: replayed, every frame is full size ...
    assert (record.width, record.height) == (320, 180)
    full = replay_digests(record)
    assert len(full) == len(world.digests) == 56
    # ... and equal to the live frames made at full size; the proxy frames differ from it (fewer pixels).
    for live, replayed, size in zip(world.digests, full, world.live_sizes):
        assert (live == replayed) == (size == (320, 180))
    # Replayed at the live sizes, it gives exactly the frames that were shown.
    assert replay_digests(record, world.live_sizes) == world.digests


def test_a_world_that_does_not_pace_stays_at_its_size():
    world = WanderWorld(WanderConfig(scene="a beach", pace=False, **SMALL))
    assert set(_paced_walk(world, 1.0, 12)) == {(320, 180)}
    assert world.live.describe() == "live 320x180 · full quality"
    world.stop()


def test_a_slow_machine_live_steps_down_the_status_says_so_and_it_comes_back(tmp_path):
    """The real-time worker with an engine slowed by a sleep per pixel: the live picture goes down, the
    status route and the stream say so; once the engine is fast it comes back to full size."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from director.ui.wander.routes import register_routes

    engine = SlowProxyEngine(seconds_per_megapixel=1.3)  # 2 frames at 320x180: 150 ms of an 83 ms chunk
    world = WanderWorld(WanderConfig(scene="a park", **SMALL), engine=engine)
    reg = WanderRegistry(root=tmp_path)
    token = reg.open_world("A", world)
    app = FastAPI()
    register_routes(app, reg)
    client = TestClient(app)

    def wait_for(live: str, within: float) -> dict:
        deadline = time.monotonic() + within
        while True:
            status = client.get(f"/wander/{token}/status").json()
            if status["live"] == live or time.monotonic() > deadline:
                return status
            time.sleep(0.05)

    try:
        status = wait_for("live 160x90 · preview", 15.0)
        assert status["live"] == "live 160x90 · preview", status
        seq = world.frames.latest.seq
        shown = world.frames.wait_next(seq + 2, 5.0)  # a frame made after the step down
        assert shown is not None
        image = cv2.imdecode(np.frombuffer(shown.jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[:2] == (90, 160)
        engine.seconds_per_megapixel = 0.0  # the other job finished
        status = wait_for("live 320x180 · full quality", 30.0)
        assert status["live"] == "live 320x180 · full quality", status
        assert world.state == "running"
    finally:
        reg.close_all()
    sizes = [s.level.size for s in world.governor.history]
    assert sizes[0] == (320, 180) and (160, 90) in sizes and sizes[-1] == (320, 180)


def test_frame_digests_hash_the_frame_as_made_at_its_live_size():
    world = WanderWorld(WanderConfig(scene="a beach", **SMALL), keep_digests=True)
    made = []
    for _ in range(12):
        step = world.step()
        assert step is not None
        made.extend(step[0])
        world.paced(0.5)  # very slow: down a size once the window is full
    assert world.live_sizes[-1] != (320, 180)
    assert world.digests == [frame_digest(f) for f in made]
    assert world.live_sizes == [(f.shape[1], f.shape[0]) for f in made]
    world.stop()


@pytest.mark.parametrize("size", [(1280, 720), (640, 360)])
def test_the_governor_windows_are_set_in_video_seconds(size):
    world = WanderWorld(WanderConfig(scene="a beach", width=size[0], height=size[1]), engine=StateEngine())
    gov = world.governor
    assert (gov.window, gov.min_window, gov.settle, gov.warmup) == (6, 6, 24, 1)  # 0.5 s, 0.5 s, 2 s of 2-frame chunks
    # two proxy sizes: previz keeps two proxy renderers, so none is painted twice
    assert [lv.size for lv in gov.levels] == [size, (size[0] * 3 // 4, size[1] * 3 // 4), (size[0] // 2, size[1] // 2)]
    assert gov.lock_full  # an engine without proxy sizes renders at its own size
    world.stop()
