"""Self-attention K/V cache: a fixed prefix (reference image + sink frames) plus a ring of chunk slots.

Layout of every layer's ``k`` and ``v`` ([B, heads, tokens, head_dim], keys stored after RoPE)::

    | prefix: context + sink frames (kept all run) | ring slot 0 | ring slot 1 | ... | ring slot R-1 |

A block (the reference image, or one chunk) is written into the prefix while it has room, else into
the oldest ring slot. Softmax attention does not care about key order and positions live inside the
rotated keys, so the ring never moves data: a chunk's queries see ``k[:, :, :valid_end]``, i.e. the
prefix, the R-1 most recent chunks and the chunk itself (LongLive: sink 3 + window 12 frames). Every
pass of one chunk (the denoising steps and the clean context pass) rewrites the same slot, so only the
last write (the clean one) stays. Memory and time per chunk are therefore constant over any length.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from director.engines.protocol import EngineError


@dataclass(frozen=True)
class CacheLayout:
    tokens_per_frame: int  # latent h/2 * w/2 after patching
    chunk_frames: int  # latent frames per ring slot
    prefix_frames: int  # context (image) frames + sink frames, never evicted
    ring_chunks: int  # ring slots

    @property
    def prefix_tokens(self) -> int:
        return self.prefix_frames * self.tokens_per_frame

    @property
    def slot_tokens(self) -> int:
        return self.chunk_frames * self.tokens_per_frame

    @property
    def capacity(self) -> int:
        return self.prefix_tokens + self.ring_chunks * self.slot_tokens


@dataclass
class BlockWrite:
    """Where the block being computed writes, and how many tokens its queries see."""

    start: int
    end: int
    valid_end: int
    in_prefix: bool
    slot: int  # ring slot, or -1 for the prefix


class KVCache:
    def __init__(
        self,
        num_layers: int,
        batch: int,
        heads: int,
        head_dim: int,
        layout: CacheLayout,
        dtype: torch.dtype,
        device: torch.device | str,
    ) -> None:
        self.layout = layout
        shape = (batch, heads, layout.capacity, head_dim)
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(num_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(num_layers)]
        self.prefix_filled = 0  # frames
        self.ring_filled = 0  # slots holding a chunk
        self.ring_next = 0  # slot the next chunk overwrites (the oldest once the ring is full)
        self.current: BlockWrite | None = None  # set by begin_block, used by the attention processors
        self._span_chunks = 0  # chunks of the re-cache span being written (begin_span .. end_span)

    # -- block bookkeeping ----------------------------------------------------------------------
    def begin_block(self, num_frames: int) -> BlockWrite:
        """Choose the slot for a new block of ``num_frames`` latent frames; calls until ``end_block`` write there."""
        lay = self.layout
        t = lay.tokens_per_frame
        if self.prefix_filled + num_frames <= lay.prefix_frames:
            start = self.prefix_filled * t
            end = start + num_frames * t
            self.current = BlockWrite(start, end, end, True, -1)
        else:
            if self.prefix_filled < lay.prefix_frames:
                raise EngineError(
                    f"a block of {num_frames} frames does not fit the {lay.prefix_frames - self.prefix_filled} "
                    "free prefix frames (sink_frames must be a multiple of the chunk length)"
                )
            if num_frames != lay.chunk_frames:
                raise EngineError(f"ring blocks must have {lay.chunk_frames} frames, got {num_frames}")
            slot = self.ring_next
            start = lay.prefix_tokens + slot * lay.slot_tokens
            filled = max(self.ring_filled, slot + 1)
            self.current = BlockWrite(start, start + lay.slot_tokens, lay.prefix_tokens + filled * lay.slot_tokens,
                                      False, slot)
        return self.current

    def end_block(self) -> BlockWrite:
        """The block's clean K/V is in place: advance the pointers."""
        cur = self.current
        if cur is None:
            raise EngineError("end_block without begin_block")
        if cur.in_prefix:
            self.prefix_filled += (cur.end - cur.start) // self.layout.tokens_per_frame
        else:
            self.ring_filled = max(self.ring_filled, cur.slot + 1)
            self.ring_next = (cur.slot + 1) % self.layout.ring_chunks
        self.current = None
        return cur

    def begin_span(self, prefix_frames: int, ring_chunks: int) -> BlockWrite:
        """Open a multi-block write for a prompt re-cache: ``ring_chunks`` chunks into ring slots
        0, 1, ... (consecutive, oldest first), preceded by the first ``prefix_frames`` prefix frames when
        those are re-encoded too (0 keeps the prefix's K/V). The pass's queries see every key up to the
        span's end, the kept prefix included, with no mask (LongLive's KV-cache path applies none)."""
        lay = self.layout
        if ring_chunks > lay.ring_chunks or prefix_frames > self.prefix_filled:
            raise EngineError(f"a re-cache span of {prefix_frames} prefix frames + {ring_chunks} chunks does not fit "
                              f"the cache ({self.prefix_filled} prefix frames, {lay.ring_chunks} ring slots)")
        if prefix_frames and prefix_frames != self.prefix_filled:
            raise EngineError("a re-cache span that includes the prefix must include all of it")
        start = 0 if prefix_frames else lay.prefix_tokens
        end = lay.prefix_tokens + ring_chunks * lay.slot_tokens if ring_chunks else prefix_frames * lay.tokens_per_frame
        self.current = BlockWrite(start, end, end, prefix_frames > 0 and not ring_chunks, -1)
        self._span_chunks = ring_chunks
        return self.current

    def end_span(self) -> None:
        """The span's K/V is in place: its chunks fill ring slots 0.. and the oldest is evicted next."""
        if self.current is None:
            raise EngineError("end_span without begin_span")
        n = self._span_chunks
        self.ring_filled = n
        self.ring_next = n % self.layout.ring_chunks
        self.current = None

    def reset_ring(self) -> None:
        """Forget the sliding window (the prefix stays). Stale slots are never read again."""
        self.ring_filled = 0
        self.ring_next = 0
        self.current = None

    def reset(self) -> None:
        self.prefix_filled = 0
        self.reset_ring()

    def ring_order(self) -> list[int]:
        """Filled ring slots, oldest first."""
        r = self.layout.ring_chunks
        if self.ring_filled < r:
            return list(range(self.ring_filled))
        return [(self.ring_next + i) % r for i in range(r)]

    # -- used by the attention processor --------------------------------------------------------
    def write(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store ``k``, ``v`` [B, heads, tokens, head_dim] of the current block; return the keys/values to attend."""
        cur = self.current
        if cur is None:
            raise EngineError("the KV cache has no open block (call begin_block first)")
        if k.shape[2] != cur.end - cur.start:
            raise EngineError(f"block has {k.shape[2]} tokens, its cache slot {cur.end - cur.start}")
        self.k[layer][:, :, cur.start : cur.end] = k
        self.v[layer][:, :, cur.start : cur.end] = v
        return self.k[layer][:, :, : cur.valid_end], self.v[layer][:, :, : cur.valid_end]

    # -- maintenance ----------------------------------------------------------------------------
    def rotate_ring(self, cos: torch.Tensor, sin: torch.Tensor) -> None:
        """Apply a RoPE rotation (see ``rope.OffsetRotaryPosEmbed.frame_shift``) to every filled ring key."""
        from director.engines.causal_wan.rope import apply_rotary

        lay = self.layout
        a, b = lay.prefix_tokens, lay.prefix_tokens + self.ring_filled * lay.slot_tokens
        for k in self.k:
            k[:, :, a:b] = apply_rotary(k[:, :, a:b].float(), cos.float(), sin.float()).to(k.dtype)

    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.k + self.v)

    def state(self, on_device: bool = False) -> dict:
        """A copy of the filled part and the pointers (for snapshot): on the CPU, or beside the cache."""
        end = self.layout.prefix_tokens + self.ring_filled * self.layout.slot_tokens
        if self.ring_filled == 0:
            end = self.prefix_filled * self.layout.tokens_per_frame
        copy = snapshot_copy(on_device)
        return {
            "k": [copy(t[:, :, :end]) for t in self.k],
            "v": [copy(t[:, :, :end]) for t in self.v],
            "prefix_filled": self.prefix_filled,
            "ring_filled": self.ring_filled,
            "ring_next": self.ring_next,
        }

    def load_state(self, state: dict) -> None:
        if len(state["k"]) != len(self.k):
            raise EngineError("snapshot was taken with a different number of layers")
        for dst, src in zip(self.k + self.v, state["k"] + state["v"]):
            if src.shape[:2] != dst.shape[:2] or src.shape[3] != dst.shape[3] or src.shape[2] > dst.shape[2]:
                raise EngineError("snapshot KV cache does not match this engine's geometry")
            dst[:, :, : src.shape[2]] = src.to(dst.device, dst.dtype)
        self.prefix_filled = state["prefix_filled"]
        self.ring_filled = state["ring_filled"]
        self.ring_next = state["ring_next"]
        self.current = None


def snapshot_copy(on_device: bool):
    """How snapshots copy a tensor: a clone where it lives, or a copy to the CPU (pickles anywhere)."""
    if on_device:
        return lambda t: t.detach().clone()
    return lambda t: t.detach().to("cpu", copy=True)
