"""Wander without a browser: held keys → directives, the live loop, replay, persistence, isolation."""

from __future__ import annotations

import asyncio
import json
import time

import cv2
import numpy as np
import pytest

from director.run.director import Director
from director.plan.timeline import timeline_from_data
from director.ui.wander.controls import FirstPerson, InputState, ThirdPerson
from director.sinks.frame_bus import Frame, FrameBus
from director.ui.wander.registry import WanderRegistry
from director.ui.wander.world import WanderConfig, WanderWorld, frame_digest
from director.world.state import WorldState

SMALL = dict(width=320, height=180)


def _shift(a: np.ndarray, b: np.ndarray) -> float:
    """Horizontal image motion from a to b in pixels (phase correlation), > 0 = content moved right."""
    ga, gb = (cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).astype(np.float32) for x in (a, b))
    (dx, _dy), _ = cv2.phaseCorrelate(ga, gb)
    return dx


def _walk(world: WanderWorld, held: list[str], chunks: int) -> np.ndarray:
    world.input.update(held)
    last = None
    for _ in range(chunks):
        made = world.step()
        assert made is not None
        last = made[0][-1]
    return last


def test_input_state_taps_are_not_lost_and_stale_keys_release(monkeypatch):
    s = InputState()
    s.update(["right", "bogus"], seq=3)
    s.update([], seq=4)  # released before the boundary
    c = s.consume()
    assert c.actions == {"right"} and c.seq == 4
    assert s.consume().idle
    s.update(["forward"], drag=10.0)
    assert s.consume().drag == 10.0
    import director.ui.wander.controls as controls

    monkeypatch.setattr(controls, "STALE_SECONDS", -1.0)
    assert not s.consume().actions


def test_first_person_keys_become_one_chunk_camera_moves():
    s = InputState()
    s.update(["forward", "right", "turn_left"], run=True)
    ds = FirstPerson().directives(s.consume(), WorldState(t=0.0), at=1.0, dt=2 / 24)
    moves = {(d.camera.move, d.camera.direction) for d in ds}
    assert moves == {("dolly", "in"), ("truck", "right"), ("pan", "left")}
    assert all(d.duration == pytest.approx(2 / 24) and d.source == "live" for d in ds)


def test_hold_right_moves_view_left_and_coming_back_shows_the_same_place():
    world = WanderWorld(WanderConfig(scene="a quiet street in Paris", **SMALL), keep_digests=True)
    start = _walk(world, [], 1)
    right = _walk(world, ["right"], 12)  # 1 s
    right = _walk(world, [], 1)
    assert _shift(start, right) < -3, "trucking right moves the picture left"
    assert world.director.state_at(world.time).camera.x > 1.5
    back = _walk(world, ["left"], 12)
    back = _walk(world, [], 1)
    # Persistent world: the same pose shows the same place (to float rounding of the pose).
    assert abs(world.director.state_at(world.time).camera.x) < 1e-6
    assert np.abs(back.astype(int) - start.astype(int)).mean() < 1.0
    world.stop()


def test_recorded_wander_replays_to_identical_frames():
    world = WanderWorld(WanderConfig(scene="a quiet street in Paris", **SMALL), keep_digests=True)
    _walk(world, ["forward"], 6)
    world.send_text("night falls")
    _walk(world, ["forward", "turn_right"], 6)
    world.input.update([], drag=-20.0)
    _walk(world, [], 3)
    record = world.record()
    world.stop()
    assert record.duration == pytest.approx(15 * 2 / 24)
    assert any(d.text == "night falls" for d in record.directives)
    assert sum(1 for d in record.directives if d.camera) >= 12
    saved = timeline_from_data(json.loads(record.to_json()))  # as saved to disk and opened again
    replay = Director(saved, use_embeddings=False)
    digests = [frame_digest(f) for chunk in replay.run() for f in chunk.frames]
    assert digests == world.digests


def test_third_person_walks_the_character_and_the_camera_follows():
    world = WanderWorld(WanderConfig(scene="a park", character="a girl in a red coat", character_name="girl", **SMALL))
    assert isinstance(world.controller, ThirdPerson)
    _walk(world, [], 2)
    before = world.director.state_at(world.time)
    _walk(world, ["forward"], 24)  # 2 s
    _walk(world, [], 3)
    after = world.director.state_at(world.time)
    girl0, girl1 = before.entity("girl"), after.entity("girl")
    assert girl1.z - girl0.z > 1.5, "W walks her away from the camera"
    assert after.camera.z - before.camera.z > 1.5, "the camera follows"
    assert (girl1.z - after.camera.z) == pytest.approx(7.0, abs=0.5)
    _walk(world, ["right"], 12)
    _walk(world, [], 3)
    assert world.director.state_at(world.time).entity("girl").x > girl1.x + 0.8
    world.stop()


def test_live_world_runs_in_real_time_and_publishes_frames():
    world = WanderWorld(WanderConfig(scene="a beach", **SMALL))
    world.start()
    first = world.frames.wait_next(0, 30.0)
    assert first is not None
    t0 = world.time
    time.sleep(1.0)
    made = world.time - t0
    assert 0.5 < made <= 1.2, f"{made:.2f} s of world in 1 s of wall time"
    f = world.frames.wait_next(first.seq, 2.0)
    assert f is not None and f.jpeg[:2] == b"\xff\xd8"
    world.stop()
    assert world.state == "stopped" and world.frames.closed


