"""causal-wan as an Engine on CPU with tiny random weights: requests from WorldStates, re-timing,
audio, prompt switch, reference image, snapshot/restore, checkpoint key mapping, the Director to MP4."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

pytest.importorskip("diffusers")

from director.plan.assets import Assets  # noqa: E402
from director.engines.protocol import ChunkRequest, EngineError, RenderSettings, sample_index  # noqa: E402
from director.engines import create_engine  # noqa: E402
from director.engines.causal_wan.checkpoint import (  # noqa: E402
    RENAMES,
    load_causal_checkpoint,
    load_components,
    original_to_diffusers,
)
from director.engines.causal_wan.engine import CausalWanEngine  # noqa: E402
from director.engines.causal_wan.config import CausalWanConfig  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402
from director.engines.causal_wan.tiny_decoder import StreamingTinyDecoder, TinyWanDecoder  # noqa: E402
from director.world.state import Environment, WorldState  # noqa: E402

FPS = 24.0
W, H = 80, 48  # generation snaps to 80x48 -> latent 10x6 -> 15 tokens per frame


def _prompt(state: WorldState) -> str:
    try:
        from director.world.prompt import compose_prompt

        return compose_prompt(state)
    except ImportError:  # the Director's prompt module is optional here
        return state.scene


def requests(engine, states_at, n_chunks: int, fps: float = FPS):
    """ChunkRequests as the Director builds them: native chunk length, WorldState per frame."""
    per = engine.chunk_frames(fps)
    last = None
    for i in range(n_chunks):
        start = i * per
        times = tuple(f / fps for f in range(start, start + per))
        states = tuple(states_at(t) for t in times)
        prompt = _prompt(states[0])
        changed = frozenset({"prompt"}) if last is not None and prompt != last else frozenset()
        last = prompt
        yield ChunkRequest(i, start, times, states, prompt, changed, sample_index(start, fps),
                           sample_index(start + per, fps))


def world(t: float) -> WorldState:
    night = t >= 1.5
    return WorldState(t=t, scene="a rainy street in paris", environment=Environment(hour=23.0 if night else 12.0,
                                                                                   rain=0.8 if night else 0.0))


@pytest.fixture(scope="module")
def comps():
    return tiny_components(rope_max_seq_len=64)


def make_engine(comps, **kw) -> CausalWanEngine:
    engine = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0, 625.0), **kw), components=comps)
    return engine


def test_chunks_from_world_states(comps):
    eng = make_engine(comps)
    assert eng.chunk_frames(24) == 18 and eng.chunk_frames(16) == 12 and eng.chunk_frames(30) == 22
    eng.open(RenderSettings(W, H, FPS, seed=1), world(0.0), Assets())
    chunks = [eng.render(r) for r in requests(eng, world, 3)]
    for c, r in zip(chunks, requests(eng, world, 3)):
        assert c.frames.shape == (18, H, W, 3) and c.frames.dtype == np.uint8
        assert c.audio.shape == (r.num_samples, 2) and c.audio.dtype == np.float32
        assert c.info.timings["total"] > 0
    assert chunks[0].info.native_frames == 9  # first latent decodes to 1 frame, then 4 per latent
    assert chunks[1].info.native_frames == 12
    assert chunks[2].info.recached_blocks >= 1  # night falls at 1.5 s: the prompt switched
    assert chunks[1].frames.std() > 0
    assert all("silence" not in n for n in chunks[0].info.notes) == (eng._sound is not None)
    eng.close()


def test_reference_image_and_retiming(comps):
    eng = make_engine(comps, sound="silence")
    img = np.zeros((30, 50, 4), np.uint8)
    img[..., 0], img[..., 3] = 200, 255
    assets = Assets(preloaded={"ref.png": img})
    w0 = WorldState(t=0.0, scene="a red wall", scene_image="ref.png")
    eng.open(RenderSettings(W, H, 30.0), w0, assets)
    (c,) = list(requests(eng, lambda t: w0.with_time(t), 1, fps=30.0))
    chunk = eng.render(c)
    assert chunk.frames.shape == (22, H, W, 3)
    assert chunk.info.native_frames == 13  # the image frame + 12
    assert eng._gen.cache.prefix_filled == 1 + 3  # image + sink chunk
    assert "sound: silence" in chunk.info.notes


def test_snapshot_restore_reproduces_next_chunk(comps):
    eng = make_engine(comps, sound="silence")
    eng.open(RenderSettings(W, H, FPS, seed=3), world(0.0), Assets())
    reqs = list(requests(eng, world, 4))
    eng.render(reqs[0])
    eng.render(reqs[1])
    state = eng.snapshot()
    import pickle

    state = pickle.loads(pickle.dumps(state))
    a = eng.render(reqs[2])  # includes the prompt switch
    eng.render(reqs[3])
    eng.restore(state)
    b = eng.render(reqs[2])
    assert np.array_equal(a.frames, b.frames)
    # a fresh engine resumed from the snapshot gives the same chunk too
    other = make_engine(comps, sound="silence")
    other.open(RenderSettings(W, H, FPS, seed=99), world(0.0), Assets())
    other.restore(state)
    assert np.array_equal(other.render(reqs[2]).frames, a.frames)


def test_previz_guidance_degrades_or_runs(comps):
    eng = make_engine(comps, previz_guidance=0.9, sound="silence")
    eng.open(RenderSettings(W, H, FPS), world(0.0), Assets())
    chunks = [eng.render(r) for r in requests(eng, world, 2)]
    assert all(c.frames.shape == (18, H, W, 3) for c in chunks)
    if eng._guide is None:
        assert any("previz" in n for n in chunks[0].info.notes)


def test_errors_are_clear(tmp_path):
    with pytest.raises(EngineError, match="model="):
        CausalWanEngine().open(RenderSettings(W, H, FPS), world(0.0), Assets())
    with pytest.raises(EngineError, match="not found"):
        load_components(str(tmp_path / "nope"), None, False, torch.device("cpu"), torch.float32)
    with pytest.raises(EngineError, match="engine option 'windw_frames' for causal-wan: unknown — "
                                          "did you mean 'window_frames'"):
        create_engine("causal-wan", {"windw_frames": 9})
    with pytest.raises(EngineError, match="multiple of chunk"):
        CausalWanConfig(sink_frames=2)
    with pytest.raises(EngineError, match=r"engine option 'sink_frames' for causal-wan: sink_frames \(2\) must be a "
                                          r"multiple of chunk_latent_frames \(3\) \(from code\)"):
        create_engine("causal-wan", {"sink_frames": 2})


def _to_original(key: str) -> str:
    """diffusers -> original Wan names (inverse of the table, for writing a test checkpoint)."""
    inverse = {new: old for old, new in RENAMES if "placeholder" not in old + new}
    swaps = {"norm2": "norm3", "norm3": "norm2"}
    parts = key.split(".")
    if parts[0] == "blocks" and parts[2] in swaps:
        return ".".join(parts[:2] + [swaps[parts[2]]] + parts[3:])
    for new in sorted(inverse, key=len, reverse=True):
        if key.startswith(new) or f".{new}" in key:
            if new == "scale_shift_table" and not key.startswith("blocks."):
                return "head.modulation"
            if new == "scale_shift_table":
                return key.replace(new, "modulation")
            return key.replace(new, inverse[new], 1)
    return key


def test_key_mapping_loads_an_original_layout_checkpoint(tmp_path):
    src = tiny_components(seed=1).transformer
    dst = tiny_components(seed=2).transformer
    original = {}
    for i, (k, v) in enumerate(src.state_dict().items()):
        ok = _to_original(k)
        assert original_to_diffusers("model." + ok) == k, (k, ok)
        frag = "_fsdp_wrapped_module." if i % 3 == 0 else ""
        original["model." + frag + ok] = v.clone()
    path = tmp_path / "self_forcing_dmd.pt"
    torch.save({"generator": original, "generator_ema": original, "critic": {}}, path)
    load_causal_checkpoint(dst, path, use_ema=True)
    for k, v in src.state_dict().items():
        assert torch.equal(v, dst.state_dict()[k]), k
    # mismatches are listed
    bad = dict(original)
    bad.pop(next(k for k in bad if "self_attn.q.weight" in k))
    bad["model.blocks.0.extra.weight"] = torch.zeros(1)
    torch.save({"generator": bad}, path)
    with pytest.raises(EngineError) as err:
        load_causal_checkpoint(dst, path)
    assert "missing keys (1): blocks.0.attn1.to_q.weight" in str(err.value)
    assert "unexpected keys (1): blocks.0.extra.weight" in str(err.value)
    with pytest.raises(EngineError, match="not found"):
        load_causal_checkpoint(dst, tmp_path / "missing.pt")


def test_tiny_decoder_in_the_engine(comps):
    fast = dataclasses.replace(comps, tiny_decoder=TinyWanDecoder())
    eng = make_engine(fast, decoder="tiny", sound="silence")
    eng.open(RenderSettings(W, H, FPS, seed=3), world(0.0), Assets())
    assert isinstance(eng._decoder, StreamingTinyDecoder)
    reqs = list(requests(eng, world, 3))
    first = eng.render(reqs[0])
    assert first.info.native_frames == 9 and first.frames.shape == (18, H, W, 3)
    state = eng.snapshot()
    a = eng.render(reqs[1])
    assert a.info.native_frames == 12
    eng.restore(state)
    assert np.array_equal(eng.render(reqs[1]).frames, a.frames)


def test_tiny_decoder_options_are_checked(tmp_path, comps):
    with pytest.raises(EngineError, match="taew2_1.pth"):
        make_engine(comps, decoder="tiny").open(RenderSettings(W, H, FPS), world(0.0), Assets())
    with pytest.raises(EngineError, match="not found"):
        make_engine(comps, decoder="tiny", tiny_decoder=str(tmp_path / "taew2_1.pth")).open(
            RenderSettings(W, H, FPS), world(0.0), Assets())
    with pytest.raises(EngineError, match="decoder='tiny'"):
        create_engine("causal-wan", {"tiny_decoder": "taew2_1.pth"})
    with pytest.raises(EngineError, match="engine option 'decoder' for causal-wan: expected one of 'vae', 'tiny', "
                                          "got 'taehv'"):
        create_engine("causal-wan", {"decoder": "taehv"})
    with pytest.raises(EngineError, match="decoder must be"):
        CausalWanConfig(decoder="taehv")


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not on PATH")
@pytest.mark.parametrize("speed", ["default", "tiny decoder + fp8"])
def test_director_renders_three_chunks_to_mp4(tmp_path, comps, speed):
    director = pytest.importorskip("director.run.director")
    from director.run.render import render
    from director.plan.timeline import timeline_from_data

    timeline = timeline_from_data({
        "duration": 2.25, "width": W, "height": H, "fps": 24, "engine": "causal-wan",
        "world": {"scene": "a quiet street"},
        "directives": [{"at": 1.0, "text": "it starts to rain"}],
    })
    if speed == "default":
        engine = make_engine(comps)
    else:  # fresh components: FP8 rewrites the transformer's layers
        fast = dataclasses.replace(tiny_components(head_dim=16), tiny_decoder=TinyWanDecoder())
        engine = make_engine(fast, decoder="tiny", fp8=True)
    d = director.Director(timeline, engine=engine, use_embeddings=False)
    assert d.chunk_frames == 18
    out = tmp_path / "clip.mp4"
    render(timeline, out, director=d)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,nb_read_frames,width,height",
         "-of", "json", str(out)], capture_output=True, text=True, check=True)
    streams = {s["codec_type"]: s for s in json.loads(probe.stdout)["streams"]}
    assert int(streams["video"]["nb_read_frames"]) == 54
    assert (streams["video"]["width"], streams["video"]["height"]) == (W, H)
    assert "audio" in streams


@pytest.mark.slow
@pytest.mark.parametrize("on_device", [True, False])
def test_one_snapshot_restores_again_and_again(comps, on_device):
    """Rewinding twice to the same point: restore must never alias the snapshot it came from."""
    eng = make_engine(comps, sound="silence", snapshot_on_device=on_device)
    eng.open(RenderSettings(W, H, FPS, seed=3), world(0.0), Assets())
    reqs = list(requests(eng, world, 4))
    eng.render(reqs[0])
    state = eng.snapshot()
    first = [eng.render(r).frames for r in reqs[1:4]]
    for _ in range(2):
        eng.restore(state)
        again = [eng.render(r).frames for r in reqs[1:4]]
        assert all(np.array_equal(a, b) for a, b in zip(first, again))
