"""Camera moves judged by optical flow: the direction of what moves, divergence, rotation, jitter.

Signs on screen (y down): a pan or truck to the right slides the picture left; a tilt or pedestal up
slides it down; a zoom or dolly in grows it from its centre (outward flow); a roll right turns it
clockwise; an orbit right sweeps the background right (the camera travels right while turning left).
A move "passes" when its summed effect over its duration is clearly visible (``VISIBLE_SHIFT`` of the
frame width, ``VISIBLE_SCALE``, ``VISIBLE_ROLL``) in the expected direction, over much of the picture.
"""

from __future__ import annotations

import math

import numpy as np

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words, look_point, magnification
from director.check.optical_flow import FlowMeter, PairMotion
from director.check.verdict import Verdict
from director.plan.timeline import CameraMove

VISIBLE_SHIFT = 0.03  # of the frame width, summed over the move
VISIBLE_SCALE = 0.04  # picture grows or shrinks by 4 %
VISIBLE_ROLL = 2.0  # degrees
AGREEING = 0.35  # share of the (moving) picture that must move the expected way
SHAKE_JITTER = 0.12  # % of the frame width per frame, RMS, for a visible shake
STILL = 0.06  # % of the frame width per frame: slower counts as a still camera
SHAKE_WINDOW = 2.0  # seconds looked at after a shake without a duration


def _window(clip: DecodedClip, t0: float, t1: float) -> tuple[int, int]:
    a, b = clip.frame_at(t0), clip.frame_at(t1)
    return a, max(b, a + 2)


def _verdict(e: Expectation, kind: str, expected: str, passed: bool | None, measured: str, value: float, unit: str) -> Verdict:
    status = "not_checkable" if passed is None else ("pass" if passed else "fail")
    return Verdict(e.index, e.at, e.text, kind, effect_words(e.part), expected, status, measured, round(value, 4), unit)


def _px(clip: DecodedClip, value: float) -> float:
    return value * clip.scale


def _shift(e: Expectation, clip: DecodedClip, pairs: list[PairMotion], axis: str, sign: float, what_moves: bool, expected: str) -> Verdict:
    """Pan/tilt (the whole picture) or truck/pedestal (what moves, near things more: parallax)."""
    if what_moves:
        steps = [p.median_x_moving if axis == "x" else p.median_y_moving for p in pairs]
    else:
        steps = [p.tx if axis == "x" else p.ty for p in pairs]
    total = float(np.sum(steps))
    width = clip.grey.shape[2]
    if axis == "x":
        agree = np.mean([(p.right if sign > 0 else p.left) / (max(p.moving, 1e-6) if what_moves else 1.0) for p in pairs])
    else:
        agree = np.mean([(p.down if sign > 0 else p.up) / (max(p.moving, 1e-6) if what_moves else 1.0) for p in pairs])
    visible = total * sign >= VISIBLE_SHIFT * width
    per_frame = _px(clip, total / len(pairs))
    name = "horizontal" if axis == "x" else "vertical"
    of = "of what moves" if what_moves else "of the picture"
    measured = f"{name} flow {per_frame:+.1f} px/frame ({abs(total) / width * 100:.0f} % of the width) over {agree * 100:.0f} % {of}"
    return _verdict(e, "camera", expected, bool(visible and agree >= AGREEING), measured, per_frame, "px/frame")


def _scale(e: Expectation, clip: DecodedClip, pairs: list[PairMotion], sign: float, expected: str, what_moves: bool = False) -> Verdict:
    """Zoom (the whole picture) or dolly (what moves: the far sky stays put)."""
    growth = math.exp(sum(p.divergence for p in pairs)) - 1.0
    agree = float(np.mean([(p.outward if sign > 0 else p.inward) / (max(p.moving, 1e-6) if what_moves else 1.0) for p in pairs]))
    radial = _px(clip, float(np.mean([p.radial for p in pairs])))
    of = "of what moves" if what_moves else "of the picture"
    measured = f"radial flow {radial:+.1f} px/frame over {agree * 100:.0f} % {of} (scale {growth * 100:+.0f} %)"
    passed = growth * sign >= VISIBLE_SCALE and agree >= AGREEING
    return _verdict(e, "camera", expected, passed, measured, radial, "px/frame")


JITTER_SPAN = 13  # frames: a steady move (pan, truck) is smooth over this span, a hand-held wobble is not


