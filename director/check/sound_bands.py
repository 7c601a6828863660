"""Band energy of the soundtrack (scipy Welch spectra): wind, rain, thunder and muffling are heard
as changes of energy in frequency bands between before and after a directive."""

from __future__ import annotations

import numpy as np
from scipy.signal import welch

from director.check.clip import DecodedClip

BANDS = {  # Hz
    "low": (20.0, 200.0),  # thunder, explosions, rumble
    "wind": (100.0, 4000.0),
    "high": (2000.0, 10000.0),  # rain hiss
    "all": (20.0, 16000.0),
}
LISTEN = 1.0  # seconds listened to before and after


def band_db(samples: np.ndarray, rate: int, band: str) -> float:
    """Energy in ``band`` in dB (relative to full scale); -120 for silence."""
    if len(samples) < 256:
        return -120.0
    f, p = welch(samples, fs=rate, nperseg=min(4096, len(samples)))
    lo, hi = BANDS[band]
    sel = (f >= lo) & (f < hi)
    power = float(np.sum(p[sel]) * (f[1] - f[0]))
    return 10 * np.log10(power + 1e-12)


def band_change(clip: DecodedClip, start: float, end: float, band: str) -> float | None:
    """dB after ``end`` minus dB before ``start`` in ``band``; None if the clip has no sound there."""
    before = clip.samples(max(0.0, start - LISTEN), start)
    a = min(max(end, start), max(0.0, clip.duration - LISTEN))
    after = clip.samples(a, a + LISTEN)
    if len(before) < 256 or len(after) < 256 or not np.any(clip.audio):
        return None
    return band_db(after, clip.audio_rate, band) - band_db(before, clip.audio_rate, band)


def transient_db(clip: DecodedClip, t0: float, t1: float, band: str) -> float | None:
    """The loudest 0.1 s in [t0, t1] above the median 0.1 s of the second before, in dB."""
    rate = clip.audio_rate
    step = int(0.1 * rate)
    def levels(a: float, b: float) -> list[float]:
        s = clip.samples(a, b)
        return [band_db(s[i:i + step], rate, band) for i in range(0, len(s) - step + 1, step)]
    base = levels(max(0.0, t0 - 1.0), t0)
    peak = levels(t0, t1)
    if not base or not peak:
        return None
    return max(peak) - float(np.median(base))
