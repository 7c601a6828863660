"""Weights: a base Wan2.1 model in diffusers layout, and causal checkpoints in the original layout.

Self-Forcing / LongLive ``.pt`` files hold ``{"generator": sd, "generator_ema": sd, ...}`` whose keys
are the original Wan names behind a ``model.`` prefix (they belong to ``WanDiffusionWrapper``), with
``_fsdp_wrapped_module.`` fragments in FSDP-saved EMA dicts. ``original_to_diffusers`` applies the
ordered substring renames of diffusers' ``convert_wan_to_diffusers.py`` (NEURAL_NOTES §5).
Hub references (``hub.py``) are downloaded once into the Hugging Face cache; local paths are read as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from director.engines.protocol import EngineError

log = logging.getLogger(__name__)

# Sequential substring replacements, in this order (diffusers TRANSFORMER_KEYS_RENAME_DICT).
RENAMES: tuple[tuple[str, str], ...] = (
    ("time_embedding.0", "condition_embedder.time_embedder.linear_1"),
    ("time_embedding.2", "condition_embedder.time_embedder.linear_2"),
    ("text_embedding.0", "condition_embedder.text_embedder.linear_1"),
    ("text_embedding.2", "condition_embedder.text_embedder.linear_2"),
    ("time_projection.1", "condition_embedder.time_proj"),
    ("head.modulation", "scale_shift_table"),
    ("head.head", "proj_out"),
    ("modulation", "scale_shift_table"),
    ("ffn.0", "ffn.net.0.proj"),
    ("ffn.2", "ffn.net.2"),
    # the original norm3 (cross-attention, affine) is diffusers' norm2 and vice versa
    ("norm2", "norm__placeholder"),
    ("norm3", "norm2"),
    ("norm__placeholder", "norm3"),
    # I2V image embedder
    ("img_emb.proj.0", "condition_embedder.image_embedder.norm1"),
    ("img_emb.proj.1", "condition_embedder.image_embedder.ff.net.0.proj"),
    ("img_emb.proj.3", "condition_embedder.image_embedder.ff.net.2"),
    ("img_emb.proj.4", "condition_embedder.image_embedder.norm2"),
    ("self_attn.q", "attn1.to_q"),
    ("self_attn.k", "attn1.to_k"),
    ("self_attn.v", "attn1.to_v"),
    ("self_attn.o", "attn1.to_out.0"),
    ("self_attn.norm_q", "attn1.norm_q"),
    ("self_attn.norm_k", "attn1.norm_k"),
    ("cross_attn.q", "attn2.to_q"),
    ("cross_attn.k", "attn2.to_k"),
    ("cross_attn.v", "attn2.to_v"),
    ("cross_attn.o", "attn2.to_out.0"),
    ("cross_attn.norm_q", "attn2.norm_q"),
    ("cross_attn.norm_k", "attn2.norm_k"),
    ("attn2.to_k_img", "attn2.add_k_proj"),
    ("attn2.to_v_img", "attn2.add_v_proj"),
    ("attn2.norm_k_img", "attn2.norm_added_k"),
)
WRAPPER_FRAGMENTS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod.")


def original_to_diffusers(key: str) -> str:
    """``model.blocks.0.self_attn.q.weight`` -> ``blocks.0.attn1.to_q.weight``."""
    for frag in WRAPPER_FRAGMENTS:
        key = key.replace(frag, "")
    if key.startswith("model."):
        key = key[len("model.") :]
    for old, new in RENAMES:
        key = key.replace(old, new)
    return key


def extract_state_dict(obj: Any, use_ema: bool = False, source: str = "checkpoint") -> dict[str, torch.Tensor]:
    """The generator's state dict from a loaded ``.pt`` (or the object itself if it is a flat dict)."""
    if not isinstance(obj, dict):
        raise EngineError(f"{source}: expected a dict of tensors, got {type(obj).__name__}")
    wanted = ("generator_ema", "generator") if use_ema else ("generator", "generator_ema")
    for name in wanted:
        if name in obj and isinstance(obj[name], dict):
            if name != wanted[0]:
                log.warning("%s: no %r, using %r", source, wanted[0], name)
            return obj[name]
    if obj and all(torch.is_tensor(v) for v in obj.values()):
        return obj
    raise EngineError(f"{source}: no 'generator'/'generator_ema' state dict (top-level keys: {sorted(obj)[:10]})")


