"""The whole live path on the GPU: ``Director.run()`` over a real timeline with the causal-wan engine at
Wan2.1-T2V-1.3B size (random weights, bf16).

Measures end-to-end fps of ``Director.run()`` (engine denoise + streaming decode + re-timing to uint8 on
the CPU + previz soundscape + request building + the periodic KV-cache snapshot), the per-chunk wall time
series (is it flat?), the cost of each snapshot, and the prompt-switch re-cache cost. A short warm-up run
(same components, fresh engine) pays compilation and cuDNN autotuning first.

    python benchmarks/neural_director_gpu.py --compile              # GPU, 832x480, ~20 s of video
    python benchmarks/neural_director_gpu.py --tiny --device cpu    # CPU dry run with tiny random models
    # 1280x720 output generated at 832x480 and upscaled (bilinear, on the GPU) in the engine's re-timing step:
    python benchmarks/neural_director_gpu.py --compile --size 1280x720 --option width=832 --option height=480
    # a Self-Forcing checkpoint's layout (global attention over 21 frames, no sink):
    python benchmarks/neural_director_gpu.py --compile --option attention=self-forcing
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import_director():
    """Import the Director without ``director/__init__.py`` (it pulls the MP4 writer's PyAV/ffmpeg, which
    the live path does not need and the GPU image lacks)."""
    if "director" not in sys.modules:
        pkg = types.ModuleType("director")
        pkg.__path__ = [str(ROOT / "director")]
        sys.modules["director"] = pkg
    from director.run import director as director_mod
    from director.engines.causal_wan import engine, tiny
    from director.plan.timeline import timeline_from_data

    return director_mod, engine, tiny, timeline_from_data


def make_timeline(timeline_from_data, w: int, h: int, duration: float, fps: float):
    """A walk down a street; the camera pans; at 40 % "it starts to rain" (a prompt switch); at 75 % a
    character enters. Directive times scale with the duration."""
    d = duration
    return timeline_from_data({
        "duration": d, "width": w, "height": h, "fps": fps, "engine": "causal-wan", "seed": 1,
        "world": {"scene": "a quiet street in paris at dusk, warm lamps",
                  "characters": [{"name": "Ana", "text": "a girl in a red coat", "kind": "person"}]},
        "directives": [
            {"at": 0.0, "character": {"name": "Ana", "action": "walk"}},
            {"at": round(0.15 * d, 2), "text": "camera pans left slowly"},
            {"at": round(0.40 * d, 2), "text": "it starts to rain"},
            {"at": round(0.75 * d, 2), "text": "a cat runs to her"},
        ],
    })


def best_attention(torch, device, dtype, comps, latent) -> str:
    """The fastest SDPA kernel for the full-window self-attention at this size (3 query frames over 12)."""
    from director.engines.causal_wan.attention import sdpa

    tpf = (latent[0] // 2) * (latent[1] // 2)
    cfg = comps.transformer.config
    q = torch.randn(1, cfg.num_attention_heads, 3 * tpf, cfg.attention_head_dim, device=device, dtype=dtype)
    k, v = (torch.randn(1, cfg.num_attention_heads, 12 * tpf, cfg.attention_head_dim, device=device, dtype=dtype)
            for _ in range(2))
    times = {}
    for name in ("cudnn", "flash", "efficient"):
        try:
            sdpa(q, k, v, name)
            torch.cuda.synchronize(device)
            a = time.perf_counter()
            for _ in range(5):
                sdpa(q, k, v, name)
            torch.cuda.synchronize(device)
            times[name] = (time.perf_counter() - a) / 5
        except Exception as exc:  # noqa: BLE001
            print(f"sdpa {name}: {exc}", flush=True)
    print(f"sdpa ms {json.dumps({k: round(1000 * v, 2) for k, v in times.items()})}", flush=True)
    return min(times, key=times.get) if times else "auto"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true", help="tiny random models (CPU dry run)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--size", default="832x480", help="WxH of the timeline (= generation size)")
    ap.add_argument("--seconds", type=float, default=20.0, help="video length of the measured run")
    ap.add_argument("--warmup-seconds", type=float, default=3.0, help="video length of the warm-up run")
    ap.add_argument("--compile", action="store_true", help="engine option compile=True")
    ap.add_argument("--attention", default="best", help="engine option attention_backend, or best (timed here)")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="another causal-wan option, e.g. decoder=tiny, fp8=true, window_frames=6 (repeatable); "
                         "decoder=tiny runs the TAEHV-architecture decoder with random weights")
    ap.add_argument("--json", default=None, help="write results here")
    args = ap.parse_args()

    import torch

    director_mod, engine_mod, tiny, timeline_from_data = _import_director()
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    dtype = torch.float32 if args.tiny else torch.bfloat16
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    card = torch.cuda.get_device_name(device) if cuda else "cpu"
    print(f"device: {card}; torch {torch.__version__}; dtype {dtype}; compile={args.compile}; "
          f"attention={args.attention}", flush=True)

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    t = time.perf_counter()
    if args.tiny:
        comps = tiny.tiny_components(rope_max_seq_len=1024)
    else:
        comps = tiny.wan_1_3b_components(device, dtype)
    print(f"built random models in {time.perf_counter() - t:.1f} s", flush=True)
    w, h = (int(v) for v in args.size.lower().split("x"))
    if args.attention == "best":
        args.attention = best_attention(torch, device, dtype, comps, (h // 8, w // 8)) if cuda else "auto"
        print(f"attention kernel: {args.attention}", flush=True)
    options = dict(device=str(device), dtype=str(dtype).replace("torch.", ""), compile=args.compile,
                   attention_backend=args.attention)
    if args.tiny:
        options["max_text_tokens"] = 24
    from director.engines.options import command_line_option, resolve_options  # as `python -m director render` reads them

    options.update(command_line_option(item, "--option") for item in args.option)
    config = resolve_options("causal-wan", options)  # unknown or malformed options fail here, located
    if config.decoder == "tiny":
        from director.engines.causal_wan.tiny_decoder import TinyWanDecoder

        comps.tiny_decoder = TinyWanDecoder()  # random weights: speed only
    print(f"engine options: {config}", flush=True)

    def new_engine():
        return engine_mod.CausalWanEngine(config, components=comps)

    fps = 16.0  # the model's native rate: one chunk = 12 frames, no re-timing

    def run(seconds: float, label: str) -> dict:
        timeline = make_timeline(timeline_from_data, w, h, seconds, fps)
        engine = new_engine()
        snaps: list[float] = []
        snapshot = engine.snapshot

        def timed_snapshot():
            sync()
            a = time.perf_counter()
            s = snapshot()
            sync()
            snaps.append(time.perf_counter() - a)
            return s

        engine.snapshot = timed_snapshot
        d = director_mod.Director(timeline, engine=engine, use_embeddings=False)
        rows = []
        sync()
        start = last = time.perf_counter()
        frames = 0
        with torch.no_grad():
            for chunk in d.run():
                sync()
                now = time.perf_counter()
                info = chunk.info
                sec = info.timings
                rows.append({
                    "chunk": chunk.index, "wall_s": round(now - last, 4), "frames": int(chunk.frames.shape[0]),
                    "condition_s": round(sec.get("condition", 0.0), 4), "denoise_s": round(sec.get("denoise", 0.0), 4),
                    "decode_s": round(sec.get("decode", 0.0), 4), "engine_s": round(sec.get("total", 0.0), 4),
                    "recached": info.recached_blocks, "prompt": info.prompt[:80],
                })
                frames += int(chunk.frames.shape[0])
                last = now
        total = time.perf_counter() - start
        d.close()
        print(f"[{label}] {len(rows)} chunks, {frames} frames in {total:.2f} s", flush=True)
        return {"rows": rows, "total_s": total, "frames": frames, "snapshots_s": snaps,
                "checkpoints": len(d.checkpoints), "chunk_frames": d.chunk_frames}

    # 1. warm-up: compilation, autotuning, the previz engine's first open
    t = time.perf_counter()
    run(args.warmup_seconds, "warm-up")
    warm = time.perf_counter() - t
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    # 2. the measured run
    r = run(args.seconds, "measured")
    rows = r["rows"]
    snap_at = {row["chunk"] for row in rows if row["chunk"] % 8 == 0}  # causal-wan's snapshot_policy.every_chunks
    switch = [row for row in rows if row["recached"]]
    steady = [row for row in rows[1:] if row["chunk"] not in snap_at and not row["recached"]
              and row["frames"] == r["chunk_frames"]]
    steady_wall = statistics.median(row["wall_s"] for row in steady) if steady else float("nan")
    recache_extra = [row["condition_s"] for row in switch]
    other = [row["wall_s"] - row["engine_s"] for row in steady]
    res = {
        "device": card, "torch": torch.__version__, "size": f"{w}x{h}", "compile": args.compile,
        "attention": args.attention, "video_s": args.seconds, "chunks": len(rows), "frames": r["frames"],
        "run_s": r["total_s"], "fps_end_to_end": r["frames"] / r["total_s"],
        "fps_after_first_chunk": (r["frames"] - rows[0]["frames"]) / (r["total_s"] - rows[0]["wall_s"]),
        "first_chunk_s": rows[0]["wall_s"], "steady_chunk_wall_s_median": steady_wall,
        "steady_fps": r["chunk_frames"] / steady_wall if steady else float("nan"),
        "steady_engine_s_median": statistics.median(row["engine_s"] for row in steady) if steady else None,
        "steady_outside_engine_s_median": statistics.median(other) if other else None,
        "steady_wall_min_max": (min(x["wall_s"] for x in steady), max(x["wall_s"] for x in steady)) if steady else None,
        "snapshots_s": r["snapshots_s"], "checkpoints": r["checkpoints"],
        "switch_chunks": [(row["chunk"], row["recached"], row["condition_s"], row["wall_s"]) for row in switch],
        "recache_s_mean": statistics.mean(recache_extra) if recache_extra else None,
        "peak_gib": torch.cuda.max_memory_allocated(device) / 2**30 if cuda else None,
        "warmup_s": warm, "per_chunk": rows,
    }
    print(json.dumps({k: v for k, v in res.items() if k != "per_chunk"}), flush=True)
    print()
    print("| chunk | wall s | engine s | condition s | denoise s | decode s | recached | snapshot |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['chunk']} | {row['wall_s']:.3f} | {row['engine_s']:.3f} | {row['condition_s']:.3f} | "
              f"{row['denoise_s']:.3f} | {row['decode_s']:.3f} | {row['recached'] or ''} | "
              f"{'yes' if row['chunk'] in snap_at else ''} |")
    print(f"({card}, torch {torch.__version__}, {w}x{h}, compile={args.compile}, attention={args.attention}: "
          f"{res['fps_end_to_end']:.1f} fps end to end over {args.seconds:.0f} s of video, steady "
          f"{res['steady_fps']:.1f} fps; snapshots {[round(s, 2) for s in r['snapshots_s']]} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
