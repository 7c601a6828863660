"""Core render benchmark (issue 2): a 3-minute 1280x720 24 fps previz render with >= 10 directives.

Prints a table: wall time / video time, our fps vs the encoder alone on the same frames, peak RSS
(python and ffmpeg), RSS at video minute 1 vs minute 3, and live-command latency.

    .venv/bin/python benchmarks/core_render.py [--minutes 3] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

import sys

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.sinks.clip_writer import ClipWriter  # noqa: E402
from director.run.director import Director  # noqa: E402
from director.run.render import PRESET, QUALITY, RATE_CONTROL, render  # noqa: E402
from director.plan.timeline import timeline_from_data  # noqa: E402

DIRECTIVES = [
    {"at": 0, "text": "wide shot"},
    {"at": 3, "text": "the girl walks to the right"},
    {"at": 8, "text": "camera pans right", "duration": 4},
    {"at": 15, "text": "slow dolly in on the girl"},
    {"at": 24, "text": "a cute cat runs to the girl"},
    {"at": 32, "text": "close-up on the cat"},
    {"at": 40, "text": "cut to a wide shot"},
    {"at": 50, "text": "it starts to rain"},
    {"at": 65, "text": "night falls", "duration": 6},
    {"at": 80, "text": "the camera orbits around the girl", "duration": 8},
    {"at": 100, "text": "a storm breaks"},
    {"at": 120, "text": "dawn comes", "duration": 8},
    {"at": 140, "text": "the rain stops"},
    {"at": 150, "text": "pan left", "duration": 5},
    {"at": 165, "text": "the girl leaves to the left"},
]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_rss_mb() -> float:
    total = 0.0
    for child in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            kids = (child / "children").read_text().split()
        except OSError:
            continue
        total += sum(rss_mb(int(k)) for k in kids)
    return total


def timeline(minutes: float, width: int, height: int):
    duration = minutes * 60
    return timeline_from_data({
        "duration": duration, "width": width, "height": height, "seed": 3,
        "world": {"scene": "On the streets of Paris in the 1980s",
                  "characters": [{"name": "girl", "text": "A stylish blonde female model"}]},
        "directives": [d for d in DIRECTIVES if d["at"] < duration],
    })


def bench_render(minutes: float, width: int, height: int, out_dir: Path) -> dict:
    tl = timeline(minutes, width, height)
    samples: dict[str, float] = {}
    peak = {"py": 0.0, "ff": 0.0}
    video_t = [0.0]
    trace: list[tuple[float, float]] = []  # (video seconds done, python RSS MB) every 0.2 s
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.2):
            rss = rss_mb(os.getpid())
            trace.append((video_t[0], rss))
            peak["py"] = max(peak["py"], rss)
            peak["ff"] = max(peak["ff"], children_rss_mb())

    def progress(p) -> None:
        t = p.frames_done / tl.fps
        video_t[0] = t
        for minute in (1, 1.5, 2, 3):
            key = f"rss_min{minute:g}"
            if key not in samples and t >= minute * 60:
                samples[key] = rss_mb(os.getpid())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result = render(tl, out_dir / "bench.mp4", on_progress=progress)
    stop.set()
    watcher.join()
    return {"video_s": result.duration, "wall_s": result.wall_seconds, "frames": result.frames,
            "fps": result.frames / result.wall_seconds, "peak_py": peak["py"], "peak_ff": peak["ff"],
            "rss_windows": rss_windows(trace, result.duration), **samples}


RSS_WINDOW_S = 30.0  # video seconds per median of the RSS trace


def rss_windows(trace: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """Median python RSS per RSS_WINDOW_S of video: (window start s, MB). One sample at minute 1 and one at
    minute 3 moves by a chunk or two in flight (33 MB each at 1280x720); medians show the level it holds."""
    out = []
    start = 0.0
    while start < duration:
        window = sorted(r for t, r in trace if start <= t < start + RSS_WINDOW_S)
        if window:
            out.append((start, window[len(window) // 2]))
        start += RSS_WINDOW_S
    return out


def bench_encoder_alone(width: int, height: int, seconds: float, out_dir: Path) -> dict:
    """Render `seconds` of the same timeline into memory, then time (a) the engine alone and
    (b) ClipWriter alone on those frames."""
    tl = timeline(3, width, height).with_settings(duration=seconds)
    d = Director(tl)
    t0 = time.perf_counter()
    chunks = list(d.run())
    engine_s = time.perf_counter() - t0
    frames = sum(c.num_frames for c in chunks)
    w = ClipWriter(out_dir / "enc.mp4", width=width, height=height, fps=tl.fps, keyframe_interval=d.chunk_frames,
                   rate_control=RATE_CONTROL, quality=QUALITY, preset=PRESET)  # as render() encodes
    t0 = time.perf_counter()
    for c in chunks:
        w.write(c)
    w.finish()
    encode_s = time.perf_counter() - t0
    return {"engine_fps": frames / engine_s, "encoder_fps": frames / encode_s}


def bench_command_latency(width: int, height: int, trials: int = 8) -> dict:
    """Send a command at random moments; measure video seconds and wall ms until the first chunk
    that shows it is yielded (it must be the next chunk)."""
    tl = timeline(3, width, height).with_settings(duration=30)
    d = Director(tl)
    rng = np.random.default_rng(0)
    waits_video, waits_wall = [], []
    gen = d.run()
    next(gen)
    for _ in range(trials):
        time.sleep(float(rng.uniform(0, 0.1)))
        sent_wall, sent_video = time.perf_counter(), d.time
        d.send("night falls")
        for chunk in gen:
            if d.applied and d.applied[-1].at >= sent_video:
                waits_video.append(chunk.start_frame / tl.fps - sent_video)
                waits_wall.append((time.perf_counter() - sent_wall) * 1000)
                break
    d.stop()
    return {"max_video_s": max(waits_video), "chunk_s": d.chunk_frames / tl.fps,
            "median_wall_ms": statistics.median(waits_wall), "max_wall_ms": max(waits_wall)}


def main() -> None:
    from director.run.opencv_threads import opencv_threads_wait_passively
    from director.run.process_memory import keep_rss_near_live_memory

    if not opencv_threads_wait_passively():  # as the CLI does
        print("note: cv2 was imported before main(): OpenCV's threads still spin while idle", file=sys.stderr)
    keep_rss_near_live_memory()  # as the CLI and the app do
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--size", default="1280x720")
    args = ap.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        r = bench_render(args.minutes, width, height, out)
        e = bench_encoder_alone(width, height, 10.0, out)
        lat = bench_command_latency(width, height)
    growth = (r.get("rss_min3", r.get("rss_min2", 0)) / r["rss_min1"] - 1) * 100 if "rss_min1" in r else float("nan")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print("| measure | value |")
    print("|---|---|")
    print(f"| video rendered | {r['video_s']:.0f} s, {r['frames']} frames at {args.size} |")
    print(f"| wall time ÷ video time (goal <= 1.0) | {r['wall_s'] / r['video_s']:.2f} ({r['wall_s']:.0f} s) |")
    print(f"| full pipeline fps | {r['fps']:.1f} |")
    print(f"| engine alone fps / encoder alone fps (10 s of the same frames) | {e['engine_fps']:.1f} / {e['encoder_fps']:.1f} |")
    print(f"| pipeline fps ÷ encoder-alone fps | {r['fps'] / e['encoder_fps']:.2f} |")
    print(f"| peak RSS python / ffmpeg | {r['peak_py']:.0f} MB / {r['peak_ff']:.0f} MB |")
    print(f"| RSS at video minute 1 / minute 3 (growth) | {r.get('rss_min1', 0):.0f} MB / {r.get('rss_min3', 0):.0f} MB ({growth:+.1f}%) |")
    later = (r.get("rss_min3", 0) / r["rss_min1.5"] - 1) * 100 if "rss_min1.5" in r else float("nan")
    print(f"| RSS at minute 1.5 / 2 / 3 (growth 1.5 → 3) | {r.get('rss_min1.5', 0):.0f} / {r.get('rss_min2', 0):.0f} / "
          f"{r.get('rss_min3', 0):.0f} MB ({later:+.1f}%) |")
    levels = ", ".join(f"{start:.0f}s {mb:.0f}" for start, mb in r["rss_windows"])
    print(f"| median RSS per {RSS_WINDOW_S:.0f} s of video (MB) | {levels} |")
    print(f"| live command → first frame showing it | the first frame of the next chunk (chunk = {lat['chunk_s']:.2f} s of video); "
          f"wall time from send() to that chunk ready: median {lat['median_wall_ms']:.0f} ms, max {lat['max_wall_ms']:.0f} ms |")


if __name__ == "__main__":
    main()
