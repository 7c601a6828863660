"""Wander's frames as a sink: each chunk's frames JPEG-encoded for the ``FrameBus`` the browser
streams from. Encoding happens here, on the run's thread; when each frame is shown (its due time
plus a small delay) is the surface's business, so encoded frames go to ``deliver``."""

from __future__ import annotations

import hashlib
from typing import Callable

import cv2
import numpy as np

from director.run.events import ChunkReady, Ending
from director.sinks.frame_bus import Frame

JPEG_QUALITY = 80


def frame_digest(frame: np.ndarray) -> str:
    """A short hash of one RGB frame (replays compare frames by it)."""
    return hashlib.blake2b(np.ascontiguousarray(frame).data, digest_size=12).hexdigest()


class FrameBusSink:
    """JPEG-encode every frame of every chunk as a ``Frame`` (``seq`` 0: the publisher numbers them).

    Args:
        fps: the run's frame rate (a frame's ``t`` is ``index / fps``).
        input_seq: the browser's input counter applied to the chunk being written (called per chunk).
        deliver: called with each chunk's encoded frames (e.g. queue them for showing); the newest
            list is also kept in ``last``.
        keep_digests: keep ``frame_digest`` of every frame in ``digests`` (replay checks).
    """

    def __init__(self, fps: float, *, input_seq: Callable[[], int] = lambda: 0,
                 deliver: Callable[[list[Frame]], None] | None = None, keep_digests: bool = False) -> None:
        self.fps = fps
        self.input_seq = input_seq
        self.deliver = deliver
        self.keep_digests = keep_digests
        self.digests: list[str] = []
        self.last: list[Frame] = []

    def write(self, ready: ChunkReady) -> None:
        chunk = ready.chunk
        seq = self.input_seq()
        frames = []
        for i, image in enumerate(chunk.frames):
            index = chunk.start_frame + i
            if self.keep_digests:
                self.digests.append(frame_digest(image))
            ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            if not ok:
                raise RuntimeError(f"JPEG encoding failed for frame {index}")
            frames.append(Frame(0, index, index / self.fps, seq, jpeg.tobytes()))
        self.last = frames
        if self.deliver is not None:
            self.deliver(frames)

    def close(self, ending: Ending) -> None:
        """The bus itself is closed by its publisher once every queued frame was shown."""
