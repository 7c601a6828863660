"""Causal Wan core on CPU with tiny random weights: cache == block-causal reference, bounded memory,
prompt re-cache, RoPE rebase, schedule."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("diffusers")

from director.engines.causal_wan.attention import (  # noqa: E402
    MaskedSelfAttnProcessor,
    block_causal_mask,
    set_self_attn_processors,
)
from director.engines.causal_wan.generator import CausalWanGenerator  # noqa: E402
from director.engines.causal_wan.schedule import warp_timesteps  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402

LATENT = (4, 6)  # latent h, w -> 2x3 = 6 tokens per frame
TPF = 6


@pytest.fixture(scope="module")
def components():
    torch.manual_seed(0)
    return tiny_components(rope_max_seq_len=64)


def _embeds(seed: int, n: int = 8) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, n, 32, generator=g)


def _reference(transformer, x, timesteps_per_frame, embeds, block_frames, ring_frames, prefix_frames):
    """One pass over the whole sequence with a block-causal mask (training-style)."""
    from diffusers.models.transformers.transformer_wan import WanRotaryPosEmbed

    mask = block_causal_mask(block_frames, TPF, ring_frames, prefix_frames)
    saved_rope = transformer.rope
    transformer.rope = WanRotaryPosEmbed(12, (1, 2, 2), saved_rope.max_seq_len)
    set_self_attn_processors(transformer, lambda i: MaskedSelfAttnProcessor(mask))
    t = torch.tensor(timesteps_per_frame).repeat_interleave(TPF)[None]  # per token [1, N]
    try:
        return transformer(hidden_states=x, timestep=t, encoder_hidden_states=embeds, return_dict=False)[0]
    finally:
        transformer.rope = saved_rope


@pytest.mark.parametrize("sink,ring,context", [(3, 6, 0), (3, 3, 1), (0, 9, 0)])
def test_cached_chunks_equal_block_causal_pass(components, sink, ring, context):
    tr = components.transformer
    chunk, n_chunks = 3, 5
    gen = CausalWanGenerator(
        tr, latent_size=LATENT, chunk_frames=chunk, sink_frames=sink, ring_chunks=ring // chunk,
        context_frames=context,
    )
    emb = _embeds(1)
    gen.set_prompt(emb)
    torch.manual_seed(1)
    blocks = [torch.randn(1, 16, context, *LATENT)] if context else []
    blocks += [torch.randn(1, 16, chunk, *LATENT) for _ in range(n_chunks)]
    ts = [0.0] * (1 if context else 0) + [float(t) for t in (0, 250, 500.5, 750, 999)]
    outs = []
    with torch.no_grad():
        for x, t in zip(blocks, ts):
            gen.open_block(x.shape[2])
            gen.step(torch.randn_like(x), 900.0)  # a denoising pass: overwritten by the next pass
            outs.append(gen.step(x, t))
            gen.close_block(x)
        frames = [b.shape[2] for b in blocks]
        ref = _reference(
            tr, torch.cat(blocks, 2), [t for t, f in zip(ts, frames) for _ in range(f)], emb, frames,
            ring, context + sink,
        )
    diff = (torch.cat(outs, 2) - ref).abs().max().item()
    assert diff < 1e-4, diff


def test_memory_and_rope_stay_bounded_over_50_chunks(components):
    tr = components.transformer
    small = tiny_components(rope_max_seq_len=32).transformer  # 32 RoPE rows < 150 frames: forces rebases
    gen = CausalWanGenerator(small, latent_size=LATENT, timesteps=(1000.0,))
    gen.set_prompt(_embeds(2))
    sizes, frames = set(), []
    with torch.no_grad():
        for _ in range(50):
            gen.generate_chunk()
            sizes.add((gen.cache.nbytes(), tuple(t.shape for t in gen.cache.k)))
            frames.append(gen.next_frame)
            assert len(gen.ring_records) <= 3
    assert len(sizes) == 1, sizes
    assert max(frames) <= 32
    assert gen.chunks_done == 50
    del tr


def test_rebase_is_exact_rotation(components):
    """Generating after a RoPE rebase equals generating at the original absolute positions, except that
    the sink moved closer: with no sink the two runs must agree."""
    outs = []
    for rows in (64, 16):
        tr = tiny_components(rope_max_seq_len=rows).transformer
        gen = CausalWanGenerator(tr, latent_size=LATENT, sink_frames=0, ring_chunks=2, timesteps=(1000.0,), seed=3)
        gen.set_prompt(_embeds(3))
        with torch.no_grad():
            outs.append(torch.cat([gen.generate_chunk() for _ in range(8)], 2))
    assert (outs[0] - outs[1]).abs().max().item() < 1e-4


def test_prompt_switch_recache(components):
    """Behaviour around a switch (the exact K/V are checked against LongLive in test_causal_wan_recache):
    at latent frame 15 the sink keeps its K/V and the 3 window chunks are re-encoded."""
    tr = components.transformer
    gen = CausalWanGenerator(tr, latent_size=LATENT, timesteps=(1000.0, 625.0), seed=5)
    a, b = _embeds(10), _embeds(11)
    gen.set_prompt(a)
    with torch.no_grad():
        for _ in range(5):
            gen.generate_chunk()
        state = gen.state()
        k_before = [k.clone() for k in gen.cache.k]
        next_a = gen.generate_chunk()
        gen.load_state(state)
        gen.set_prompt(b)  # switch without re-cache: conditioning changes from the next chunk
        next_b = gen.generate_chunk()
        gen.load_state(state)
        n = gen.recache(b)
        k_after = [k.clone() for k in gen.cache.k]
        next_b_recached = gen.generate_chunk()
    assert n == 3
    assert (next_a - next_b).abs().max() > 1e-3
    assert (next_b - next_b_recached).abs().max() > 1e-6
    lay = gen.layout
    sink = slice(0, lay.prefix_tokens)
    window = slice(lay.prefix_tokens, lay.capacity)
    assert torch.equal(k_before[0][:, :, sink], k_after[0][:, :, sink])  # sink keeps its K/V (LongLive)
    assert (k_before[1][:, :, window] - k_after[1][:, :, window]).abs().max() > 1e-4


def test_snapshot_restore_same_next_chunk(components):
    tr = components.transformer
    gen = CausalWanGenerator(tr, latent_size=LATENT, seed=7)
    gen.set_prompt(_embeds(4))
    with torch.no_grad():
        for _ in range(5):
            gen.generate_chunk()
        state = gen.state()
        first = gen.generate_chunk()
        gen.generate_chunk()
        gen.load_state(state)
        again = gen.generate_chunk()
    assert torch.equal(first, again)


def test_warped_timesteps():
    assert warp_timesteps([1000, 750, 500, 250], shift=5.0) == pytest.approx([1000.0, 937.5, 833.333333, 625.0])


def test_fast_decoder_is_bit_identical_on_cpu(components):
    """vae_fast (fused norm + SiLU, padding inside the conv) decodes the same frames as diffusers'
    modules, chunk by chunk, and as one whole-video decode."""
    import copy

    from director.engines.causal_wan.vae_stream import StreamingVaeDecoder

    torch.manual_seed(3)
    z = torch.randn(1, 16, 7, 4, 6)
    plain_vae, fast_vae = components.vae, copy.deepcopy(components.vae)
    plain, fast = StreamingVaeDecoder(plain_vae), StreamingVaeDecoder(fast_vae, fast=True)
    assert isinstance(fast_vae.decoder.nonlinearity, torch.nn.Identity)
    with torch.no_grad():
        a = torch.cat([plain.decode(z[:, :, s]) for s in (slice(0, 1), slice(1, 4), slice(4, 7))], dim=2)
        b = torch.cat([fast.decode(z[:, :, s]) for s in (slice(0, 1), slice(1, 4), slice(4, 7))], dim=2)
        whole = StreamingVaeDecoder(fast_vae, fast=True).decode(z)
    assert a.shape == (1, 3, 25, 32, 48)
    assert torch.equal(a, b)
    assert torch.equal(b, whole)


def test_attention_backend_option():
    from director.engines.protocol import EngineError
    from director.engines.causal_wan.attention import sdpa
    from director.engines.causal_wan.config import CausalWanConfig

    q, k, v = torch.randn(3, 1, 2, 5, 8).unbind(0)
    for name in ("auto", "cudnn", "flash", "efficient", "math"):
        assert torch.equal(sdpa(q, k, v, name), torch.nn.functional.scaled_dot_product_attention(q, k, v))
        CausalWanConfig(attention_backend=name)
    with pytest.raises(EngineError, match="attention_backend"):
        CausalWanConfig(attention_backend="fa3")
