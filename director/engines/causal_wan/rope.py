"""RoPE with a frame offset.

diffusers' ``WanRotaryPosEmbed`` always numbers frames from 0 for the input it sees. A chunk that starts
at latent frame 42 must use rows 42.. of the temporal table (H and W rows still start at 0), so the
engine swaps the transformer's ``rope`` module for this subclass and sets ``frame_offset`` before each
call. Cached keys are stored *after* RoPE, so moving cached keys to new positions is one more rotation
(``rotate_frames``); the engine uses it to keep frame indices inside the table on long runs.
"""

from __future__ import annotations

import torch
from diffusers.models.transformers.transformer_wan import WanRotaryPosEmbed

from director.engines.protocol import EngineError


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate interleaved channel pairs of ``x`` [..., D] (the layout diffusers' Wan processor uses)."""
    x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
    cos = cos[..., 0::2]
    sin = sin[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x1 * sin + x2 * cos
    return out.type_as(x)


class OffsetRotaryPosEmbed(WanRotaryPosEmbed):
    """``WanRotaryPosEmbed`` whose temporal rows start at ``frame_offset``."""

    frame_offset: int = 0

    @classmethod
    def replacing(cls, rope: WanRotaryPosEmbed) -> OffsetRotaryPosEmbed:
        new = cls(rope.attention_head_dim, rope.patch_size, rope.max_seq_len)
        return new.to(rope.freqs_cos.device)

    def forward(self, hidden_states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _, _, num_frames, height, width = hidden_states.shape
        p_t, p_h, p_w = self.patch_size
        ppf, pph, ppw = num_frames // p_t, height // p_h, width // p_w
        f0 = self.frame_offset
        if f0 < 0 or f0 + ppf > self.max_seq_len or max(pph, ppw) > self.max_seq_len:
            raise EngineError(
                f"RoPE rows {f0}..{f0 + ppf} (x {pph}, {ppw}) exceed the table of {self.max_seq_len} positions"
            )
        split = [self.t_dim, self.h_dim, self.w_dim]
        out = []
        for table in (self.freqs_cos, self.freqs_sin):
            t, h, w = table.split(split, dim=1)
            f = t[f0 : f0 + ppf].view(ppf, 1, 1, -1).expand(ppf, pph, ppw, -1)
            hh = h[:pph].view(1, pph, 1, -1).expand(ppf, pph, ppw, -1)
            ww = w[:ppw].view(1, 1, ppw, -1).expand(ppf, pph, ppw, -1)
            # float32: the float64 tables would make every rotation a float64 op on the GPU
            out.append(torch.cat([f, hh, ww], dim=-1).reshape(1, ppf * pph * ppw, 1, -1).float())
        return out[0], out[1]

    def frame_shift(self, delta: int) -> tuple[torch.Tensor, torch.Tensor]:
        """cos/sin [D] that move an already-rotated key by ``delta`` frames (delta may be negative)."""
        if abs(delta) >= self.max_seq_len:
            raise EngineError(f"cannot shift RoPE by {delta} frames (table has {self.max_seq_len})")
        row = abs(delta)
        cos, sin = self.freqs_cos[row].float().clone(), self.freqs_sin[row].float().clone()
        if delta < 0:
            sin = -sin
        cos[self.t_dim :] = 1.0
        sin[self.t_dim :] = 0.0
        return cos, sin


def install_offset_rope(transformer: torch.nn.Module) -> OffsetRotaryPosEmbed:
    """Swap ``transformer.rope`` for an ``OffsetRotaryPosEmbed`` (idempotent) and return it."""
    if not isinstance(transformer.rope, OffsetRotaryPosEmbed):
        transformer.rope = OffsetRotaryPosEmbed.replacing(transformer.rope)
    return transformer.rope
