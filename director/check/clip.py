"""A clip decoded for measuring: small grey frames for optical flow, smaller colour frames for light
and colour statistics, and the sound as mono samples.

Any engine's MP4 reads the same way (PyAV). Frames are scaled down on decode: every measurement is a
proportion of the picture or is converted back to the clip's own pixels, so the analysis size only
trades precision for speed. A 3-minute clip holds ~160 MB of grey frames at the default size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

ANALYSIS_WIDTH = 320  # grey frames for optical flow and tracking
COLOUR_WIDTH = 160  # colour frames for brightness, colour and style statistics
AUDIO_RATE = 48000


class ClipError(ValueError):
    """The clip cannot be read (missing file, no video stream, undecodable)."""


@dataclass(frozen=True)
class DecodedClip:
    """``grey`` uint8 [n, h, w] at ``ANALYSIS_WIDTH``; ``colour`` uint8 [n, hc, wc, 3] RGB;
    ``audio`` float32 mono [samples] at ``audio_rate`` (empty when the clip has no sound)."""

    path: Path
    fps: float
    width: int  # the clip's own size
    height: int
    grey: np.ndarray
    colour: np.ndarray
    audio: np.ndarray
    audio_rate: int

    @property
    def frames(self) -> int:
        return len(self.grey)

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def scale(self) -> float:
        """Clip pixels per analysis pixel (flow is reported in the clip's pixels)."""
        return self.width / self.grey.shape[2]

    def frame_at(self, t: float) -> int:
        """Index of the frame shown at ``t`` seconds, clamped to the clip."""
        return int(min(self.frames - 1, max(0, round(t * self.fps))))

    def samples(self, t0: float, t1: float) -> np.ndarray:
        a = int(max(0.0, t0) * self.audio_rate)
        b = int(max(0.0, t1) * self.audio_rate)
        return self.audio[a:b]


def _scaled_size(width: int, height: int, target: int) -> tuple[int, int]:
    w = min(width, target)
    h = max(2, int(round(height * w / width / 2)) * 2)
    return w, h


def decode_clip(path: str | Path, analysis_width: int = ANALYSIS_WIDTH) -> DecodedClip:
    """Decode ``path`` for checking. Raises ``ClipError`` saying what was wrong with which file."""
    path = Path(path)
    if not path.is_file():
        raise ClipError(f"{path}: clip not found")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise ClipError(f"{path}: not a readable video ({exc})") from None
    with container:
        if not container.streams.video:
            raise ClipError(f"{path}: has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # decode on every core: decoding is most of a check's time
        width, height = stream.codec_context.width, stream.codec_context.height
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else 24.0
        gw, gh = _scaled_size(width, height, analysis_width)
        cw, ch = _scaled_size(width, height, COLOUR_WIDTH)
        grey, colour = [], []
        try:
            for frame in container.decode(stream):
                small = frame.reformat(width=gw, height=gh, format="rgb24").to_ndarray()  # one scaling per frame
                grey.append(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
                colour.append(cv2.resize(small, (cw, ch), interpolation=cv2.INTER_AREA))
        except av.error.FFmpegError as exc:
            raise ClipError(f"{path}: video decoding failed after {len(grey)} frames ({exc})") from None
    if not grey:
        raise ClipError(f"{path}: the video stream has no frames")
    return DecodedClip(path, fps, width, height, np.stack(grey), np.stack(colour), _decode_audio(path), AUDIO_RATE)


def _decode_audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        parts = []
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                parts.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            parts.append(out.to_ndarray().reshape(-1))
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
