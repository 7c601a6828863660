"""Attention processors plugged into diffusers' ``WanAttention`` via ``set_attn_processor``.

``CachedSelfAttnProcessor`` (attn1 of each block) writes the block's rotated K/V into the ``KVCache``
and attends over the cached prefix + window. ``MaskedSelfAttnProcessor`` is the training-style
reference: one pass over a whole sequence with a block-causal (optionally windowed) mask — the tests
check that the cached, chunk-by-chunk path equals it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from director.engines.causal_wan.kv_cache import KVCache
from director.engines.causal_wan.rope import apply_rotary

# SDPA kernels by option name; "auto" leaves the choice to PyTorch. All compute the same softmax
# attention (no mask); they differ in speed and rounding only. benchmarks/neural_gpu.py times each at
# the engine's real shapes (benchmarks/README.md, "Neural engine (GPU)").
SDPA_BACKENDS = {
    "auto": None,
    "cudnn": "CUDNN_ATTENTION",
    "flash": "FLASH_ATTENTION",
    "efficient": "EFFICIENT_ATTENTION",
    "math": "MATH",
}


def sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, backend: str = "auto") -> torch.Tensor:
    """``F.scaled_dot_product_attention`` with the named kernel preferred (PyTorch's own order after it,
    so a shape the kernel does not support still runs)."""
    name = SDPA_BACKENDS[backend]
    if name is None or q.device.type != "cuda":
        return F.scaled_dot_product_attention(q, k, v)
    from torch.nn.attention import SDPBackend, sdpa_kernel

    first = getattr(SDPBackend, name)
    order = [first] + [b for b in (SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION,
                                   SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH) if b != first]
    with sdpa_kernel(order, set_priority=True):
        return F.scaled_dot_product_attention(q, k, v)


def _qkv(attn, hidden_states: torch.Tensor, rotary_emb) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Projected, normed, rotated q/k/v as [B, heads, tokens, head_dim]."""
    if getattr(attn, "fused_projections", False):
        q, k, v = attn.to_qkv(hidden_states).chunk(3, dim=-1)
    else:
        q, k, v = attn.to_q(hidden_states), attn.to_k(hidden_states), attn.to_v(hidden_states)
    q = attn.norm_q(q).unflatten(2, (attn.heads, -1))
    k = attn.norm_k(k).unflatten(2, (attn.heads, -1))
    v = v.unflatten(2, (attn.heads, -1))
    if rotary_emb is not None:
        q = apply_rotary(q, *rotary_emb)
        k = apply_rotary(k, *rotary_emb)
    return q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)


def _out(attn, o: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    o = o.transpose(1, 2).flatten(2, 3).type_as(like)
    return attn.to_out[1](attn.to_out[0](o))


class CachedSelfAttnProcessor:
    """Self-attention of block ``layer`` against the ``KVCache`` (queries: the current block only).

    Under ``torch.compile`` the projections, norms, rotation and output projection (fixed shapes) compile
    with the block; only the cache write and the attention over it (``_attend``) stay eager, since the
    cache slot and the number of keys attended change from chunk to chunk and would recompile the block.
    (When the whole processor was left eager, FP8 layers paid their activation quantisation unfused.)"""

    def __init__(self, cache: KVCache, layer: int, backend: str = "auto") -> None:
        self.cache = cache
        self.layer = layer
        self.backend = backend

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        q, k, v = _qkv(attn, hidden_states, rotary_emb)
        o = self._attend(q, k, v)
        return _out(attn, o, q)

    @torch.compiler.disable
    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        keys, values = self.cache.write(self.layer, k, v)
        return sdpa(q, keys, values, self.backend)


class MaskedSelfAttnProcessor:
    """Full-sequence self-attention under a boolean mask [tokens, tokens] (True = may attend)."""

    def __init__(self, mask: torch.Tensor) -> None:
        self.mask = mask

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        q, k, v = _qkv(attn, hidden_states, rotary_emb)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask.to(q.device))
        return _out(attn, o, q)


def block_causal_mask(
    block_frames: list[int], tokens_per_frame: int, ring_frames: int | None = None, prefix_frames: int = 0
) -> torch.Tensor:
    """Boolean [N, N] mask: a query in block b sees keys before the end of b; with a window only the
    last ``ring_frames`` frames up to that end plus the first ``prefix_frames`` frames (context + sink),
    which is what the ring cache keeps (NEURAL_NOTES §3, §4)."""
    ends = torch.tensor(block_frames).cumsum(0) * tokens_per_frame
    n = int(ends[-1])
    block_end = torch.repeat_interleave(ends, torch.tensor(block_frames) * tokens_per_frame)  # [N]
    key = torch.arange(n)
    mask = key[None, :] < block_end[:, None]
    if ring_frames is not None:
        lo = block_end - ring_frames * tokens_per_frame
        recent = key[None, :] >= lo[:, None]
        prefix = key[None, :] < prefix_frames * tokens_per_frame
        mask &= recent | prefix
    return mask


def set_self_attn_processors(transformer: torch.nn.Module, make) -> None:
    """Give every block's attn1 the processor ``make(layer)``; attn2 (cross) keeps its own.
    ``set_attn_processor`` pops from the dict it receives, so a fresh dict is built each time."""
    procs = {}
    for name, proc in transformer.attn_processors.items():
        if ".attn1." in name:
            layer = int(name.split(".")[1])
            procs[name] = make(layer)
        else:
            procs[name] = proc
    transformer.set_attn_processor(dict(procs))
