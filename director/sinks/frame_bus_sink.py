"""Frames as a sink for a browser view: each chunk's frames JPEG-encoded as ``Frame``s (Wander's
``FrameBus``, the Direct tab's live feed). Encoding happens here, on the run's thread; when each frame
is shown is the surface's business, so encoded frames go to ``deliver``."""

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


def view_size(width: int, height: int, max_width: int | None) -> tuple[int, int]:
    """Even (w, h) no wider than ``max_width`` (None: no limit) with the frame's aspect ratio."""
    if max_width is None or width <= max_width:
        return width, height
    w = max_width - max_width % 2
    return w, max(2, int(round(height * w / width / 2)) * 2)


def encode_frames(frames: np.ndarray, start_frame: int, fps: float, *, input_seq: int = 0,
                  max_width: int | None = None) -> list[Frame]:
    """JPEG ``Frame``s (``seq`` 0: the publisher numbers them) of uint8 RGB ``frames`` [n, H, W, 3],
    the first being frame ``start_frame``; frames wider than ``max_width`` are scaled down first."""
    out = []
    for i, image in enumerate(frames):
        index = start_frame + i
        h, w = image.shape[:2]
        size = view_size(w, h, max_width)
        if size != (w, h):
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise RuntimeError(f"JPEG encoding failed for frame {index} ({w}x{h})")
        out.append(Frame(0, index, index / fps, input_seq, jpeg.tobytes()))
    return out


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
        if self.keep_digests:
            self.digests.extend(frame_digest(image) for image in chunk.frames)
        frames = encode_frames(chunk.frames, chunk.start_frame, self.fps, input_seq=self.input_seq())
        self.last = frames
        if self.deliver is not None:
            self.deliver(frames)

    def close(self, ending: Ending) -> None:
        """The bus itself is closed by its publisher once every queued frame was shown."""
