"""One parser for every way a time is written: ``12.5``, ``"12.5"``, ``"0:12.5"``, ``"1:02:03"``."""

from __future__ import annotations

import math


def parse_time(value: float | int | str) -> float:
    """Return seconds from a number or an ``[h:]m:ss.s`` string.

    Raises ``ValueError`` with a message a user can act on.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a time, got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty time")
        parts = text.split(":")
        if len(parts) > 3:
            raise ValueError(f"cannot read time {value!r}: use seconds (12.5) or m:ss.s (0:12.5)")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"cannot read time {value!r}: use seconds (12.5) or m:ss.s (0:12.5)") from None
        if len(numbers) > 1 and any(n < 0 for n in numbers):
            raise ValueError(f"cannot read time {value!r}: negative field")
        if len(numbers) > 1 and numbers[-1] >= 60:
            raise ValueError(f"cannot read time {value!r}: seconds must be below 60 in m:ss form")
        seconds = 0.0
        for n in numbers:
            seconds = seconds * 60 + n
    else:
        raise ValueError(f"expected a time, got {type(value).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"time must be finite, got {value!r}")
    if seconds < 0:
        raise ValueError(f"time must not be negative, got {value!r}")
    return seconds


def format_time(seconds: float) -> str:
    """``83.5`` → ``"1:23.5"`` (the form used in messages and the UI)."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    text = f"{int(minutes)}:{rest:04.1f}"
    return text
