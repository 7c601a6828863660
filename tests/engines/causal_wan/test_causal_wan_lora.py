"""LongLive LoRA files (PEFT factors in the original Wan key layout) merged into the transformer."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("diffusers")

from director.plan.assets import Assets  # noqa: E402
from director.engines.protocol import EngineError, RenderSettings  # noqa: E402
from director.engines.causal_wan.engine import CausalWanEngine  # noqa: E402
from director.engines.causal_wan.config import CausalWanConfig  # noqa: E402
from director.engines.causal_wan.lora import merge_lora, read_lora  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402
from tests.engines.causal_wan.test_causal_wan_engine import FPS, H, W, world  # noqa: E402

# original Wan module -> diffusers module, for the layers LongLive's LoRA targets in block 0 and 1
TARGETS = {
    "blocks.0.self_attn.q": "blocks.0.attn1.to_q",
    "blocks.0.self_attn.o": "blocks.0.attn1.to_out.0",
    "blocks.1.cross_attn.k": "blocks.1.attn2.to_k",
    "blocks.1.ffn.0": "blocks.1.ffn.net.0.proj",
    "blocks.1.ffn.2": "blocks.1.ffn.net.2",
}


def lora_file(tmp_path, transformer, rank=4, wrap=True, adapter_name=False, seed=0):
    """A lora.pt as LongLive saves it, and the expected delta per diffusers layer (scale 1)."""
    g = torch.Generator().manual_seed(seed)
    modules = dict(transformer.named_modules())
    sd, deltas = {}, {}
    for original, name in TARGETS.items():
        layer = modules[name]
        a = torch.randn(rank, layer.in_features, generator=g)
        b = torch.randn(layer.out_features, rank, generator=g)
        mid = ".default" if adapter_name else ""
        sd[f"base_model.model.{original}.lora_A{mid}.weight"] = a
        sd[f"base_model.model.{original}.lora_B{mid}.weight"] = b
        deltas[name] = b @ a
    path = tmp_path / "lora.pt"
    torch.save({"generator_lora": sd} if wrap else sd, path)
    return path, deltas


@pytest.mark.parametrize("wrap, adapter_name", [(True, False), (False, True)])
def test_merge_adds_b_times_a(tmp_path, wrap, adapter_name):
    tr = tiny_components(seed=1).transformer
    before = {k: v.clone() for k, v in tr.state_dict().items()}
    path, deltas = lora_file(tmp_path, tr, wrap=wrap, adapter_name=adapter_name)
    assert set(read_lora(path)) == set(TARGETS.values())
    assert merge_lora(tr, path) == len(TARGETS)
    after = tr.state_dict()
    for name, delta in deltas.items():
        assert torch.allclose(after[f"{name}.weight"], before[f"{name}.weight"] + delta, atol=1e-5), name
    untouched = [k for k in before if k.rsplit(".", 1)[0] not in deltas]
    assert untouched and all(torch.equal(before[k], after[k]) for k in untouched)
    assert merge_lora(tr, path) == 0  # the same file twice is merged once


def test_alpha_scales_the_update(tmp_path):
    tr = tiny_components(seed=1).transformer
    before = tr.blocks[0].attn1.to_q.weight.clone()
    path, deltas = lora_file(tmp_path, tr, rank=4)
    merge_lora(tr, path, alpha=2.0)  # scale alpha / rank = 0.5
    assert torch.allclose(tr.blocks[0].attn1.to_q.weight, before + 0.5 * deltas["blocks.0.attn1.to_q"], atol=1e-5)


def test_the_engine_merges_its_lora_option(tmp_path):
    comps = tiny_components(seed=1)
    before = comps.transformer.blocks[1].ffn.net[2].weight.clone()
    path, deltas = lora_file(tmp_path, comps.transformer)
    eng = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0,), sound="silence", lora=str(path)),
                          components=comps)
    eng.open(RenderSettings(W, H, FPS), world(0.0), Assets())
    assert torch.allclose(comps.transformer.blocks[1].ffn.net[2].weight, before + deltas["blocks.1.ffn.net.2"],
                          atol=1e-5)


def test_bad_lora_files_say_what_is_wrong(tmp_path):
    tr = tiny_components().transformer
    with pytest.raises(EngineError, match="LoRA file not found"):
        merge_lora(tr, tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(EngineError, match="cannot read LoRA file"):
        merge_lora(tr, tmp_path / "junk.pt")
    torch.save({"generator": {"model.blocks.0.self_attn.q.weight": torch.zeros(1)}}, tmp_path / "base.pt")
    with pytest.raises(EngineError, match="no LoRA factors"):
        merge_lora(tr, tmp_path / "base.pt")
    torch.save({"base_model.model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(4, 24)}, tmp_path / "half.pt")
    with pytest.raises(EngineError, match="without their pair"):
        merge_lora(tr, tmp_path / "half.pt")
    torch.save({"base_model.model.blocks.9.self_attn.q.lora_A.weight": torch.zeros(4, 24),
                "base_model.model.blocks.9.self_attn.q.lora_B.weight": torch.zeros(24, 4),
                "base_model.model.blocks.0.self_attn.k.lora_A.weight": torch.zeros(4, 99),
                "base_model.model.blocks.0.self_attn.k.lora_B.weight": torch.zeros(24, 4)}, tmp_path / "other.pt")
    with pytest.raises(EngineError) as err:
        merge_lora(tr, tmp_path / "other.pt")
    assert "blocks.9.attn1.to_q: no such linear layer" in str(err.value)
    assert "blocks.0.attn1.to_k: A (4, 99) / B (24, 4) do not fit a 24->24 layer" in str(err.value)
    with pytest.raises(EngineError, match="lora_alpha needs lora="):
        CausalWanConfig(lora_alpha=8)
