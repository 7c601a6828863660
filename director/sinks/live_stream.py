"""Encode generated chunks into short MPEG-TS segments for ``gr.Video(streaming=True)``.

Gradio re-muxes the segments it is given into HLS, so each segment is a small self-contained
``.ts`` file (H.264 + AAC). The preview is scaled down (``preview_width``): the browser only needs
to see what is being made, the full-size clip is written separately by the ClipWriter, and on a
2-core machine a second full-size encode would halve the render speed.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 640  # pixels; larger clips are scaled down for the live view
# Gradio remuxes every segment it is given with its own ffprobe + ffmpeg processes: ~0.26 s of CPU per
# segment on a 2-core EPYC (over 1 s of wall time at load 11). 2 s segments were tried: no better pace in
# the browser under load, and commands showed ~1.5 s later (benchmarks/README.md, issue 13). The first
# segment is one chunk, so the first picture shows as early as it can.
SEGMENT_SECONDS = 1.0


def preview_size(width: int, height: int, max_width: int = PREVIEW_WIDTH) -> tuple[int, int]:
    """Even (w, h) no wider than ``max_width`` with the clip's aspect ratio."""
    if width <= max_width:
        return width, height
    w = max_width - max_width % 2
    h = int(round(height * w / width / 2)) * 2
    return w, max(2, h)


class LiveStream:
    """Collects chunks and writes a ``.ts`` segment every ``segment_seconds`` of video.

    ``add(frames, audio)`` returns the path of a finished segment or None; ``flush()`` writes what
    is left. Frames are uint8 [n, H, W, 3] of any size (a live run may change its proxy size between
    chunks): every segment has the same size, so the player never sees the stream change shape.
    The first chunk goes out as a segment of its own, so the first picture shows as early as it can.
    Audio float32 [samples, 2] in [-1, 1].
    """

    def __init__(self, folder: Path, width: int, height: int, fps: float, sample_rate: int,
                 *, segment_seconds: float = SEGMENT_SECONDS, max_width: int = PREVIEW_WIDTH):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.size = preview_size(width, height, max_width)
        self.fps = fps
        self.sample_rate = sample_rate
        self.segment_frames = max(1, round(segment_seconds * fps))
        self._frames: list[np.ndarray] = []
        self._audio: list[np.ndarray] = []
        self._count = 0

    def add(self, frames: np.ndarray, audio: np.ndarray) -> Path | None:
        w, h = self.size
        for frame in frames:
            if frame.shape[:2] != (h, w):
                shrink = frame.shape[1] > w
                frame = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
            self._frames.append(frame)
        self._audio.append(audio)
        if len(self._frames) >= self.segment_frames or self._count == 0:
            return self.flush()
        return None

    def flush(self) -> Path | None:
        if not self._frames:
            return None
        path = self.folder / f"live_{self._count:05d}.ts"
        self._count += 1
        frames, self._frames = self._frames, []
        audio = np.concatenate(self._audio) if self._audio else np.zeros((0, 2), np.float32)
        self._audio = []
        _write_segment(path, frames, audio, self.fps, self.sample_rate, self.size)
        return path


def _write_segment(path: Path, frames: list[np.ndarray], audio: np.ndarray, fps: float, sample_rate: int,
                   size: tuple[int, int]) -> None:
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), mode="w", format="mpegts") as container:
        video = container.add_stream("libx264", rate=rate)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "veryfast", "tune": "zerolatency", "crf": "23"}
        sound = container.add_stream("aac", rate=sample_rate, layout="stereo")
        for frame in frames:
            for packet in video.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if len(audio):
            pcm = np.clip(audio, -1.0, 1.0).T.astype(np.float32)  # planar [2, samples]
            block = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm), format="fltp", layout="stereo")
            block.sample_rate = sample_rate
            for packet in sound.encode(block):
                container.mux(packet)
        for packet in sound.encode():
            container.mux(packet)
