"""Engine options: one door from whoever runs director to an engine's typed options.

Each engine declares its options as a dataclass with a comment per field (previz: ``PrevizOptions``;
causal-wan: ``CausalWanConfig``) and names it in the registry (``director.engines.ENGINES``). Options
given as text or JSON are read through ``resolve_options`` once, when the engine is made
(``create_engine``) or when the app starts, into that dataclass: an unknown key, a wrong type or a value
out of range is an ``EngineOptionError`` that says which option, for which engine, and where it was
written. After that an engine holds its options; nothing re-applies them later.

Where options are written:

* a render names one engine, so ``python -m director render`` takes plain ``KEY=VALUE``;
* the app serves every engine at once, so its options say which engine they are for:
  ``ENGINE:KEY=VALUE`` on ``python app.py --engine-option``, or a JSON object in
  ``DIRECTOR_ENGINE_OPTIONS`` (the way to set them on a Hugging Face Space)::

    python app.py --engine-option causal-wan:model=/models/Wan2.1-T2V-1.3B-Diffusers
    DIRECTOR_ENGINE_OPTIONS='{"causal-wan": {"model": "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"}}' python app.py

* code passes a mapping (``create_engine("previz", {"threads": 1})``, ``Director(engine_options=...)``)
  or the dataclass itself.

Values on the command line are read as JSON where they parse (``12``, ``true``, ``[1000, 625]``), else
kept as text; a text field keeps the text as written (``model=123`` is the folder ``"123"``).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from difflib import get_close_matches
from typing import Any, Literal, Union

from director.engines.protocol import EngineError

ENV_VAR = "DIRECTOR_ENGINE_OPTIONS"
RENDER_FLAG = "--engine-option"
FROM_CODE = "code"  # the source of options passed as a plain mapping (create_engine, Director)


class EngineOptionError(EngineError, ValueError):
    """An option that cannot be read or does not fit its engine; the message says which, why and where."""


@dataclass(frozen=True)
class GivenOption:
    """One option as written, before it is checked against its engine's options."""

    value: Any  # parsed (JSON where it parses)
    source: str  # where it was written: "command line --engine-option threads=2", "DIRECTOR_ENGINE_OPTIONS[...]"
    text: str | None = None  # the value as typed on a command line (kept for text fields), None otherwise


GivenOptions = dict[str, GivenOption]  # one engine's options by key, each with its source
EngineOptions = dict[str, Any]  # engine name -> its validated options (the engine's options dataclass)


