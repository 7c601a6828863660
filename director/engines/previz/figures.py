"""Entity figures: readable silhouettes of people, animals and cars in a walk or run pose.

``draw_figure`` paints one pose at one size (supersampled, then reduced for smooth edges) and returns a
``Sprite`` (straight RGBA plus the ground contact point). The compositor caches sprites by kind, pose
bucket and size bucket, so a walking crowd costs a few blends per frame.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import cv2
import numpy as np

from director.vocabulary.character_kinds import CHARACTER_KINDS, character_kind
from director.engines.previz.looks import PersonLooks, animal_scale, person_looks

View = str  # 'left' | 'right' | 'front' | 'back'
SUPERSAMPLE = 2  # small figures are drawn at 2x and reduced, for smooth thin limbs
SUPERSAMPLE_BELOW = 120  # px; larger figures are smooth enough with OpenCV's antialiasing
PHASE_STEPS = 12  # pose buckets per stride cycle
SIZE_STEP = 0.15  # log-size bucket of drawn sprites: drawn at the bucket above, reduced to the exact size
SIZE_EXACT_BELOW = 24  # px: smaller sprites are drawn at their own whole-pixel height

# kind -> (height m, width m as drawn side-on)
SIZES: dict[str, tuple[float, float]] = {
    "person": (1.75, 0.9),
    "cat": (0.42, 0.75),
    "dog": (0.75, 1.1),
    "bird": (0.22, 0.45),
    "horse": (1.8, 2.6),
    "car": (1.5, 4.4),
    "thing": (1.0, 1.0),
}

# Free kind words → figure: every noun of a vocabulary kind drawn as a figure, plus words written as
# kinds in timelines that name no kind of the vocabulary.
ALIASES: dict[str, str] = {
    **{noun: e.figure for e in CHARACTER_KINDS.values() if e.figure != "thing" for noun in e.nouns},
    **{w: "person" for w in ("people", "character", "old man", "old woman")},
    **{w: "horse" for w in ("donkey", "unicorn")},
    **{w: "car" for w in ("vehicle", "police car")},
}

ANIMALS = frozenset({"cat", "dog", "bird", "horse"})

COLOR_WORDS: dict[str, tuple[int, int, int]] = {
    "red": (200, 40, 40), "blue": (50, 80, 190), "green": (50, 140, 60), "yellow": (230, 200, 40),
    "white": (235, 235, 235), "black": (35, 35, 38), "orange": (230, 130, 40), "purple": (120, 60, 150),
    "pink": (235, 140, 170), "brown": (120, 80, 50), "grey": (128, 128, 132), "gray": (128, 128, 132),
    "ginger": (215, 120, 50), "golden": (210, 170, 70), "silver": (190, 195, 200), "tabby": (150, 120, 90),
}

DEFAULT_COLORS: dict[str, tuple[int, int, int]] = {
    "person": (60, 110, 170), "cat": (215, 130, 60), "dog": (150, 105, 60), "bird": (60, 60, 70),
    "horse": (120, 75, 45), "car": (190, 40, 40), "thing": (150, 150, 150),
}


def canonical_kind(kind: str) -> str:
    """Map free kind words to a drawable kind ('person', 'cat', 'dog', 'bird', 'horse', 'car', 'thing')."""
    k = kind.strip().lower()
    if k in SIZES:
        return k
    entry = character_kind(k)
    if entry is not None:
        return entry.figure
    if k in ALIASES:
        return ALIASES[k]
    for word in re.findall(r"[a-z]+", k):
        if word in ALIASES:
            return ALIASES[word]
    return "person" if not k else "thing"


def main_color(kind: str, description: str) -> tuple[int, int, int]:
    """First colour word in the description, else the kind's default colour."""
    for word in re.findall(r"[a-z]+", description.lower()):
        if word in COLOR_WORDS:
            return COLOR_WORDS[word]
    return DEFAULT_COLORS.get(kind, DEFAULT_COLORS["thing"])


