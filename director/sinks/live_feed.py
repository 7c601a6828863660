"""What a browser watches of a live run: its frames at preview size, shown at their time, and its sound.

Each chunk's frames are scaled down to ``max_width`` and JPEG-encoded on the run's thread, then a
``FramePacer`` publishes them to a ``FrameBus`` at their video time (the page draws the newest on a
canvas); the chunk's audio goes into a ``SoundRing`` that the page reads only up to the frame shown, so
sound and picture stay together even when the run is ahead of real time. JPEG over a plain HTTP stream
costs the server ~2 ms a frame at 640 wide and the browser less than an HLS player's demux and decode:
on two cores shared with the browser that is what keeps the view in real time (benchmarks/README.md).
"""

from __future__ import annotations

import numpy as np

from director.engines.protocol import sample_index
from director.run.events import ChunkReady, Ending
from director.sinks.frame_bus import FrameBus
from director.sinks.frame_bus_sink import encode_frames
from director.sinks.frame_pacer import FramePacer
from director.sinks.sound_ring import SoundRing, SoundSlice

PREVIEW_WIDTH = 640  # pixels: the live view is a preview; the full-size clip is written apart


class LiveFeed:
    """A sink (``write`` / ``close``) and the state the live view's routes read (``frames``, ``audio``).

    Args:
        fps, sample_rate: the run's (frames of any size may come: a proxy live size).
        max_width: the widest frame sent to the browser.
    """

    def __init__(self, fps: float, sample_rate: int, *, max_width: int = PREVIEW_WIDTH) -> None:
        self.fps = fps
        self.max_width = max_width
        self.frames = FrameBus()
        self.sound = SoundRing(sample_rate)
        self.pacer = FramePacer(self.frames)
        self.ended = False

    # -- the run's side ---------------------------------------------------------------------------------
    def add(self, frames: np.ndarray, audio: np.ndarray, start_frame: int) -> None:
        """One chunk: uint8 RGB ``frames`` [n, H, W, 3] from frame ``start_frame``, float32 ``audio``."""
        self.sound.add(sample_index(start_frame, self.fps, self.sound.sample_rate), audio)
        self.pacer.schedule(encode_frames(frames, start_frame, self.fps, max_width=self.max_width))

    def use_sample_rate(self, sample_rate: int) -> None:
        """The run's sound turned out to have another rate (a service worker said so): before any sound."""
        if sample_rate != self.sound.sample_rate:
            if self.sound.end:
                raise RuntimeError(f"the live sound's rate changed mid-run ({self.sound.sample_rate} -> {sample_rate} Hz)")
            self.sound = SoundRing(sample_rate)

    def write(self, ready: ChunkReady) -> None:
        chunk = ready.chunk
        self.add(chunk.frames, chunk.audio, chunk.start_frame)

    def close(self, ending: Ending | None = None) -> None:
        """The run ended: what is queued is still shown at its time, then the stream ends."""
        if not self.ended:
            self.ended = True
            self.pacer.finish()

    def abort(self) -> None:
        """Nobody watches any more (the tab went away): stop showing at once."""
        self.ended = True
        self.pacer.abort()

    # -- the page's side --------------------------------------------------------------------------------
    @property
    def shown_seconds(self) -> float | None:
        """Video time of the frame on screen (None before the first)."""
        shown = self.pacer.shown
        return None if shown is None else shown.t

    def audio(self, from_sample: int) -> SoundSlice:
        """The sound from ``from_sample`` up to the end of the frame on screen (see ``SoundRing.since``)."""
        shown = self.pacer.shown
        if shown is None:
            return SoundSlice(max(from_sample, 0), b"", self.sound.sample_rate)
        return self.sound.since(from_sample, until=sample_index(shown.index + 1, self.fps, self.sound.sample_rate))
