"""Each sink behind the one ``Sink`` door: clip, live stream, checkpoints, frame bus, contact sheet."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from director.engines.protocol import Chunk
from director.plan.timeline import timeline_from_data
from director.run.checkpoints import CheckpointStore
from director.run.director import Director
from director.run.events import ChunkReady, Failed, Finished, Progress, Stopped
from director.run.run import Run
from director.sinks.checkpoint_sink import CheckpointSink
from director.sinks.clip_sink import ClipSink
from director.sinks.clip_writer import ClipWriter, clip_frames
from director.sinks.contact_sheet import ContactSheetSink
from director.sinks.frame_bus_sink import FrameBusSink, frame_digest
from director.sinks.live_feed import LiveFeed
from director.sinks.protocol import Sink
from director.sinks.sound_ring import SoundRing
from director.sinks.sound_ring_sink import SoundRingSink
from tests.clip_tools import decode_frames
from tests.state_engine import StateEngine

W, H, FPS, RATE = 64, 36, 12, 48_000


def _ready(index: int, size: tuple[int, int] = (W, H), n: int = 6) -> ChunkReady:
    w, h = size
    frames = np.full((n, h, w, 3), 40 * index % 256, np.uint8)
    audio = np.zeros((n * RATE // FPS, 2), np.float32)
    chunk = Chunk(index, index * n, frames, audio)
    return ChunkReady(chunk, Progress(index + 1, (index + 1) * n, 100, 1.0), (), (index + 1) * n / FPS)


def _writer(path) -> ClipWriter:
    return ClipWriter(path, width=W, height=H, fps=FPS, sample_rate=RATE, keyframe_interval=6)


def _director(duration: float = 2.0) -> Director:
    timeline = timeline_from_data({"duration": duration, "width": W, "height": H, "fps": FPS,
                                   "world": {"scene": "a beach"}})
    return Director(timeline, engine=StateEngine(), use_embeddings=False)


def test_every_sink_follows_the_protocol(tmp_path):
    sinks = [ClipSink(_writer(tmp_path / "a.mp4")), LiveFeed(FPS, RATE),
             CheckpointSink(CheckpointStore(tmp_path / "ck"), _director(), 2), FrameBusSink(FPS), ContactSheetSink([0]),
             SoundRingSink(SoundRing(RATE), FPS)]
    assert all(isinstance(s, Sink) for s in sinks)
    sinks[0].close(Failed(0, 0.0, RuntimeError("x")))


def test_clip_sink_publishes_on_a_clean_ending(tmp_path):
    sink = ClipSink(_writer(tmp_path / "a.mp4"))
    for i in range(3):
        sink.write(_ready(i))
    sink.close(Stopped(18, 1.5))
    assert sink.published == tmp_path / "a.mp4" and len(decode_frames(sink.published)) == 18


def test_clip_sink_keeps_the_part_for_resume_on_failure_or_publishes_if_asked(tmp_path):
    abort = ClipSink(_writer(tmp_path / "a.mp4"), on_failure="abort")
    finish = ClipSink(_writer(tmp_path / "b.mp4"), on_failure="finish")
    for sink in (abort, finish):
        sink.write(_ready(0))
        sink.write(_ready(1))
        sink.close(Failed(12, 1.0, RuntimeError("engine died")))
    assert abort.published is None and not (tmp_path / "a.mp4").exists()
    assert ClipWriter.part_path(tmp_path / "a.mp4").exists() and clip_frames(tmp_path / "a.mp4") == 12
    assert finish.published is not None and len(decode_frames(finish.published)) == 12


def test_clip_sink_without_frames_aborts(tmp_path):
    sink = ClipSink(_writer(tmp_path / "a.mp4"))
    sink.close(Finished(0, 0.0))
    assert sink.published is None and not (tmp_path / "a.mp4").exists()


def test_clip_sink_pauses_at_the_first_proxy_chunk_and_hands_the_writer_over(tmp_path):
    sink = ClipSink(_writer(tmp_path / "a.mp4"), full_size_only=True, keep_sidecar=True)
    sink.write(_ready(0))
    sink.write(_ready(1, size=(48, 28)))
    sink.write(_ready(2))  # after the pause nothing more is written, full size or not
    assert sink.paused_at == 6 and sink.frames == 6
    writer = sink.hand_over()
    sink.close(Finished(18, 1.5))
    assert sink.published is None and not (tmp_path / "a.mp4").exists()  # left to whoever took it
    writer.write(_ready(1).chunk)
    assert writer.finish(keep_sidecar=True).exists()


def test_live_feed_shows_each_chunk_at_preview_size_at_its_time_with_its_sound(tmp_path):
    feed = LiveFeed(FPS, RATE, max_width=32)
    audio = np.linspace(-0.5, 0.5, 6 * RATE // FPS * 2, dtype=np.float32).reshape(-1, 2)
    frames = np.zeros((6, H, W, 3), np.uint8)
    frames[:, :, W // 2:] = 255  # right half white: the preview must keep the picture's shape
    started = time.perf_counter()
    feed.add(frames, audio, 0)
    feed.add(frames, audio, 6)
    feed.close()
    feed.pacer.join(5)
    elapsed = time.perf_counter() - started
    assert feed.frames.closed and feed.frames.latest.index == 11 and feed.frames.latest.seq == 12
    assert elapsed >= 11 / FPS - 0.02  # shown at their times, not in one burst
    shown = cv2.imdecode(np.frombuffer(feed.frames.latest.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert shown.shape == (18, 32, 3) and shown[:, :12].max() < 40 and shown[:, 20:].min() > 215
    part = feed.audio(0)  # every frame shown: all the sound, as 16-bit PCM
    assert part.start == 0 and part.end == 12 * RATE // FPS
    pcm = np.frombuffer(part.pcm, "<i2").reshape(-1, 2)
    assert abs(pcm[0, 0] / 32767 + 0.5) < 1e-3


def test_live_feed_gives_only_the_sound_of_frames_already_shown():
    feed = LiveFeed(FPS, RATE)
    assert feed.audio(-1).pcm == b"" and feed.shown_seconds is None  # nothing on screen yet
    n = 6
    audio = np.full((n * RATE // FPS, 2), 0.25, np.float32)
    for i in range(4):  # two seconds of video at once: the run is ahead of real time
        feed.add(np.zeros((n, H, W, 3), np.uint8), audio, i * n)
    deadline = time.perf_counter() + 2
    while feed.shown_seconds is None and time.perf_counter() < deadline:
        time.sleep(0.005)
    part = feed.audio(0)
    shown = feed.shown_seconds
    assert shown is not None and shown < 1.0
    assert part.end <= round((shown + 2 / FPS) * RATE)  # not the sound of frames still to come
    feed.abort()
    feed.pacer.join(2)
    assert feed.frames.closed


def test_checkpoint_sink_saves_every_few_chunks_but_not_after_the_last(tmp_path):
    d = _director(duration=3.0)  # 6 chunks of 0.5 s
    store = CheckpointStore(tmp_path)
    sink = CheckpointSink(store, d, every_chunks=2, keep=2)
    assert isinstance(Run(d, [sink]).run(), Finished)
    assert sink.saved == [12, 24]  # after chunks 2 and 4; none after the 6th (the clip is complete)
    assert store.indices() == [2, 4] and store.latest().payload.frame == 24
    with pytest.raises(ValueError, match="every_chunks"):
        CheckpointSink(store, d, 0)


def test_frame_bus_sink_encodes_every_frame_with_its_time_and_input(tmp_path):
    seq = iter(range(7, 100))
    delivered = []
    sink = FrameBusSink(FPS, input_seq=lambda: next(seq), deliver=delivered.append, keep_digests=True)
    sink.write(_ready(0))
    sink.write(_ready(1))
    assert [f.index for f in sink.last] == list(range(6, 12)) and sink.last[0].t == 0.5
    assert {f.input_seq for f in delivered[0]} == {7} and {f.input_seq for f in delivered[1]} == {8}
    picture = cv2.imdecode(np.frombuffer(sink.last[0].jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (H, W, 3) and abs(int(picture.mean()) - 40) <= 2
    assert len(sink.digests) == 12 and sink.digests[6] == frame_digest(_ready(1).chunk.frames[0])


def test_contact_sheet_sink_keeps_the_wanted_frames():
    sink = ContactSheetSink([8, 2, 8])
    sink.write(_ready(0))
    assert not sink.complete
    with pytest.raises(KeyError, match=r"frames \[8\]"):
        sink.frames()
    sink.write(_ready(1))
    assert sink.complete
    frames = sink.frames()
    assert [int(f[0, 0, 0]) for f in frames] == [40, 0, 40]


def test_sound_ring_sink_adds_each_chunks_audio_at_its_first_sample():
    ring = SoundRing(RATE)
    sink = SoundRingSink(ring, FPS)
    for i in range(3):
        ready = _ready(i)
        ready.chunk.audio[:] = 0.25 * (i + 1)  # each chunk's sound is told apart by its level
        sink.write(ready)
    per_chunk = 6 * RATE // FPS
    assert ring.end == 3 * per_chunk  # contiguous: chunk k starts at sample k * per_chunk
    last = np.frombuffer(ring.since(2 * per_chunk).pcm, "<i2").reshape(-1, 2)
    assert last.shape == (per_chunk, 2) and np.all(last == int(0.75 * 32767))
    sink.close(Finished(18, 1.5))
    assert ring.end == 3 * per_chunk  # the ring stays for pages still polling


def test_wander_feeds_its_sound_through_a_sink():
    from director.ui.wander.world import WanderConfig, WanderWorld

    world = WanderWorld(WanderConfig(width=64, height=36, fps=12, max_seconds=2.0))
    try:
        assert any(isinstance(s, SoundRingSink) and s.ring is world.sound for s in world._run.sinks)
        world.step()
        assert world.sound.end == 2 * RATE // 12  # one 2-frame chunk of sound, from the sink
    finally:
        world.stop()
