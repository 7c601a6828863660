"""Characters followed on screen: entering, leaving, walking or running towards a target, gesturing.

What moves against the camera's own motion, and changes the picture where it moves (``optical_flow.py``),
is the moving figure; its largest blob near where the compiled world puts it seeds an OpenCV MIL tracker
(no weights) that follows the figure through the move, also while the blob detector loses it. Where the
figure should go comes from the compiled world: its start and end positions projected through the
camera (``expectations.screen_x``); how big it can be, from its kind and depth. A gesture is done in
place, so it is judged inside the box the figure's arms and body sweep (``expectations.screen_point``).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words, screen_point, screen_x
from director.check.optical_flow import CHANGE_FLOOR, FlowMeter
from director.check.verdict import Verdict
from director.plan.timeline import GESTURES, CharacterAction
from director.world.state import CameraState

MIN_BLOB = 0.0008  # of the picture: smaller moving specks are noise (rain, leaves)
VISIBLE_TRAVEL = 0.04  # of the frame width the figure must cross
SEEN = 0.25  # share of the move's frames in which a moving figure must be found
APPROACH = 1.12  # a figure walking to the camera grows by this much at least
GESTURE_REACH = (0.9, 2.4)  # metres: half-width and height around a figure that an arm, a jump or a fall sweeps
GESTURE_CHANGE = 0.005  # share of that box (~0.02 m², a forearm) that must change more per frame in the
# gesture's busier half than before, or differ from the last frame before it (a held pose: arm out, seated)
GESTURE_RISE = 2.0  # ... and at least this many times as much as before
STILL_CAMERA = 0.2  # px per frame (and its scale change times the half-width): a camera this still lets
# frames be compared across the whole gesture without undoing its motion
GESTURE_LEAD = 12  # frames measured before and at least during a gesture


MAX_STEP = 0.15  # of the frame width: a figure does not jump further between two frames
FIRST_REACH = 0.35  # of the frame width: how far from where it should be a figure is first looked for
FIGURE_SIZE = {  # kind -> (height, length) in metres, as things are in the world (not as any engine draws them)
    "person": (1.8, 0.9), "child": (1.3, 0.6), "car": (1.5, 4.5), "horse": (1.8, 2.6), "dog": (0.8, 1.1),
    "cat": (0.45, 0.8), "bird": (0.3, 0.5), "bicycle": (1.7, 1.8),
}
OVERSIZE = 2.0  # a moving region bigger than this many times the figure's whole box is something else


def _blobs(mask: np.ndarray) -> list[tuple[float, float, tuple[int, int, int, int]]]:
    """Centre x, area share and box of each moving region big enough to be a figure."""
    m = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, _, stats, centroids = cv2.connectedComponentsWithStats(m, connectivity=8)
    out = []
    for k in range(1, n):
        area = stats[k, cv2.CC_STAT_AREA] / mask.size
        if area >= MIN_BLOB:
            out.append((float(centroids[k][0]), float(area), tuple(int(v) for v in stats[k, :4])))
    return out


def _growth(clip: DecodedClip, i: int, box: tuple[int, int, int, int], dis) -> float:
    """How much the region ``box`` grows from frame i to i+1 (relative scale change; 0 = same size),
    from the divergence of the optical flow inside it: a figure walking to the camera swells."""
    x, y, w, h = box
    pad = max(4, int(0.3 * max(w, h)))
    y0, y1 = max(0, y - pad), min(clip.grey.shape[1], y + h + pad)
    x0, x1 = max(0, x - pad), min(clip.grey.shape[2], x + w + pad)
    a = np.ascontiguousarray(clip.grey[i, y0:y1, x0:x1])
    b = np.ascontiguousarray(clip.grey[i + 1, y0:y1, x0:x1])
    if a.shape[0] < 8 or a.shape[1] < 8:
        return 0.0
    flow = dis.calc(a, b, None)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    cx, cy = x + w / 2, y + h / 2
    dx, dy = xs - cx, ys - cy
    inside = (np.abs(dx) <= w / 2) & (np.abs(dy) <= h / 2)
    if inside.sum() < 20:
        return 0.0
    u = flow[..., 0] - np.median(flow[..., 0][inside])  # the figure's own travel removed
    v = flow[..., 1] - np.median(flow[..., 1][inside])
    num = float((u * dx + v * dy)[inside].sum())
    den = float((dx * dx + dy * dy)[inside].sum()) + 1e-6
    return num / den


def _track(clip: DecodedClip, meter: FlowMeter, a: int, b: int, expect_x: float,
           max_area: float = 1.0) -> tuple[list[float], list[float], int]:
    """Centre x and relative size of the moving figure in the frames of [a, b) where it was seen moving.

    The first sighting is the moving region nearest ``expect_x`` (where the compiled world puts the
    character, in analysis pixels); after that the region nearest the last position (a figure does
    not jump, nor outgrow ``max_area``, the most of the picture the figure can cover: a bigger region is
    other things moving, e.g. rain, a cloud bank, a grainy road). Where no region fits, the MIL tracker's
    box carries the figure on; it is never re-seeded on another region. A figure lost for some frames (behind
    another one, or too small a blob for a frame or two) may have gone MAX_STEP further for each of them."""
    xs: list[float] = []
    hs: list[float] = []
    seen = 0
    tracker = None
    last = expect_x
    lost = 0  # frames since ``last`` was last moved on
    grown = 0.0
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    width = clip.grey.shape[2]
    for i in range(a, min(b, clip.frames - 1)):
        blobs = _blobs(meter.pair(i).residual_mask)
        reach = MAX_STEP * width * (1 + lost) if xs else FIRST_REACH * width
        blobs = [bl for bl in blobs if abs(bl[0] - last) <= reach and bl[1] <= max_area]
        found = min(blobs, key=lambda bl: abs(bl[0] - last)) if blobs else None
        frame = cv2.cvtColor(clip.grey[i], cv2.COLOR_GRAY2BGR)
        if found is not None:
            seen += 1
            cx, _, box = found
            if tracker is None:
                cv2.setRNGSeed(0)  # MIL samples patches at random: the same clip must give the same verdict
                tracker = cv2.TrackerMIL_create()
                tracker.init(frame, box)
            xs.append(cx)
            grown += _growth(clip, i, box, dis)
            hs.append(float(np.exp(grown)))  # size relative to the first sighting
            last, lost = cx, 0
        elif tracker is not None:
            ok, box = tracker.update(frame)
            lost += 1
            if ok and abs(box[0] + box[2] / 2 - last) <= MAX_STEP * width / 2:
                last, lost = box[0] + box[2] / 2, 0  # bridges the gap; the box keeps its first size, so no height
    return xs, hs, seen


def _max_area(kind: str, depth: float, cam: CameraState, clip: DecodedClip) -> float:
    """The most of the picture (a share) a moving region may cover and still be the figure: ``OVERSIZE``
    times its whole box (height by length: any heading) at the nearest it comes."""
    tall, long = FIGURE_SIZE.get(kind, FIGURE_SIZE["person"])
    h, w = clip.grey.shape[1:]
    focal = w / 2 / math.tan(math.radians(cam.fov) / 2)  # px per unit of (size / depth)
    depth = max(depth, 0.5)
    return min(1.0, OVERSIZE * (tall * focal / depth) * (long * focal / depth) / (h * w))


def _figure_box(e: Expectation, clip: DecodedClip) -> tuple[int, int, int, int] | None:
    """Pixel box (x0, y0, x1, y1) an arm, a jump or a fall of the character sweeps, from where the
    compiled world puts it; None when it is off screen or behind the camera."""
    ent, cam = e.entity_after or e.entity_before, e.camera_after
    if ent is None:
        return None
    h, w = clip.grey.shape[1:]
    half, tall = GESTURE_REACH
    corners = [screen_point(cam, ent.x + dx, y, ent.z, w / h) for dx in (-half, half) for y in (0.0, tall)]
    if any(c is None for c in corners):
        return None
    us = [(c[0] + 1) / 2 * w for c in corners]  # type: ignore[index]
    vs = [(c[1] + 1) / 2 * h for c in corners]  # type: ignore[index]
    x0, x1 = max(0, int(min(us))), min(w, int(math.ceil(max(us))))
    y0, y1 = max(0, int(min(vs))), min(h, int(math.ceil(max(vs))))
    return (x0, y0, x1, y1) if x1 - x0 >= 2 and y1 - y0 >= 2 else None


def _check_gesture(e: Expectation, clip: DecodedClip, meter: FlowMeter, v) -> Verdict:
    """Done in place: the figure does not travel, but where it stands the picture changes (an arm waving,
    a jump, the body going down) more than just before, once the camera's own motion is undone."""
    act = e.part
    box = _figure_box(e, clip)
    if box is None:
        return v("the figure moves in place", "not_checkable", "the figure is not on screen")
    x0, y0, x1, y1 = box
    a, b = clip.frame_at(e.start), clip.frame_at(e.end)
    share = lambda i: float(meter.pair(i).changed[y0:y1, x0:x1].mean())  # noqa: E731
    before = [share(i) for i in range(max(0, a - GESTURE_LEAD), max(0, a - 1))]
    during = [share(i) for i in range(a + 1, min(clip.frames - 1, max(b, a + GESTURE_LEAD)))]
    if not before or not during:
        return v("the figure moves in place", "not_checkable", "too close to the clip's edges")
    # The busier half of the gesture: a point's jabs, a fall or sitting down move in bursts, then hold.
    busy = sorted(during)[len(during) // 2:]
    was, now = float(np.mean(before)), float(np.mean(busy))
    moved = now - was >= GESTURE_CHANGE and now >= GESTURE_RISE * was
    posed = _pose_change(clip, meter, box, a, len(during))
    passed = moved or (posed is not None and posed - was >= GESTURE_CHANGE and posed >= GESTURE_RISE * was)
    pose_words = f"; {posed * 100:.1f} % of it differs from before" if posed is not None else ""
    return v(f"the figure moves in place ({act.action})", "pass" if passed else "fail",
             f"changing area where it stands {was * 100:.1f} % → {now * 100:.1f} % of its box{pose_words}",
             round(max(now, posed or 0.0) - was, 4), "share")


def _pose_change(clip: DecodedClip, meter: FlowMeter, box: tuple[int, int, int, int], a: int, frames: int) -> float | None:
    """Share of ``box`` that differs, in the gesture's busier half, from the frame just before it (a pose
    held still: an arm pointing, a figure seated) — or None when the camera moves meanwhile."""
    x0, y0, x1, y1 = box
    first, last = max(0, a - 1), min(clip.frames - 1, a + 1 + frames)
    half = clip.grey.shape[2] / 2
    for i in range(first, last):
        p = meter.pair(i)
        if max(abs(p.tx), abs(p.ty), abs(p.divergence) * half, abs(p.rotation) * half) > STILL_CAMERA:
            return None
    ref = cv2.GaussianBlur(clip.grey[first, y0:y1, x0:x1], (3, 3), 0)
    shares = []
    for i in range(a + 1, last + 1):
        diff = cv2.absdiff(ref, cv2.GaussianBlur(clip.grey[i, y0:y1, x0:x1], (3, 3), 0))
        shares.append(float((diff > CHANGE_FLOOR).mean()))
    if not shares:
        return None
    return float(np.mean(sorted(shares)[len(shares) // 2:]))


def check_character(e: Expectation, clip: DecodedClip, meter: FlowMeter) -> Verdict:
    act = e.part
    assert isinstance(act, CharacterAction)
    words = effect_words(act)
    v = lambda expected, status, measured="", value=None, unit="": Verdict(  # noqa: E731
        e.index, e.at, e.text, "character", words, expected, status, measured, value, unit)
    if act.action in ("turn", "idle"):
        return v("a pose or turn", "not_checkable", "poses and turns are not measured")
    a, b = clip.frame_at(e.start), clip.frame_at(e.end)
    if act.action in GESTURES:
        return _check_gesture(e, clip, meter, v)
    if act.action == "stop":
        before = [meter.pair(i).residual_mask.mean() for i in range(max(0, a - 12), max(1, a - 1))]
        after = [meter.pair(i).residual_mask.mean() for i in range(a + 6, min(clip.frames - 1, a + 18))]
        if not before or not after:
            return v("the figure stops moving", "not_checkable", "too close to the clip's edges")
        ratio = float(np.mean(after) / max(np.mean(before), 1e-6))
        return v("the figure stops moving", "pass" if ratio < 0.6 else "fail",
                 f"moving area {ratio * 100:.0f} % of before", round(ratio, 3), "ratio")
    if b - a < 3:
        return v("the figure moves", "not_checkable", "the move ends too soon to measure")
    start_ent = e.entity_before
    end_ent = e.entity_after
    cam0, cam1 = e.camera_before, e.camera_after
    if end_ent is None:
        return v("the figure moves", "not_checkable", "the character is not in the compiled world")
    u1, depth1 = screen_x(cam1, end_ent.x, end_ent.z)
    if act.action == "cross":
        u0 = -1.3 if (act.side or "left") != "right" else 1.3
        u1, depth0 = -u0, depth1
    elif (start_ent is None or start_ent.presence == 0.0 or act.action == "enter") and e.entity_first is not None:
        # A newcomer comes in where the world brings it in ("a cat runs to the girl" may come from the right
        # and stop left of her): not guessed from where it ends up.
        u0, depth0 = screen_x(cam0, e.entity_first.x, e.entity_first.z)
    elif start_ent is None or start_ent.presence == 0.0 or act.action == "enter":
        side = act.side or ("left" if u1 < 0 else "right")
        u0, depth0 = (-1.3 if side == "left" else 1.3), depth1
    else:
        u0, depth0 = screen_x(cam0, start_ent.x, start_ent.z)
    if act.action == "leave" or (end_ent.presence == 0.0 and act.action != "cross"):
        u1 = 1.3 if u1 > u0 else -1.3
    expect_x = (max(-1.0, min(1.0, u0)) + 1) / 2 * clip.grey.shape[2]
    xs, hs, seen = _track(clip, meter, a, b, expect_x, _max_area(end_ent.kind, min(depth0, depth1), e.camera_after, clip))
    width = clip.grey.shape[2]
    frames = b - a
    if seen < SEEN * frames or len(xs) < 3 or len(hs) < 2:
        return v("a moving figure", "fail", f"a moving figure seen in {seen}/{frames} frames")
    k = max(1, len(xs) // 5)
    travel = (np.mean(xs[-k:]) - np.mean(xs[:k])) / width
    expected_travel = (u1 - u0) / 2  # half-widths to widths
    if abs(expected_travel) >= VISIBLE_TRAVEL:
        direction = "right" if expected_travel > 0 else "left"
        passed = travel * np.sign(expected_travel) >= VISIBLE_TRAVEL
        return v(f"a figure crosses to the {direction}", "pass" if passed else "fail",
                 f"figure tracked over {seen}/{frames} frames, moved {travel * 100:+.0f} % of the width",
                 round(float(travel), 4), "width")
    k = max(1, len(hs) // 5)
    grow = float(np.mean(hs[-k:]) / max(np.mean(hs[:k]), 1e-6))
    nearer = depth1 < depth0
    passed = grow >= APPROACH if nearer else grow <= 1 / APPROACH
    return v("the figure comes nearer" if nearer else "the figure goes away", "pass" if passed else "fail",
             f"figure tracked over {seen}/{frames} frames, its size x{grow:.2f}", round(grow, 3), "ratio")
