"""Cost of a live command on a long record: what the Director pays at each chunk boundary of a Wander.

Usage: .venv/bin/python benchmarks/live_recompile.py [--sizes 500,2000,6000] [--cold]

A Wander records one short camera move per chunk per held key (2-frame chunks at 24 fps: 12 a second),
so after 8 minutes of walking the record holds ~6000 directives, and each new command recompiles it.
Per record size: the copy with the new directive, the recompile (interpretations cached, as the
Director keeps them), and the first ``state_at`` after it (the camera folds the moves it has not
settled yet). The garbage collector is paused while timing (it otherwise lands on random reps).
``--cold`` recompiles without the previous script, as before the camera's settled moves
were handed over. Best of 5 each, milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.world import compile_timeline  # noqa: E402
from director.plan.timeline import CameraMove, Directive, Timeline, World  # noqa: E402

STEP = 2 / 24


def measure(n: int, cold: bool, reps: int = 5) -> tuple[float, float, float]:
    record = Timeline(duration=900, max_duration=900, width=1280, height=720, fps=24, world=World(scene="a street"),
                      chunk_seconds=STEP)
    moves = [Directive(at=i * STEP, duration=STEP, source="live",
                       camera=CameraMove(move=("dolly", "pan")[i % 2], direction=("in", "left")[i % 2], amount=0.1))
             for i in range(n)]
    record = record.model_copy(update={"directives": moves})
    cache: dict = {}
    live = compile_timeline(record, use_embeddings=False, cache=cache)
    live.state_at(n * STEP)
    best = [float("inf")] * 3
    gc.collect()
    gc.disable()  # a collection of the whole record lands on a random rep otherwise
    for _ in range(reps):
        command = Directive(at=n * STEP, duration=STEP, source="live", camera=CameraMove(move="pan", direction="right"))
        t0 = time.perf_counter()
        grown = record.with_directive(command)
        t1 = time.perf_counter()
        script = compile_timeline(grown, use_embeddings=False, cache=cache, previous=None if cold else live)
        t2 = time.perf_counter()
        script.state_at(n * STEP + STEP / 2)
        t3 = time.perf_counter()
        best = [min(b, x) for b, x in zip(best, (t1 - t0, t2 - t1, t3 - t2))]
    gc.enable()
    return tuple(1000 * b for b in best)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="500,2000,6000")
    ap.add_argument("--cold", action="store_true", help="recompile without the previous script")
    args = ap.parse_args()
    print(f"{'cold' if args.cold else 'with the previous script'}; best of 5, ms")
    print("| directives in the record | copy + add | recompile | first state | total | share of a 2-frame chunk (83 ms) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.sizes.split(",")):
        a, b, c = measure(n, args.cold)
        print(f"| {n} | {a:.1f} | {b:.1f} | {c:.2f} | {a + b + c:.1f} | {(a + b + c) / (1000 * STEP):.0%} |")


if __name__ == "__main__":
    main()
