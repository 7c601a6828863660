"""Previz engine speed: frames per second per scene type at a given size (frames only, no encoding).

Usage: .venv/bin/python benchmarks/previz_speed.py [--width 1280 --height 720 --frames 96 --scenes city,...]

Each scene: ``open`` (paint + bake, reported separately), one warm-up chunk, then ``--frames`` frames in
chunks of 12 with a moving camera (pan, dolly, a little tilt), three walking figures and light rain;
the "night falls" row runs the hour from 17:00 to 21:00 over those frames (a light transition: every
light bucket on the way is baked, the frames between mix the nearest ones).
The engine runs on ONE OpenCV thread (the other core is left to ffmpeg's H.264 encoder). Speeds are
reported from CPU time (``time.process_time``), which the other processes sharing the machine disturb
far less than wall time; the wall-clock fps under the load of the moment is printed next to it.
Prints a Markdown table of fps and the mean CPU milliseconds per stage.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.engine import ChunkRequest, RenderSettings, sample_index  # noqa: E402
from director.engines.previz import PrevizEngine  # noqa: E402
from director.world_state import CameraState, EntityState, Environment, WorldState  # noqa: E402

SCENES = {
    "city": "a street in Paris",
    "countryside": "countryside fields",
    "forest": "a forest",
    "beach": "a beach by the sea",
    "mountains": "mountains",
    "desert": "a desert",
    "snowy village": "a snowy village",
    "interior": "a living room",
    "night sky": "night sky full of stars",
    "city (roll 10°)": "a street in Paris",  # the rolled frame is over-rendered (a bigger canvas), then rotated
    "city (night falls)": "a street in Paris",
}
ROLL = {"city (roll 10°)": 10.0}
NIGHT_FALLS = {"city (night falls)": (16.5, 1.0)}  # hour at t = 0, hours per second (17:00-21:00 when measured)
STAGES = ("textures", "sky", "ground", "layers", "figures", "weather", "roll+finish")


def _states(scene: str, start: int, n: int, fps: float, roll: float = 0.0,
            hours: tuple[float, float] | None = None) -> list[WorldState]:
    out = []
    for i in range(start, start + n):
        t = i / fps
        ents = (
            EntityState("girl", "person", "a girl in a red dress", None, -1.0 + 1.2 * t, 6.0, 90, "walk", 1.2, 0.8 * t),
            EntityState("cat", "cat", "ginger cat", None, 2.0 - 2.5 * t, 5.0, -90, "run", 2.5, 2.0 * t),
            EntityState("dog", "dog", "brown dog", None, 3.0, 9.0 - 1.0 * t, 180, "walk", 1.0, 0.9 * t),
        )
        cam = CameraState(yaw=4.0 * t, pitch=0.5 * t, z=0.3 * t, x=0.1 * t, roll=roll)
        hour = 15.0 if hours is None else hours[0] + hours[1] * t
        out.append(WorldState(t, scene=scene, entities=ents, camera=cam, environment=Environment(hour=hour, rain=0.3)))
    return out


def bench(width: int, height: int, frames: int, scenes: list[str], chunk: int = 12) -> list[dict]:
    fps = 24.0
    rows = []
    for name in scenes:
        text = SCENES[name]
        eng = PrevizEngine(audio=False, threads=1)
        t0 = time.perf_counter()
        eng.open(RenderSettings(width, height, fps), _states(text, 0, 1, fps)[0])
        open_s = time.perf_counter() - t0
        renderer = eng._renderer  # timing hooks live on the renderer

        def run(start: int, n: int) -> None:
            for c0 in range(start, start + n, chunk):
                k = min(chunk, start + n - c0)
                st = _states(text, c0, k, fps, ROLL.get(name, 0.0), NIGHT_FALLS.get(name))
                req = ChunkRequest(c0 // chunk, c0, tuple(s.t for s in st), tuple(st), "", frozenset(),
                                   sample_index(c0, fps), sample_index(c0 + k, fps))
                eng.render(req)

        run(0, chunk)  # warm-up: sprite cache
        renderer.timings = {}
        t0, c0 = time.perf_counter(), time.process_time()
        run(chunk, frames)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append({"scene": name, "open_s": open_s, "fps": frames / cpu, "wall_fps": frames / dt,
                     **{k: 1000 * renderer.timings.get(k, 0.0) / frames for k in STAGES}})
        eng.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--frames", type=int, default=96)
    ap.add_argument("--scenes", default=",".join(SCENES))
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    rows = bench(args.width, args.height, args.frames, args.scenes.split(","))
    cpu = "unknown CPU"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"machine: {cpu}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; {args.width}x{args.height}, "
          f"{args.frames} frames per scene, 1 thread")
    print("| scene | fps (CPU time) | fps (wall, under load) | open s | " + " | ".join(f"{s} ms" for s in STAGES) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(STAGES))
    for r in rows:
        print(f"| {r['scene']} | {r['fps']:.1f} | {r['wall_fps']:.1f} | {r['open_s']:.2f} | "
              + " | ".join(f"{r[s]:.1f}" for s in STAGES) + " |")
    mean = sum(r["fps"] for r in rows) / len(rows)
    print(f"\nmean fps {mean:.1f}, min {min(r['fps'] for r in rows):.1f}")


if __name__ == "__main__":
    main()