def view_of(heading: float, camera_yaw: float) -> View:
    """Which side of the entity the camera sees, from its heading relative to the view direction."""
    rel = (heading - camera_yaw + 180.0) % 360.0 - 180.0
    if abs(rel) <= 40:
        return "back"
    if abs(rel) >= 140:
        return "front"
    return "right" if rel > 0 else "left"


@dataclass
class Sprite:
    rgba: np.ndarray  # uint8 [h, w, 4], straight alpha
    anchor: tuple[float, float]  # (x, y) pixel of the ground contact point (bottom centre)


class _Pen:
    """Draws in metres with y up on a supersampled RGBA canvas; x = 0 at the canvas centre."""

    def __init__(self, w_m: float, h_m: float, scale: float, supersample: int) -> None:
        self.ss = supersample
        self.s = scale * supersample
        self.w = max(2, int(math.ceil(w_m * self.s)))
        self.h = max(2, int(math.ceil(h_m * self.s)))
        self.img = np.zeros((self.h, self.w, 4), np.uint8)
        self.cx = self.w / 2.0
        self.base = self.h - 1.0  # ground row

    def p(self, x: float, y: float) -> tuple[int, int]:
        return int(round((self.cx + x * self.s) * 8)), int(round((self.base - y * self.s) * 8))

    def line(self, a, b, width: float, color) -> None:
        t = max(1, int(round(width * self.s)))
        cv2.line(self.img, self.p(*a), self.p(*b), (*color, 255), t, cv2.LINE_AA, 3)

    def limb(self, pts, width: float, color) -> None:
        for a, b in zip(pts[:-1], pts[1:]):
            self.line(a, b, width, color)
            self.circle(b, width / 2, color)

    def circle(self, c, r: float, color) -> None:
        cv2.circle(self.img, self.p(*c), max(1, int(round(r * self.s * 8))), (*color, 255), -1, cv2.LINE_AA, 3)

    def ellipse(self, c, rx: float, ry: float, color, angle: float = 0.0) -> None:
        axes = (max(1, int(round(rx * self.s * 8))), max(1, int(round(ry * self.s * 8))))
        cv2.ellipse(self.img, self.p(*c), axes, -angle, 0, 360, (*color, 255), -1, cv2.LINE_AA, 3)

    def poly(self, pts, color) -> None:
        q = np.array([self.p(*pt) for pt in pts], np.int32)
        cv2.fillPoly(self.img, [q], (*color, 255), cv2.LINE_AA, 3)

    def finish(self) -> np.ndarray:
        if self.ss == 1:
            return self.img
        return cv2.resize(self.img, (max(1, self.w // self.ss), max(1, self.h // self.ss)),
                          interpolation=cv2.INTER_AREA)


def _shade(c, k: float) -> tuple[int, int, int]:
    return tuple(int(max(0, min(255, v * k))) for v in c)


WAVE_SWING = 0.75  # radians either side: a wave big enough to read across a street at preview size
FOREARM = 0.3  # m, elbow to hand
POINT_JAB = 0.35  # share of the forearm a pointing hand draws back between jabs


def _gesture_arm(gesture: str | None, g: float, side_view: bool, shoulder, wide: float = 1.0):
    """(elbow, hand) of the arm that gestures (the near one in a side view, screen right head-on), or None.

    ``g``: the gesture's phase 0..1 (a wave's hand swings with it)."""
    sx, sy = shoulder
    if gesture == "wave":  # raised above the head, the forearm swinging about the elbow (seen across a street)
        swing = WAVE_SWING * math.sin(2 * math.pi * g)
        elbow = (sx + 0.12, sy + 0.26) if side_view else (sx + 0.3 * wide, sy + 0.2)
        return elbow, (elbow[0] + FOREARM * math.sin(swing), elbow[1] + FOREARM * math.cos(swing))
    if gesture == "point":  # the arm straight out towards what it points at, jabbing for emphasis
        reach = 1.0 - POINT_JAB * (1 - math.cos(2 * math.pi * g)) / 2
        if side_view:
            return (sx + 0.3, sy + 0.02), (sx + 0.3 + 0.3 * reach, sy + 0.06 * reach)
        return (sx + 0.36 * wide, sy + 0.02), (sx + (0.36 + 0.24 * reach) * wide, sy + 0.06 * reach)
    return None


def _person(pen: _Pen, phase: float, view: View, run: bool, moving: bool, looks: PersonLooks,
            gesture: str | None = None) -> None:
    """A person as their words describe them (``looks``): hair, garments and their colours, build.

    ``gesture`` (wave, point, sit, dance, jump) poses the figure; ``phase`` is then the gesture's phase."""
    skin = (225, 185, 150)
    color, trousers, hair = looks.top, looks.legs, looks.hair
    dress = looks.top_kind == "dress"
    hem = {"coat": 0.42, "robe": 0.8}.get(looks.top_kind, 0.0)  # how far below the hip the garment reaches
    wide = looks.width
    a = 2 * math.pi * phase
    amp = (0.75 if run else 0.45) if moving else 0.0
    bob = (0.05 if run else 0.025) * abs(math.cos(a)) if moving else 0.0
    lean = (0.18 if run and moving else 0.0) + looks.stoop
    sway = 0.0
    if gesture == "jump":  # up off the ground and down again, once per phase
        bob = 0.4 * math.sin(math.pi * phase)
    elif gesture == "dance":  # a bounce on each beat and the hips swaying
        amp, bob, sway = 0.3, 0.06 * abs(math.sin(a)), 0.07 * math.sin(a)
    sitting = phase if gesture == "sit" else 0.0  # 0 standing .. 1 seated
    hip = (sway, 0.93 + bob - 0.43 * sitting)
    if sitting:  # a seat under the hips: a bench, a rock or a step
        seat = (95, 80, 65)
        if view in ("left", "right"):
            pen.poly([(-0.3, 0.0), (0.12, 0.0), (0.12, hip[1] - 0.07), (-0.3, hip[1] - 0.07)], seat)
        else:
            pen.poly([(-0.3, 0.0), (0.3, 0.0), (0.3, hip[1] - 0.07), (-0.3, hip[1] - 0.07)], seat)
    arm = _gesture_arm(gesture, phase, view in ("left", "right"), (0.0, 0.0))
    if view in ("left", "right"):
        for sign, shade in ((-1, 0.75), (1, 1.0)):  # far leg first
            th = sign * amp * math.sin(a)
            knee_bend = max(0.0, sign * math.cos(a)) * (0.9 if run else 0.5) * (amp > 0)
            knee = (hip[0] + 0.46 * math.sin(th), hip[1] - 0.46 * math.cos(th))
            shin = th - knee_bend
            foot = (knee[0] + 0.47 * math.sin(shin), knee[1] - 0.47 * math.cos(shin))
            if sitting:  # thighs forward along the seat, shins down to the ground
                knee = (knee[0] + (hip[0] + 0.44 - knee[0]) * sitting, knee[1] + (hip[1] - knee[1]) * sitting)
                foot = (foot[0] + (knee[0] + 0.02 - foot[0]) * sitting, max(0.03, knee[1] - 0.47))
            pen.limb([hip, knee, foot], 0.13, _shade(trousers, shade))
            pen.line(foot, (foot[0] + 0.14, foot[1]), 0.07, _shade((40, 35, 30), shade))
        shoulder = (hip[0] + 0.55 * math.sin(lean), hip[1] + 0.55)
        head = (shoulder[0] + 0.05 + 0.05 * lean, shoulder[1] + 0.2)
        if hair is not None and looks.long_hair:  # behind the head, down to the shoulders
            pen.ellipse((head[0] - 0.08, head[1] - 0.1), 0.1, 0.2, hair)
        if dress or hem:
            drop = 0.3 if dress else hem
            flare = 0.25 if dress else 0.17 + 0.1 * (hem > 0.5)
            pen.poly([(shoulder[0] - 0.14 * wide, shoulder[1]), (shoulder[0] + 0.14 * wide, shoulder[1]),
                      (hip[0] + flare * wide, hip[1] - drop), (hip[0] - flare * wide, hip[1] - drop)], color)
        else:
            pen.line(hip, shoulder, 0.3 * wide, color)
        if looks.scarf is not None:
            pen.line((shoulder[0] - 0.1, shoulder[1] - 0.02), (shoulder[0] + 0.1, shoulder[1] - 0.02), 0.09, looks.scarf)
        arm_amp = amp * 0.8
        for sign, shade in ((1, 0.75), (-1, 1.0)):
            th = sign * arm_amp * math.sin(a)
            if gesture == "dance":  # arms up, in turn
                th = math.pi * (0.7 + 0.2 * sign * math.sin(a))
            elbow = (shoulder[0] + 0.3 * math.sin(th), shoulder[1] - 0.3 * math.cos(th))
            fa = th + (1.3 if run else 0.3)
            hand = (elbow[0] + 0.27 * math.sin(fa), elbow[1] - 0.27 * math.cos(fa))
            if arm is not None and sign == -1:  # the near arm gestures
                elbow, hand = (shoulder[0] + arm[0][0], shoulder[1] + arm[0][1]), (shoulder[0] + arm[1][0], shoulder[1] + arm[1][1])
            pen.limb([shoulder, elbow, hand], 0.09, _shade(color, shade * 0.9))
            pen.circle(hand, 0.05, skin)
        pen.circle(head, 0.12, skin)
        if hair is not None:
            pen.ellipse((head[0] - 0.03, head[1] + 0.05), 0.12, 0.08, hair)
        if looks.beard is not None:
            pen.ellipse((head[0] + 0.05, head[1] - 0.08), 0.07, 0.06, looks.beard)
        pen.circle((head[0] + 0.08, head[1] + 0.01), 0.015, (30, 30, 30))
        if looks.hat is not None:
            pen.line((head[0] - 0.17, head[1] + 0.08), (head[0] + 0.19, head[1] + 0.08), 0.035, looks.hat)
            pen.ellipse((head[0] - 0.01, head[1] + 0.13), 0.11, 0.07, looks.hat)
    else:
        lift = 0.06 * math.sin(a) if moving or gesture == "dance" else 0.0
        for sign in (-1, 1):
            up = max(0.0, sign * lift) + bob * (gesture == "jump")
            if sitting:  # knees towards the camera: short thighs, shins to the ground
                pen.limb([(hip[0] + sign * 0.1, hip[1]), (hip[0] + sign * 0.14, hip[1] - 0.06), (sign * 0.14, 0.02)], 0.14, trousers)
            else:
                pen.limb([(hip[0] + sign * 0.1, hip[1]), (hip[0] + sign * 0.11, up + 0.02)], 0.14, trousers)
        shoulder_y = hip[1] + 0.55
        head = (0.0, shoulder_y + 0.2)
        if hair is not None and looks.long_hair and view != "back":  # falls behind the shoulders
            pen.poly([(-0.15, head[1] + 0.06), (0.15, head[1] + 0.06), (0.17, shoulder_y - 0.12), (-0.17, shoulder_y - 0.12)], hair)
        if dress:
            pen.poly([(-0.2 * wide, shoulder_y), (0.2 * wide, shoulder_y), (0.32 * wide, hip[1] - 0.3), (-0.32 * wide, hip[1] - 0.3)], color)
        else:
            bottom = hip[1] - 0.05 - hem
            flare = 0.17 + 0.06 * (hem > 0)
            pen.poly([(-0.2 * wide, shoulder_y), (0.2 * wide, shoulder_y), (flare * wide, bottom), (-flare * wide, bottom)], color)
        if looks.scarf is not None:
            pen.poly([(-0.13, shoulder_y + 0.03), (0.13, shoulder_y + 0.03), (0.11, shoulder_y - 0.05), (-0.11, shoulder_y - 0.05)], looks.scarf)
            pen.line((0.06, shoulder_y - 0.04), (0.08, shoulder_y - 0.3), 0.06, looks.scarf)
        swing = 0.08 * math.sin(a) if moving else 0.0
        for sign in (-1, 1):
            root = (hip[0] + sign * 0.21 * wide, shoulder_y - 0.03)
            hand = (hip[0] + sign * 0.27 * wide, shoulder_y - 0.55 + sign * swing)
            if gesture == "dance":  # arms up in a V, in turn
                hand = (hip[0] + sign * 0.45 * wide, shoulder_y + 0.3 + 0.15 * sign * math.sin(a))
            if arm is not None and sign == 1:
                pen.limb([root, (root[0] + arm[0][0], root[1] + arm[0][1]), (root[0] + arm[1][0], root[1] + arm[1][1])],
                         0.09, _shade(color, 0.9))
                pen.circle((root[0] + arm[1][0], root[1] + arm[1][1]), 0.05, skin)
                continue
            pen.limb([root, hand], 0.09, _shade(color, 0.9))
            pen.circle(hand, 0.05, skin)
        pen.circle(head, 0.12, skin)
        if hair is not None:
            if view == "back":
                pen.circle((0, head[1] + 0.01), 0.125, hair)
                if looks.long_hair:
                    pen.poly([(-0.13, head[1]), (0.13, head[1]), (0.15, shoulder_y - 0.12), (-0.15, shoulder_y - 0.12)], hair)
            else:
                pen.ellipse((0, head[1] + 0.07), 0.13, 0.06, hair)
        if view != "back":
            if looks.beard is not None:
                pen.ellipse((0, head[1] - 0.08), 0.08, 0.065, looks.beard)
            for sx in (-0.045, 0.045):
                pen.circle((sx, head[1] + 0.0), 0.017, (30, 30, 30))
        if looks.hat is not None:
            pen.line((-0.19, head[1] + 0.08), (0.19, head[1] + 0.08), 0.035, looks.hat)
            pen.ellipse((0, head[1] + 0.13), 0.11, 0.07, looks.hat)


def _quadruped(pen: _Pen, phase: float, moving: bool, run: bool, color, dims: dict) -> None:
    """Side view facing right: four legs, body, neck, head, tail. ``dims`` in metres."""
    a = 2 * math.pi * phase
    amp = (0.55 if run else 0.35) if moving else 0.0
    L, H, leg = dims["body_len"], dims["body_h"], dims["leg"]
    bob = 0.04 * leg * abs(math.sin(a)) if moving else 0.0
    body_y = leg + H / 2 + bob
    dark = _shade(color, 0.7)
    legs = [(L * 0.38, 0.0, dark), (-L * 0.38, 0.5, dark), (L * 0.33, 0.5, color), (-L * 0.43, 0.0, color)]
    for hx, off, col in legs:
        th = amp * math.sin(a + off * 2 * math.pi)
        top = (hx, body_y - H * 0.2)
        knee = (hx + leg * 0.5 * math.sin(th), top[1] - leg * 0.55 * math.cos(th))
        foot = (knee[0] + leg * 0.05, 0.0 + (0.03 * leg if moving and math.sin(a + off * 6.28) > 0 else 0.0))
        pen.limb([top, knee, foot], dims["leg_w"], col)
    pen.ellipse((0.0, body_y), L / 2, H / 2, color)
    neck_base = (L * 0.42, body_y + H * 0.15)
    head = (L * 0.42 + dims["neck"][0], body_y + dims["neck"][1])
    pen.line(neck_base, head, dims["neck_w"], color)
    pen.ellipse(head, dims["head"][0], dims["head"][1], color, dims.get("head_angle", 0.0))
    if dims.get("snout"):
        sx, sy = dims["snout"]
        pen.ellipse((head[0] + sx, head[1] - sy), sx, sy * 0.9, color)
    if dims.get("ears") == "pointy":
        r = dims["head"][1]
        for dx in (-0.35, 0.25):
            pen.poly([(head[0] + dx * r, head[1] + r * 0.6), (head[0] + (dx + 0.5) * r, head[1] + r * 0.6),
                      (head[0] + (dx + 0.2) * r, head[1] + r * 1.6)], color)
    elif dims.get("ears") == "floppy":
        r = dims["head"][1]
        pen.ellipse((head[0] - r * 0.5, head[1] - r * 0.1), r * 0.3, r * 0.65, dark, 20)
    pen.circle((head[0] + dims["head"][0] * 0.45, head[1] + dims["head"][1] * 0.2), max(0.012, H * 0.06), (20, 20, 20))
    tail = dims["tail"]
    wag = 0.15 * math.sin(a * 2) if moving else 0.0
    t0 = (-L / 2, body_y + H * 0.2)
    pen.limb([t0, (t0[0] - tail[0] * 0.5, t0[1] + tail[1] * 0.5 + wag), (t0[0] - tail[0], t0[1] + tail[1] + wag)],
             dims["tail_w"], color)
    if dims.get("mane"):
        pen.line((neck_base[0] - 0.05, neck_base[1] + H * 0.3), (head[0] - 0.1, head[1] + 0.1), dims["neck_w"] * 0.4, dark)


def _bird(pen: _Pen, phase: float, flying: bool, color) -> None:
    y = 0.09 if not flying else 0.12
    pen.ellipse((0, y), 0.1, 0.055, color, 10)
    pen.circle((0.09, y + 0.05), 0.045, color)
    pen.poly([(0.13, y + 0.06), (0.19, y + 0.045), (0.13, y + 0.035)], (230, 170, 50))
    pen.circle((0.1, y + 0.06), 0.01, (240, 240, 240))
    pen.poly([(-0.09, y + 0.02), (-0.19, y + 0.06), (-0.18, y - 0.01)], color)
    if flying:
        flap = math.sin(2 * math.pi * phase)
        tip = (-0.05, y + 0.13 * flap)
        pen.poly([(0.03, y + 0.02), (-0.06, y + 0.01), tip], _shade(color, 0.8))
    else:
        pen.line((0.0, y - 0.05), (0.0, 0.0), 0.015, (200, 140, 50))
        pen.poly([(0.04, y + 0.03), (-0.08, y + 0.01), (-0.02, y - 0.03)], _shade(color, 0.8))


def _car(pen: _Pen, phase: float, view: View, color) -> None:
    glass, tyre = (120, 150, 175), (25, 25, 28)
    if view in ("left", "right"):
        pen.poly([(-2.15, 0.35), (2.15, 0.35), (2.2, 0.8), (1.9, 0.95), (-2.1, 0.98), (-2.2, 0.7)], color)
        pen.poly([(-1.3, 0.95), (1.0, 0.95), (0.45, 1.45), (-1.0, 1.45)], color)
        pen.poly([(-1.15, 0.98), (-0.2, 0.98), (-0.2, 1.38), (-0.95, 1.38)], glass)
        pen.poly([(-0.1, 0.98), (0.85, 0.98), (0.4, 1.38), (-0.1, 1.38)], glass)
        pen.ellipse((2.1, 0.75), 0.08, 0.06, (255, 240, 190))
        pen.ellipse((-2.15, 0.75), 0.06, 0.06, (220, 30, 30))
        for wx in (-1.35, 1.35):
            pen.circle((wx, 0.34), 0.34, tyre)
            pen.circle((wx, 0.34), 0.17, (170, 170, 175))
            ang = 2 * math.pi * phase
            pen.line((wx - 0.15 * math.cos(ang), 0.34 - 0.15 * math.sin(ang)),
                     (wx + 0.15 * math.cos(ang), 0.34 + 0.15 * math.sin(ang)), 0.04, (90, 90, 95))
    else:
        pen.poly([(-0.9, 0.3), (0.9, 0.3), (0.95, 0.95), (-0.95, 0.95)], color)
        pen.poly([(-0.75, 0.95), (0.75, 0.95), (0.6, 1.45), (-0.6, 1.45)], color)
        pen.poly([(-0.68, 1.0), (0.68, 1.0), (0.55, 1.38), (-0.55, 1.38)], glass)
        light = (255, 240, 190) if view == "front" else (220, 30, 30)
        for sx in (-0.7, 0.7):
            pen.ellipse((sx, 0.75), 0.14, 0.07, light)
            pen.poly([(sx - 0.14, 0.0), (sx + 0.14, 0.0), (sx + 0.14, 0.32), (sx - 0.14, 0.32)], tyre)


def _canvas_metres(kind: str, view: View, action: str) -> tuple[float, float]:
    """(width, height) in metres of the canvas a figure of ``kind`` (one of SIZES) is drawn on."""
    h_m, w_m = SIZES[kind]
    side = view in ("left", "right")
    pen_w = (w_m if side or kind != "car" else 2.2) + 0.6 * (kind in ("person", "thing")) + 0.2 * h_m
    if action == "fall":  # room to lie down on either side of the feet
        pen_w = 2.0 * h_m
    return pen_w * 1.1, h_m * (1.45 if action == "jump" else 1.2)


def _looks_scale(kind: str, description: str) -> float:
    """A child is smaller than an adult, a kitten than a cat: the figure's size against its kind's."""
    if kind == "person":
        return person_looks(description).scale
    return animal_scale(description) if kind in ANIMALS else 1.0


def figure_bounds(kind: str, description: str, view: View, action: str, height_px: float) -> tuple[float, float]:
    """(width, height) in pixels that ``draw_figure`` of a figure ``height_px`` tall (its nominal height)
    stays within, in any pose, its ground point at the bottom centre: the compositor leaves out figures
    wholly outside the frame without drawing them."""
    kind = kind if kind in SIZES else "thing"
    w_m, h_m = _canvas_metres(kind, view, action)
    scale = height_px / SIZES[kind][0] * _looks_scale(kind, description)
    return w_m * scale + 2.0, h_m * scale + 2.0  # + the canvas' rounding up and the resizes'


def draw_figure(kind: str, description: str, view: View, phase: float, action: str, height_px: float) -> Sprite:
    """One figure of ``kind`` ``height_px`` tall (its nominal height), seen from ``view``."""
    kind = kind if kind in SIZES else "thing"
    h_m = SIZES[kind][0]
    scale = height_px / h_m
    moving = action in ("walk", "run")
    run = action == "run"
    color = main_color(kind, description)
    side = view in ("left", "right")
    pen = _Pen(*_canvas_metres(kind, view, action), scale, SUPERSAMPLE if height_px < SUPERSAMPLE_BELOW else 1)
    if kind == "person":
        gesture = action if action in GESTURE_POSES else None
        _person(pen, phase, view, run, moving or action == "dance", person_looks(description),
                None if gesture == "fall" else gesture)
    elif kind == "cat":
        _quadruped(pen, phase, moving, run, color, dict(body_len=0.42, body_h=0.14, leg=0.16, leg_w=0.045,
                   neck=(0.07, 0.12), neck_w=0.07, head=(0.075, 0.065), ears="pointy", tail=(0.12, 0.22),
                   tail_w=0.035))
    elif kind == "dog":
        _quadruped(pen, phase, moving, run, color, dict(body_len=0.66, body_h=0.24, leg=0.3, leg_w=0.07,
                   neck=(0.12, 0.2), neck_w=0.11, head=(0.1, 0.09), snout=(0.08, 0.045), ears="floppy",
                   tail=(0.15, 0.2), tail_w=0.045))
    elif kind == "horse":
        _quadruped(pen, phase, moving, run, color, dict(body_len=1.5, body_h=0.6, leg=0.85, leg_w=0.13,
                   neck=(0.38, 0.62), neck_w=0.28, head=(0.27, 0.12), head_angle=-40, ears="pointy",
                   tail=(0.25, -0.45), tail_w=0.09, mane=True))
    elif kind == "bird":
        _bird(pen, phase, moving, color)
    elif kind == "car":
        _car(pen, phase, view, color)
    else:
        pen.poly([(-0.4, 0), (0.4, 0), (0.35, 0.9), (-0.35, 0.9)], color)
        pen.circle((0, 0.9), 0.2, _shade(color, 0.8))
    if action == "fall":  # topples about the feet, backwards, until it lies on the ground
        pivot = (pen.cx, pen.base)
        turn = cv2.getRotationMatrix2D(pivot, 90.0 * phase * (1 if view != "left" else -1), 1.0)
        pen.img = cv2.warpAffine(pen.img, turn, (pen.w, pen.h), flags=cv2.INTER_LINEAR)
    rgba = pen.finish()
    if view == "left":
        rgba = cv2.flip(rgba, 1)  # the same bytes as rgba[:, ::-1].copy(), whose strided copy took ~1.4 ms
    if not side and kind in ANIMALS:  # animals seen head-on or from behind: a narrower side view
        rgba = cv2.resize(rgba, (max(1, rgba.shape[1] // 2), rgba.shape[0]), interpolation=cv2.INTER_AREA)
    size = _looks_scale(kind, description)  # the sprite keeps its ground point
    if size != 1.0:
        rgba = cv2.resize(rgba, (max(1, round(rgba.shape[1] * size)), max(1, round(rgba.shape[0] * size))),
                          interpolation=cv2.INTER_AREA)
    return Sprite(rgba=rgba, anchor=(rgba.shape[1] / 2.0, rgba.shape[0] - 1.0))


GESTURE_POSES = ("wave", "point", "sit", "dance", "jump", "fall")
# Seconds per cycle of a repeated gesture, or to get into a held pose (sit, fall).
_GESTURE_PERIOD = {"wave": 0.8, "dance": 1.0, "jump": 0.8, "point": 1.0}
_POSE_SECONDS = {"sit": 0.7, "fall": 0.6}


def gesture_phase(action: str, seconds: float) -> float:
    """The pose phase ``seconds`` into a gesture, quantised like strides: cyclic for a wave, a dance or
    jumps; 0 → 1 and held for sitting down and falling."""
    if action in _POSE_SECONDS:
        return min(PHASE_STEPS, math.floor(seconds / _POSE_SECONDS[action] * PHASE_STEPS + 0.5)) / PHASE_STEPS
    return phase_bucket(seconds / _GESTURE_PERIOD.get(action, 1.0))


def phase_bucket(stride: float) -> float:
    """Stride phase quantised to ``PHASE_STEPS`` poses per cycle."""
    return (math.floor((stride % 1.0) * PHASE_STEPS + 0.5) % PHASE_STEPS) / PHASE_STEPS


def size_bucket(height_px: float) -> float:
    """The height a sprite of ``height_px`` is drawn at: its own below SIZE_EXACT_BELOW, else the next
    ``SIZE_STEP`` log step up (never smaller: it is reduced to the exact size, not enlarged).

    A figure walking towards a dollying camera changes size every frame; with fine steps (4 %) nearly
    every frame drew a new sprite (~4 ms each, most of a steady city frame's figure time)."""
    if height_px < SIZE_EXACT_BELOW:
        return max(2.0, round(height_px))
    return float(math.ceil(math.exp(math.ceil(math.log(height_px) / SIZE_STEP - 1e-9) * SIZE_STEP)))
