"""LongLive's LoRA weights, merged into the transformer: ``W <- W + (alpha / rank) * B @ A``.

LongLive ships its generator as a base checkpoint (``longlive_base.pt``, loaded by ``checkpoint.py``)
plus ``lora.pt``: PEFT LoRA factors for every linear layer inside the attention blocks, saved as
``{"generator_lora": {...}}`` or as the bare PEFT dict. PEFT names them after the original Wan modules
behind a ``base_model.model.`` prefix, e.g. ``base_model.model.blocks.0.self_attn.q.lora_A.weight``
([rank, in]) and ``...lora_B.weight`` ([out, rank]); some savers keep the adapter name
(``lora_A.default.weight``). Released ranks and alphas are equal (256/256, 128/128), i.e. a scale of 1,
which is the default here (``lora_alpha=None`` means alpha = rank). Merged once, the LoRA costs nothing
per chunk, which is what LongLive's own ``merge_lora`` path does before quantising.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from director.engines.protocol import EngineError
from director.engines.causal_wan.checkpoint import original_to_diffusers

_FACTOR = re.compile(r"^(?P<module>.+)\.lora_(?P<which>[AB])(?:\.[A-Za-z0-9_]+)?\.weight$")
_PEFT_PREFIXES = ("base_model.model.",)
_MERGED = "_director_merged_loras"


def read_lora(path: str | Path) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """``lora.pt`` -> {diffusers linear name (``blocks.0.attn1.to_q``): (A [r, in], B [out, r])}."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise EngineError(f"LoRA file not found: {p}")
    try:
        obj = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear error
        raise EngineError(f"cannot read LoRA file {p}: {exc}") from exc
    if isinstance(obj, dict) and isinstance(obj.get("generator_lora"), dict):
        obj = obj["generator_lora"]
    if not isinstance(obj, dict):
        raise EngineError(f"{p}: expected a dict of LoRA tensors, got {type(obj).__name__}")
    factors: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in obj.items():
        m = _FACTOR.match(key)
        if not m or not torch.is_tensor(value):
            continue
        module = m["module"]
        for prefix in _PEFT_PREFIXES:
            if module.startswith(prefix):
                module = module[len(prefix):]
        name = original_to_diffusers(module + ".weight")[: -len(".weight")]
        factors.setdefault(name, {})[m["which"]] = value
    if not factors:
        keys = sorted(obj)[:6]
        raise EngineError(f"{p}: no LoRA factors (keys ending in lora_A.weight / lora_B.weight); first keys: {keys}")
    half = sorted(n for n, f in factors.items() if len(f) != 2)
    if half:
        raise EngineError(f"{p}: LoRA factors without their pair (A or B missing) for {half[:4]}")
    return {name: (f["A"], f["B"]) for name, f in factors.items()}


def merge_lora(transformer: torch.nn.Module, path: str | Path, alpha: float | None = None) -> int:
    """Add the LoRA of ``path`` into ``transformer``'s linear weights (in float32, stored back in their
    dtype). Once per transformer and file: merging the same file again does nothing. Returns how many
    layers changed now."""
    key = (str(Path(path).expanduser().resolve()), alpha)
    done = getattr(transformer, _MERGED, set())
    if key in done:
        return 0
    factors = read_lora(path)
    modules = dict(transformer.named_modules())
    problems = []
    for name, (a, b) in sorted(factors.items()):
        layer = modules.get(name)
        if not isinstance(layer, torch.nn.Linear):
            problems.append(f"{name}: no such linear layer in the transformer")
        elif a.dim() != 2 or b.dim() != 2 or a.shape[0] != b.shape[1] or a.shape[1] != layer.in_features \
                or b.shape[0] != layer.out_features:
            problems.append(f"{name}: A {tuple(a.shape)} / B {tuple(b.shape)} do not fit a "
                            f"{layer.in_features}->{layer.out_features} layer")
    if problems:
        more = f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""
        raise EngineError(f"{path}: LoRA does not match the transformer: {'; '.join(problems[:6])}{more}")
    with torch.no_grad():
        for name, (a, b) in factors.items():
            layer = modules[name]
            rank = a.shape[0]
            scale = (alpha if alpha is not None else rank) / rank
            w = layer.weight
            delta = b.to(w.device, torch.float32) @ a.to(w.device, torch.float32)
            w.copy_((w.float() + scale * delta).to(w.dtype))
    setattr(transformer, _MERGED, done | {key})
    return len(factors)
