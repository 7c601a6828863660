"""Each checkpoint gets the attention layout it was trained with (Self-Forcing: global, 21 frames, no
sink; LongLive: sink 3 + window 12), chosen by the option, the LoRA or the checkpoint's name."""

from __future__ import annotations

import pytest

from director.engines.protocol import EngineError
from director.engines.causal_wan.attention_layout import choose_layout
from director.engines.causal_wan.config import CausalWanConfig

SF_HUB = "gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt"


@pytest.mark.parametrize("options,name,sink,window", [
    ({"checkpoint": SF_HUB}, "self-forcing", 0, 21),
    ({"checkpoint": "/models/self_forcing_dmd.pt"}, "self-forcing", 0, 21),
    ({"checkpoint": "/models/longlive_models/models/longlive_base.pt"}, "longlive", 3, 12),
    ({"checkpoint": "/models/base.pt", "lora": "/models/lora.pt"}, "longlive", 3, 12),  # only LongLive ships a LoRA
    ({"checkpoint": "/models/my_finetune.pt"}, "longlive", 3, 12),  # not recognised: the bounded fallback
    ({}, "longlive", 3, 12),
    ({"checkpoint": SF_HUB, "attention": "longlive"}, "longlive", 3, 12),  # a long Self-Forcing run, by choice
    ({"checkpoint": "/models/x.pt", "attention": "self-forcing"}, "self-forcing", 0, 21),
    ({"sink_frames": 0, "window_frames": 6}, "custom", 0, 6),
    ({"checkpoint": SF_HUB, "window_frames": 9}, "custom", 0, 9),  # the other number from the recognised layout
    ({"attention": "custom", "window_frames": 15}, "custom", 3, 15),
])
def test_layout_per_checkpoint(options, name, sink, window):
    lay = CausalWanConfig(**options).layout
    assert (lay.name, lay.sink_frames, lay.window_frames) == (name, sink, window)


def test_the_note_says_which_layout_and_why():
    assert choose_layout("auto", SF_HUB, None, None, None).note() == (
        "attention: self-forcing (global attention over 21 latent frames, no sink; checkpoint name)")
    note = choose_layout("auto", "/models/x.pt", None, None, None).note()
    assert note.startswith("attention: longlive (sink 3 + window 12 latent frames; checkpoint not recognised")
    assert "attention='self-forcing'" in note


def test_bad_attention_options_are_clear():
    with pytest.raises(EngineError, match="attention must be one of"):
        CausalWanConfig(attention="global")
    with pytest.raises(EngineError, match="window_frames set with attention='longlive'.*custom"):
        CausalWanConfig(attention="longlive", window_frames=9)
    with pytest.raises(EngineError, match="multiple of chunk_latent_frames.*'self-forcing'"):
        CausalWanConfig(attention="self-forcing", chunk_latent_frames=2)


@pytest.mark.slow  # ~8 s alone, ~25 s on 2 busy cores
def test_the_engine_runs_self_forcing_global_then_says_when_the_window_rolls():
    pytest.importorskip("diffusers")
    from director.plan.assets import Assets
    from director.engines.protocol import RenderSettings
    from director.engines.causal_wan.engine import ROLLING_NOTE, CausalWanEngine
    from director.engines.causal_wan.tiny import tiny_components
    from tests.engines.causal_wan.test_causal_wan_engine import requests, world

    eng = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0,), sound="silence",
                                          attention="self-forcing"), components=tiny_components(rope_max_seq_len=64))
    eng.open(RenderSettings(32, 32, 16.0, seed=1), world(0.0), Assets())
    assert eng._gen.layout.prefix_frames == 0 and eng._gen.layout.ring_chunks == 7
    chunks = [eng.render(r) for r in requests(eng, lambda t: world(0.0), 8, fps=16.0)]
    assert chunks[0].info.attention == "self-forcing"
    assert any(n.startswith("attention: self-forcing (global") for n in chunks[0].info.notes)
    assert all(ROLLING_NOTE not in c.info.notes for c in chunks[:7])  # 21 frames: global, as trained
    assert ROLLING_NOTE in chunks[7].info.notes
    eng.close()
