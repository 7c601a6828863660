"""Slow motion and time-lapse judged by how fast what moves on its own moves.

The video plays at its frame rate either way; what changes is the world behind it. So the measure is
the flow of what moves *against the camera's own motion* (figures walking, rain, snow; see
``optical_flow.PairMotion.own_motion``) just after the change against just before: a quarter-speed
world should move clearly slower, a time-lapse clearly faster. A scene where nothing moves on its own
before the change gives nothing to compare and is reported as not checkable (previz paints its
clouds into the sky, so a bare landscape has nothing to speed up).
"""

from __future__ import annotations

import numpy as np

from director.check.clip import DecodedClip
from director.check.expectations import SETTLE, Expectation, effect_words
from director.check.optical_flow import FlowMeter
from director.check.verdict import Verdict

WINDOW = 0.75  # seconds measured on each side of the change
SLOWER, FASTER = 0.6, 1.6  # ratios of own motion (after / before) that count as clearly slower / faster
STILL = 0.002  # px per frame over the picture: less than this moving on its own is nothing to compare
SAME_RATE = 1.1  # expected ratios closer to 1 than this are not a change of speed
FROZEN = STILL / 4  # slow motion still moves: less than this after the change is a stop, not slow motion


def check_speed(e: Expectation, clip: DecodedClip, meter: FlowMeter) -> Verdict:
    """The verdict for a speed directive: own motion after the change over before, against the world's
    rate after over before."""
    expected_ratio = e.rate_after / max(e.rate_before, 1e-6)
    words = effect_words(e.part)
    v = lambda expected, status, measured="", value=None: Verdict(  # noqa: E731
        e.index, e.at, e.text, "speed", words, expected, status, measured, value, "ratio")
    slower = expected_ratio < 1
    expected = "what moves on its own moves " + ("slower" if slower else "faster") + f" (x{expected_ratio:g})"
    if 1 / SAME_RATE < expected_ratio < SAME_RATE:
        return v("the world's speed stays the same", "not_checkable", "the speed does not change")
    span = int(round(WINDOW * clip.fps))
    # A sudden change is measured from the next frame on (in a time-lapse a walker may be gone in a second).
    a = clip.frame_at(e.start)
    b = clip.frame_at(e.end + SETTLE) if e.duration > 0 else a + 1
    before = [p.own_motion for p in meter.pairs(max(0, a - span), a - 1)]
    after = [p.own_motion for p in meter.pairs(b, b + span)]
    if len(before) < span // 2 or len(after) < span // 2:
        return v(expected, "not_checkable", "too close to the clip's edges")
    was, now = float(np.mean(before)), float(np.mean(after))
    if max(was, now) < STILL:
        return v(expected, "not_checkable", "nothing moves on its own in the picture to slow down or speed up")
    ratio = now / max(was, STILL / 10)
    passed = (SLOWER >= ratio and now >= FROZEN) if slower else ratio >= FASTER
    stopped = "; nothing moves any more: a stop, not slow motion" if slower and now < FROZEN else ""
    return v(expected, "pass" if passed else "fail",
             f"own motion {was:.3f} → {now:.3f} px/frame over the picture (x{ratio:.2f}){stopped}", round(ratio, 3))