def _jitter(pairs: list[PairMotion], width: int) -> float:
    """RMS of the frame-to-frame motion left after removing its smooth part, in % of the width."""
    if len(pairs) < JITTER_SPAN:
        return 0.0
    tx = np.array([p.tx for p in pairs])
    ty = np.array([p.ty for p in pairs])
    kernel = np.ones(JITTER_SPAN) / JITTER_SPAN
    hx = tx - np.convolve(tx, kernel, mode="same")
    hy = ty - np.convolve(ty, kernel, mode="same")
    core = slice(JITTER_SPAN // 2, len(tx) - JITTER_SPAN // 2)
    return float(np.sqrt(np.mean(hx[core] ** 2 + hy[core] ** 2))) / width * 100


def check_camera(e: Expectation, clip: DecodedClip, meter: FlowMeter) -> Verdict | None:
    """The verdict on a camera move, or None when ``cuts.py`` judges it (cuts, instant shots)."""
    mv = e.part
    assert isinstance(mv, CameraMove)
    kind = mv.move
    width = clip.grey.shape[2]
    if kind in ("cut",) or (kind in ("shot", "focus") and e.duration <= 0):
        return None
    a, b = _window(clip, e.start, e.end)
    if kind in ("shake",):
        span = e.end if e.duration > 0 else min(clip.duration, e.start + SHAKE_WINDOW)
        a, b = _window(clip, e.start, span)
    pairs = meter.pairs(a, b)
    if len(pairs) < 2:
        return _verdict(e, "camera", "a move", None, "the clip ends before the move", 0.0, "")
    right = mv.direction != "left"
    up = mv.direction != "down"
    if kind == "pan":
        return _shift(e, clip, pairs, "x", -1.0 if right else 1.0, False, f"the picture slides {'left' if right else 'right'}")
    if kind == "tilt":
        return _shift(e, clip, pairs, "y", 1.0 if up else -1.0, False, f"the picture slides {'down' if up else 'up'}")
    if kind == "truck":
        return _shift(e, clip, pairs, "x", -1.0 if right else 1.0, True, f"the scene slides {'left' if right else 'right'}, near things faster")
    if kind == "pedestal":
        return _shift(e, clip, pairs, "y", 1.0 if up else -1.0, True, f"the scene slides {'down' if up else 'up'}, near things faster")
    if kind in ("zoom", "dolly"):
        inward = mv.direction == "out" or (mv.amount is not None and kind == "zoom" and mv.amount < 1.0)
        return _scale(e, clip, pairs, -1.0 if inward else 1.0, "the picture shrinks towards its centre" if inward else "the picture grows from its centre",
                      what_moves=kind == "dolly")
    if kind == "roll":
        sign = -1.0 if mv.direction == "left" else 1.0
        degrees = math.degrees(sum(p.rotation for p in pairs))
        agree = float(np.mean([p.clockwise if sign > 0 else p.anticlockwise for p in pairs]))
        measured = f"rotation {degrees:+.1f}° over {agree * 100:.0f} % of the picture"
        return _verdict(e, "camera", f"the picture turns {'clockwise' if sign > 0 else 'anticlockwise'}",
                        degrees * sign >= VISIBLE_ROLL and agree >= AGREEING * 0.5, measured, degrees, "degrees")
    if kind == "orbit":
        sign = 1.0 if right else -1.0  # the background sweeps the way the camera travels... turned: see module doc
        return _shift(e, clip, pairs, "x", sign, False, f"the background sweeps {'right' if right else 'left'} round the subject")
    if kind == "shake":
        before = meter.pairs(*_window(clip, max(0.0, e.start - 1.0), e.start))
        base = _jitter(before, width)
        now = _jitter(pairs, width)
        calming = mv.direction == "out" or (mv.amount is not None and mv.amount <= 0)
        if calming:
            passed = now <= max(STILL, 0.5 * base)
            expected = "the shake stops"
        else:
            passed = now >= SHAKE_JITTER and now >= 1.5 * base
            expected = "the picture jitters"
        measured = f"jitter {_px(clip, now * width / 100):.1f} px/frame (was {_px(clip, base * width / 100):.1f})"
        return _verdict(e, "camera", expected, passed, measured, now, "% width/frame")
    if kind == "static":
        a, b = _window(clip, e.end, min(clip.duration, e.end + 1.0))
        still = meter.pairs(a, b)
        motion = float(np.mean([math.hypot(p.tx, p.ty) + abs(p.divergence) * width / 2 for p in still])) / width * 100
        jit = _jitter(still, width)
        passed = motion <= STILL and jit <= SHAKE_JITTER
        measured = f"camera motion {_px(clip, motion * width / 100):.2f} px/frame, jitter {_px(clip, jit * width / 100):.2f}"
        return _verdict(e, "camera", "the picture holds still", passed, measured, motion, "% width/frame")
    if kind in ("shot", "focus", "follow"):
        return _framing(e, clip, pairs)
    return _verdict(e, "camera", kind, None, "not measured", 0.0, "")


def _framing(e: Expectation, clip: DecodedClip, pairs: list[PairMotion]) -> Verdict:
    """A shot size, focus or follow moved over time: judged by the move it implies (closer = grows)."""
    before, after = e.camera_before, e.camera_after
    grow = magnification(before, after, look_point(before))
    turn = after.yaw - before.yaw
    lift = after.pitch - before.pitch
    if abs(math.log(max(grow, 1e-6))) >= 0.12:
        sign = 1.0 if grow > 1 else -1.0
        words = "the picture grows (a closer shot)" if sign > 0 else "the picture shrinks (a wider shot)"
        return _scale(e, clip, pairs, sign, words, what_moves=True)
    if abs(turn) >= 4.0:
        return _shift(e, clip, pairs, "x", -1.0 if turn > 0 else 1.0, False, f"the picture slides {'left' if turn > 0 else 'right'} to frame the subject")
    if abs(lift) >= 3.0:
        return _shift(e, clip, pairs, "y", 1.0 if lift > 0 else -1.0, False, f"the picture slides {'down' if lift > 0 else 'up'} to frame the subject")
    return _verdict(e, "camera", "the framing already matches", None, "no change expected", 0.0, "")
