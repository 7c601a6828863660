"""One-shot sounds synthesised from a seed: footsteps, animal calls, thunder, a car.

Each function returns a mono float64 signal that starts at its onset, at peak about 1. They are pure
functions of their arguments, so the soundscape can re-create any tail that crosses a chunk seam.
"""

from __future__ import annotations

import numpy as np

SR = 48_000


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SR)) / SR


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([k & 0xFFFFFFFF for k in key])


def _lowpass(x: np.ndarray, cutoff: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1.0 / SR)
    return np.fft.irfft(spec / (1.0 + (f / cutoff) ** 2), len(x))


def _noise_band(rng: np.random.Generator, n: int, cutoff: float) -> np.ndarray:
    """Low-passed white noise scaled to peak 1."""
    x = _lowpass(rng.standard_normal(n), cutoff)
    return x / (np.abs(x).max() + 1e-9)


def _tone(freq: np.ndarray, harmonics: tuple[float, ...]) -> np.ndarray:
    phase = 2 * np.pi * np.cumsum(freq) / SR
    return sum(a * np.sin((i + 1) * phase) for i, a in enumerate(harmonics))


def footstep(seed: int, surface: str = "hard", heavy: float = 1.0) -> np.ndarray:
    """A heel-toe thump: filtered noise burst with a low body, ~90 ms."""
    t = _t(0.09)
    rng = _rng(seed, 0xF007)
    noise = rng.standard_normal(len(t))
    cutoff = {"hard": 2500.0, "soft": 900.0, "snow": 1800.0, "wood": 1600.0, "sand": 700.0}.get(surface, 1500.0)
    body = _lowpass(noise, cutoff) * np.exp(-t / 0.018)
    thump = np.sin(2 * np.pi * (70 + 30 * rng.random()) * t) * np.exp(-t / 0.025) * 0.6 * heavy
    toe = np.zeros_like(t)
    k = int(0.035 * SR)
    toe[k:] = body[: len(t) - k] * 0.5
    out = body + toe + thump
    return out / (np.abs(out).max() + 1e-9)


def hoof(seed: int) -> np.ndarray:
    """A hard hoof clop: short knock with a resonance."""
    t = _t(0.07)
    return np.sin(2 * np.pi * 420 * t) * np.exp(-t / 0.012) + 0.3 * _rng(seed, 0x400F).standard_normal(len(t)) * np.exp(-t / 0.006)


def meow(seed: int) -> np.ndarray:
    t = _t(0.7)
    rng = _rng(seed, 0xCA7)
    x = t / t[-1]
    f = (500 + 120 * rng.random()) * (1 + 0.5 * np.sin(np.pi * x) - 0.2 * x)
    env = np.sin(np.pi * x) ** 0.7
    return _tone(f, (1.0, 0.6, 0.35, 0.2, 0.1)) * env / 2.0


def bark(seed: int) -> np.ndarray:
    rng = _rng(seed, 0xD06)
    out = np.zeros(int(0.75 * SR))
    for i in range(2):
        t = _t(0.16)
        f = (340 + 60 * rng.random()) * (1.15 - 0.5 * t / t[-1])
        burst = _tone(f, (1.0, 0.8, 0.5, 0.3)) + 0.5 * _lowpass(rng.standard_normal(len(t)), 2000)
        burst *= np.exp(-t / 0.05) * np.clip(t / 0.008, 0, 1)
        k = int((0.05 + 0.32 * i) * SR)
        out[k : k + len(t)] += burst / 2.5
    return out


def chirp(seed: int, n: int = 3) -> np.ndarray:
    """Bird song: a few fast frequency sweeps."""
    rng = _rng(seed, 0xB1D)
    out = np.zeros(int(0.12 * SR * n + 0.1 * SR))
    base = 2800 + 1500 * rng.random()
    for i in range(n):
        t = _t(0.06 + 0.04 * rng.random())
        f = base * (1.0 + 0.35 * np.sin(np.pi * t / t[-1]) * (1 if rng.random() < 0.5 else -1))
        s = _tone(f, (1.0, 0.15)) * np.sin(np.pi * t / t[-1]) ** 2
        k = int(i * 0.12 * SR * (0.8 + 0.4 * rng.random()))
        out[k : k + len(s)] += s
    return out * 0.8


def neigh(seed: int) -> np.ndarray:
    t = _t(1.3)
    rng = _rng(seed, 0x4E16)
    x = t / t[-1]
    f = (620 + 60 * rng.random()) * (1.0 - 0.45 * x) * (1 + 0.06 * np.sin(2 * np.pi * 11 * t))
    env = np.clip(t / 0.05, 0, 1) * (1 - x) ** 1.5
    return (_tone(f, (1.0, 0.7, 0.5, 0.3, 0.2)) / 2.5 + 0.15 * _lowpass(rng.standard_normal(len(t)), 3000)) * env


def engine(seed: int) -> np.ndarray:
    """A car pulling in: a low engine rising then settling, 1.5 s."""
    t = _t(1.5)
    x = t / t[-1]
    f = 45 + 35 * np.sin(np.pi * x)
    noise = _lowpass(_rng(seed, 0xCA4).standard_normal(len(t)), 400) * 0.4
    return (_tone(f, (1.0, 0.6, 0.4, 0.3)) / 2 + noise) * np.sin(np.pi * x) ** 0.5


def thunder(seed: int) -> np.ndarray:
    """A crack followed by a long rumble, ~5 s."""
    t = _t(5.0)
    rng = _rng(seed, 0x7409)
    rumble = _noise_band(rng, len(t), 120.0)
    crack = _noise_band(rng, len(t), 2500.0) * np.exp(-t / 0.12)
    swell = np.clip(t / 0.25, 0, 1) * np.exp(-t / 1.6) * (1 + 0.4 * np.sin(2 * np.pi * 0.8 * t + rng.random() * 6))
    return crack * 0.5 + rumble * swell * 1.2


def boom(seed: int) -> np.ndarray:
    """An explosion: a sharp crack over a deep, quickly swelling boom, ~3 s."""
    t = _t(3.0)
    rng = _rng(seed, 0xB00)
    low = _noise_band(rng, len(t), 90.0)
    crack = _noise_band(rng, len(t), 4000.0) * np.exp(-t / 0.06)
    return crack * 0.6 + low * np.clip(t / 0.04, 0, 1) * np.exp(-t / 0.7) * 1.4


def pop(seed: int) -> np.ndarray:
    """A firework burst: a thump, then crackle, ~1.2 s."""
    t = _t(1.2)
    rng = _rng(seed, 0x909)
    thump = _noise_band(rng, len(t), 150.0)
    crackle = rng.standard_normal(len(t)) * (rng.random(len(t)) < 0.004) * np.clip((t - 0.15) / 0.1, 0, 1) * np.exp(-t / 0.5)
    return thump * np.exp(-t / 0.15) * 1.2 + crackle * 0.8


EVENTS = {"explosion": boom, "burst": pop}  # one-shot sounds of scene events (thunder has its own delay)
CALLS = {"cat": meow, "dog": bark, "bird": chirp, "horse": neigh, "car": engine}
