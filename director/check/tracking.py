"""Characters followed on screen: entering, leaving, walking or running towards a target.

What moves against the camera's own motion (the flow residual of ``optical_flow.py``) is the moving
figure; its largest blob seeds an OpenCV MIL tracker (no weights) that follows the figure through the
move, also while the blob detector loses it. Where the figure should go comes from the compiled
world: its start and end positions projected through the camera (``expectations.screen_x``).
"""

from __future__ import annotations

import cv2
import numpy as np

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words, screen_x
from director.check.optical_flow import FlowMeter
from director.check.verdict import Verdict
from director.timeline import CharacterAction

MIN_BLOB = 0.0008  # of the picture: smaller moving specks are noise (rain, leaves)
VISIBLE_TRAVEL = 0.04  # of the frame width the figure must cross
SEEN = 0.25  # share of the move's frames in which a moving figure must be found
APPROACH = 1.12  # a figure walking to the camera grows by this much at least


MAX_STEP = 0.15  # of the frame width: a figure does not jump further between two frames


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


def _track(clip: DecodedClip, meter: FlowMeter, a: int, b: int) -> tuple[list[float], list[float], int]:
    """Centre x and box height of the moving figure in the frames of [a, b) where it was seen moving.

    The first sighting is the largest moving region; after that the region nearest the last position
    (a figure does not jump), and the MIL tracker bridges frames where no region moves."""
    xs: list[float] = []
    hs: list[float] = []
    seen = 0
    tracker = None
    last = 0.0
    width = clip.grey.shape[2]
    for i in range(a, min(b, clip.frames - 1)):
        blobs = _blobs(meter.pair(i).residual_mask)
        if xs:
            blobs = [bl for bl in blobs if abs(bl[0] - last) <= MAX_STEP * width]
            found = min(blobs, key=lambda bl: abs(bl[0] - last)) if blobs else None
        else:
            found = max(blobs, key=lambda bl: bl[1]) if blobs else None
        frame = cv2.cvtColor(clip.grey[i], cv2.COLOR_GRAY2BGR)
        if found is not None:
            seen += 1
            cx, _, box = found
            if tracker is None:
                cv2.setRNGSeed(0)  # MIL samples patches at random: the same clip must give the same verdict
                tracker = cv2.TrackerMIL_create()
                tracker.init(frame, box)
            xs.append(cx)
            hs.append(box[3])
            last = cx
        elif tracker is not None:
            ok, box = tracker.update(frame)
            if ok and abs(box[0] + box[2] / 2 - last) <= MAX_STEP * width / 2:
                last = box[0] + box[2] / 2  # bridges the gap; the box keeps its first size, so no height
    return xs, hs, seen


def check_character(e: Expectation, clip: DecodedClip, meter: FlowMeter) -> Verdict:
    act = e.part
    assert isinstance(act, CharacterAction)
    words = effect_words(act)
    v = lambda expected, status, measured="", value=None, unit="": Verdict(  # noqa: E731
        e.index, e.at, e.text, "character", words, expected, status, measured, value, unit)
    if act.action in ("turn", "idle"):
        return v("a pose or turn", "not_checkable", "poses and turns are not measured")
    a, b = clip.frame_at(e.start), clip.frame_at(e.end)
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
    if start_ent is None or start_ent.presence == 0.0 or act.action == "enter":
        side = act.side or ("left" if u1 < 0 else "right")
        u0, depth0 = (-1.3 if side == "left" else 1.3), depth1
    else:
        u0, depth0 = screen_x(cam0, start_ent.x, start_ent.z)
    if act.action == "leave" or (end_ent.presence == 0.0):
        u1 = 1.3 if u1 > u0 else -1.3
    xs, hs, seen = _track(clip, meter, a, b)
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
    grow = float(np.mean(hs[-k:]) / max(np.mean(hs[:k]), 1.0))
    nearer = depth1 < depth0
    passed = grow >= APPROACH if nearer else grow <= 1 / APPROACH
    return v("the figure comes nearer" if nearer else "the figure goes away", "pass" if passed else "fail",
             f"figure tracked over {seen}/{frames} frames, its height x{grow:.2f}", round(grow, 3), "ratio")
