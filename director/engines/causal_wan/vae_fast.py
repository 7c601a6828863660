"""A faster Wan VAE decoder step with the same maths: memory layout and fewer full-size copies.

At 1280x720 the decoder's last stages hold [1, 96..192, 4, 720, 1280] activations (0.35-0.7 GB in
bf16). diffusers' modules make several full copies of them per convolution: ``WanRMS_norm`` upcasts to
fp32, normalises, casts back, scales, adds a zero bias (5 passes), SiLU is one more, and
``WanCausalConv3d`` copies the input again through ``F.pad`` for the spatial zero padding. Here, on
the decoder's own module instances (the encoder is untouched):

  1. conv weights go channels-last (cuDNN's fast layout for bf16 convolutions; activations follow);
  2. every RMS norm that is followed by SiLU (residual blocks, the head) becomes one fused function,
     compiled by ``torch.compile`` when asked (one kernel); the SiLU modules become identities;
  3. causal convolutions pad space inside the convolution (``padding=(0, ph, pw)``) and only
     concatenate the cached frames in time, so no padded copy is made.

Each step computes exactly what the original does (zero padding is zero padding; the norm keeps its fp32
normalise); on the CPU in eager mode the decoded frames are bit-identical (tests/engines/causal_wan/test_causal_wan_core.py).
"""

from __future__ import annotations

import logging
import types

import torch
import torch.nn.functional as F

log = logging.getLogger(__name__)

_MARK = "_director_fast_decoder"


def _rms_norm(x: torch.Tensor, gamma: torch.Tensor, bias, scale: float) -> torch.Tensor:
    """``WanRMS_norm``: fp32 normalise over channels for half types, then ``* scale * gamma + bias``, in
    the original order of operations."""
    half = x.dtype in (torch.float16, torch.bfloat16)
    y = F.normalize(x.float() if half else x, dim=1).to(x.dtype)
    return y * scale * gamma + bias


def _rms_norm_silu(x: torch.Tensor, gamma: torch.Tensor, bias, scale: float) -> torch.Tensor:
    """``_rms_norm`` then SiLU (a separate function so each compiles to one kernel of its own)."""
    half = x.dtype in (torch.float16, torch.bfloat16)
    y = F.normalize(x.float() if half else x, dim=1).to(x.dtype)
    return F.silu(y * scale * gamma + bias)


class _FusedNorm:
    """Calls ``fn`` compiled (dynamic shapes: one graph for every stage of the decoder), falling back to
    eager for good if compilation fails (logged once)."""

    def __init__(self, fn, compiled: bool) -> None:
        self.eager = fn
        self.fn = torch.compile(fn, dynamic=True) if compiled else fn
        self.compiled = compiled

    def __call__(self, x, gamma, bias, scale):
        if self.compiled:
            try:
                return self.fn(x, gamma, bias, scale)
            except Exception as exc:  # noqa: BLE001 - a compiler failure must not stop decoding
                log.warning("compiled VAE norm failed (%s); using eager", exc)
                self.fn, self.compiled = self.eager, False
        return self.fn(x, gamma, bias, scale)


def _norm_forward(fused: _FusedNorm):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fused(x, self.gamma, self.bias, self.scale)

    return forward


def _causal_conv_forward(self, x: torch.Tensor, cache_x: torch.Tensor | None = None) -> torch.Tensor:
    """``WanCausalConv3d.forward`` with the spatial zero padding done by the convolution itself."""
    pw, _, ph, _, pt, _ = self._padding
    if cache_x is not None and pt > 0:
        x = torch.cat([cache_x.to(x.device), x], dim=2)
        pt -= cache_x.shape[2]
    if pt > 0:
        x = F.pad(x, (0, 0, 0, 0, pt, 0))
    return F.conv3d(x, self.weight, self.bias, self.stride, (0, ph, pw), self.dilation, self.groups)


def _channels_last(module: torch.nn.Module) -> None:
    for p in module.parameters():
        if p.dim() == 5:
            p.data = p.data.contiguous(memory_format=torch.channels_last_3d)
        elif p.dim() == 4:
            p.data = p.data.contiguous(memory_format=torch.channels_last)


def speed_up_decoder(vae: torch.nn.Module, compile_norms: bool = False) -> bool:
    """Install the fast decoder step on ``vae.decoder`` (idempotent). ``compile_norms`` compiles the
    fused norm (CUDA only). Returns whether anything was installed now."""
    from diffusers.models.autoencoders.autoencoder_kl_wan import WanCausalConv3d, WanResidualBlock, WanRMS_norm

    dec = vae.decoder
    if getattr(dec, _MARK, False):
        return False
    device = next(dec.parameters()).device
    compiled = compile_norms and device.type == "cuda"
    fused = {True: _FusedNorm(_rms_norm_silu, compiled), False: _FusedNorm(_rms_norm, compiled)}
    # 1. layout (channels-last only pays on the GPU; on the CPU it would only reorder memory)
    if device.type == "cuda":
        _channels_last(dec)
        _channels_last(vae.post_quant_conv)
    # 2. fused norm + SiLU where a SiLU follows, plain fused norm elsewhere (the attention block)
    followed_by_silu = set()
    for m in dec.modules():
        if isinstance(m, WanResidualBlock) and isinstance(m.nonlinearity, torch.nn.SiLU):
            followed_by_silu |= {id(m.norm1), id(m.norm2)}
            m.nonlinearity = torch.nn.Identity()
    if isinstance(getattr(dec, "nonlinearity", None), torch.nn.SiLU):
        followed_by_silu.add(id(dec.norm_out))
        dec.nonlinearity = torch.nn.Identity()
    for m in dec.modules():
        if isinstance(m, WanRMS_norm) and m.channel_first:
            m.forward = types.MethodType(_norm_forward(fused[id(m) in followed_by_silu]), m)
        # 3. causal convolutions without the padded copy
        if isinstance(m, WanCausalConv3d) and m._padding[0] == m._padding[1] and m._padding[2] == m._padding[3]:
            m.forward = types.MethodType(_causal_conv_forward, m)
    setattr(dec, _MARK, True)
    return True


def channels_last_input(x: torch.Tensor) -> torch.Tensor:
    """The decoder's input in the layout its weights use (a no-op on the CPU)."""
    return x.contiguous(memory_format=torch.channels_last_3d) if x.is_cuda else x
