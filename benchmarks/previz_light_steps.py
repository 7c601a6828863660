"""Previz light transitions: how smoothly the picture darkens when night falls (or dawn comes).

Usage: .venv/bin/python benchmarks/previz_light_steps.py [--width 256 --height 144 --seconds 8]

A still camera on a scene while the hour runs from 16:30 to 21:30 (or 3:30 to 8:30) over ``--seconds``
at 24 fps, nothing else moving (no figures, no weather), so every change of the picture is the light.
Per frame: the mean luma (0-255). Reported per scene: the largest jump between consecutive frames, the
99th percentile and the median of the jumps, and the largest jump over the median one (a smooth fade
stays near 1-3; a step stands out as 10 and more), plus the CPU fps of the whole transition.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.engines.protocol import ChunkRequest, RenderSettings, sample_index  # noqa: E402
from director.engines.previz import PrevizEngine, PrevizOptions  # noqa: E402
from director.world.state import Environment, WorldState  # noqa: E402

RUNS = {  # name: (scene text, start hour, end hour)
    "city, night falls": ("a street in Paris", 16.5, 21.5),
    "countryside, night falls": ("countryside fields", 16.5, 21.5),
    "city, dawn comes": ("a street in Paris", 3.5, 8.5),
}


def luma(frame: np.ndarray) -> float:
    return float((frame[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def run(scene: str, h0: float, h1: float, width: int, height: int, seconds: float, fps: float = 24.0) -> dict:
    n = int(round(seconds * fps))
    states = [WorldState(i / fps, scene=scene, environment=Environment(hour=h0 + (h1 - h0) * i / (n - 1)))
              for i in range(n)]
    eng = PrevizEngine(PrevizOptions(audio=False, threads=1))
    eng.open(RenderSettings(width, height, fps), states[0])
    means = []
    cpu = time.process_time()
    for c0 in range(0, n, 12):
        st = states[c0:c0 + 12]
        req = ChunkRequest(c0 // 12, c0, tuple(s.t for s in st), tuple(st), "", frozenset(),
                           sample_index(c0, fps), sample_index(c0 + len(st), fps))
        means += [luma(f) for f in eng.render(req).frames]
    cpu = time.process_time() - cpu
    eng.close()
    jumps = np.abs(np.diff(np.asarray(means)))
    return {"max": float(jumps.max()), "p99": float(np.percentile(jumps, 99)), "median": float(np.median(jumps)),
            "ratio": float(jumps.max() / max(np.median(jumps), 1e-3)), "fps": n / cpu, "first": means[0], "last": means[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--height", type=int, default=144)
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args()
    print(f"{args.width}x{args.height}, {args.seconds:g} s at 24 fps per transition, still camera, 1 thread")
    print("| transition | largest jump | p99 jump | median jump | largest ÷ median | luma first → last | fps (CPU) |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for name, (scene, h0, h1) in RUNS.items():
        r = run(scene, h0, h1, args.width, args.height, args.seconds)
        print(f"| {name} | {r['max']:.2f} | {r['p99']:.2f} | {r['median']:.2f} | {r['ratio']:.0f} | "
              f"{r['first']:.0f} → {r['last']:.0f} | {r['fps']:.0f} |")


if __name__ == "__main__":
    main()
