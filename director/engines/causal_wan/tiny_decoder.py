"""A tiny streaming decoder for Wan2.1 latents: the TAEHV architecture (``taew2_1.pth``).

The full Wan VAE decoder is the dearest part of a chunk at 1280x720 (~0.5 s per 12 frames on an H100:
3D convolutions at full resolution). TAEHV ("tiny autoencoder for Hunyuan Video", madebyollin/taehv;
its ``taew2_1.pth`` weights decode Wan2.1's normalised latents) replaces it with 2D convolutions of 256,
128 and 64 channels, three times upsampled in space and twice in time; Self-Forcing offers it as its
fast-preview decoder. It trades some picture quality for speed (their README says so).

Layout, kept index for index so the released state dict loads as it is (keys ``decoder.N....``):

    0 clamp (tanh(x/3)*3)  1 conv 16->256  2 ReLU
    3-5 memory blocks 256   6 upsample x2   7 time-grow x1 (1x1 conv)  8 conv 256->128
    9-11 memory blocks 128  12 upsample x2  13 time-grow x2            14 conv 128->64
    15-17 memory blocks 64  18 upsample x2  19 time-grow x2            20 conv 64->64
    21 ReLU                 22 conv 64->3

A memory block sees its own input at the previous frame (zeros before the first), so the decoder is
causal: decoding a video chunk by chunk, keeping each block's last input frame, gives exactly the frames
decoding it at once would give. Each latent gives 4 frames; the stream's first 3 are dropped, so the
first latent gives 1 frame and later ones 4, as with the Wan VAE. Output in [0, 1], returned in [-1, 1].
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from director.engines.protocol import EngineError
from director.engines.causal_wan.kv_cache import snapshot_copy

LATENT_CHANNELS = 16
WIDTHS = (256, 128, 64, 64)
TIME_GROWTH = (1, 2, 2)  # per stage; 4 frames per latent
FRAMES_TO_TRIM = 3  # the stream's first decoded frames that precede the first latent's one frame


def _conv(n_in: int, n_out: int, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, padding=1, bias=bias)


class _SoftClamp(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x / 3) * 3


class MemoryBlock(nn.Module):
    """relu(convs(cat[x, x at the previous frame]) + x)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(_conv(2 * n, n), nn.ReLU(), _conv(n, n), nn.ReLU(), _conv(n, n))

    def forward(self, x: torch.Tensor, past: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv(torch.cat([x, past], 1)) + x)


