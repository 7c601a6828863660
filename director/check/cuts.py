"""Cuts and shot sizes: a hard cut is a frame pair far less alike than its neighbours; the shot size
across it is the scale between the two framings (ORB features matched with RANSAC), compared with
the size the compiled camera gives (closer shot = the same things drawn bigger)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words, look_point, magnification
from director.check.verdict import Verdict

CUT_JUMP = 4.0  # a cut's frame difference is this many times the usual one nearby
CUT_MIN = 6.0  # grey levels: smaller changes are never cuts
SEARCH = 2  # frames either side of the directive's time


def frame_jump(clip: DecodedClip, i: int) -> float:
    """Mean absolute grey difference between frames i-1 and i."""
    return float(np.mean(cv2.absdiff(clip.grey[i - 1], clip.grey[i])))


def find_cut(clip: DecodedClip, t: float) -> tuple[int | None, float]:
    """The frame where a cut lands near ``t``, and how sharp it is (jump / usual difference)."""
    centre = clip.frame_at(t)
    best, ratio = None, 0.0
    around = [frame_jump(clip, j) for j in range(max(1, centre - 12), min(clip.frames, centre + 12)) if abs(j - centre) > SEARCH]
    usual = float(np.median(around)) if around else 1.0
    for i in range(max(1, centre - SEARCH), min(clip.frames, centre + SEARCH + 1)):
        jump = frame_jump(clip, i)
        r = jump / max(usual, 0.5)
        if jump >= CUT_MIN and r > ratio:
            best, ratio = i, r
    return (best, ratio) if ratio >= CUT_JUMP else (None, ratio)


def framing_scale(a: np.ndarray, b: np.ndarray) -> float | None:
    """How much bigger b draws what a shows (ORB + RANSAC similarity), or None if too little matches."""
    orb = cv2.ORB_create(800)
    ka, da = orb.detectAndCompute(a, None)
    kb, db = orb.detectAndCompute(b, None)
    if da is None or db is None or len(ka) < 8 or len(kb) < 8:
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(da, db)
    if len(matches) < 8:
        return None
    pa = np.float32([ka[m.queryIdx].pt for m in matches])
    pb = np.float32([kb[m.trainIdx].pt for m in matches])
    model, inliers = cv2.estimateAffinePartial2D(pa, pb, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    if model is None or inliers is None or int(inliers.sum()) < 10:
        return None
    return float(math.hypot(model[0, 0], model[1, 0]))


def check_cut(e: Expectation, clip: DecodedClip, kind: str = "cut") -> Verdict:
    """A cut (or an instant shot change): the picture changes at once; the shot size, when it should
    change, goes the right way."""
    words = effect_words(e.part)
    if e.first_directive_at_start:
        return Verdict(e.index, e.at, e.text, kind, words, "the opening framing", "not_checkable",
                       "the clip starts with it: nothing before to compare")
    at, ratio = find_cut(clip, e.start)
    grow = magnification(e.camera_before, e.camera_after, look_point(e.camera_before))
    if at is None:
        return Verdict(e.index, e.at, e.text, kind, words, "the picture changes at once", "fail",
                       f"no cut: the largest frame change near {e.at:.1f} s is {ratio:.1f}x the usual", round(ratio, 3), "x usual")
    measured = f"cut at frame {at} ({ratio:.0f}x the usual frame change)"
    if abs(math.log(max(grow, 1e-6))) < 0.2 or kind == "scene":
        return Verdict(e.index, e.at, e.text, kind, words, "the picture changes at once", "pass", measured, round(ratio, 3), "x usual")
    scale = framing_scale(clip.grey[max(0, at - 1)], clip.grey[min(clip.frames - 1, at + 1)])
    expected = "a cut to a closer shot" if grow > 1 else "a cut to a wider shot"
    if scale is None:
        return Verdict(e.index, e.at, e.text, kind, words, expected, "pass",
                       measured + "; the two framings share too little to compare sizes", round(ratio, 3), "x usual")
    passed = (scale > 1.05) if grow > 1 else (scale < 0.95)
    return Verdict(e.index, e.at, e.text, kind, words, expected, "pass" if passed else "fail",
                   measured + f", things drawn {scale:.2f}x as big", round(scale, 3), "x size")


DISSOLVE_CHANGE = 12.0  # grey levels: the picture before and after a dissolve differ at least this much
DISSOLVE_STEP = 0.4  # ... and no one frame pair holds more than this share of the change (that is a cut)


def check_dissolve(e: Expectation, clip: DecodedClip) -> Verdict:
    """A dissolve: the picture becomes another one, gradually (spread over frames, not one jump)."""
    words = effect_words(e.part)
    expected = "a gradual cross-fade to another picture"
    a = max(1, clip.frame_at(e.start) - 1)
    b = min(clip.frames - 1, max(clip.frame_at(e.end), a + 6) + 1)
    if b - a < 4:
        return Verdict(e.index, e.at, e.text, "scene", words, expected, "not_checkable", "too close to the clip's end")
    change = float(np.mean(cv2.absdiff(clip.grey[a], clip.grey[b])))
    steps = [frame_jump(clip, i) for i in range(a + 1, b + 1)]
    share = max(steps) / max(sum(steps), 1e-6)
    passed = change >= DISSOLVE_CHANGE and share <= DISSOLVE_STEP
    return Verdict(e.index, e.at, e.text, "scene", words, expected, "pass" if passed else "fail",
                   f"picture changed by {change:.0f} grey levels over {b - a} frames, the largest step {share * 100:.0f} % of it",
                   round(share, 3), "share")
