"""Deterministic coloured noise addressed by absolute sample index.

White noise for block ``k`` comes from a generator seeded with (seed, stream, k); each block is shaped
in the frequency domain and overlap-added with a sine window at 50 % overlap (sin² + cos² = 1, so
the level is constant). Any range of samples is therefore the same whichever chunks it is cut into,
and after a restore, without filter state to carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BLOCK = 4096
HOP = BLOCK // 2


def _window() -> np.ndarray:
    return np.sin(np.pi * (np.arange(BLOCK) + 0.5) / BLOCK)


@dataclass
class NoiseStream:
    """Noise with a fixed spectrum: ``lo``/``hi`` band edges in Hz and a 1/f^``tilt`` slope."""

    seed: int
    stream: int
    lo: float
    hi: float
    tilt: float = 0.0
    sample_rate: int = 48_000
    _mag: np.ndarray = field(init=False, repr=False)
    _win: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        f = np.fft.rfftfreq(BLOCK, 1.0 / self.sample_rate)
        f_safe = np.maximum(f, 1.0)
        mag = f_safe ** (-self.tilt / 2.0)
        mag *= 1.0 / (1.0 + (self.lo / f_safe) ** 4)  # soft high-pass
        mag *= 1.0 / (1.0 + (f_safe / self.hi) ** 4)  # soft low-pass
        mag[0] = 0.0
        self._mag = mag / np.sqrt(np.mean(mag**2))  # unit variance output
        self._win = _window()

    def _block(self, k: int) -> np.ndarray:
        rng = np.random.default_rng([self.seed & 0xFFFFFFFF, self.stream, k & 0xFFFFFFFFFFFF])
        white = rng.standard_normal(BLOCK)
        shaped = np.fft.irfft(np.fft.rfft(white) * self._mag, BLOCK)
        return shaped * self._win

    def samples(self, start: int, stop: int) -> np.ndarray:
        """float64 [stop - start] of unit-variance noise for absolute samples [start, stop)."""
        out = np.zeros(stop - start)
        if stop <= start:
            return out
        k0 = max(0, start // HOP - 1)
        k1 = (stop - 1) // HOP
        for k in range(k0, k1 + 1):
            b0 = k * HOP
            lo, hi = max(start, b0), min(stop, b0 + BLOCK)
            if lo < hi:
                out[lo - start : hi - start] += self._block(k)[lo - b0 : hi - b0]
        return out
