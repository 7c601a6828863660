"""FP8 linear layers (row-wise W8A8): the arithmetic, the swap inside the transformer blocks, and the
engine running with them. On the CPU ``torch._scaled_mm`` computes the same FP8 products the GPU does."""

from __future__ import annotations

import pytest
import torch
from torch import nn

pytest.importorskip("diffusers")

from director.plan.assets import Assets  # noqa: E402
from director.engines.protocol import RenderSettings  # noqa: E402
from director.engines.causal_wan.engine import CausalWanEngine  # noqa: E402
from director.engines.causal_wan.config import CausalWanConfig  # noqa: E402
from director.engines.causal_wan.fp8 import FP8, Fp8Linear, quantize_blocks  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402
from tests.engines.causal_wan.test_causal_wan_engine import FPS, H, W, requests, world  # noqa: E402


def test_fp8_linear_is_the_scaled_fp8_product():
    torch.manual_seed(0)
    lin = nn.Linear(64, 48)
    x = torch.randn(5, 7, 64) * 3
    fp8 = Fp8Linear(lin)
    y = fp8(x)
    assert y.shape == (5, 7, 48) and y.dtype == torch.float32
    # the same thing written out: per-row scales, values rounded to e4m3, fp32 products
    w_scale = lin.weight.abs().amax(1, keepdim=True) / 448
    wq = (lin.weight / w_scale).to(FP8).float() * w_scale
    xr = x.reshape(-1, 64)
    x_scale = xr.abs().amax(1, keepdim=True) / 448
    xq = (xr / x_scale).to(FP8).float() * x_scale
    expected = (xq @ wq.t() + lin.bias).reshape(5, 7, 48)
    assert torch.allclose(y, expected, rtol=1e-5, atol=1e-5)
    # and close to the full-precision layer: e4m3 keeps 3 mantissa bits
    exact = lin(x)
    rel = ((y - exact).norm() / exact.norm()).item()
    assert 0 < rel < 0.05


def test_quantize_blocks_swaps_eligible_linears_once():
    comps = tiny_components(head_dim=16)
    tr = comps.transformer
    n_linear = sum(type(m) is nn.Linear for b in tr.blocks for m in b.modules())
    swapped = quantize_blocks(tr)
    assert swapped == n_linear == 2 * 10  # attn1 q/k/v/out, attn2 q/k/v/out, ffn in/out per block
    assert quantize_blocks(tr) == 0
    assert all(type(m) is not nn.Linear for b in tr.blocks for m in b.modules())
    assert isinstance(tr.proj_out, nn.Linear)  # outside the blocks: untouched
    # moving the model to another dtype must not cast the stored FP8 weights
    q = tr.blocks[0].attn1.to_q
    before = {k: v.clone() for k, v in q.state_dict().items()}
    x = torch.randn(3, 32)
    y = q(x)
    tr.to(torch.bfloat16).to(torch.float32)
    after = q.state_dict()
    assert all(torch.equal(after[k], v) for k, v in before.items() if k != "bias")
    assert torch.equal(q(x), y) or torch.allclose(q(x), y, atol=1e-2)  # only the bias went through bf16
    # a model whose sizes are not multiples of 16 keeps its layers
    assert quantize_blocks(tiny_components().transformer) == 0


def test_engine_with_fp8_stays_close_to_full_precision():
    """The denoised latents of two chunks (taken on their way to the decoder): FP8 moves them by well
    under 5 %, where another seed moves them by more than 100 %."""

    def run(fp8: bool, seed: int = 2):
        comps = tiny_components(head_dim=16, seed=4)
        eng = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0, 625.0), sound="silence",
                                              fp8=fp8), components=comps)
        eng.open(RenderSettings(W, H, FPS, seed=seed), world(0.0), Assets())
        seen, decode = [], eng._decoder.decode
        eng._decoder.decode = lambda z: (seen.append(z.clone()), decode(z))[1]
        chunks = [eng.render(r) for r in requests(eng, world, 2)]
        assert all(c.frames.shape == (18, H, W, 3) for c in chunks)
        swapped = sum(isinstance(m, Fp8Linear) for m in comps.transformer.modules())
        eng.close()
        return torch.cat(seen, 2), swapped

    exact, none = run(False)
    quant, swapped = run(True)
    other, _ = run(False, seed=3)
    assert none == 0 and swapped == 20

    def rel(a, b):
        return ((a - b).norm() / b.norm()).item()

    assert 0 < rel(quant, exact) < 0.05
    assert rel(other, exact) > 0.5
