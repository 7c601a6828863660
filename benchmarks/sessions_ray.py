"""Sessions on one Ray worker: live rate and command latency against the number of sessions, and
failover time (actor killed -> first new chunk at the caller). Also the checkpoint a neural session
would carry, computed from the causal-wan cache shapes (no GPU, no weights: meta tensors).

Usage: .venv/bin/python benchmarks/sessions_ray.py [--cpus 2] [--size 320x180] [--seconds 8]
       [--sessions 1,2,3,4] [--kills 3] [--no-neural]

Each row runs N previz sessions at once on a local Ray with ``--cpus`` CPUs (one worker: the
machine), each actor asking for cpus/N CPUs so all are admitted. Two readings per N:
- *unpaced*: readers take chunks as fast as they come: frames per second per session (the live rate
  each creator could get; ``x rt`` = times real time at the timeline's fps);
- *paced*: readers play chunks at real time, as a live view does, and send a command every second:
  command latency = send -> the chunk that shows it reaches the reader. Once with the worker running
  as fast as it can (latency = the run-ahead the buffers allow), once as a live take
  (``live_lead`` 0.5 s: the worker stays at most that far ahead of real time).
Failover: one session, its actor ``ray.kill``-ed after a few chunks; kill -> first chunk from the new
actor at the caller (new actor process + engine open + restore + catching up to the frames delivered).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.plan.timeline import timeline_from_data  # noqa: E402
from director.run.service.admission import AdmissionPolicy  # noqa: E402
from director.run.service.protocol import ChunkReady, CommandApplied, Finished, Notice, TakeSpec  # noqa: E402

FPS = 24
COMMANDS = ("pan left", "it starts to rain", "pan right", "night falls", "dolly in", "the rain stops")
COMMAND_EVERY = 1.0  # seconds of wall time between commands in the paced reading


LIVE_LEAD = 0.5  # seconds a live take may run ahead of real time (TakeSpec.live_lead)


def take(size: tuple[int, int], seconds: float, seed: int, live_lead: float | None = None) -> TakeSpec:
    timeline = timeline_from_data({"width": size[0], "height": size[1], "fps": FPS, "duration": seconds,
                                   "seed": seed, "world": {"scene": "a quiet country road through fields"},
                                   "directives": [{"at": 0.5, "text": "slow dolly in"}]})
    return TakeSpec.from_timeline(timeline, use_embeddings=False, checkpoint_every=2.0, live_lead=live_lead)


def read(session, paced: bool, out: dict) -> None:
    """Read one session; record frames/s (from the first chunk) and command latencies."""
    sent: dict[int, float] = {}
    applied_at: dict[int, float] = {}  # seq -> clip time it took effect
    latencies: list[float] = []
    first = None
    frames = 0
    next_command = 0
    play_start = None
    for event in session.events(timeout=600):
        now = time.perf_counter()
        if isinstance(event, CommandApplied):
            applied_at[event.seq] = event.at
        elif isinstance(event, ChunkReady):
            if first is None:
                first = play_start = now
            frames += event.num_frames
            end = (event.start_frame + event.num_frames) / FPS
            for seq, at in list(applied_at.items()):
                if at < end:  # this chunk shows it
                    latencies.append(now - sent[seq])
                    del applied_at[seq]
            if paced:
                wait = play_start + end - time.perf_counter()  # play the chunk at real time
                if wait > 0:
                    time.sleep(wait)
                if time.perf_counter() - play_start >= (next_command + 1) * COMMAND_EVERY:
                    cmd = session.send(COMMANDS[next_command % len(COMMANDS)], author="bench")
                    sent[cmd.seq] = time.perf_counter()
                    next_command += 1
        elif isinstance(event, Finished):
            break
    wall = time.perf_counter() - (first or time.perf_counter())
    out.update(fps=frames / max(wall, 1e-9), latencies=latencies)


def run_sessions(service, n: int, size, seconds: float, paced: bool, live_lead: float | None = None) -> list[dict]:
    sessions = [service.submit(take(size, seconds, seed, live_lead)) for seed in range(n)]
    results = [dict() for _ in range(n)]
    threads = [threading.Thread(target=read, args=(s, paced, r)) for s, r in zip(sessions, results)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def failover(service, ray, size, seconds: float, kills: int) -> list[float]:
    times = []
    for k in range(kills):
        session = service.submit(take(size, seconds, 100 + k))
        killed = None
        chunks = 0
        for event in session.events(timeout=600):
            if isinstance(event, ChunkReady):
                chunks += 1
                if chunks == 6:
                    killed = time.perf_counter()
                    ray.kill(session.handle.actor)
                elif killed is not None and len(times) == k:
                    times.append(time.perf_counter() - killed)
            elif isinstance(event, Notice):
                pass
    return times


def neural_checkpoint_sizes() -> list[tuple[str, float, float, float]]:
    """(size, KV GiB, VAE decoder cache GiB, total) of one causal-wan session's engine state, from the
    shapes: KV = 30 layers x (k, v) x window tokens x 1536 x bf16; decoder cache from a meta-tensor decode."""
    import torch
    from diffusers import AutoencoderKLWan

    from director.engines.causal_wan.vae_stream import StreamingVaeDecoder

    layers, dim, bf16 = 30, 1536, 2  # Wan2.1-1.3B: 30 blocks, 12 heads x 128
    window = 12  # latent frames attended (LongLive: sink 3 + 9), the cache's size
    rows = []
    with torch.device("meta"):
        vae = AutoencoderKLWan().to(torch.bfloat16)  # the engine's VAE dtype
    for w, h in ((832, 480), (1280, 720)):
        tokens = (h // 16) * (w // 16)  # VAE /8, patch 2x2
        kv = layers * 2 * window * tokens * dim * bf16 / 2**30
        dec = StreamingVaeDecoder(vae)
        dec.mean, dec.std = dec.mean.to("meta"), dec.std.to("meta")
        dec.decode(torch.zeros(1, 16, 2, h // 8, w // 8, device="meta"))
        cache = sum(c.numel() * c.element_size() for c in dec.cache if torch.is_tensor(c)) / 2**30
        rows.append((f"{w}x{h}", kv, cache, kv + cache))
    return rows


def _latency(results: list[dict]) -> str:
    lat = [x for r in results for x in r["latencies"]]
    return f"{statistics.median(lat):.2f} / {max(lat):.2f} (n={len(lat)})" if lat else "-"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cpus", type=int, default=2)
    p.add_argument("--size", default="320x180")
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--sessions", default="1,2,3,4")
    p.add_argument("--kills", type=int, default=3)
    p.add_argument("--no-neural", action="store_true")
    args = p.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    counts = [int(n) for n in args.sessions.split(",")]

    import ray

    from director.run.service.ray_backend import RayService, worker_env

    started = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False, runtime_env=worker_env())
    print(f"Ray up in {time.perf_counter() - started:.1f} s ({args.cpus} CPUs, one node)")
    print(f"\n{size[0]}x{size[1]} previz at {FPS} fps, {args.seconds:g} s per take")
    print("| sessions | unpaced fps/session (min-max) | x real time (slowest) | command latency, buffered: median / max s "
          f"| command latency, live_lead {LIVE_LEAD:g} s: median / max s |")
    print("|---|---|---|---|---|")
    for n in counts:
        policy = AdmissionPolicy(max_per_worker=n, max_total=n)
        with RayService(None, policy, cpus_per_take=args.cpus / n) as service:
            fast = run_sessions(service, n, size, args.seconds, paced=False)
            buffered = run_sessions(service, n, size, args.seconds, paced=True)
            live = run_sessions(service, n, size, args.seconds, paced=True, live_lead=LIVE_LEAD)
        fps = [r["fps"] for r in fast]
        print(f"| {n} | {statistics.mean(fps):.1f} ({min(fps):.1f}-{max(fps):.1f}) | "
              f"{min(fps) / FPS:.2f} | {_latency(buffered)} | {_latency(live)} |", flush=True)
    with RayService(None, AdmissionPolicy(max_per_worker=1, max_total=1), cpus_per_take=1) as service:
        times = failover(service, ray, size, max(args.seconds, 6.0), args.kills)
    print(f"\nfailover (ray.kill -> first new chunk at the caller): median {statistics.median(times):.2f} s, "
          f"all {', '.join(f'{t:.2f}' for t in times)} s")
    ray.shutdown()
    if not args.no_neural:
        print("\ncausal-wan engine state per session (failover checkpoint), from the cache shapes:")
        print("| size | KV cache GiB | VAE decoder cache GiB | total GiB |")
        print("|---|---|---|---|")
        for row in neural_checkpoint_sizes():
            print("| {} | {:.2f} | {:.2f} | {:.2f} |".format(*row))


if __name__ == "__main__":
    main()
