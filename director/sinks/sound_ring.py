"""The sound of a wander, for the browser: the last few seconds of the chunks' audio, by sample.

The worker adds each chunk's audio (float32 [n, 2] in [-1, 1]) at its first sample; the page polls
``GET /wander/{token}/audio?from=N`` and gets the samples from N on as 16-bit stereo PCM, which it
queues into WebAudio. A page that asks for samples already dropped (or for ``from=-1``: "whatever is
newest") gets the newest ``catch_up`` seconds instead, so a tab that was muted or in the background
rejoins the live sound instead of replaying the past.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

KEEP_SECONDS = 4.0  # audio kept for pages that poll late
CATCH_UP_SECONDS = 0.25  # what a page that fell behind (or just unmuted) gets


@dataclass(frozen=True)
class SoundSlice:
    start: int  # sample index of the first sample in ``pcm``
    pcm: bytes  # int16 little-endian, interleaved stereo
    sample_rate: int

    @property
    def end(self) -> int:
        return self.start + len(self.pcm) // 4


class SoundRing:
    """Thread-safe bounded store of recent audio; see the module docstring."""

    def __init__(self, sample_rate: int, keep_seconds: float = KEEP_SECONDS,
                 catch_up_seconds: float = CATCH_UP_SECONDS) -> None:
        self.sample_rate = sample_rate
        self._keep = int(keep_seconds * sample_rate)
        self._catch_up = int(catch_up_seconds * sample_rate)
        self._lock = threading.Lock()
        self._start = 0  # sample index of self._pcm[0]
        self._pcm = np.zeros((0, 2), np.int16)

    def add(self, start: int, audio: np.ndarray) -> None:
        """Append a chunk's audio beginning at sample ``start`` (a gap or overlap restarts the store)."""
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16).reshape(-1, 2)
        with self._lock:
            if start != self._start + len(self._pcm):
                self._start, self._pcm = start, pcm
            else:
                self._pcm = np.concatenate([self._pcm, pcm])
            drop = len(self._pcm) - self._keep
            if drop > 0:
                self._pcm = self._pcm[drop:]
                self._start += drop

    @property
    def end(self) -> int:
        """One past the newest sample stored."""
        with self._lock:
            return self._start + len(self._pcm)

    def since(self, sample: int, until: int | None = None) -> SoundSlice:
        """Samples from ``sample`` on (or the newest ``catch_up`` seconds when ``sample`` is gone or < 0),
        up to ``until`` (exclusive; None: the newest): a view that shows frames later than they are made
        asks only for the sound of what it has shown."""
        with self._lock:
            end = self._start + len(self._pcm)
            if until is not None:
                end = max(self._start, min(end, until))
            if sample < self._start or sample > end:
                sample = max(self._start, end - self._catch_up)
            part = self._pcm[sample - self._start:end - self._start]
            return SoundSlice(sample, part.astype("<i2").tobytes(), self.sample_rate)
