"""Streaming encode/decode with the causal Wan VAE, keeping its feature cache between chunks.

``AutoencoderKLWan._decode`` clears ``_feat_map`` on every call, so decoding chunk by chunk with it
would restart the causal convolutions at each chunk (seams, and a 1-frame "first chunk" every time).
These loops run the same decoder/encoder modules one latent (or 1 + 4k frames) at a time and keep
the cache, so decoding a video chunk by chunk gives the frames decoding it at once would give.

Latents are normalised as the Wan pipelines do: z = (mu - mean) / std.
"""

from __future__ import annotations

import torch

from director.engines.protocol import EngineError
from director.engines.causal_wan.kv_cache import snapshot_copy


def _clone_cache(cache: list, on_device: bool = False) -> list:
    copy = snapshot_copy(on_device)
    return [copy(c) if torch.is_tensor(c) else c for c in cache]


def _load_cache(cache: list, device: torch.device) -> list:
    return [c.to(device, copy=True) if torch.is_tensor(c) else c for c in cache]  # a snapshot may be restored again


class _VaeStream:
    def __init__(self, vae: torch.nn.Module) -> None:
        if getattr(vae.config, "patch_size", None) is not None:
            raise EngineError("patchified Wan VAEs (Wan2.2) are not supported by the streaming codec")
        self.vae = vae
        self.device = next(vae.parameters()).device
        self.dtype = next(vae.parameters()).dtype
        z = vae.config.z_dim
        self.mean = torch.tensor(vae.config.latents_mean, dtype=torch.float32, device=self.device).view(1, z, 1, 1, 1)
        self.std = torch.tensor(vae.config.latents_std, dtype=torch.float32, device=self.device).view(1, z, 1, 1, 1)
        self.cache: list = []
        self.started = False

    def _count(self, module: torch.nn.Module) -> int:
        from diffusers.models.autoencoders.autoencoder_kl_wan import WanCausalConv3d

        return sum(isinstance(m, WanCausalConv3d) for m in module.modules())

    def state(self, on_device: bool = False) -> dict:
        return {"cache": _clone_cache(self.cache, on_device), "started": self.started}

    def load_state(self, state: dict) -> None:
        self.cache = _load_cache(state["cache"], self.device)
        self.started = state["started"]


class StreamingVaeDecoder(_VaeStream):
    """Decode latent chunks in order. The stream's first latent gives 1 frame, every later one 4.

    ``fast`` installs ``vae_fast.speed_up_decoder`` on the VAE (same maths, fewer copies, channels-last
    on the GPU); ``compile`` also compiles its fused norms (CUDA only)."""

    def __init__(self, vae: torch.nn.Module, fast: bool = False, compile: bool = False) -> None:
        super().__init__(vae)
        self.fast = fast
        if fast:
            from director.engines.causal_wan.vae_fast import speed_up_decoder

            speed_up_decoder(vae, compile_norms=compile)

    def reset(self) -> None:
        self.cache = [None] * self._count(self.vae.decoder)
        self.started = False

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Normalised latents [B, z, F, h, w] -> pixels [B, 3, F', 8h, 8w] in [-1, 1] (float32)."""
        if not self.cache:
            self.reset()
        z = (latents.float() * self.std + self.mean).to(self.dtype)
        if self.fast:
            from director.engines.causal_wan.vae_fast import channels_last_input

            z = channels_last_input(z)
        x = self.vae.post_quant_conv(z)
        outs = []
        for i in range(x.shape[2]):
            idx = [0]
            outs.append(
                self.vae.decoder(x[:, :, i : i + 1], feat_cache=self.cache, feat_idx=idx, first_chunk=not self.started)
            )
            self.started = True
        # one fp32 copy of the chunk (clamped in place), in the usual contiguous layout for the callers
        return torch.cat(outs, dim=2).to(torch.float32, memory_format=torch.contiguous_format).clamp_(-1.0, 1.0)


class StreamingVaeEncoder(_VaeStream):
    """Encode pixel chunks in order: the stream's first call takes 1 + 4k frames, later calls 4k."""

    def reset(self) -> None:
        self.cache = [None] * self._count(self.vae.encoder)
        self.started = False

    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        """Pixels [B, 3, F, H, W] in [-1, 1] -> normalised latent means [B, z, F', H/8, W/8] (float32)."""
        if not self.cache:
            self.reset()
        n = frames.shape[2]
        groups: list[tuple[int, int]] = []
        i = 0
        if not self.started:
            groups.append((0, 1))
            i = 1
        if (n - i) % 4:
            raise EngineError(f"streaming encode needs {'1 + ' if not self.started else ''}4k frames, got {n}")
        groups += [(a, a + 4) for a in range(i, n, 4)]
        x = frames.to(self.dtype)
        outs = []
        for a, b in groups:
            idx = [0]
            outs.append(self.vae.encoder(x[:, :, a:b], feat_cache=self.cache, feat_idx=idx))
            self.started = True
        h = self.vae.quant_conv(torch.cat(outs, dim=2))
        mu = h[:, : self.vae.config.z_dim].float()
        return (mu - self.mean) / self.std


def encode_image(vae: torch.nn.Module, image: torch.Tensor) -> torch.Tensor:
    """One image [B, 3, H, W] in [-1, 1] -> normalised latent [B, z, 1, H/8, W/8] (a fresh stream)."""
    return StreamingVaeEncoder(vae).encode(image.unsqueeze(2))
