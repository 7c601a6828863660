"""World time against video time: slow motion and time-lapse.

The video always plays at its frame rate; what a speed directive changes is how fast the *world* runs
behind it. ``TimeWarp`` holds the world's rate (world seconds per video second) as a piecewise-linear
function of video time — 1 until the first speed directive, then easing linearly to each directive's
rate over its duration — and integrates it: ``world(t)`` is the world clock at video time ``t``, and
``video(w)`` its inverse. Figures, gestures and weather particles run on the world clock; the camera
and the timeline's directives stay on video time (a directive at 0:12 still happens at 0:12).

    >>> warp = TimeWarp.of([(2.0, 0.0, 0.25)])   # slow motion from 0:02
    >>> warp.world(1.0), warp.world(6.0)
    (1.0, 3.0)
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Iterable

NORMAL = 1.0  # world seconds per video second
MIN_RATE = 0.01  # slower than this the world stands still for a creator's purposes (and ``video`` divides by it)
MAX_RATE = 1000.0  # a time-lapse of a day in under two minutes


@dataclass(frozen=True)
class TimeWarp:
    """The world's rate as knots ``(video time, rate)``, linear between knots and constant after the
    last; ``worlds[k]`` is the world clock at knot k. Build with ``TimeWarp.of``; the default is no warp."""

    times: tuple[float, ...] = (0.0,)  # non-decreasing; two equal times make a step
    rates: tuple[float, ...] = (NORMAL,)
    worlds: tuple[float, ...] = (0.0,)

    @staticmethod
    def of(steps: Iterable[tuple[float, float, float]]) -> TimeWarp:
        """From speed directives ``(at, duration, rate)`` in video seconds: from ``at`` the rate eases
        linearly from what it is then to ``rate`` over ``duration`` (0 = at once). Raises ValueError for
        a rate outside [MIN_RATE, MAX_RATE] or a negative time or duration."""
        times, rates = [0.0], [NORMAL]
        for at, duration, rate in sorted(steps, key=lambda s: s[0]):
            if not MIN_RATE <= rate <= MAX_RATE:
                raise ValueError(f"speed directive at {at:g} s: rate {rate:g} is outside {MIN_RATE:g}..{MAX_RATE:g}")
            if at < 0 or duration < 0:
                raise ValueError(f"speed directive at {at:g} s: negative time or duration ({duration:g} s)")
            now = _rate_at(times, rates, at)
            while times[-1] > at:  # a later ramp replaces what was left of an earlier one
                times.pop()
                rates.pop()
            # Two knots: where the ramp starts and where it ends (the same instant for a sudden change,
            # which makes a step: lookups land on the later knot).
            times += [at, at + duration]
            rates += [now, rate]
        worlds = [0.0]
        for k in range(1, len(times)):
            worlds.append(worlds[-1] + (rates[k - 1] + rates[k]) / 2 * (times[k] - times[k - 1]))
        return TimeWarp(tuple(times), tuple(rates), tuple(worlds))

    @property
    def is_identity(self) -> bool:
        return all(r == NORMAL for r in self.rates)

    def rate(self, t: float) -> float:
        """World seconds per video second at video time ``t``."""
        return _rate_at(self.times, self.rates, t)

    def world(self, t: float) -> float:
        """The world clock at video time ``t`` (seconds; equal to ``t`` before any speed directive)."""
        if t <= 0.0 or self.is_identity:
            return t
        k = bisect.bisect_right(self.times, t) - 1
        dt = t - self.times[k]
        r0 = self.rates[k]
        if k + 1 < len(self.times):
            slope = (self.rates[k + 1] - r0) / (self.times[k + 1] - self.times[k])
            return self.worlds[k] + r0 * dt + slope * dt * dt / 2
        return self.worlds[k] + r0 * dt

    def video(self, w: float) -> float:
        """The video time at which the world clock reads ``w`` (the inverse of ``world``)."""
        if w <= 0.0 or self.is_identity:
            return w
        k = bisect.bisect_right(self.worlds, w) - 1
        dw = w - self.worlds[k]
        r0 = self.rates[k]
        if k + 1 < len(self.times):
            slope = (self.rates[k + 1] - r0) / (self.times[k + 1] - self.times[k])
            if abs(slope) > 1e-12:  # dw = r0 dt + slope dt²/2, the root with dt >= 0
                return self.times[k] + (math.sqrt(max(0.0, r0 * r0 + 2 * slope * dw)) - r0) / slope
        return self.times[k] + dw / r0


def _rate_at(times: list[float] | tuple[float, ...], rates: list[float] | tuple[float, ...], t: float) -> float:
    k = bisect.bisect_right(times, t) - 1
    if k < 0:
        return rates[0]
    if k + 1 >= len(times):
        return rates[k]
    span = times[k + 1] - times[k]
    return rates[k] + (rates[k + 1] - rates[k]) * (t - times[k]) / span


SLOW_MOTION_BELOW = 0.9  # rates under this read as slow motion, over TIME_LAPSE_ABOVE as a time-lapse
TIME_LAPSE_ABOVE = 1.1


def speed_name(rate: float) -> str | None:
    """'slow motion', 'time-lapse', or None at (about) normal speed: the words a neural engine is prompted with."""
    if rate < SLOW_MOTION_BELOW:
        return "slow motion"
    if rate > TIME_LAPSE_ABOVE:
        return "time-lapse"
    return None


def speed_words(rate: float) -> str:
    """'slow motion (x0.25)', 'time-lapse (x10)' or 'normal speed', for reports and the timeline's rows."""
    name = speed_name(rate)
    return f"{name} (x{rate:g})" if name else "normal speed"
