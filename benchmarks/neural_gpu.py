"""GPU benchmark of the causal Wan engine core at real size (Wan2.1-T2V-1.3B shapes, random weights).

Measures, per resolution: frames per second in steady state (denoise + streaming VAE decode),
first-chunk latency (prompt encode + first chunk, after a warm-up on a throwaway cache), peak GPU
memory, the KV cache size, and the chunk time at chunk 1 vs chunk 300. Chunk 300 is reached by
fast-forwarding: after the window has filled, its keys are rotated to the RoPE positions they would
have at chunk 300 (frame 900) — the cache then holds exactly what a 300-chunk run would hold in size
and position, without generating 300 chunks.

Before each size it also times, on the same card: the cached self-attention's SDPA kernels (cudnn /
flash / efficient) at that size's full-window shapes, and the streaming decode of one chunk with
diffusers' stock decoder modules vs ``vae_fast`` (channels-last, fused norm + SiLU, no padded copies).
``--attention best`` then runs with the fastest kernel.

    python benchmarks/neural_gpu.py                       # GPU, bf16, 832x480 and 1280x720
    python benchmarks/neural_gpu.py --tiny --device cpu   # CPU dry run with tiny random models
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import_engine_core():
    """Import the causal_wan modules without running ``director/__init__.py`` (it pulls the timeline's
    pydantic models, which the benchmark does not need)."""
    if "director" not in sys.modules:
        pkg = types.ModuleType("director")
        pkg.__path__ = [str(ROOT / "director")]
        sys.modules["director"] = pkg
    from director.engines.causal_wan import generator, text, tiny, vae_stream

    return generator, text, tiny, vae_stream


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiny", action="store_true", help="tiny random models (CPU dry run)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--sizes", default="832x480,1280x720", help="comma-separated WxH")
    ap.add_argument("--chunks", type=int, default=8, help="timed steady-state chunks per size")
    ap.add_argument("--far-chunk", type=int, default=300, help="chunk index to fast-forward to")
    ap.add_argument("--compile", action="store_true", help="torch.compile the transformer blocks (attn1 eager)")
    ap.add_argument("--attention", default="best", help="SDPA kernel: best (timed), auto, cudnn, flash, efficient")
    ap.add_argument("--no-fast-decode", action="store_true", help="diffusers' stock decoder modules")
    ap.add_argument("--json", default=None, help="write results here")
    args = ap.parse_args()

    import torch

    import copy

    generator, text, tiny, vae_stream = _import_engine_core()
    from director.engines.causal_wan.attention import sdpa
    device = torch.device(args.device)
    dtype = torch.float32 if args.tiny else torch.bfloat16
    cuda = device.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    card = torch.cuda.get_device_name(device) if cuda else "cpu"
    print(f"device: {card}; torch {torch.__version__}; dtype {dtype}; compile={args.compile}", flush=True)

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    t = time.perf_counter()
    if args.tiny:
        comps = tiny.tiny_components(rope_max_seq_len=1024)
        for m in (comps.transformer, comps.vae, comps.text_encoder):
            m.to(device)
    else:
        comps = tiny.wan_1_3b_components(device, dtype)
    n_params = sum(p.numel() for p in comps.transformer.parameters())
    print(f"built random models in {time.perf_counter() - t:.1f} s (transformer {n_params / 1e9:.2f} B params)",
          flush=True)
    if args.compile:  # the cached self-attention stays eager (CachedSelfAttnProcessor is compiler-disabled)
        for block in comps.transformer.blocks:
            block.compile()
    stock_vae = copy.deepcopy(comps.vae)  # diffusers' modules, for the decode A/B
    fast = not args.no_fast_decode

    def timed(fn, reps: int) -> float:
        fn()
        sync()
        a = time.perf_counter()
        for _ in range(reps):
            fn()
        sync()
        return (time.perf_counter() - a) / reps

    def attention_ab(latent) -> dict:
        """ms per SDPA call at the full window: 3-frame queries over sink 3 + 9 window frames."""
        tpf = (latent[0] // 2) * (latent[1] // 2)
        heads, hd = comps.transformer.config.num_attention_heads, comps.transformer.config.attention_head_dim
        g = torch.Generator(device=device).manual_seed(0)
        q = torch.randn(1, heads, 3 * tpf, hd, device=device, dtype=dtype, generator=g)
        k = torch.randn(1, heads, 12 * tpf, hd, device=device, dtype=dtype, generator=g)
        v = torch.randn_like(k)
        out = {}
        for name in (("cudnn", "flash", "efficient") if cuda else ("auto",)):
            try:
                out[name] = 1000 * timed(lambda n=name: sdpa(q, k, v, n), 5)
            except Exception as exc:  # noqa: BLE001 - a kernel may not exist on this card/build
                print(f"sdpa {name}: {exc}", flush=True)
        return out

    def decode_ab(latent) -> dict:
        """Seconds per 3-latent chunk in steady state: stock decoder modules vs vae_fast (same weights)."""
        out = {}
        z = torch.randn(1, 16, 3, *latent, device=device)
        for name, vae, is_fast in (("stock", stock_vae, False), ("fast", comps.vae, True)):
            if is_fast and not fast:
                continue
            dec = vae_stream.StreamingVaeDecoder(vae, fast=is_fast, compile=args.compile and cuda)
            dec.decode(z[:, :, :1])
            dec.decode(z)  # warm-up (and compilation of the fused norms)
            out[name] = timed(lambda d=dec: d.decode(z), 3)
        return out
    max_tokens = 32 if args.tiny else 512
    encoder = text.PromptEncoder(comps.text_encoder, comps.tokenizer, max_tokens, device=device, dtype=dtype)
    chunk_latents = 3
    results = []
    for size in args.sizes.split(","):
        w, h = (int(v) for v in size.lower().split("x"))
        latent = (h // 8, w // 8)

        with torch.no_grad():
            t = time.perf_counter()
            attn_ms = attention_ab(latent)
            dec_ab = decode_ab(latent)
            backend = min(attn_ms, key=attn_ms.get) if args.attention == "best" else args.attention
            print(f"{w}x{h}: sdpa ms {json.dumps({k: round(v, 2) for k, v in attn_ms.items()})} -> {backend}; "
                  f"decode s/chunk {json.dumps({k: round(v, 4) for k, v in dec_ab.items()})} "
                  f"({time.perf_counter() - t:.1f} s)", flush=True)

        def new_gen(seed: int = 0):
            return generator.CausalWanGenerator(comps.transformer, latent_size=latent, chunk_frames=chunk_latents,
                                                sink_frames=3, ring_chunks=3, seed=seed, attention_backend=backend)

        def new_dec():
            return vae_stream.StreamingVaeDecoder(comps.vae, fast=fast, compile=args.compile and cuda)

        with torch.no_grad():
            # warm-up: kernels, cuDNN autotuning, allocator (and compilation with --compile)
            t = time.perf_counter()
            gen, dec = new_gen(1), new_dec()
            gen.set_prompt(encoder("warm up"))
            for _ in range(5 if args.compile else 2):
                dec.decode(gen.generate_chunk())
            sync()
            warm = time.perf_counter() - t
            del gen, dec
            if cuda:
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats(device)
            # first chunk: prompt encode + chunk 0 + decode
            t = time.perf_counter()
            gen, dec = new_gen(0), new_dec()
            gen.set_prompt(encoder("a girl walks along a rainy street at night, neon lights"))
            frames0 = dec.decode(gen.generate_chunk())
            sync()
            first = time.perf_counter() - t
            per_chunk = []  # (chunk index, denoise s, decode s)
            for _ in range(args.chunks):
                sync()
                a = time.perf_counter()
                lat = gen.generate_chunk()
                sync()
                b = time.perf_counter()
                px = dec.decode(lat)
                sync()
                per_chunk.append((gen.chunks_done - 1, b - a, time.perf_counter() - b, px.shape[2]))
            cache_bytes = gen.cache.nbytes()
            # fast-forward the window to chunk `far`: rotate its keys to the positions they would have there
            far_frame = args.far_chunk * chunk_latents
            delta = far_frame - gen.next_frame
            cos, sin = gen.rope.frame_shift(delta)
            gen.cache.rotate_ring(cos, sin)
            for rec in gen.ring_records.values():
                rec.frame += delta
            gen.next_frame += delta
            gen.chunks_done = args.far_chunk
            far = []
            for _ in range(3):
                sync()
                a = time.perf_counter()
                lat = gen.generate_chunk()
                sync()
                b = time.perf_counter()
                dec.decode(lat)
                sync()
                far.append((gen.chunks_done - 1, b - a, time.perf_counter() - b, gen.next_frame - 3))
            assert gen.cache.nbytes() == cache_bytes
        peak = torch.cuda.max_memory_allocated(device) / 2**30 if cuda else float("nan")
        steady = per_chunk[3:] or per_chunk  # after the window (sink + 3 chunks) has filled
        chunk_s = sum(d + v for _, d, v, _ in steady) / len(steady)
        denoise_s = sum(d for _, d, _, _ in steady) / len(steady)
        decode_s = sum(v for _, _, v, _ in steady) / len(steady)
        c1 = per_chunk[0][1] + per_chunk[0][2]
        cfar = sum(d + v for _, d, v, _ in far) / len(far)
        r = {
            "size": f"{w}x{h}", "device": card, "torch": torch.__version__, "dtype": str(dtype).replace("torch.", ""),
            "compile": args.compile, "attention": backend, "fast_decode": fast, "sdpa_ms": attn_ms,
            "decode_ab_s": dec_ab,
            "fps": 12 / chunk_s, "chunk_s": chunk_s, "denoise_s": denoise_s, "decode_s": decode_s,
            "first_chunk_s": first, "first_chunk_frames": int(frames0.shape[2]), "chunk1_s": c1,
            f"chunk{args.far_chunk}_s": cfar, "far_rope_frame": far[0][3], "peak_gib": peak,
            "kv_cache_gib": cache_bytes / 2**30, "warmup_s": warm,
            "per_chunk": [(i, round(d, 4), round(v, 4)) for i, d, v, _ in per_chunk],
            "far_chunks": [(i, round(d, 4), round(v, 4)) for i, d, v, _ in far],
        }
        results.append(r)
        print(json.dumps(r), flush=True)

    print()
    print(f"| size | attention | fps | chunk (s) | denoise (s) | decode (s) | first chunk (s) | chunk 1 (s) | chunk "
          f"{args.far_chunk} (s) | peak GiB | KV GiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']} | {r['attention']} | {r['fps']:.1f} | {r['chunk_s']:.3f} | {r['denoise_s']:.3f} | {r['decode_s']:.3f} | "
              f"{r['first_chunk_s']:.3f} | {r['chunk1_s']:.3f} | {r[f'chunk{args.far_chunk}_s']:.3f} | "
              f"{r['peak_gib']:.1f} | {r['kv_cache_gib']:.2f} |")
    print(f"({card}, torch {torch.__version__}, {results[0]['dtype']}, compile={args.compile}, fast_decode={fast}; 12 frames per chunk = 0.75 s at 16 fps; "
          f"chunk {args.far_chunk} by fast-forwarded cache positions)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
