"""Reading rendered clips back for tests: ffprobe facts, decoded frames and audio."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import av
import numpy as np


def probe(path: str | Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def video_stream(info: dict) -> dict:
    return next(s for s in info["streams"] if s["codec_type"] == "video")


def audio_stream(info: dict) -> dict:
    return next(s for s in info["streams"] if s["codec_type"] == "audio")


def decode_frames(path: str | Path) -> np.ndarray:
    with av.open(str(path)) as c:
        return np.stack([f.to_ndarray(format="rgb24") for f in c.decode(video=0)])


def decode_audio(path: str | Path) -> np.ndarray:
    """Float32 [samples, channels]."""
    with av.open(str(path)) as c:
        parts = [f.to_ndarray() for f in c.decode(audio=0)]
    data = np.concatenate(parts, axis=1)  # planar fltp: [channels, samples]
    return data.T.astype(np.float32)
