"""Engine options given by whoever runs director (command line, environment), per engine.

A render names one engine, so ``python -m director render`` takes plain ``KEY=VALUE`` options. The app
serves every engine at once, so its options say which engine they are for: ``ENGINE:KEY=VALUE`` on
``python app.py --engine-option``, or a JSON object in ``DIRECTOR_ENGINE_OPTIONS`` (the way to set them on
a Hugging Face Space)::

    python app.py --engine-option causal-wan:model=/models/Wan2.1-T2V-1.3B-Diffusers
    DIRECTOR_ENGINE_OPTIONS='{"causal-wan": {"model": "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"}}' python app.py

Values are read as JSON where they parse (``12``, ``true``, ``[1000, 625]``), else kept as text.
"""

from __future__ import annotations

import json
from typing import Any

ENV_VAR = "DIRECTOR_ENGINE_OPTIONS"

EngineOptions = dict[str, dict[str, Any]]  # engine name -> its options


class EngineOptionError(ValueError):
    """An option that cannot be read; the message says which and why."""


def parse_option(text: str) -> tuple[str, Any]:
    """``"window_frames=12"`` -> ``("window_frames", 12)``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise EngineOptionError(f"engine options look like KEY=VALUE, got {text!r}")
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    return key.strip(), parsed


def _check_engine(name: str, where: str) -> None:
    from director.engines import unknown_engine

    problem = unknown_engine(name)
    if problem:
        raise EngineOptionError(f"{where}: {problem}")


def parse_engine_option(text: str) -> tuple[str, str, Any]:
    """``"causal-wan:model=/models/wan"`` -> ``("causal-wan", "model", "/models/wan")``."""
    engine, sep, rest = text.partition(":")
    if not sep or "=" in engine or not engine.strip():
        raise EngineOptionError(f"app engine options look like ENGINE:KEY=VALUE "
                                f"(e.g. causal-wan:model=/models/wan), got {text!r}")
    engine = engine.strip()
    _check_engine(engine, f"--engine-option {text!r}")
    key, value = parse_option(rest)
    return engine, key, value


def engine_options_from(items: list[str], env: str | None = None) -> EngineOptions:
    """Options from ``env`` (the JSON of ``DIRECTOR_ENGINE_OPTIONS``) overridden by ``items``
    (``ENGINE:KEY=VALUE`` strings)."""
    options: EngineOptions = {}
    if env and env.strip():
        try:
            data = json.loads(env)
        except json.JSONDecodeError as exc:
            raise EngineOptionError(f"{ENV_VAR} is not valid JSON ({exc.msg} at character {exc.pos}); expected "
                                    '{"causal-wan": {"model": "..."}}') from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise EngineOptionError(f'{ENV_VAR} must map engine names to objects of options, e.g. '
                                    '{"causal-wan": {"model": "..."}}')
        for engine, values in data.items():
            _check_engine(engine, ENV_VAR)
            options[engine] = dict(values)
    for text in items:
        engine, key, value = parse_engine_option(text)
        options.setdefault(engine, {})[key] = value
    return options