# --- reading text ---------------------------------------------------------------------------------
def parse_option(text: str) -> tuple[str, Any]:
    """``"window_frames=12"`` -> ``("window_frames", 12)``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise EngineOptionError(f"engine options look like KEY=VALUE, got {text!r}")
    return key.strip(), _json_or_text(value)


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def command_line_option(text: str, flag: str = RENDER_FLAG) -> tuple[str, GivenOption]:
    """``"threads=2"`` from ``python -m director render --engine-option`` -> ``("threads", GivenOption(2, ...))``."""
    key, value = parse_option(text)
    return key, GivenOption(value, f"command line {flag} {text}", text.partition("=")[2])


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
    _check_engine(engine, f"{RENDER_FLAG} {text!r}")
    key, value = parse_option(rest)
    return engine, key, value


def engine_options_from(items: list[str], env: str | None = None) -> dict[str, GivenOptions]:
    """The app's options: ``env`` (the JSON of ``DIRECTOR_ENGINE_OPTIONS``) overridden by ``items``
    (``ENGINE:KEY=VALUE`` strings from ``python app.py --engine-option``), each with its source.
    ``resolve_engine_options`` checks them against their engines."""
    options: dict[str, GivenOptions] = {}
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
            options[engine] = {key: GivenOption(value, f"{ENV_VAR}[{engine!r}][{key!r}]")
                               for key, value in values.items()}
    for text in items:
        engine, key, value = parse_engine_option(text)
        written = text.partition(":")[2].partition("=")[2]
        options.setdefault(engine, {})[key] = GivenOption(value, f"app flag {RENDER_FLAG} {text}", written)
    return options


# --- checking against an engine's options dataclass -------------------------------------------
def resolve_options(engine: str, options: Any = None) -> Any:
    """``engine``'s options dataclass from ``options``: None (the defaults), an instance of that
    dataclass (returned as is), or a mapping of key -> value or ``GivenOption``. Every problem is
    reported at once in one ``EngineOptionError``, each naming the option, the engine and the source."""
    cls = options_type_of(engine)
    if options is None:
        return cls()
    if isinstance(options, cls):
        return options
    if is_dataclass(options) and not isinstance(options, type):
        raise EngineOptionError(f"engine options for {engine}: expected {cls.__name__}, "
                                f"got {type(options).__name__} (options of another engine?)")
    if not isinstance(options, Mapping):
        raise EngineOptionError(f"engine options for {engine}: expected a mapping of option names to values "
                                f"or a {cls.__name__}, got {type(options).__name__}")
    given = {k: v if isinstance(v, GivenOption) else GivenOption(v, FROM_CODE) for k, v in options.items()}
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.init]
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, option in given.items():
        where = f"engine option {key!r} for {engine}"
        if key not in known:
            close = get_close_matches(key, known, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            problems.append(f"{where}: unknown{hint} (from {option.source}; known: {', '.join(known)})")
            continue
        try:
            values[key] = _fit(option, hints[key])
        except _Mismatch as exc:
            problems.append(f"{where}: expected {exc}, got {option.value!r} (from {option.source})")
    if not problems:
        try:
            return cls(**values)
        except (EngineError, ValueError, TypeError) as exc:  # the dataclass's own range checks
            named = [k for k in given if k in str(exc)] or list(given)
            if len(named) == 1:
                problems.append(f"engine option {named[0]!r} for {engine}: {exc} (from {given[named[0]].source})")
            else:
                sources = "; ".join(f"{k} from {given[k].source}" for k in named)
                problems.append(f"engine options for {engine}: {exc} ({sources})")
    if len(problems) == 1:
        raise EngineOptionError(problems[0])
    raise EngineOptionError(f"{len(problems)} engine option problems:\n" + "\n".join(f"  - {p}" for p in problems))


def resolve_engine_options(given: Mapping[str, Any]) -> EngineOptions:
    """Every engine's options (engine name -> mapping) checked at once, e.g. when the app starts."""
    resolved: EngineOptions = {}
    problems: list[str] = []
    for engine, options in given.items():
        try:
            _check_engine(engine, "engine options")
            resolved[engine] = resolve_options(engine, options)
        except EngineOptionError as exc:
            problems.append(str(exc))
    if problems:
        raise EngineOptionError("\n".join(problems))
    return resolved


def options_type_of(engine: str) -> type:
    """The options dataclass ``engine`` declares in the registry (imports only its options module)."""
    import importlib

    from director.engines import ENGINES, unknown_engine

    problem = unknown_engine(engine)
    if problem:
        raise EngineOptionError(problem)
    module, _, name = ENGINES[engine].options.partition(":")
    return getattr(importlib.import_module(module), name)


# --- types ----------------------------------------------------------------------------------
class _Mismatch(Exception):
    """What a field expects, in words (the message)."""


def _fit(option: GivenOption, hint: Any) -> Any:
    """``option.value`` as the field type ``hint`` wants it, or ``_Mismatch`` saying what it expected."""
    if option.text is not None and _accepts_text(hint) and not isinstance(option.value, str) and option.value is not None:
        return _coerce(option.text, hint)  # a text field keeps what was typed: model=123 is the folder "123"
    return _coerce(option.value, hint)


def _accepts_text(hint: Any) -> bool:
    if hint is str:
        return True
    return _is_union(hint) and str in typing.get_args(hint)


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


def _coerce(value: Any, hint: Any) -> Any:
    if hint is Any:
        return value
    if _is_union(hint):
        arms = typing.get_args(hint)
        for arm in arms:
            try:
                return _coerce(value, arm)
            except _Mismatch:
                pass
        raise _Mismatch(" or ".join(_describe(a) for a in arms))
    origin = typing.get_origin(hint)
    if origin is Literal:
        if value in typing.get_args(hint) and not isinstance(value, bool):
            return value
        raise _Mismatch(_describe(hint))
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, (list, tuple)):
            raise _Mismatch(_describe(hint))
        item = args[0] if args else Any
        try:
            return tuple(_coerce(v, item) for v in value)
        except _Mismatch:
            raise _Mismatch(_describe(hint)) from None
    if hint is type(None):
        if value is None:
            return None
    elif hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        return value  # a type this reader does not know: the dataclass checks it
    raise _Mismatch(_describe(hint))


def _describe(hint: Any) -> str:
    if _is_union(hint):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    origin = typing.get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin is tuple:
        args = typing.get_args(hint)
        return f"a list of {_describe(args[0]).removeprefix('a ')}s" if args else "a list"
    return {type(None): "null", bool: "true or false", int: "a whole number", float: "a number",
            str: "text"}.get(hint, getattr(hint, "__name__", str(hint)))