class TimeGrow(nn.Module):
    """A 1x1 convolution to ``stride`` x channels, read as ``stride`` frames per input frame."""

    def __init__(self, n: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.conv = nn.Conv2d(n, n * stride, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, c, h, w = x.shape
        return self.conv(x).reshape(-1, c, h, w)  # [B*T, s*C] -> [B*T*s, C]: frames in order


class TinyWanDecoder(nn.Module):
    """The TAEHV decoder for 16-channel Wan2.1 latents (random weights until ``load`` or ``from_file``)."""

    def __init__(self) -> None:
        super().__init__()
        a, b, c, d = WIDTHS
        layers: list[nn.Module] = [_SoftClamp(), _conv(LATENT_CHANNELS, a), nn.ReLU()]
        for n_in, n_out, grow in ((a, b, TIME_GROWTH[0]), (b, c, TIME_GROWTH[1]), (c, d, TIME_GROWTH[2])):
            layers += [MemoryBlock(n_in), MemoryBlock(n_in), MemoryBlock(n_in), nn.Upsample(scale_factor=2),
                       TimeGrow(n_in, grow), _conv(n_in, n_out, bias=False)]
        layers += [nn.ReLU(), _conv(d, 3)]
        self.decoder = nn.Sequential(*layers)

    def load(self, state_dict: dict[str, torch.Tensor], source: str = "tiny decoder") -> None:
        """Load the ``decoder.*`` entries of a TAEHV state dict (encoder entries are ignored). Older files
        whose first time-grow layer makes 2 frames are cut to their last frame's channels, as TAEHV does."""
        sd = {k: v for k, v in state_dict.items() if k.startswith("decoder.")}
        if not sd:
            raise EngineError(f"{source}: no 'decoder.*' weights in it (is it a TAEHV file such as taew2_1.pth?)")
        own = self.state_dict()
        for i, layer in enumerate(self.decoder):
            key = f"decoder.{i}.conv.weight"
            if isinstance(layer, TimeGrow) and key in sd and sd[key].shape[0] > own[key].shape[0]:
                sd[key] = sd[key][-own[key].shape[0] :]
        missing = sorted(set(own) - set(sd))
        unexpected = sorted(set(sd) - set(own))
        wrong = sorted(k for k in set(own) & set(sd) if tuple(own[k].shape) != tuple(sd[k].shape))
        if missing or unexpected or wrong:
            detail = "; ".join(
                f"{name} {keys[:4]}{' ...' if len(keys) > 4 else ''}"
                for name, keys in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
                if keys
            )
            raise EngineError(f"{source}: not a Wan2.1 TAEHV decoder (16 latent channels): {detail}")
        self.load_state_dict(sd)

    @classmethod
    def from_file(cls, path: str | Path) -> TinyWanDecoder:
        """Weights from a local ``taew2_1.pth`` (github.com/madebyollin/taehv); nothing is downloaded."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise EngineError(f"tiny decoder weights not found: {p} (download taew2_1.pth from "
                              "github.com/madebyollin/taehv and give its path as tiny_decoder=)")
        try:
            sd = torch.load(p, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear error
            raise EngineError(f"cannot read tiny decoder weights {p}: {exc}") from exc
        if not isinstance(sd, dict):
            raise EngineError(f"{p}: expected a state dict, got {type(sd).__name__}")
        model = cls()
        model.load(sd, source=str(p))
        return model


class StreamingTinyDecoder:
    """Decode latent chunks in order with ``TinyWanDecoder``; same interface as ``StreamingVaeDecoder``.

    Within a chunk all frames go through each layer at once; each memory block's last input frame is
    kept for the next chunk. ``compile`` compiles the decoder (CUDA only)."""

    def __init__(self, model: TinyWanDecoder, compile: bool = False) -> None:
        self.model = model
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype
        self.cuda = self.device.type == "cuda"
        if self.cuda:
            model.to(memory_format=torch.channels_last)
        self._layers = list(model.decoder)
        self._run = torch.compile(self._forward) if compile and self.cuda else self._forward
        self.reset()

    def reset(self) -> None:
        self.memory: list[torch.Tensor | None] = [None] * len(self._layers)
        self.emitted = 0  # frames the stream has produced, trimmed ones included
        self.started = False

    def state(self, on_device: bool = False) -> dict:
        copy = snapshot_copy(on_device)
        return {"memory": [None if m is None else copy(m) for m in self.memory], "emitted": self.emitted,
                "started": self.started}

    def load_state(self, state: dict) -> None:
        self.memory = [None if m is None else m.to(self.device, copy=True) for m in state["memory"]]
        self.emitted = state["emitted"]
        self.started = state["started"]

    def _forward(self, x: torch.Tensor, memory: list, b: int) -> tuple[torch.Tensor, list]:
        """x: [B*T, 16, h, w] (videos of ``b`` frames each, in order) -> [B*4T, 3, 8h, 8w]."""
        new_memory = list(memory)
        for i, layer in enumerate(self._layers):
            if isinstance(layer, MemoryBlock):
                frames = x.reshape(b, -1, *x.shape[1:])  # [B, T, C, H, W]
                prev = memory[i] if memory[i] is not None else torch.zeros_like(frames[:, 0])
                past = torch.cat([prev[:, None], frames[:, :-1]], 1).reshape(x.shape)
                new_memory[i] = frames[:, -1].clone()  # not a view: it would pin the whole chunk
                x = layer(x, past)
            else:
                x = layer(x)
        return x, new_memory

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Normalised latents [B, 16, F, h, w] -> pixels [B, 3, F', 8h, 8w] in [-1, 1] (float32)."""
        if latents.shape[1] != LATENT_CHANNELS:
            raise EngineError(f"tiny decoder takes {LATENT_CHANNELS}-channel latents, got {latents.shape[1]}")
        b, _, t, h, w = latents.shape
        x = latents.to(self.dtype).permute(0, 2, 1, 3, 4).reshape(b * t, LATENT_CHANNELS, h, w)
        if self.cuda:
            x = x.contiguous(memory_format=torch.channels_last)
        y, self.memory = self._run(x, self.memory, b)
        frames = y.reshape(b, -1, *y.shape[1:]).permute(0, 2, 1, 3, 4)  # [B, 3, 4T, H, W]
        trim = max(0, FRAMES_TO_TRIM - self.emitted)
        self.emitted += frames.shape[2]
        self.started = True
        out = frames[:, :, trim:].to(torch.float32, memory_format=torch.contiguous_format)
        return out.clamp_(0.0, 1.0).mul_(2.0).sub_(1.0)