def test_frame_bus_wakes_asyncio_waiters():
    bus = FrameBus()

    async def main():
        task = asyncio.ensure_future(bus.next(0, 2.0))
        await asyncio.sleep(0.05)
        bus.publish(Frame(1, 0, 0.0, 0, b"x"))
        return await task

    assert asyncio.run(main()).seq == 1


def test_sessions_are_isolated_and_closing_stops_the_world(tmp_path):
    reg = WanderRegistry(root=tmp_path)
    a = WanderWorld(WanderConfig(scene="a beach", **SMALL))
    b = WanderWorld(WanderConfig(scene="a forest", **SMALL))
    ta, tb = reg.open_world("A", a), reg.open_world("B", b)
    assert ta != tb and reg.by_token(ta).world is a and reg.by_token(tb).world is b
    reg.by_token(ta).world.input.update(["right"])
    assert b.input.consume().idle
    folder = reg.peek("A").folder
    reg.close("A")
    assert not a.alive and reg.by_token(ta) is None and not folder.exists()
    assert b.alive
    # A tab that vanished: nobody watching for ABANDON_SECONDS stops its world.
    reg.peek("B").unwatched_since = time.monotonic() - 3600
    assert reg.reap() == ["B"] and not b.alive
    reg.close_all()


def test_a_long_wander_has_no_seams():
    """30 s of walking and turning: every frame made once, in order; the camera never jumps."""
    import sys
    from pathlib import Path

    from tests.state_engine import StateEngine

    world = WanderWorld(WanderConfig(scene="a park", width=32, height=18), engine=StateEngine())
    poses, frames = [], 0
    for i in range(360):
        held = [["forward"], ["forward", "right"], ["turn_right", "back"], ["left"], []][(i // 25) % 5]
        world.input.update(held, run=(i // 50) % 2 == 1)
        made = world.step()
        assert made is not None and [f.index for f in made[1]] == list(range(frames, frames + 2))
        frames += 2
        poses.append(world.director.state_at(world.time).camera)
    steps = [((b.x - a.x) ** 2 + (b.z - a.z) ** 2) ** 0.5 for a, b in zip(poses, poses[1:])]
    assert max(steps) <= 2**0.5 * 5.0 * 2 / 24 + 1e-4  # never faster than running diagonally
    assert world.time == pytest.approx(30.0)
    world.stop()


def test_export_renders_the_record_with_sound(tmp_path):
    import av

    from director.ui.wander.record import export_mp4, save_timeline

    world = WanderWorld(WanderConfig(scene="a beach", width=160, height=90))
    _walk(world, ["right"], 6)
    record = world.record()
    world.stop()
    assert save_timeline(record, tmp_path).read_text().startswith("{")
    result = export_mp4(record, tmp_path / "wander.mp4", size=(320, 180))
    assert result.path is not None and result.frames == 12
    with av.open(str(result.path)) as clip:
        kinds = {s.type for s in clip.streams}
        assert kinds == {"video", "audio"}
        assert clip.streams.video[0].codec_context.width == 320


def test_the_worlds_sound_is_kept_by_sample_for_the_page():
    from director.ui.wander.sound import SoundRing

    world = WanderWorld(WanderConfig(scene="a beach by the sea", **SMALL))
    made = [world.step() for _ in range(6)]
    assert all(m is not None for m in made)
    ring = world.sound
    per_chunk = 48000 * 2 // 24
    assert ring.end == 6 * per_chunk
    part = ring.since(2 * per_chunk)
    assert part.start == 2 * per_chunk and part.end == ring.end
    pcm = np.frombuffer(part.pcm, "<i2").reshape(-1, 2)
    assert np.abs(pcm).max() > 0  # the beach is not silent
    late = ring.since(-1)  # a page that just unmuted rejoins at the newest sound
    assert late.end == ring.end and late.start == ring.end - int(0.25 * 48000)
    world.stop()
    small = SoundRing(100, keep_seconds=1.0)
    small.add(0, np.full((80, 2), 0.5, np.float32))
    small.add(80, np.full((80, 2), -0.5, np.float32))
    assert small.since(60).start == 60 and small.since(60).end == 160  # the last second is kept
    assert small.since(0).start == 135  # older samples were dropped: the newest 0.25 s instead
    assert np.frombuffer(small.since(150).pcm, "<i2")[0] == -16383


def test_the_audio_route_serves_pcm_from_a_sample(tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from director.ui.wander.routes import register_routes

    reg = WanderRegistry(root=tmp_path)
    world = WanderWorld(WanderConfig(scene="a beach by the sea", **SMALL))
    token = reg.open_world("A", world)  # it starts running in real time
    world.frames.wait_next(0, 30.0)
    world.stop()  # the sound made so far stays for the page
    app = FastAPI()
    register_routes(app, reg)
    client = TestClient(app)
    r = client.get(f"/wander/{token}/audio", params={"from": 1000})
    assert r.status_code == 200 and r.headers["x-sample-start"] == "1000" and r.headers["x-sample-rate"] == "48000"
    assert world.sound.end >= 4000 and len(r.content) == (world.sound.end - 1000) * 4
    assert client.get("/wander/nope/audio").status_code == 404
    reg.close_all()


def test_digests_can_be_turned_on_after_the_world_was_made():
    world = WanderWorld(WanderConfig(scene="a quiet street in Paris", width=64, height=36))
    assert not world.keep_digests
    world.keep_digests = True  # what a registry that keeps digests does to the worlds it opens
    made = world.step()
    assert made is not None and world.digests == [frame_digest(f) for f in made[0]]
    world.stop()
