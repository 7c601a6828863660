"""GPU benchmark of the causal Wan engine core at real size (Wan2.1-T2V-1.3B shapes, random weights).

Measures, per resolution: frames per second in steady state (denoise + streaming VAE decode),
first-chunk latency (prompt encode + first chunk, after a warm-up on a throwaway cache), peak GPU
memory, the KV cache size, the chunk time at chunk 1 vs chunk 300, and the prompt-switch re-cache (one
pass over the window's frames, as LongLive) once the window is full. Chunk 300 is reached by
fast-forwarding: after the window has filled, its keys are rotated to the RoPE positions they would
have at chunk 300 (frame 900) — the cache then holds exactly what a 300-chunk run would hold in size
and position, without generating 300 chunks.

Before each size it also times, on the same card: the cached self-attention's SDPA kernels (cudnn /
flash / efficient) at that size's full-window shapes, and the streaming decode of one chunk with
diffusers' stock decoder modules vs ``vae_fast`` (channels-last, fused norm + SiLU, no padded copies).
``--attention best`` then runs with the fastest kernel.

``--variants`` runs several engine set-ups per size on the same models, ``;``-separated, each a
``,``-separated list of: ``base`` (published geometry: Wan VAE decoder, bf16, sink 3 + window 12,
4 steps), ``tiny`` (the TAEHV-architecture decoder), ``fp8`` (row-wise FP8 linear layers in the blocks),
``sink=N``, ``window=N`` (latent frames), ``steps=N`` (N warped steps of the 4-step schedule's kind).
FP8 rewrites the shared transformer, so variants without it run first.

    python benchmarks/neural_gpu.py                       # GPU, bf16, 832x480 and 1280x720
    python benchmarks/neural_gpu.py --variants "base;tiny;tiny,fp8"
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


def parse_variant(spec: str) -> dict:
    """``"tiny,fp8,window=6"`` -> {"name": ..., "decoder": "tiny", "fp8": True, "sink": 3, "window": 6, ...}."""
    v = {"name": spec.strip() or "base", "decoder": "vae", "fp8": False, "sink": 3, "window": 12, "steps": 4}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, _, value = part.partition("=")
        if key == "base":
            continue
        if key in ("tiny", "fp8") and not value:
            v.update({"decoder": "tiny"} if key == "tiny" else {"fp8": True})
        elif key in ("sink", "window", "steps") and value.isdigit():
            v[key] = int(value)
        else:
            raise SystemExit(f"--variants: cannot read {part!r} in {spec!r} (base, tiny, fp8, sink=N, window=N, steps=N)")
    if v["window"] - v["sink"] < 3 or (v["window"] - v["sink"]) % 3 or v["sink"] % 3:
        raise SystemExit(f"--variants {spec!r}: sink and window - sink must be multiples of 3 (chunk), window > sink")
    return v


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
    ap.add_argument("--variants", default="base", help="';'-separated engine set-ups (see the module doc)")
    ap.add_argument("--json", default=None, help="write results here")
    args = ap.parse_args()

    import torch

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
    fast = not args.no_fast_decode
    variants = sorted((parse_variant(v) for v in args.variants.split(";")), key=lambda v: v["fp8"])
    from director.engines.causal_wan.fp8 import quantize_blocks
    from director.engines.causal_wan.schedule import warp_timesteps
    from director.engines.causal_wan.tiny_decoder import StreamingTinyDecoder, TinyWanDecoder

    tiny_decoder = None
    if any(v["decoder"] == "tiny" for v in variants):
        tiny_decoder = TinyWanDecoder().to(device, dtype).eval()  # random weights: speed only
    if args.compile:
        import torch._dynamo

        torch._dynamo.config.recompile_limit = 64  # variants change shapes and (fp8) layer types
        torch._dynamo.config.accumulated_recompile_limit = 1024

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

    def make_decoder(kind: str):
        if kind == "tiny":
            return StreamingTinyDecoder(tiny_decoder, compile=args.compile and cuda)
        return vae_stream.StreamingVaeDecoder(comps.vae, fast=fast, compile=args.compile and cuda)

    def decode_ab(latent) -> dict:
        """Seconds per 3-latent chunk in steady state, per decoder in use (same latents)."""
        out = {}
        z = torch.randn(1, 16, 3, *latent, device=device)
        for kind in sorted({v["decoder"] for v in variants}):
            dec = make_decoder(kind)
            dec.decode(z[:, :, :1])
            dec.decode(z)  # warm-up (and compilation)
            dec.decode(z)
            out[kind] = timed(lambda d=dec: d.decode(z), 3)
        return out

    max_tokens = 32 if args.tiny else 512
    encoder = text.PromptEncoder(comps.text_encoder, comps.tokenizer, max_tokens, device=device, dtype=dtype)
    chunk_latents = 3
    results = []
    quantized = False

    def timed_chunk(gen, dec) -> tuple[int, float, float]:
        """Generate and decode one chunk: (chunk index, denoise s, decode s), synchronised."""
        sync()
        a = time.perf_counter()
        lat = gen.generate_chunk()
        sync()
        b = time.perf_counter()
        dec.decode(lat)
        sync()
        return gen.chunks_done - 1, b - a, time.perf_counter() - b

    def measure(size: str, w: int, h: int, latent, backend: str, v: dict) -> dict:
        nonlocal quantized
        if v["fp8"] and not quantized:
            print(f"fp8: {quantize_blocks(comps.transformer)} linear layers quantised", flush=True)
            quantized = True
        if quantized and not v["fp8"]:
            raise SystemExit("variants without fp8 must come first")
        nominal = [1000.0 * (1 - i / v["steps"]) for i in range(v["steps"])]
        steps = tuple(warp_timesteps(nominal))

        def new_gen(seed: int = 0):
            return generator.CausalWanGenerator(
                comps.transformer, latent_size=latent, chunk_frames=chunk_latents, sink_frames=v["sink"],
                ring_chunks=(v["window"] - v["sink"]) // chunk_latents, timesteps=steps, seed=seed,
                attention_backend=backend)

        with torch.no_grad():
            # warm-up: kernels, cuDNN autotuning, allocator (and compilation with --compile)
            t = time.perf_counter()
            gen, dec = new_gen(1), make_decoder(v["decoder"])
            gen.set_prompt(encoder("warm up"))
            for _ in range(6 if args.compile else 2):
                dec.decode(gen.generate_chunk())
            sync()
            warm = time.perf_counter() - t
            del gen, dec
            if cuda:
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats(device)
            # first chunk: prompt encode + chunk 0 + decode
            t = time.perf_counter()
            gen, dec = new_gen(0), make_decoder(v["decoder"])
            gen.set_prompt(encoder("a girl walks along a rainy street at night, neon lights"))
            frames0 = dec.decode(gen.generate_chunk())
            sync()
            first = time.perf_counter() - t
            per_chunk = [timed_chunk(gen, dec) for _ in range(args.chunks)]
            cache_bytes = gen.cache.nbytes()
            # prompt switch: LongLive's re-cache (one pass over the frames still in the window), text encoded
            # beforehand so only the re-cache is timed; then back to the first prompt
            switch_embeds = encoder("the same street at dawn, snow falling")
            recache = []
            for emb in (switch_embeds, gen.prompt_embeds.clone()):
                sync()
                t = time.perf_counter()
                recache_blocks = gen.recache(emb)
                sync()
                recache.append(time.perf_counter() - t)
            # fast-forward the window to chunk `far`: rotate its keys to the positions they would have there
            far_frame = args.far_chunk * chunk_latents
            delta = far_frame - gen.next_frame
            cos, sin = gen.rope.frame_shift(delta)
            gen.cache.rotate_ring(cos, sin)
            for rec in gen.ring_records.values():
                rec.frame += delta
            gen.next_frame += delta
            gen.chunks_done = args.far_chunk
            far = [timed_chunk(gen, dec) for _ in range(3)]
            assert gen.cache.nbytes() == cache_bytes
            del gen, dec
        peak = torch.cuda.max_memory_allocated(device) / 2**30 if cuda else float("nan")
        fill = 1 + (v["window"] - v["sink"]) // chunk_latents  # chunks until the window is full
        steady = per_chunk[fill:] or per_chunk
        chunk_s = sum(d + c for _, d, c in steady) / len(steady)
        return {
            "size": size, "variant": v["name"], "device": card, "torch": torch.__version__,
            "dtype": str(dtype).replace("torch.", ""), "compile": args.compile, "attention": backend,
            "decoder": v["decoder"], "fp8": v["fp8"], "sink": v["sink"], "window": v["window"],
            "steps": list(steps), "fps": 12 / chunk_s, "chunk_s": chunk_s,
            "denoise_s": sum(d for _, d, _ in steady) / len(steady),
            "decode_s": sum(c for _, _, c in steady) / len(steady),
            "first_chunk_s": first, "first_chunk_frames": int(frames0.shape[2]),
            "chunk1_s": per_chunk[0][1] + per_chunk[0][2],
            f"chunk{args.far_chunk}_s": sum(d + c for _, d, c in far) / len(far), "peak_gib": peak,
            "kv_cache_gib": cache_bytes / 2**30, "warmup_s": warm,
            "recache_s": sum(recache) / len(recache), "recache_blocks": recache_blocks,
            "per_chunk": [(i, round(d, 4), round(c, 4)) for i, d, c in per_chunk],
            "far_chunks": [(i, round(d, 4), round(c, 4)) for i, d, c in far],
        }

    sizes = []
    for size in args.sizes.split(","):
        w, h = (int(x) for x in size.lower().split("x"))
        latent = (h // 8, w // 8)
        with torch.no_grad():
            t = time.perf_counter()
            attn_ms = attention_ab(latent)
            dec_ab = decode_ab(latent)
            backend = min(attn_ms, key=attn_ms.get) if args.attention == "best" else args.attention
            print(f"{w}x{h}: sdpa ms {json.dumps({k: round(x, 2) for k, x in attn_ms.items()})} -> {backend}; "
                  f"decode s/chunk {json.dumps({k: round(x, 4) for k, x in dec_ab.items()})} "
                  f"({time.perf_counter() - t:.1f} s)", flush=True)
        sizes.append((f"{w}x{h}", w, h, latent, backend, attn_ms, dec_ab))
    for v in variants:  # outer: FP8 rewrites the transformer, so every size runs without it first
        for size, w, h, latent, backend, attn_ms, dec_ab in sizes:
            t = time.perf_counter()
            r = measure(size, w, h, latent, backend, v)
            r.update(sdpa_ms=attn_ms, decode_ab_s=dec_ab, seconds=time.perf_counter() - t)
            results.append(r)
            print(json.dumps(r), flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))
    results.sort(key=lambda r: [x[0] for x in sizes].index(r["size"]))

    far = args.far_chunk
    print()
    print(f"| size | variant | decoder | fp8 | sink + window | steps | fps | chunk (s) | denoise (s) | decode (s) | "
          f"first chunk (s) | chunk 1 (s) | chunk {far} (s) | prompt switch (s) | peak GiB | KV GiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']} | {r['variant']} | {r['decoder']} | {'yes' if r['fp8'] else 'no'} | "
              f"{r['sink']} + {r['window'] - r['sink']} | {len(r['steps'])} | {r['fps']:.1f} | {r['chunk_s']:.3f} | "
              f"{r['denoise_s']:.3f} | {r['decode_s']:.3f} | {r['first_chunk_s']:.3f} | {r['chunk1_s']:.3f} | "
              f"{r[f'chunk{far}_s']:.3f} | {r['recache_s']:.3f} | {r['peak_gib']:.1f} | {r['kv_cache_gib']:.2f} |")
    print(f"({card}, torch {torch.__version__}, {results[0]['dtype']}, compile={args.compile}, "
          f"attention {results[0]['attention']}; 12 frames per chunk = 0.75 s at 16 fps; chunk {far} by "
          f"fast-forwarded cache positions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