def _preview(keys: list[str], n: int = 12) -> str:
    more = f" ... (+{len(keys) - n} more)" if len(keys) > n else ""
    return ", ".join(keys[:n]) + more


def load_causal_checkpoint(transformer: torch.nn.Module, path: str | Path, use_ema: bool = False) -> None:
    """Load a Self-Forcing / LongLive ``.pt`` into a diffusers ``WanTransformer3DModel`` (strict)."""
    path = Path(path)
    if not path.is_file():
        raise EngineError(f"causal checkpoint not found: {path}")
    obj = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    original = extract_state_dict(obj, use_ema, source=str(path))
    state = {original_to_diffusers(k): v for k, v in original.items()}
    expected = transformer.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    shape_errors = [
        f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(expected[k].shape)}"
        for k in sorted(set(state) & set(expected))
        if state[k].shape != expected[k].shape
    ]
    if missing or unexpected or shape_errors:
        parts = [f"{path}: checkpoint does not match the transformer"]
        if missing:
            parts.append(f"missing keys ({len(missing)}): {_preview(missing)}")
        if unexpected:
            parts.append(f"unexpected keys ({len(unexpected)}): {_preview(unexpected)}")
        if shape_errors:
            parts.append(f"shape mismatches ({len(shape_errors)}): {_preview(shape_errors, 6)}")
        raise EngineError("; ".join(parts))
    transformer.load_state_dict(state, strict=True)


@dataclass
class WanComponents:
    """The four model pieces the engine runs on (built from config in tests, loaded otherwise)."""

    transformer: torch.nn.Module  # diffusers WanTransformer3DModel
    vae: torch.nn.Module  # diffusers AutoencoderKLWan
    text_encoder: torch.nn.Module  # transformers UMT5EncoderModel
    tokenizer: Any  # a transformers tokenizer
    tiny_decoder: torch.nn.Module | None = None  # TinyWanDecoder (decoder="tiny"); loaded from its own file otherwise


def load_components(
    model: str, checkpoint: str | None, use_ema: bool, device: torch.device, dtype: torch.dtype
) -> WanComponents:
    """Load ``transformer``/``vae``/``text_encoder``/``tokenizer`` subfolders of a diffusers-layout
    Wan2.1 folder, or of a hub repo (``owner/name[@revision]``, fetched once into the hub cache), then a
    causal checkpoint over it (a local ``.pt`` or a hub file ``owner/name[@revision]:path``)."""
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import AutoTokenizer, UMT5EncoderModel

    from director.engines.causal_wan.hub import resolve_file, resolve_model

    root = resolve_model(model)
    if not root.is_dir():
        raise EngineError(f"model folder not found: {root} (a hub model is written owner/name, e.g. "
                          "Wan-AI/Wan2.1-T2V-1.3B-Diffusers)")
    absent = [s for s in ("transformer", "vae", "text_encoder", "tokenizer") if not (root / s).is_dir()]
    if absent:
        raise EngineError(f"{model}: not a diffusers Wan folder, missing subfolder(s) {absent}")
    checkpoint_path = resolve_file(checkpoint, "causal checkpoint") if checkpoint else None
    model = str(root)
    kw = {"local_files_only": True}
    try:
        transformer = WanTransformer3DModel.from_pretrained(model, subfolder="transformer", torch_dtype=dtype, **kw)
        vae = AutoencoderKLWan.from_pretrained(model, subfolder="vae", torch_dtype=torch.float32 if dtype == torch.float32 else dtype, **kw)
        text_encoder = UMT5EncoderModel.from_pretrained(model, subfolder="text_encoder", torch_dtype=dtype, **kw)
        tokenizer = AutoTokenizer.from_pretrained(model, subfolder="tokenizer", **kw)
    except (OSError, ValueError) as exc:
        raise EngineError(f"cannot load Wan model {model!r}: {exc}") from exc
    if checkpoint_path is not None:
        load_causal_checkpoint(transformer, checkpoint_path, use_ema)
    return WanComponents(
        transformer.to(device).eval(), vae.to(device).eval(), text_encoder.to(device).eval(), tokenizer
    )
