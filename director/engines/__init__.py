"""Engine registry. Engines are imported only when asked for, so importing director stays light.

Each engine names its options dataclass here; ``create_engine`` reads options through that one door
(``director.engines.options.resolve_options``) before the engine is built.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

from director.engines.protocol import Engine, EngineError


class EngineEntry(NamedTuple):
    module: str  # where the engine class lives (imported on first use)
    class_name: str
    description: str  # one line, shown by ``python -m director engines`` and the app
    options: str  # "module:Class" of its options dataclass (a light import: no weights, no torch)


ENGINES: dict[str, EngineEntry] = {
    "previz": EngineEntry("director.engines.previz", "PrevizEngine",
                          "CPU previsualisation: layered 2.5D world, no weights",
                          "director.engines.previz.options:PrevizOptions"),
    "causal-wan": EngineEntry("director.engines.causal_wan.engine", "CausalWanEngine",
                              "GPU causal streaming Wan2.1 world model (Self-Forcing / LongLive)",
                              "director.engines.causal_wan.config:CausalWanConfig"),
}


def register_engine(name: str, module: str, class_name: str, description: str, options: str) -> None:
    """Add an engine: its class is built as ``Class(options)`` with an instance of ``options``
    ("module:Class", a dataclass whose fields are the engine's options)."""
    ENGINES[name] = EngineEntry(module, class_name, description, options)


def engine_names() -> list[str]:
    return list(ENGINES)


def engine_description(name: str) -> str:
    return ENGINES[name].description


def unknown_engine(name: str) -> str | None:
    """Why ``name`` is not an engine (with the nearest name and the known ones), or None if it is one."""
    if name in ENGINES:
        return None
    from difflib import get_close_matches

    close = get_close_matches(name, ENGINES, n=1)
    hint = f" — did you mean {close[0]!r}?" if close else ""
    return f"unknown engine {name!r}{hint} (known: {', '.join(ENGINES)})"


def create_engine(name: str, options: Any = None) -> Engine:
    """Build the engine called ``name`` with ``options``: None (its defaults), its options dataclass, or a
    mapping of option names to values (or ``GivenOption``s that say where each was written). Options are
    checked before anything is built: ``EngineOptionError`` (an ``EngineError``) names the option, the
    engine and the source; an unknown engine is an ``EngineError`` naming the known ones."""
    from director.engines.options import resolve_options

    problem = unknown_engine(name)
    if problem:
        raise EngineError(problem)
    resolved = resolve_options(name, options)
    entry = ENGINES[name]
    module = importlib.import_module(entry.module)
    return getattr(module, entry.class_name)(resolved)
