"""Encoding speed: ClipWriter vs a bare ffmpeg pipe, 240 frames at 1280x720 with sound.

    .venv/bin/python benchmarks/encode_speed.py [--frames 240] [--width 1280 --height 720]

Each (method, content) pair runs in its own subprocess so peak RSS is its own: ``python`` is the
process that feeds frames, ``ffmpeg`` the largest ffmpeg child it waited for. Only the calls into the
encoder are timed (frames are cut from a precomputed canvas outside the timer).

- ``raw ffmpeg``: frames piped to imageio-ffmpeg's ffmpeg (libx264 veryfast CRF 20, AAC from a WAV
  written beforehand), straight into a normal MP4 — the floor for any writer using that binary.
- ``ClipWriter``: the real thing: 12-frame chunks, audio through the second pipe and the sidecar,
  fragmented .part, then ``finish()`` (packet splice + audio encoded once + faststart remux).

Content: ``smooth`` (moving gradients, what previz skies look like) and ``busy`` (full-frame noise
texture scrolling: worst case for x264).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from director.engines.protocol import Chunk, sample_index  # noqa: E402

FPS = 24.0
SR = 48_000
CHUNK = 12


def canvas(content: str, width: int, height: int, frames: int) -> np.ndarray:
    """A wide image; frame k is the window starting at column 4k (so every frame differs)."""
    wide = width + 4 * frames
    if content == "smooth":
        yy, xx = np.mgrid[0:height, 0:wide].astype(np.float32)
        img = np.stack([128 + 100 * np.sin(xx / 90), 128 + 80 * np.cos(yy / 70), 128 + 60 * np.sin((xx + yy) / 150)], -1)
        return img.astype(np.uint8)
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (height, wide, 3), dtype=np.uint8)


def frame_at(img: np.ndarray, k: int, width: int) -> np.ndarray:
    return img[:, 4 * k : 4 * k + width]


def audio_for(start: int, n: int) -> np.ndarray:
    a0, a1 = sample_index(start, FPS, SR), sample_index(start + n, FPS, SR)
    t = np.arange(a0, a1) / SR
    return np.stack([0.3 * np.sin(2 * np.pi * 220 * t), 0.3 * np.sin(2 * np.pi * 330 * t)], -1).astype(np.float32)


def run_raw(img: np.ndarray, frames: int, width: int, height: int, folder: Path) -> tuple[float, float]:
    import imageio_ffmpeg

    wav = folder / "audio.wav"
    pcm = (audio_for(0, frames) * 32767).astype("<i2")
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(SR), w.writeframes(pcm.tobytes())
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", "24", "-i", "pipe:0",
           "-i", str(wav), "-map", "0:v", "-map", "1:a",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", "12",
           "-c:a", "aac", "-b:a", "192k", str(folder / "raw.mp4")]  # fmt: skip
    busy, worst = 0.0, 0.0
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    busy += time.perf_counter() - t0
    for start in range(0, frames, CHUNK):
        block = np.stack([frame_at(img, k, width) for k in range(start, min(frames, start + CHUNK))])
        t0 = time.perf_counter()
        p.stdin.write(block.tobytes())
        dt = time.perf_counter() - t0
        busy, worst = busy + dt, max(worst, dt)
    t0 = time.perf_counter()
    p.stdin.close()
    p.wait()
    busy += time.perf_counter() - t0
    return busy, worst


def run_writer(img: np.ndarray, frames: int, width: int, height: int, folder: Path) -> tuple[float, float]:
    from director.sinks.clip_writer import ClipWriter

    busy, worst = 0.0, 0.0
    t0 = time.perf_counter()
    w = ClipWriter(folder / "writer.mp4", width, height, FPS, SR, CHUNK)
    busy += time.perf_counter() - t0
    for index, start in enumerate(range(0, frames, CHUNK)):
        n = min(frames, start + CHUNK) - start
        chunk = Chunk(index, start, np.stack([frame_at(img, k, width) for k in range(start, start + n)]), audio_for(start, n))
        t0 = time.perf_counter()
        w.write(chunk)
        dt = time.perf_counter() - t0
        busy, worst = busy + dt, max(worst, dt)
    t0 = time.perf_counter()
    w.finish()
    busy += time.perf_counter() - t0
    return busy, worst


def one(method: str, content: str, frames: int, width: int, height: int) -> dict:
    img = canvas(content, width, height, frames)
    with tempfile.TemporaryDirectory() as d:
        fn = run_raw if method == "raw" else run_writer
        busy, worst = fn(img, frames, width, height, Path(d))
        size = sum(p.stat().st_size for p in Path(d).glob("*.mp4"))
    canvas_mb = img.nbytes / 2**20
    return {
        "method": method, "content": content, "fps": frames / busy, "seconds": busy, "worst_call_s": worst,
        "rss_python_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - canvas_mb,
        "rss_ffmpeg_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "mp4_mb": size / 2**20,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=240)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--one", nargs=2, metavar=("METHOD", "CONTENT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, args.frames, args.width, args.height)))
        return
    rows = []
    for content in ("smooth", "busy"):
        for method in ("raw", "writer"):
            out = subprocess.run([sys.executable, __file__, "--one", method, content, "--frames", str(args.frames),
                                  "--width", str(args.width), "--height", str(args.height)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    name = {"raw": "raw ffmpeg pipe", "writer": "ClipWriter"}
    print(f"{args.frames} frames {args.width}x{args.height}, libx264 veryfast CRF 20 + AAC")
    print("| method | content | fps | total s | slowest write s | peak RSS python / ffmpeg MB | MP4 MB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {name[r['method']]} | {r['content']} | {r['fps']:.0f} | {r['seconds']:.2f} | {r['worst_call_s']:.3f} "
              f"| {r['rss_python_mb']:.0f} / {r['rss_ffmpeg_mb']:.0f} | {r['mp4_mb']:.1f} |")


if __name__ == "__main__":
    main()
