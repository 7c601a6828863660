"""Engine registry. Engines are imported only when asked for, so importing director stays light."""

from __future__ import annotations

import importlib
from typing import Any

from director.engines.protocol import Engine, EngineError

# name -> (module, class name, one-line description)
ENGINES: dict[str, tuple[str, str, str]] = {
    "previz": ("director.engines.previz", "PrevizEngine", "CPU previsualisation: layered 2.5D world, no weights"),
    "causal-wan": ("director.engines.causal_wan.engine", "CausalWanEngine", "GPU causal streaming Wan2.1 world model (Self-Forcing / LongLive)"),
}


def register_engine(name: str, module: str, class_name: str, description: str) -> None:
    ENGINES[name] = (module, class_name, description)


def engine_names() -> list[str]:
    return list(ENGINES)


def unknown_engine(name: str) -> str | None:
    """Why ``name`` is not an engine (with the nearest name and the known ones), or None if it is one."""
    if name in ENGINES:
        return None
    from difflib import get_close_matches

    close = get_close_matches(name, ENGINES, n=1)
    hint = f" — did you mean {close[0]!r}?" if close else ""
    return f"unknown engine {name!r}{hint} (known: {', '.join(ENGINES)})"


def create_engine(name: str, **options: Any) -> Engine:
    """Build the engine called ``name``; raise ``EngineError`` naming the known ones otherwise."""
    problem = unknown_engine(name)
    if problem:
        raise EngineError(problem)
    module_name, class_name, _ = ENGINES[name]
    module = importlib.import_module(module_name)
    return getattr(module, class_name)(**options)
