"""ClipWriter: real ffmpeg encodes of small synthetic chunks, checked with ffprobe and PyAV decoding."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from director.sinks.clip_writer import (
    ClipWriter,
    ClipWriterError,
    Prefix,
    clip_frames,
    complete_frames,
    part_path,
    sidecar_path,
)
from director.engines.protocol import Chunk, sample_index

W, H, FPS, SR, N = 320, 180, 24.0, 48_000, 12
REPO = Path(__file__).resolve().parents[2]


# -- synthetic chunks ---------------------------------------------------------------------------------
def make_chunk(index: int, n: int = N, width: int = W, height: int = H, variant: int = 0) -> Chunk:
    """Chunk ``index`` of a clip: moving gradients + seeded noise (so x264 works), two tones.

    The same (index, n, size, variant) always gives the same chunk: renders can be compared.
    """
    start = index * n
    yy, xx = np.mgrid[0:height, 0:width]
    frames = np.empty((n, height, width, 3), np.uint8)
    for k in range(n):
        f = start + k
        rng = np.random.default_rng(f * 7919 + variant)
        frames[k, ..., 0] = (xx * 2 + f * 3 + variant * 60) % 256
        frames[k, ..., 1] = (yy * 2 + f * 5) % 256
        frames[k, ..., 2] = ((xx + yy) // 2 + f * 7) % 256
        frames[k] = np.clip(frames[k].astype(np.int16) + rng.integers(0, 24, (height, width, 1)), 0, 255)
    a0, a1 = sample_index(start, FPS, SR), sample_index(start + n, FPS, SR)
    t = np.arange(a0, a1) / SR
    audio = np.stack([0.3 * np.sin(2 * np.pi * (440 + 110 * variant) * t), 0.2 * np.sin(2 * np.pi * 660 * t)], -1)
    return Chunk(index=index, start_frame=start, frames=frames, audio=audio.astype(np.float32))


def render(path: Path, chunks: range, **kw) -> Path:
    w = ClipWriter(path, W, H, FPS, SR, N, **kw)
    for i in chunks:
        w.write(make_chunk(i))
    return w.finish()


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    streams = {s["codec_type"]: s for s in data["streams"]}
    return {"video": streams.get("video"), "audio": streams.get("audio"), "format": data["format"]}


def decode_video(path: Path, stop_at_error: bool = False) -> list[np.ndarray]:
    frames = []
    with av.open(str(path)) as c:
        try:
            for f in c.decode(video=0):
                frames.append(f.to_ndarray(format="rgb24"))
        except av.error.FFmpegError:
            if not stop_at_error:
                raise
    return frames


def decode_audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        return np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)


def keyframe_positions(path: Path) -> list[int]:
    with av.open(str(path)) as c:
        return [i for i, f in enumerate(c.decode(video=0)) if f.key_frame]


def assert_matches_source(frames: list[np.ndarray], source: np.ndarray) -> None:
    """Each decoded frame is a faithful copy of its own source frame, not of a neighbour.

    (PSNR tops out near 26-35 dB on this synthetic content: its sharp colour wraps lose detail
    in yuv420p chroma subsampling, even all-intra at low QP.)
    """
    for k, frame in enumerate(frames):
        own = psnr(frame, source[k])
        assert own > 24, f"frame {k}: {own:.1f} dB"
        for j in (k - 1, k + 1):
            if 0 <= j < len(source):
                assert own > psnr(frame, source[j]) + 5, f"frame {k} looks like source frame {j}"


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


# A child process that renders chunks, reports progress, then is SIGKILLed by the test.
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r}); sys.path.insert(0, {tests!r})
    from test_clip_writer import make_chunk, W, H, FPS, SR, N
    from director.sinks.clip_writer import ClipWriter
    path, chunks, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    w = ClipWriter(path, W, H, FPS, SR, N, rate_control=rate)
    for i in range(chunks):
        w.write(make_chunk(i))
    print("written", flush=True)
    time.sleep(600)
    """
).format(repo=str(REPO), tests=str(REPO / "tests" / "sinks"))


