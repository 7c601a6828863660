"""Wander's sound as a sink: each chunk's audio goes into the ``SoundRing`` the page polls, at the
chunk's first sample (so a rewound or resumed run restarts the ring where it stands)."""

from __future__ import annotations

from director.engines.protocol import sample_index
from director.run.events import ChunkReady, Ending
from director.sinks.sound_ring import SoundRing


class SoundRingSink:
    """Add every chunk's audio (float32 [samples, 2]) to ``ring``.

    Args:
        ring: the store the page reads from (its ``sample_rate`` is the run's).
        fps: the run's frame rate (a chunk's first sample is ``sample_index(start_frame, fps, rate)``).
    """

    def __init__(self, ring: SoundRing, fps: float) -> None:
        self.ring = ring
        self.fps = fps

    def write(self, ready: ChunkReady) -> None:
        chunk = ready.chunk
        self.ring.add(sample_index(chunk.start_frame, self.fps, self.ring.sample_rate), chunk.audio)

    def close(self, ending: Ending) -> None:
        """Nothing to release: the ring keeps its last seconds for pages still polling."""
