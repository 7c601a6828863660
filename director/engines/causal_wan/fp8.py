"""FP8 linear layers for the transformer blocks: row-wise W8A8 in ``float8_e4m3fn``.

Each ``nn.Linear`` in the blocks becomes ``Fp8Linear``: its weight is stored once in FP8 with one scale
per output row (``amax / 448``); at every call the input is quantised with one scale per token, and
``torch._scaled_mm`` multiplies the two FP8 matrices on the tensor cores and applies both scales
(Hopper/Ada: about twice the bf16 matmul rate). This is the recipe LongLive 2 ships (torchao row-wise
``Float8DynamicActivationFloat8WeightConfig``) and Self-Forcing offers per tensor; LongLive reports
20.7 -> 24.8 fps with it. It changes the maths: e4m3 keeps 3 mantissa bits, so each product is off by
up to ~6 % and a layer's output by ~2-3 % (``tests/engines/causal_wan/test_causal_wan_fp8.py`` bounds it), which can cost
picture quality. Off by default (``fp8=True`` turns it on): on an H100 with the blocks compiled it gave no
measurable gain over bf16 for this model (benchmarks/README.md, runs 4-5), so it is there to measure with.

Layers whose sizes are not multiples of 16 (FP8 tensor-core tiles) stay in their own precision.
"""

from __future__ import annotations

import torch
from torch import nn

from director.engines.protocol import EngineError

FP8 = torch.float8_e4m3fn
FP8_MAX = float(torch.finfo(FP8).max)  # 448
_TILE = 16


def _quantize_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """[M, K] -> (FP8 [M, K], fp32 scales [M, 1]) with x ~= q * scale."""
    scale = x.abs().amax(dim=1, keepdim=True).float().clamp_(min=1e-12) / FP8_MAX
    q = (x.float() / scale).clamp_(-FP8_MAX, FP8_MAX).to(FP8)
    return q, scale


class Fp8Linear(nn.Module):
    """``nn.Linear`` with an FP8 weight (row scales) and per-token FP8 activations."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        q, scale = _quantize_rows(linear.weight.detach())
        # kept as integer views so that ``module.to(dtype)`` (which casts every float tensor, FP8 and the
        # fp32 scales too) moves them between devices but never changes their bits
        self.register_buffer("weight_bytes", q.view(torch.uint8))  # [N, K] e4m3
        self.register_buffer("scale_bits", scale.t().contiguous().view(torch.int32))  # [1, N] fp32
        self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach().clone(), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        xq, x_scale = _quantize_rows(x.reshape(-1, self.in_features))
        y = torch._scaled_mm(xq, self.weight_bytes.view(FP8).t(), scale_a=x_scale,
                             scale_b=self.scale_bits.view(torch.float32), out_dtype=x.dtype)
        if self.bias is not None:
            y = y + self.bias.to(x.dtype)
        return y.reshape(*shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, fp8=e4m3 row-wise"


def check_fp8_device(device: torch.device) -> None:
    """Raise ``EngineError`` where FP8 matmuls cannot run (CUDA before compute capability 8.9)."""
    if device.type == "cuda":
        major, minor = torch.cuda.get_device_capability(device)
        if (major, minor) < (8, 9):
            name = torch.cuda.get_device_name(device)
            raise EngineError(f"fp8=True needs an Ada or Hopper GPU (compute capability 8.9+); {name} is "
                              f"{major}.{minor}: leave fp8 off")


def quantize_blocks(transformer: nn.Module) -> int:
    """Swap every eligible ``nn.Linear`` inside ``transformer.blocks`` for ``Fp8Linear`` (idempotent).
    Returns how many were swapped now."""
    swapped = 0
    for block in transformer.blocks:
        for parent in list(block.modules()):
            for name, child in list(parent.named_children()):
                if (type(child) is nn.Linear and child.in_features % _TILE == 0
                        and child.out_features % _TILE == 0):
                    setattr(parent, name, Fp8Linear(child))
                    swapped += 1
    return swapped
