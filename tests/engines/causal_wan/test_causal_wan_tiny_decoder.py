"""The tiny (TAEHV-architecture) streaming decoder: causal streaming equals a frame-by-frame reference,
chunking does not change the frames, state dicts in the released layout load, snapshots restore."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from director.engines.protocol import EngineError
from director.engines.causal_wan.tiny_decoder import (
    MemoryBlock,
    StreamingTinyDecoder,
    TimeGrow,
    TinyWanDecoder,
)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    m = TinyWanDecoder().eval()
    with torch.no_grad():  # larger weights than the default init so that every layer matters
        for p in m.parameters():
            p.mul_(1.5)
        m.decoder[22].bias.fill_(0.5)  # mid-grey on average, so the [0, 1] clamp keeps the detail
    return m


def latents(n: int, seed: int = 1) -> torch.Tensor:
    return torch.randn(1, 16, n, 4, 6, generator=torch.Generator().manual_seed(seed))


def reference_decode(model: TinyWanDecoder, z: torch.Tensor) -> torch.Tensor:
    """The causal definition, one frame at a time: each memory block mixes its input with its own input
    at the previous frame (zeros first); time-grow layers split one frame into several; the stream's
    first 3 frames are dropped. [1, 16, T, h, w] -> [1, 3, 4T - 3, 8h, 8w] in [-1, 1]."""
    layers = list(model.decoder)
    memory: dict[int, torch.Tensor] = {}
    out = []

    def run(x: torch.Tensor, start: int) -> None:
        for i in range(start, len(layers)):
            layer = layers[i]
            if isinstance(layer, MemoryBlock):
                past = memory.get(i, torch.zeros_like(x))
                memory[i] = x
                x = layer(x, past)
            elif isinstance(layer, TimeGrow):
                for frame in layer(x).split(1, 0):
                    run(frame, i + 1)
                return
            else:
                x = layer(x)
        out.append(x)

    for t in range(z.shape[2]):
        run(z[:, :, t], 0)
    frames = torch.stack(out, 2)[:, :, 3:]
    return frames.clamp(0, 1) * 2 - 1


@torch.no_grad()
def test_streaming_equals_the_frame_by_frame_definition(model):
    z = latents(4)
    ref = reference_decode(model, z)
    dec = StreamingTinyDecoder(model)
    got = dec.decode(z)
    assert got.shape == (1, 3, 13, 32, 48) and got.dtype == torch.float32
    assert (got - ref).abs().max().item() < 1e-5
    assert got.std() > 0.05  # not a constant picture


@torch.no_grad()
def test_chunk_by_chunk_equals_all_at_once(model):
    z = latents(7)
    whole = StreamingTinyDecoder(model).decode(z)
    dec = StreamingTinyDecoder(model)
    parts = [dec.decode(z[:, :, a:b]) for a, b in ((0, 1), (1, 4), (4, 7))]
    assert [p.shape[2] for p in parts] == [1, 12, 12]  # first latent: 1 frame, then 4 per latent
    assert (torch.cat(parts, 2) - whole).abs().max().item() < 1e-5


@torch.no_grad()
def test_snapshot_restore_reproduces_the_next_chunk(model):
    z = latents(7, seed=5)
    dec = StreamingTinyDecoder(model)
    dec.decode(z[:, :, :1])
    state = dec.state()
    a = dec.decode(z[:, :, 1:4])
    dec.decode(z[:, :, 4:7])
    dec.load_state(state)
    assert torch.equal(dec.decode(z[:, :, 1:4]), a)
    dec.load_state(state)  # a snapshot restores again (no aliasing)
    assert torch.equal(dec.decode(z[:, :, 1:4]), a)
    fresh = StreamingTinyDecoder(model)
    assert not torch.equal(fresh.decode(z[:, :, 1:4])[:, :, -4:], a[:, :, -4:])  # the memory matters


def _released_layout(model: TinyWanDecoder) -> dict[str, torch.Tensor]:
    """A state dict as taew2_1.pth holds it: encoder entries too, and (older files) a first time-grow
    layer that makes 2 frames, whose last frame's channels are the ones used."""
    sd = {f"encoder.{k}": torch.randn(3) for k in ("0.weight", "0.bias")}
    sd.update({k: v.clone() for k, v in model.state_dict().items()})
    sd["decoder.7.conv.weight"] = torch.cat([torch.randn_like(sd["decoder.7.conv.weight"]),
                                             sd["decoder.7.conv.weight"]])
    return sd


def test_loads_the_released_layout_from_a_file(tmp_path, model):
    path = tmp_path / "taew2_1.pth"
    torch.save(_released_layout(model), path)
    loaded = TinyWanDecoder.from_file(path)
    for k, v in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v), k
    z = latents(2)
    with torch.no_grad():
        assert torch.equal(StreamingTinyDecoder(loaded).decode(z), StreamingTinyDecoder(model).decode(z))


def test_bad_weights_get_clear_errors(tmp_path, model):
    with pytest.raises(EngineError, match="not found.*taew2_1.pth"):
        TinyWanDecoder.from_file(tmp_path / "missing.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(EngineError, match="cannot read"):
        TinyWanDecoder.from_file(tmp_path / "junk.pth")
    sd = dict(model.state_dict())
    del sd["decoder.22.bias"]
    with pytest.raises(EngineError, match=r"missing \['decoder.22.bias'\]"):
        TinyWanDecoder().load(sd)
    sd = dict(model.state_dict())
    sd["decoder.1.weight"] = torch.zeros(256, 48, 3, 3)  # a 48-channel (Wan2.2) latent
    with pytest.raises(EngineError, match="wrong shape"):
        TinyWanDecoder().load(sd)
    with pytest.raises(EngineError, match="no 'decoder"):
        TinyWanDecoder().load({"encoder.0.weight": torch.zeros(1)})
    with pytest.raises(EngineError, match="16-channel"):
        StreamingTinyDecoder(model).decode(torch.zeros(1, 48, 1, 4, 6))


def test_time_grow_orders_frames():
    grow = TimeGrow(2, 2)
    with torch.no_grad():
        grow.conv.weight.copy_(torch.eye(4).view(4, 4, 1, 1)[:, :2].contiguous())  # out = [x, 0]
    x = torch.arange(2 * 2 * 1 * 1.0).view(2, 2, 1, 1)  # two frames
    y = grow(x)
    assert y.shape == (4, 2, 1, 1)
    assert torch.equal(y[0], x[0]) and torch.equal(y[2], x[1])  # each input frame first, then its new one
    assert F.relu(y[1]).sum() == 0 and y[3].abs().sum() == 0
