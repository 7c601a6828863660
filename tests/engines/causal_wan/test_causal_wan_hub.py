"""Weights by hub reference, resolved through huggingface_hub into a local hub cache that the test lays
out itself (no network: the endpoint points at a closed local port)."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("diffusers")
huggingface_hub = pytest.importorskip("huggingface_hub")

from director.engines.protocol import EngineError  # noqa: E402
from director.engines.causal_wan.checkpoint import load_components  # noqa: E402
from director.engines.causal_wan.hub import HubRef, parse_hub_file, parse_hub_model, resolve_file  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402

MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
CKPT = "gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt"


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """An empty hub cache, HF_HUB_OFFLINE=1, and an endpoint nobody answers on."""
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", 2, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache


def snapshot(cache, repo_id: str, revision: str = "main", commit: str = "c" * 40):
    """The folder of ``repo_id`` at ``revision`` in the hub cache layout (refs/<rev> -> snapshots/<commit>)."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / revision).write_text(commit)
    folder = repo / "snapshots" / commit
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("ref,expected", [
    (CKPT, HubRef("gdhe17/Self-Forcing", None, "checkpoints/self_forcing_dmd.pt")),
    ("Efficient-Large-Model/LongLive@v1.0:models/lora.pt", HubRef("Efficient-Large-Model/LongLive", "v1.0",
                                                                   "models/lora.pt")),
    ("/models/self_forcing_dmd.pt", None),
    ("./ckpt/x.pt", None),
    ("~/x.pt", None),
])
def test_parse_hub_file(ref, expected):
    assert parse_hub_file(ref) == expected


def test_parse_hub_model():
    assert parse_hub_model(MODEL) == HubRef(MODEL, None, None)
    assert parse_hub_model(MODEL + "@0123abc") == HubRef(MODEL, "0123abc", None)
    assert parse_hub_model("/models/wan") is None


def test_model_and_checkpoint_load_from_the_hub_cache(hub):
    from tests.engines.causal_wan.test_causal_wan_engine import _to_original

    base = tiny_components(seed=1)
    folder = snapshot(hub, MODEL)
    base.transformer.save_pretrained(folder / "transformer")
    base.vae.save_pretrained(folder / "vae")
    base.text_encoder.save_pretrained(folder / "text_encoder")
    base.tokenizer.save_pretrained(folder / "tokenizer")
    causal = tiny_components(seed=2).transformer
    original = {"model." + _to_original(k): v.clone() for k, v in causal.state_dict().items()}
    ckpt = snapshot(hub, "gdhe17/Self-Forcing") / "checkpoints" / "self_forcing_dmd.pt"
    ckpt.parent.mkdir(parents=True)
    torch.save({"generator": original}, ckpt)

    comps = load_components(MODEL, CKPT, False, torch.device("cpu"), torch.float32)
    for k, v in causal.state_dict().items():
        assert torch.equal(comps.transformer.state_dict()[k], v), k  # the checkpoint, over the hub model
    assert torch.equal(next(comps.vae.parameters()), next(base.vae.parameters()))


def test_revision_picks_its_snapshot(hub):
    (snapshot(hub, "someone/weights", "v2", "d" * 40) / "w.pt").write_bytes(b"v2")
    (snapshot(hub, "someone/weights") / "w.pt").write_bytes(b"main")
    assert resolve_file("someone/weights@v2:w.pt").read_bytes() == b"v2"
    assert resolve_file("someone/weights:w.pt").read_bytes() == b"main"


def test_missing_file_offline_says_so(hub):
    snapshot(hub, "gdhe17/Self-Forcing")
    with pytest.raises(EngineError, match=r"causal checkpoint 'gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt'"
                                          r".*not in the local hub cache and HF_HUB_OFFLINE is set"):
        resolve_file(CKPT, "causal checkpoint")
    with pytest.raises(EngineError, match="model 'Wan-AI/Wan2.1-T2V-1.3B-Diffusers'.*HF_HUB_OFFLINE"):
        load_components(MODEL, None, False, torch.device("cpu"), torch.float32)


def test_no_network_uses_the_cache_or_says_so(hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # online, but the endpoint does not answer
    (snapshot(hub, "someone/weights") / "w.pt").write_bytes(b"cached")
    assert resolve_file("someone/weights:w.pt").read_bytes() == b"cached"  # falls back to the cache
    with pytest.raises(EngineError, match="cannot reach the hub and it is not in the local cache"):
        resolve_file("someone/weights:other.pt", "LoRA file")


def test_local_paths_stay_local(tmp_path, hub):
    f = tmp_path / "x.pt"
    f.write_bytes(b"1")
    assert resolve_file(str(f)) == f
    with pytest.raises(EngineError, match="causal checkpoint not found"):
        resolve_file(str(tmp_path / "nope.pt"), "causal checkpoint")