def render_and_kill(path: Path, chunks: int, rate: str = "crf") -> None:
    """Render ``chunks`` chunks in a child, then SIGKILL the child and its ffmpeg mid-render."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(chunks), rate],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "written"
        time.sleep(0.5)  # let ffmpeg encode what it has buffered (it may still hold the last GOPs)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the child and its ffmpeg: a crash, no flushing
        child.wait()


# -- writing ------------------------------------------------------------------------------------------
def test_writes_playable_mp4_with_expected_streams(tmp_path: Path) -> None:
    out = render(tmp_path / "clip.mp4", range(8))
    info = ffprobe(out)
    v, a = info["video"], info["audio"]
    assert (v["codec_name"], v["width"], v["height"], v["pix_fmt"]) == ("h264", W, H, "yuv420p")
    assert v["r_frame_rate"] == "24/1" and int(v["nb_frames"]) == 96
    assert float(v["duration"]) == pytest.approx(4.0, abs=1e-3)
    assert (a["codec_name"], int(a["sample_rate"]), a["channels"]) == ("aac", SR, 2)
    assert float(a["duration"]) == pytest.approx(4.0, abs=0.03)
    assert float(info["format"]["duration"]) == pytest.approx(4.0, abs=0.03)
    assert keyframe_positions(out) == list(range(0, 96, N))  # a keyframe at each chunk start, only there
    assert not part_path(out).exists() and not sidecar_path(out).exists()


def test_faithful_frames_and_audio(tmp_path: Path) -> None:
    out = render(tmp_path / "clip.mp4", range(4))
    frames = decode_video(out)
    source = np.concatenate([make_chunk(i).frames for i in range(4)])
    assert len(frames) == len(source)
    assert_matches_source(frames, source)
    audio = decode_audio(out).T  # [samples, 2]
    expected = np.concatenate([make_chunk(i).audio for i in range(4)])
    assert abs(len(audio) - len(expected)) <= 1024  # one AAC frame at most
    m = min(len(audio), len(expected))
    err = audio[:m] - expected[:m]
    snr = 10 * np.log10(np.sum(expected[:m] ** 2) / np.sum(err**2))
    assert snr > 25, f"audio SNR {snr:.1f} dB"


def test_720p_two_seconds(tmp_path: Path) -> None:
    w = ClipWriter(tmp_path / "hd.mp4")  # defaults: 1280x720, 24 fps, 48 kHz, GOP 12
    for i in range(4):
        w.write(make_chunk(i, width=1280, height=720))
    out = w.finish()
    v, a = ffprobe(out)["video"], ffprobe(out)["audio"]
    assert (v["width"], v["height"], int(v["nb_frames"])) == (1280, 720, 48)
    assert float(v["duration"]) == pytest.approx(2.0, abs=1e-3)
    assert (a["codec_name"], int(a["sample_rate"]), a["channels"]) == ("aac", SR, 2)


def test_a_chunk_is_sent_while_the_next_is_made_and_one_at_most_waits(tmp_path: Path) -> None:
    """write() hands the frames to a thread and returns; the next write() waits until they are in ffmpeg.
    With ffmpeg paused, the first write of a chunk bigger than the pipe returns at once, the second one
    waits; resumed, every frame reaches the clip in order."""
    w = ClipWriter(tmp_path / "overlap.mp4")  # 1280x720: a chunk is 33 MB, far more than the pipe holds
    chunks = [make_chunk(i, width=1280, height=720) for i in range(3)]
    w.write(chunks[0])
    w._wait_frames_sent()  # chunk 0 is in ffmpeg
    os.kill(w._ffmpeg.pid, signal.SIGSTOP)
    second = threading.Thread(target=w.write, args=(chunks[1],))
    try:
        t0 = time.monotonic()
        second.start()
        second.join(1.0)
        assert not second.is_alive() and time.monotonic() - t0 < 1.0  # chunk 1 was taken: its write returned
        third = threading.Thread(target=w.write, args=(chunks[2],))
        third.start()
        third.join(1.0)
        assert third.is_alive()  # chunk 1 is not in ffmpeg yet: chunk 2 waits for it
    finally:
        os.kill(w._ffmpeg.pid, signal.SIGCONT)
    third.join(30)
    assert not third.is_alive()
    out = w.finish()
    frames = decode_video(out)
    assert len(frames) == 3 * N
    assert_matches_source(frames[::5], np.concatenate([c.frames for c in chunks])[::5])


def test_ffmpeg_dying_while_a_chunk_is_sent_is_reported_by_the_next_write(tmp_path: Path) -> None:
    w = ClipWriter(tmp_path / "died.mp4", W, H, FPS, SR, N)
    w.write(make_chunk(0))
    w._ffmpeg.kill()
    w._ffmpeg.wait()
    with pytest.raises(ClipWriterError, match="died.mp4"):
        for i in range(1, 4):  # the chunk in flight fails in the thread; a later write says so
            w.write(make_chunk(i))
    assert part_path(tmp_path / "died.mp4").exists() or sidecar_path(tmp_path / "died.mp4").exists()


@pytest.mark.parametrize("chunk_frames", [1, 5, 24])
def test_never_stalls_on_any_chunk_size(tmp_path: Path, chunk_frames: int) -> None:
    """Video on stdin, audio on a second pipe: whatever the chunking, ffmpeg drains both."""
    done = threading.Event()
    total = 48 // chunk_frames * chunk_frames

    def run() -> None:
        w = ClipWriter(tmp_path / f"c{chunk_frames}.mp4", W, H, FPS, SR, keyframe_interval=chunk_frames)
        for i in range(total // chunk_frames):
            w.write(make_chunk(i, n=chunk_frames))
        w.finish()
        done.set()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(60)
    assert done.is_set(), "writer stalled"
    assert int(ffprobe(tmp_path / f"c{chunk_frames}.mp4")["video"]["nb_frames"]) == total


def test_abort_keeps_a_playable_part_and_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "a.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N)
    for i in range(3):
        w.write(make_chunk(i))
    w.abort()
    assert not path.exists()
    assert complete_frames(part_path(path)) == 36
    assert (sidecar_path(path) / "audio.pcm").stat().st_size == sample_index(36, FPS) * 4
    assert ffprobe(part_path(path))["audio"]["codec_name"] == "aac"


def test_killed_render_leaves_playable_part(tmp_path: Path) -> None:
    path = tmp_path / "killed.mp4"
    render_and_kill(path, chunks=10)
    part = part_path(path)
    assert not path.exists()
    info = ffprobe(part)  # ffprobe reads the headers of the cut-off file
    assert info["video"]["codec_name"] == "h264" and info["video"]["width"] == W
    frames = complete_frames(part)
    assert 12 <= frames <= 120, frames
    decoded = decode_video(part, stop_at_error=True)
    assert len(decoded) == frames
    assert_matches_source(decoded, np.concatenate([make_chunk(i).frames for i in range(10)])[:frames])


# -- resume and rewind --------------------------------------------------------------------------------
def resumable(path: Path, checkpoint_frame: int) -> int:
    """What a caller resumes from: min(checkpoint, complete frames), rounded down to a chunk."""
    return min(checkpoint_frame, clip_frames(path)) // N * N


def test_resume_after_kill_is_exact_with_constant_qp(tmp_path: Path) -> None:
    reference = render(tmp_path / "ref.mp4", range(10), rate_control="qp")
    path = tmp_path / "clip.mp4"
    render_and_kill(path, chunks=7, rate="qp")
    start = resumable(path, checkpoint_frame=72)
    assert start >= 24
    w = ClipWriter.resume(path, frames=start)
    assert w.frames_written == start and w.settings.rate_control == "qp"
    for i in range(start // N, 10):
        w.write(make_chunk(i))
    out = w.finish()
    assert not part_path(out).exists() and not sidecar_path(out).exists()
    assert int(ffprobe(out)["video"]["nb_frames"]) == 120
    got, want = decode_video(out), decode_video(reference)
    assert len(got) == len(want) == 120
    assert all(np.array_equal(a, b) for a, b in zip(got, want)), "resumed frames differ"
    assert np.array_equal(decode_audio(out), decode_audio(reference)), "resumed audio differs"


def test_resume_with_crf_keeps_prefix_exact_and_rest_close(tmp_path: Path) -> None:
    """CRF rate control carries state across GOPs: new frames are a fresh, equally good encode."""
    reference = render(tmp_path / "ref.mp4", range(8))
    path = tmp_path / "clip.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N)
    for i in range(5):
        w.write(make_chunk(i))
    w.abort()
    w = ClipWriter.resume(path, frames=36, width=W, height=H, fps=FPS, sample_rate=SR, keyframe_interval=N)
    for i in range(3, 8):
        w.write(make_chunk(i))
    out = w.finish()
    got, want = decode_video(out), decode_video(reference)
    source = np.concatenate([make_chunk(i).frames for i in range(8)])
    assert len(got) == len(want) == 96
    assert all(np.array_equal(a, b) for a, b in zip(got[:36], want[:36])), "copied prefix must be bit-exact"
    # Measured (320x180, CRF 20): resumed vs uninterrupted >= 33 dB; fidelity to the source equal on
    # average (mean difference -0.04 dB), worst on the new stream's first IDR frame (-1.9 dB: it is
    # quantised without the P-frame QP history an uninterrupted encoder has), within 0.3 dB elsewhere.
    delta = [psnr(got[k], source[k]) - psnr(want[k], source[k]) for k in range(36, 96)]
    assert min(psnr(got[k], want[k]) for k in range(36, 96)) > 30
    assert min(delta) > -2.5 and abs(float(np.mean(delta))) < 0.2
    assert np.array_equal(decode_audio(out), decode_audio(reference)), "audio is encoded once from audio.pcm"


def test_resume_twice_and_back_before_the_prefix(tmp_path: Path) -> None:
    reference = render(tmp_path / "ref.mp4", range(8), rate_control="qp")
    path = tmp_path / "clip.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N, rate_control="qp")
    for i in range(4):
        w.write(make_chunk(i))
    w.abort()
    w = ClipWriter.resume(path, frames=36)  # prefix.mp4 = frames 0..35, .part from 36
    for i in range(3, 6):
        w.write(make_chunk(i))
    w.abort()
    assert clip_frames(path) == 72
    w = ClipWriter.resume(path, frames=60)  # 36 from the prefix + 24 from the second .part
    for i in range(5, 8):
        w.write(make_chunk(i))
    w.abort()
    w = ClipWriter.resume(path, frames=24)  # back inside the prefix
    for i in range(2, 8):
        w.write(make_chunk(i))
    out = w.finish()
    got, want = decode_video(out), decode_video(reference)
    assert len(got) == 96 and all(np.array_equal(a, b) for a, b in zip(got, want))
    assert np.array_equal(decode_audio(out), decode_audio(reference))


def test_rewind_reuses_frames_of_another_take(tmp_path: Path) -> None:
    first = render(tmp_path / "take1.mp4", range(6))
    w = ClipWriter(tmp_path / "take2.mp4", W, H, FPS, SR, N, prefix=Prefix(first, frames=24))
    assert w.frames_written == 24
    for i in range(2, 6):
        c = make_chunk(i, variant=1)  # the new take diverges after 0:01
        w.write(c)
    second = w.finish()
    a, b = decode_video(first), decode_video(second)
    assert len(b) == 72
    assert all(np.array_equal(x, y) for x, y in zip(a[:24], b[:24]))
    assert_matches_source(b[24:], np.concatenate([make_chunk(i, variant=1).frames for i in range(6)])[24:])
    audio = decode_audio(second).T
    # the prefix audio came from decoding take1's AAC (no sidecar left): close to the source tone
    src = np.concatenate([make_chunk(i).audio for i in range(2)])
    m = sample_index(24, FPS) - 2048
    assert np.corrcoef(audio[1024:m, 0], src[1024:m, 0])[0, 1] > 0.95


def test_resume_from_an_unfinished_take_uses_its_exact_audio(tmp_path: Path) -> None:
    w = ClipWriter(tmp_path / "take1.mp4", W, H, FPS, SR, N)
    for i in range(4):
        w.write(make_chunk(i))
    w.abort()
    w = ClipWriter(tmp_path / "take2.mp4", W, H, FPS, SR, N, prefix=Prefix(part_path(tmp_path / "take1.mp4"), 36))
    pcm = (sidecar_path(tmp_path / "take2.mp4") / "audio.pcm").read_bytes()
    first = (sidecar_path(tmp_path / "take1.mp4") / "audio.pcm").read_bytes()
    assert pcm == first[: sample_index(36, FPS) * 4]
    w.write(make_chunk(3))
    assert len(decode_video(w.finish())) == 48


def test_resume_checks_its_inputs(tmp_path: Path) -> None:
    with pytest.raises(ClipWriterError, match="no sidecar"):
        ClipWriter.resume(tmp_path / "never.mp4", frames=12)
    path = tmp_path / "clip.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N)
    for i in range(2):
        w.write(make_chunk(i))
    w.abort()
    with pytest.raises(ClipWriterError, match="keyframes, every 12"):
        ClipWriter.resume(path, frames=13)
    with pytest.raises(ClipWriterError, match="only 24 are complete"):
        ClipWriter.resume(path, frames=36)
    with pytest.raises(ClipWriterError, match="with width=640: it was started with width=320"):
        ClipWriter.resume(path, frames=12, width=640, height=H)
    assert ClipWriter.part_path(path) == part_path(path) and ClipWriter.sidecar_path(path) == sidecar_path(path)
    assert complete_frames(part_path(path)) == 24  # a refused resume changes nothing


def test_resume_discards_checkpoints_after_the_restart_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N)
    for i in range(3):
        w.write(make_chunk(i))
        w.checkpoints.save(i, (i + 1) * N, {"chunk": i})
    w.abort()
    w = ClipWriter.resume(path, frames=24)
    assert w.checkpoints.indices() == [0, 1]
    w.abort()


# -- errors -------------------------------------------------------------------------------------------
def test_missing_directory_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ClipWriterError, match=r"cannot write to .*/nope/x\.mp4: directory does not exist"):
        ClipWriter(tmp_path / "nope" / "x.mp4", W, H)
    (tmp_path / "file").write_text("")
    with pytest.raises(ClipWriterError, match="is not a directory"):
        ClipWriter(tmp_path / "file" / "x.mp4", W, H)
    with pytest.raises(ClipWriterError, match="even"):
        ClipWriter(tmp_path / "odd.mp4", 321, 180)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_bad_chunks_are_refused_clearly(tmp_path: Path) -> None:
    w = ClipWriter(tmp_path / "x.mp4", W, H, FPS, SR, N)
    with pytest.raises(ClipWriterError, match="does not follow the 0 frames"):
        w.write(make_chunk(1))
    with pytest.raises(ClipWriterError, match=r"frames must be uint8 \[n, 180, 320, 3\]"):
        w.write(make_chunk(0, width=160))
    bad = make_chunk(0)
    bad.audio = bad.audio[:-1]
    with pytest.raises(ClipWriterError, match=r"audio must be \[24000, 2\]"):
        w.write(bad)
    w.write(make_chunk(0))
    assert w.finish().exists()


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 2 MiB tmpfs (needs root and mount); skipped where mounting is not allowed."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_on_a_real_tiny_filesystem(tiny_disk: Path) -> None:
    path = tiny_disk / "full.mp4"
    w = ClipWriter(path, W, H, FPS, SR, N)
    with pytest.raises(ClipWriterError) as err:
        for i in range(100):  # ~50 kB per noisy frame: 2 MiB fill up within a few chunks
            w.write(make_chunk(i))
            if i == 99:
                w.finish()
    msg = str(err.value)
    assert "disk full" in msg and str(path) in msg
    assert not path.exists(), "no half-written final file"


# Disk full on any machine: the file-size limit (RLIMIT_FSIZE) makes the kernel refuse to grow files
# past a size with EFBIG and SIGXFSZ, which is how a full disk looks to ffmpeg and to us.
FSIZE_CHILD = textwrap.dedent(
    """
    import resource, sys
    sys.path.insert(0, {repo!r}); sys.path.insert(0, {tests!r})
    from test_clip_writer import make_chunk, W, H, FPS, SR, N
    from director.sinks.clip_writer import ClipWriter, ClipWriterError
    path, stage = sys.argv[1], sys.argv[2]
    w = ClipWriter(path, W, H, FPS, SR, N)
    if stage == "write":
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
    try:
        for i in range(40):
            w.write(make_chunk(i))
        if stage == "finish":
            resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
        w.finish()
    except ClipWriterError as e:
        print("ERROR", e)
    else:
        print("OK")
    """
).format(repo=str(REPO), tests=str(REPO / "tests" / "sinks"))


@pytest.mark.parametrize("stage", ["write", "finish"])
def test_disk_full_by_file_size_limit(tmp_path: Path, stage: str) -> None:
    path = tmp_path / "limited.mp4"
    out = subprocess.run([sys.executable, "-c", FSIZE_CHILD, str(path), stage], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ERROR"), out.stdout
    assert "disk full" in out.stdout and str(path) in out.stdout
    assert not path.exists(), "no half-written final file"
    assert not path.with_name(path.name + ".finishing").exists()
    assert part_path(path).exists()  # the work in progress stays for a resume
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.RLIM_INFINITY  # the limit stayed in the child
