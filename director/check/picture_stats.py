"""Statistics of the picture over a stretch of time: brightness, highlights, contrast, warmth,
chroma, fine moving detail (rain streaks, snowflakes), and brightness flashes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from director.check.clip import DecodedClip

LOOK = 0.5  # seconds of frames averaged for a "before" or "after" look


@dataclass(frozen=True)
class Look:
    """Mean picture statistics over a few frames (luma 0..255)."""

    brightness: float
    highlights: float  # share of pixels brighter than 170
    bright_point: float  # 99.5th percentile of luma
    dark_share: float  # share of pixels darker than 36 (a night too black to read)
    contrast: float  # standard deviation of luma
    warmth: float  # mean R - B
    chroma: float  # mean Lab chroma
    lab_mean: tuple[float, float, float]
    lab_std: tuple[float, float, float]
    sparkle: float  # fine detail that changes frame to frame (particles), grey levels
    veil: float  # mean of each pixel's darkest channel: fog and haze lift it (the "dark channel")


def look(clip: DecodedClip, t0: float, t1: float) -> Look:
    a = clip.frame_at(t0)
    b = max(a + 1, clip.frame_at(t1))
    rgb = clip.colour[a:b].astype(np.float32)
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    lab = np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2LAB) for f in clip.colour[a:b]]).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    sparkle = 0.0
    grey = clip.grey[a:b].astype(np.float32)
    if len(grey) > 1:
        # High-pass of consecutive differences: particles flicker, smooth camera motion barely does.
        diffs = [np.abs(cv2.Laplacian(grey[i + 1] - grey[i], cv2.CV_32F)).mean() for i in range(len(grey) - 1)]
        sparkle = float(np.median(diffs))
    return Look(
        brightness=float(luma.mean()),
        highlights=float((luma > 170).mean()),
        bright_point=float(np.percentile(luma, 99.5)),
        dark_share=float((luma < 36).mean()),
        contrast=float(luma.std()),
        warmth=float((rgb[..., 0] - rgb[..., 2]).mean()),
        chroma=float(chroma.mean()),
        lab_mean=tuple(float(v) for v in lab.reshape(-1, 3).mean(0)),
        lab_std=tuple(float(v) for v in lab.reshape(-1, 3).std(0)),
        sparkle=sparkle,
        veil=float(rgb.min(axis=-1).mean()),
    )


def before_after(clip: DecodedClip, start: float, end: float) -> tuple[Look, Look]:
    """The look just before ``start`` and just after ``end`` (clamped inside the clip)."""
    b0 = max(0.0, start - LOOK)
    a0 = min(max(end, start + 1.0 / clip.fps), clip.duration - LOOK)
    return look(clip, b0, max(start, b0 + 2.0 / clip.fps)), look(clip, a0, a0 + LOOK)


def flash(clip: DecodedClip, t0: float, t1: float) -> float:
    """The largest frame-to-frame rise of mean brightness in [t0, t1] (grey levels)."""
    a, b = clip.frame_at(t0), clip.frame_at(t1)
    means = clip.colour[max(0, a - 1):min(clip.frames, b + 1)].reshape(-1, clip.colour[0].size).mean(1)
    return float(np.max(np.diff(means))) if len(means) > 1 else 0.0
