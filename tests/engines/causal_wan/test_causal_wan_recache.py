"""Prompt-switch re-cache == LongLive's ``_recache_after_switch`` (release 2462895), on a tiny model.

The reference is written out here from LongLive's semantics, independently of the engine's cache and
RoPE code: at a switch before latent frame S it runs ONE pass over the last min(12, S) clean frames, at
timestep 0 under the new prompt, at their own positions, with no mask. Its KV-cache path lays the cache
out linearly (sink, then the rest) and, when the span starts after frame 0, refuses writes to the sink
and attends to [old sink K/V, new K/V of the last 9 frames] only. The engine's cache after the switch must
hold the same K and V, layer by layer, for switches at latent frames 6, 12 and 15.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

pytest.importorskip("diffusers")

from director.engines.causal_wan.attention import set_self_attn_processors  # noqa: E402
from director.engines.causal_wan.generator import CausalWanGenerator  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402

LATENT = (4, 6)  # 2x3 = 6 tokens per latent frame
TPF = 6
CHUNK, SINK, WINDOW = 3, 3, 12  # LongLive: num_frame_per_block 3, sink_size 3, local_attn_size 12


def _embeds(seed: int) -> torch.Tensor:
    return torch.randn(1, 8, 32, generator=torch.Generator().manual_seed(seed))


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Wan's RoPE on interleaved pairs, x [B, N, heads, D], cos/sin [1, N, 1, D] (diffusers' layout)."""
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * cos[..., 0::2] - x2 * sin[..., 1::2]
    out[..., 1::2] = x1 * sin[..., 1::2] + x2 * cos[..., 0::2]
    return out


class LongLiveRecachePass:
    """Self-attention of one layer in LongLive's re-cache pass. ``old_k``/``old_v`` [B, heads, n, D]: the
    sink K/V kept from before the switch (None when the span starts at frame 0, where it is rewritten);
    ``dropped`` tokens at the start of the span are computed but neither stored nor attended to."""

    def __init__(self, rope, old_k, old_v, dropped: int, store: dict, layer: int) -> None:
        self.rope, self.old_k, self.old_v, self.dropped, self.store, self.layer = rope, old_k, old_v, dropped, store, layer

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        cos, sin = self.rope
        q = attn.norm_q(attn.to_q(hidden_states)).unflatten(2, (attn.heads, -1))
        k = attn.norm_k(attn.to_k(hidden_states)).unflatten(2, (attn.heads, -1))
        v = attn.to_v(hidden_states).unflatten(2, (attn.heads, -1))
        q, k = _rotate(q, cos, sin).transpose(1, 2), _rotate(k, cos, sin).transpose(1, 2)
        v = v.transpose(1, 2)
        new_k, new_v = k[:, :, self.dropped :], v[:, :, self.dropped :]
        self.store[self.layer] = (new_k, new_v)
        keys, values = new_k, new_v
        if self.old_k is not None:
            keys, values = torch.cat([self.old_k, new_k], 2), torch.cat([self.old_v, new_v], 2)
        o = F.scaled_dot_product_attention(q, keys, values)  # no mask: every query sees the whole span
        o = o.transpose(1, 2).flatten(2, 3).type_as(q)
        return attn.to_out[1](attn.to_out[0](o))


def longlive_reference(transformer, clean: torch.Tensor, switch: int, embeds, old_sink):
    """K/V that LongLive stores for the frames it re-encodes at a switch before latent frame ``switch``:
    {layer: (k, v)} for frames max(0, switch - 12) + (3 if the sink is kept) .. switch."""
    from diffusers.models.transformers.transformer_wan import WanRotaryPosEmbed

    start = switch - min(WINDOW, switch)
    keep_sink = start > 0  # LongLive's is_recompute needs current_start > 0
    dropped = (SINK * TPF) if keep_sink else 0  # its attention window: sink + the last 9 frames only
    table = WanRotaryPosEmbed(transformer.config.attention_head_dim, (1, 2, 2), 64)
    cos, sin = table(torch.zeros(1, 16, switch, *LATENT))  # positions 0..switch, numbered from frame 0
    rope = (cos[:, start * TPF :].float(), sin[:, start * TPF :].float())
    store: dict = {}
    saved = transformer.rope
    set_self_attn_processors(transformer, lambda i: LongLiveRecachePass(
        rope, *(old_sink[i] if keep_sink else (None, None)), dropped, store, i))
    try:
        transformer(hidden_states=clean[:, :, start:switch], timestep=torch.zeros(1),
                    encoder_hidden_states=embeds, return_dict=False)
    finally:
        transformer.rope = saved
    return store, start + (SINK if keep_sink else 0)


