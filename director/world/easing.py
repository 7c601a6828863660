"""Transition curves: progress in [0, 1] for a transition starting at ``start`` and lasting ``duration``."""

from __future__ import annotations


def progress(t: float, start: float, duration: float) -> float:
    """Eased progress (smoothstep); 1 at or after the end, 0 before the start, a step if duration is 0."""
    if t < start:
        return 0.0
    if duration <= 0 or t >= start + duration:
        return 1.0
    x = (t - start) / duration
    return x * x * (3.0 - 2.0 * x)


def linear_progress(t: float, start: float, duration: float) -> float:
    """Progress at constant speed: 0 before the start, 1 at or after the end, a step if duration is 0."""
    if t < start:
        return 0.0
    if duration <= 0 or t >= start + duration:
        return 1.0
    return (t - start) / duration


def lerp(a: float, b: float, p: float) -> float:
    return a + (b - a) * p


def lerp_hour_forward(current: float, target: float, p: float) -> float:
    """Move the clock forward from ``current`` to ``target`` (night after day, dawn after night)."""
    delta = (target - current) % 24.0
    return (current + delta * p) % 24.0