@pytest.mark.parametrize("switch", [6, 12, 15])
def test_recache_equals_longlive_single_pass(switch):
    torch.manual_seed(0)
    tr = tiny_components(rope_max_seq_len=64).transformer
    a, b = _embeds(1), _embeds(2)
    with torch.no_grad():
        gen = CausalWanGenerator(tr, latent_size=LATENT, chunk_frames=CHUNK, sink_frames=SINK,
                                 ring_chunks=(WINDOW - SINK) // CHUNK, timesteps=(1000.0, 625.0), seed=4)
        gen.set_prompt(a)
        clean = torch.cat([gen.generate_chunk() for _ in range(switch // CHUNK)], dim=2)
        sink_tokens = SINK * TPF
        old_sink = [(k[:, :, :sink_tokens].clone(), v[:, :, :sink_tokens].clone())
                    for k, v in zip(gen.cache.k, gen.cache.v)]
        blocks = gen.recache(b)
        ref, first = longlive_reference(tr, clean, switch, b, old_sink)
    n_frames = switch - first
    assert blocks == n_frames // CHUNK  # blocks of 3 frames, the sink included when re-encoded
    assert gen.cache.ring_filled == min(3, (switch - SINK) // CHUNK) and gen.cache.ring_order()[0] == 0
    for layer, (ref_k, ref_v) in ref.items():
        if first == 0:  # span from frame 0: cache tokens 0.. are the frames 0.. in order
            got_k = gen.cache.k[layer][:, :, : switch * TPF]
            got_v = gen.cache.v[layer][:, :, : switch * TPF]
        else:  # sink kept, then the re-encoded frames in ring slots 0, 1, 2
            got_k = gen.cache.k[layer][:, :, sink_tokens : sink_tokens + n_frames * TPF]
            got_v = gen.cache.v[layer][:, :, sink_tokens : sink_tokens + n_frames * TPF]
            assert torch.equal(gen.cache.k[layer][:, :, :sink_tokens], old_sink[layer][0])
        assert (got_k - ref_k).abs().max().item() < 1e-5, (switch, layer)
        assert (got_v - ref_v).abs().max().item() < 1e-5, (switch, layer)


def _one_step_generator(chunks: int) -> CausalWanGenerator:
    """LongLive layout, one denoising step, ``chunks`` chunks made under prompt 1."""
    torch.manual_seed(0)
    gen = CausalWanGenerator(tiny_components(rope_max_seq_len=64).transformer, latent_size=LATENT,
                             timesteps=(1000.0,), seed=2)
    gen.set_prompt(_embeds(1))
    for _ in range(chunks):
        gen.generate_chunk()
    return gen


def test_recache_is_not_the_old_chunk_by_chunk_recompute():
    """The single pass differs from re-encoding block by block (each block seeing only earlier ones)."""
    with torch.no_grad():
        gen = _one_step_generator(3)
        state = gen.state()
        gen.recache(_embeds(2))
        one_pass = gen.cache.v[1][:, :, : 9 * TPF].clone()
        gen.load_state(state)
        gen.set_prompt(_embeds(2))
        records = list(gen.prefix_records) + [gen.ring_records[s] for s in gen.cache.ring_order()]
        gen.cache.reset()
        for r in records:  # block-causal recompute, the old behaviour
            gen.cache.begin_block(r.latents.shape[2])
            gen._forward(r.latents, 0.0, r.frame)
            gen.cache.end_block()
        causal = gen.cache.v[1][:, :, : 9 * TPF]
    assert (one_pass[:, :, : 3 * TPF] - causal[:, :, : 3 * TPF]).abs().max() > 1e-4  # the sink saw later frames


def test_after_a_cut_the_sink_is_kept_and_the_next_chunk_follows_the_window():
    with torch.no_grad():
        gen = _one_step_generator(2)
        gen.reset_window()  # a hard cut forgets the window: the prefix no longer joins the span
        gen.generate_chunk()
        sink_k = gen.cache.k[0][:, :, : SINK * TPF].clone()
        assert gen.recache(_embeds(2)) == 1
        assert torch.equal(gen.cache.k[0][:, :, : SINK * TPF], sink_k)
        assert gen.cache.ring_filled == 1 and gen.cache.ring_next == 1
        gen.generate_chunk()
        assert gen.cache.ring_order() == [0, 1]


def test_window_dropped_survives_snapshots():
    with torch.no_grad():
        gen = _one_step_generator(5)
        assert gen.window_dropped
        state = gen.state()
        del state["window_dropped"]  # a snapshot saved by an older version: inferred from what is held
        gen.load_state(state)
        assert gen.window_dropped
