"""Silhouette painters for scene layers: hills, skylines, trees, houses, props.

Each painter draws one layer of one scene on a ``Canvas`` in metres, from a seeded generator, so the
same scene always looks the same. Colours are albedo (lit later by ``lighting``); emissive values mark
windows and lamps.
"""

from __future__ import annotations

import numpy as np

from director.engines.previz.canvas import Canvas, periodic_noise

WINDOW_LIT = 235


def _jitter(rng: np.random.Generator, color, amount: int = 14) -> tuple[int, int, int]:
    c = np.asarray(color, dtype=np.int32) + rng.integers(-amount, amount + 1, 3)
    return tuple(int(v) for v in np.clip(c, 0, 255))


def _place(rng: np.random.Generator, period: float, spacing: float, jitter: float = 0.4) -> np.ndarray:
    """Roughly evenly spaced x positions over one period."""
    n = max(1, int(period / spacing))
    return (np.arange(n) + 0.5 + rng.uniform(-jitter, jitter, n)) * (period / n)


# -- generic shapes --------------------------------------------------------------------------
def hills(c: Canvas, rng, base: float, amp: float, smooth_m: float, color, top=None, band=0.0, octaves=4) -> None:
    prof = periodic_noise(c.width, rng, smooth_m * c.ppm, octaves)
    c.ridge(base + amp * (0.5 + 0.5 * prof), color, top, band)


def conifer(c: Canvas, x: float, h: float, color, snow: bool = False) -> None:
    trunk = h * 0.12
    c.rect(x - h * 0.03, 0, x + h * 0.03, trunk, (70, 50, 35))
    for i in range(3):
        y0 = trunk + (h - trunk) * i * 0.28
        w = h * (0.33 - i * 0.08)
        c.poly([(x - w, y0), (x + w, y0), (x, y0 + (h - trunk) * 0.55)], color)
        if snow:
            c.poly([(x - w * 0.45, y0 + (h - trunk) * 0.3), (x + w * 0.45, y0 + (h - trunk) * 0.3),
                    (x, y0 + (h - trunk) * 0.55)], (235, 240, 250))


def broadleaf(c: Canvas, rng, x: float, h: float, color) -> None:
    c.rect(x - h * 0.04, 0, x + h * 0.04, h * 0.55, (85, 62, 42))
    for _ in range(5):
        dx, dy = rng.uniform(-0.2, 0.2) * h, rng.uniform(0.55, 0.85) * h
        c.ellipse(x + dx, dy, h * rng.uniform(0.18, 0.28), h * rng.uniform(0.15, 0.22), _jitter(rng, color, 10))


def lamp_post(c: Canvas, x: float, h: float = 4.2) -> None:
    c.rect(x - 0.07, 0, x + 0.07, h, (40, 42, 45))
    c.rect(x - 0.25, h - 0.1, x + 0.25, h + 0.05, (40, 42, 45))
    c.ellipse(x, h - 0.2, 0.22, 0.14, (240, 230, 190), emissive=255)
    c.glow(x, h - 0.3, 1.6, 200)


def windows(c: Canvas, rng, x0: float, x1: float, y0: float, y1: float, w: float, h: float, lit: float, glass) -> None:
    nx = max(1, int((x1 - x0) / (w * 2.0)))
    ny = max(1, int((y1 - y0) / (h * 1.8)))
    for i in range(nx):
        for j in range(ny):
            cx = x0 + (i + 0.5) * (x1 - x0) / nx
            cy = y0 + (j + 0.5) * (y1 - y0) / ny
            e = WINDOW_LIT if rng.random() < lit else 0
            c.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, glass, emissive=e)


def house(c: Canvas, rng, x: float, w: float, h: float, wall, roof, snow: bool = False) -> None:
    c.rect(x - w / 2, 0, x + w / 2, h, wall)
    c.poly([(x - w / 2 - 0.4, h), (x + w / 2 + 0.4, h), (x, h + w * 0.45)], roof)
    if snow:
        c.poly([(x - w / 2 - 0.5, h + 0.05), (x + w / 2 + 0.5, h + 0.05), (x + w / 2 - 0.1, h + 0.45),
                (x, h + w * 0.45 + 0.2), (x - w / 2 + 0.1, h + 0.45)], (240, 244, 252))
    c.rect(x + w * 0.2, h + w * 0.15, x + w * 0.32, h + w * 0.45, (110, 70, 60))
    c.rect(x - 0.45, 0, x + 0.45, 2.0, (80, 55, 40))
    windows(c, rng, x - w / 2 + 0.3, x + w / 2 - 0.3, 0.8, h - 0.3, 0.9, 0.9, 0.85, (60, 70, 90))


# -- scenes ----------------------------------------------------------------------------------
def city_far(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 22.0, 0.5):
        w, h = rng.uniform(14, 34), rng.uniform(30, 140)
        col = _jitter(rng, (120, 128, 145), 12)
        c.rect(x - w / 2, -1, x + w / 2, h, col)
        if rng.random() < 0.3:
            c.rect(x - 0.3, h, x + 0.3, h + rng.uniform(6, 20), col)
        windows(c, rng, x - w / 2 + 1, x + w / 2 - 1, 3, h - 2, 1.6, 1.6, 0.35, col)


def city_mid(c: Canvas, rng) -> None:
    x = 0.0
    facades = [(200, 180, 150), (170, 110, 90), (150, 150, 155), (215, 200, 175), (120, 95, 80)]
    while x < c.period_m - 6:
        w = min(rng.uniform(10, 22), c.period_m - x)
        h = rng.uniform(12, 32)
        col = _jitter(rng, facades[rng.integers(len(facades))], 10)
        c.rect(x, -1, x + w, h, col)
        c.rect(x - 0.2, h, x + w + 0.2, h + 0.6, _jitter(rng, (90, 90, 95)))
        windows(c, rng, x + 1, x + w - 1, 4.0, h - 1, 1.3, 1.9, 0.6, (55, 65, 85))
        c.rect(x + w * 0.4, 0, x + w * 0.4 + 1.6, 3.0, (60, 45, 40))
        if rng.random() < 0.5:  # shop front
            c.rect(x + 1, 0, x + w * 0.35, 3.2, (70, 80, 95), emissive=180)
            c.rect(x + 0.8, 3.2, x + w * 0.38, 3.8, _jitter(rng, (160, 40, 40), 40))
        x += w
    c.rect(x, -1, c.period_m, 14, (160, 150, 140))


def city_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 12.0, 0.1):
        lamp_post(c, x)
    for x in _place(rng, c.period_m, 17.0, 0.3):
        c.rect(x - 0.6, 0, x + 0.6, 0.5, (95, 90, 85))
        broadleaf(c, rng, x, rng.uniform(3.5, 5.0), (60, 110, 55))


def country_far(c: Canvas, rng) -> None:
    hills(c, rng, 15, 70, 120, (105, 135, 160))


def country_mid(c: Canvas, rng) -> None:
    hills(c, rng, 2, 18, 40, (95, 150, 70), (120, 170, 85), 3)
    prof_y = 4.0
    for x in _place(rng, c.period_m, 35.0, 0.6):
        if rng.random() < 0.3:
            c.rect(x - 5, 0, x + 5, prof_y + 2, (160, 50, 40))
            c.poly([(x - 5.5, prof_y + 2), (x + 5.5, prof_y + 2), (x, prof_y + 6)], (90, 60, 50))
            c.rect(x - 1, 0, x + 1, 3, (60, 40, 30))
        else:
            broadleaf(c, rng, x, rng.uniform(7, 12), (55, 105, 50))


def country_near(c: Canvas, rng) -> None:
    posts = np.arange(0, c.period_m, 2.5)
    for x in posts:
        c.rect(x - 0.06, 0, x + 0.06, 1.2, (120, 95, 70))
    c.rect(0, 0.95, c.period_m, 1.03, (130, 105, 78))
    c.rect(0, 0.55, c.period_m, 0.62, (130, 105, 78))
    for x in _place(rng, c.period_m, 9.0, 0.5):
        c.ellipse(x, 0.3, rng.uniform(0.6, 1.2), rng.uniform(0.4, 0.7), _jitter(rng, (70, 120, 55)))
    for x in _place(rng, c.period_m, 40.0, 0.3):
        broadleaf(c, rng, x, rng.uniform(6, 8), (60, 115, 50))


def forest_far(c: Canvas, rng) -> None:
    hills(c, rng, 8, 12, 30, (50, 80, 70))
    for x in _place(rng, c.period_m, 4.0, 0.5):
        conifer(c, x, rng.uniform(14, 24), (45, 75, 62))


def forest_mid(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 3.0, 0.5):
        conifer(c, x, rng.uniform(12, 24), _jitter(rng, (35, 85, 50), 10))


def forest_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 6.0, 0.45):
        w = rng.uniform(0.35, 0.6)
        col = _jitter(rng, (80, 60, 45), 10)
        c.rect(x - w, 0, x + w, 14, col)
        c.rect(x - w * 0.4, 0, x - w * 0.1, 14, _jitter(rng, (100, 78, 58), 8))
        c.ellipse(x, 13.5, 3.0, 2.0, (40, 85, 45))
    for x in _place(rng, c.period_m, 2.0, 0.5):
        c.ellipse(x, 0.15, rng.uniform(0.3, 0.6), rng.uniform(0.2, 0.4), _jitter(rng, (55, 110, 50)))


def beach_far(c: Canvas, rng) -> None:
    """Sea from the shore to the horizon (an apron below ground level), islands on it."""
    sea_top = (40, 110, 150)
    sea_near = (30, 140, 160)
    rows = np.arange(c.height)
    y = c.y_top - rows / c.ppm
    w = np.clip(-y / -c.y_bottom, 0, 1)[:, None]
    col = np.asarray(sea_top) * (1 - w) + np.asarray(sea_near) * w
    below = y <= 0
    c.albedo[below, :, :3] = col[below][:, None, :].astype(np.uint8)
    c.albedo[below, :, 3] = 255
    for _ in range(int(c.width * c.height * 0.002)):
        r = int(rng.integers(0, c.height))
        if not below[r]:
            continue
        x = rng.uniform(0, c.period_m)
        ln = rng.uniform(4, 25) * (1 + w[r, 0] * 2)
        c.rect(x, y[r], x + ln, y[r] + 0.9 / c.ppm, (200, 225, 235))
    prof = periodic_noise(c.width, rng, 300 * c.ppm, 3)
    island = np.where(prof > 0.35, (prof - 0.35) * 200, 0.0)
    c.ridge(island, (80, 105, 90))


def beach_mid(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 120.0, 0.4):
        if rng.random() < 0.6:
            c.poly([(x - 3, 0.6), (x + 3, 0.6), (x + 2.4, 0), (x - 2.4, 0)], (240, 240, 235))
            c.poly([(x, 0.7), (x, 7), (x + 2.5, 0.8)], (245, 245, 240))


def beach_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 14.0, 0.4):
        if rng.random() < 0.6:
            lean = rng.uniform(-1.2, 1.2)
            h = rng.uniform(5.5, 8)
            c.line(x, 0, x + lean, h, 0.3, (120, 95, 65))
            for ang in np.linspace(0, 2 * np.pi, 7, endpoint=False):
                dx, dy = np.cos(ang) * 2.4, np.sin(ang) * 0.9 - 0.6
                c.poly([(x + lean, h), (x + lean + dx, h + dy), (x + lean + dx * 0.5, h + dy + 0.35)],
                       (55, 120, 50))
        else:
            c.line(x, 0, x, 2.2, 0.06, (200, 200, 200))
            c.poly([(x - 1.3, 2.0), (x + 1.3, 2.0), (x, 2.6)], _jitter(rng, (220, 70, 60), 40))


def mountains_far(c: Canvas, rng) -> None:
    prof = periodic_noise(c.width, rng, 500 * c.ppm, 5)
    peaks = 250 + 700 * np.clip(0.5 + 0.7 * prof, 0, 1) ** 1.5
    c.ridge(peaks, (110, 120, 145), (245, 248, 255), 140)


def mountains_mid(c: Canvas, rng) -> None:
    hills(c, rng, 20, 110, 90, (70, 100, 75))
    for x in _place(rng, c.period_m, 9.0, 0.5):
        conifer(c, x, rng.uniform(14, 22), (40, 75, 50))


def mountains_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 10.0, 0.5):
        if rng.random() < 0.5:
            r = rng.uniform(0.6, 1.6)
            c.poly([(x - r * 1.4, 0), (x - r, r * 0.9), (x + r * 0.3, r * 1.2), (x + r * 1.3, 0)],
                   _jitter(rng, (125, 120, 115)))
        else:
            conifer(c, x, rng.uniform(5, 9), (45, 85, 55))


def desert_far(c: Canvas, rng) -> None:
    hills(c, rng, 5, 30, 200, (200, 150, 115))
    for x in _place(rng, c.period_m, 500.0, 0.4):
        w, h = rng.uniform(120, 300), rng.uniform(80, 220)
        c.poly([(x - w, 0), (x - w * 0.7, h), (x + w * 0.7, h), (x + w, 0)], (185, 105, 75))
        c.rect(x - w * 0.7, h - 8, x + w * 0.7, h, (205, 130, 90))


def desert_mid(c: Canvas, rng) -> None:
    hills(c, rng, 1, 22, 50, (225, 185, 130), (240, 205, 150), 4, octaves=2)


def desert_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 11.0, 0.5):
        if rng.random() < 0.55:
            h = rng.uniform(2.5, 4.5)
            col = (70, 120, 70)
            c.rect(x - 0.22, 0, x + 0.22, h, col)
            c.circle(x, h, 0.22, col)
            for side in (-1, 1):
                if rng.random() < 0.8:
                    y0 = rng.uniform(1.0, h * 0.6)
                    c.rect(min(x, x + side * 0.8), y0, max(x, x + side * 0.8), y0 + 0.3, col)
                    c.rect(x + side * 0.8 - 0.16, y0, x + side * 0.8 + 0.16, y0 + 1.3, col)
                    c.circle(x + side * 0.8, y0 + 1.3, 0.16, col)
        else:
            r = rng.uniform(0.3, 0.9)
            c.ellipse(x, r * 0.3, r * 1.3, r * 0.6, _jitter(rng, (165, 120, 90)))


def snow_far(c: Canvas, rng) -> None:
    prof = periodic_noise(c.width, rng, 250 * c.ppm, 4)
    c.ridge(60 + 200 * np.clip(0.5 + 0.6 * prof, 0, 1), (190, 200, 220), (250, 252, 255), 90)


def snow_mid(c: Canvas, rng) -> None:
    hills(c, rng, 0.5, 5, 30, (235, 240, 250), octaves=2)
    for x in _place(rng, c.period_m, 16.0, 0.4):
        if rng.random() < 0.65:
            house(c, rng, x, rng.uniform(6, 9), rng.uniform(3.5, 5), _jitter(rng, (140, 95, 65)), (90, 50, 45), True)
        else:
            conifer(c, x, rng.uniform(7, 12), (40, 80, 60), snow=True)


def snow_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 14.0, 0.2):
        lamp_post(c, x, 3.5)
    for x in _place(rng, c.period_m, 7.0, 0.5):
        conifer(c, x, rng.uniform(3, 5), (40, 85, 60), snow=True)
    c.rect(0, 0, c.period_m, 0.35, (240, 244, 252))


def interior_wall(c: Canvas, rng) -> None:
    wall = (200, 175, 140)
    c.rect(0, c.y_bottom, c.period_m, 2.9, wall)
    for x in np.arange(0, c.period_m, 0.5):
        c.rect(x, 0.12, x + 0.08, 2.9, (190, 163, 130))
    c.rect(0, 2.9, c.period_m, c.y_top, (225, 215, 200))
    c.rect(0, 2.85, c.period_m, 2.95, (240, 235, 225))
    c.rect(0, 0, c.period_m, 0.12, (110, 80, 55))
    for k, x in enumerate(_place(rng, c.period_m, 4.0, 0.1)):
        kind = k % 4
        if kind == 0:  # window onto the outside
            c.rect(x - 0.8, 0.9, x + 0.8, 2.4, (235, 230, 220))
            c.rect(x - 0.7, 1.0, x + 0.7, 2.3, (150, 190, 225), emissive=90)
            c.rect(x - 0.03, 1.0, x + 0.03, 2.3, (235, 230, 220))
        elif kind == 1:  # painting
            c.rect(x - 0.55, 1.3, x + 0.55, 2.1, (120, 85, 40))
            c.rect(x - 0.48, 1.37, x + 0.48, 2.03, _jitter(rng, (90, 130, 160), 50))
            c.ellipse(x + 0.1, 1.6, 0.25, 0.12, _jitter(rng, (200, 170, 80), 40))
        elif kind == 2:  # book shelf
            c.rect(x - 0.7, 0, x + 0.7, 2.0, (110, 75, 50))
            for shelf in (0.3, 0.8, 1.3):
                xb = x - 0.65
                while xb < x + 0.6:
                    bw = rng.uniform(0.04, 0.09)
                    c.rect(xb, shelf, xb + bw, shelf + rng.uniform(0.25, 0.38), _jitter(rng, (140, 80, 60), 60))
                    xb += bw + 0.005
        else:  # wall lamp
            c.rect(x - 0.04, 1.7, x + 0.04, 1.95, (60, 55, 50))
            c.poly([(x - 0.18, 1.95), (x + 0.18, 1.95), (x + 0.1, 2.2), (x - 0.1, 2.2)], (250, 235, 200), 255)
            c.glow(x, 2.05, 0.9, 220)


def interior_furniture(c: Canvas, rng) -> None:
    for k, x in enumerate(_place(rng, c.period_m, 5.0, 0.2)):
        if k % 2 == 0:  # sofa
            col = _jitter(rng, (120, 60, 70), 30)
            c.rect(x - 1.1, 0.1, x + 1.1, 0.45, col)
            c.rect(x - 1.1, 0.45, x + 1.1, 0.9, _jitter(rng, col, 8))
            c.rect(x - 1.25, 0.1, x - 1.05, 0.65, col)
            c.rect(x + 1.05, 0.1, x + 1.25, 0.65, col)
            c.rect(x - 1.0, 0, x - 0.92, 0.1, (60, 40, 30))
            c.rect(x + 0.92, 0, x + 1.0, 0.1, (60, 40, 30))
        else:  # side table with a lamp and a plant
            c.rect(x - 0.3, 0.55, x + 0.3, 0.6, (110, 75, 50))
            c.rect(x - 0.25, 0, x - 0.21, 0.55, (110, 75, 50))
            c.rect(x + 0.21, 0, x + 0.25, 0.55, (110, 75, 50))
            c.rect(x - 0.02, 0.6, x + 0.02, 0.95, (70, 60, 50))
            c.poly([(x - 0.17, 0.92), (x + 0.17, 0.92), (x + 0.1, 1.15), (x - 0.1, 1.15)], (245, 225, 180), 255)
            c.glow(x, 1.0, 0.6, 230)
            c.rect(x + 0.6, 0, x + 0.85, 0.35, (160, 90, 60))
            for _ in range(6):
                c.ellipse(x + 0.72 + rng.uniform(-0.25, 0.25), 0.5 + rng.uniform(0, 0.5), 0.12, 0.07, (60, 120, 60))


def nightsky_far(c: Canvas, rng) -> None:
    hills(c, rng, 6, 40, 150, (40, 50, 60))


def nightsky_mid(c: Canvas, rng) -> None:
    hills(c, rng, 1, 9, 60, (35, 55, 40))
    for x in _place(rng, c.period_m, 150.0, 0.5):
        broadleaf(c, rng, x, rng.uniform(9, 13), (30, 60, 40))


def nightsky_near(c: Canvas, rng) -> None:
    for x in _place(rng, c.period_m, 0.7, 0.5):
        h = rng.uniform(0.2, 0.6)
        c.poly([(x - 0.1, 0), (x + rng.uniform(-0.15, 0.15), h), (x + 0.1, 0)], _jitter(rng, (50, 85, 45)))


# -- details a scene text may name (scene_details.py adds them as layers) ------------------------
def cliffs(c: Canvas, rng) -> None:
    """Sheer pale cliffs rising from the sea on part of the horizon, with a darker rock band."""
    prof = periodic_noise(c.width, rng, 60 * c.ppm, 4)
    mask = periodic_noise(c.width, rng, 400 * c.ppm, 2)
    heights = np.where(mask > -0.1, 45 + 35 * (0.5 + 0.5 * prof), 0.0)
    c.ridge(heights, (175, 165, 140), (120, 135, 90), band_m=6.0)


def surf(c: Canvas, rng) -> None:
    """Breaking waves along the shore: white foam crests over darker water."""
    c.rect(0, -0.6, c.period_m, 0.5, (40, 125, 150))
    for row, (y, thick) in enumerate(((0.3, 0.22), (0.0, 0.15), (-0.3, 0.1))):
        x = 0.0
        while x < c.period_m:
            ln = rng.uniform(3, 12)
            c.rect(x, y, min(c.period_m, x + ln), y + thick, (240, 245, 245) if row == 0 else (205, 225, 230))
            x += ln + rng.uniform(0.5, 4)


def farmhouse(c: Canvas, rng) -> None:
    """One farmhouse with a barn beside it, on one stretch of the layer."""
    house(c, rng, c.period_m * 0.3, 9.0, 5.0, (225, 215, 190), (150, 60, 45))
    c.rect(c.period_m * 0.3 + 7, 0, c.period_m * 0.3 + 15, 6.5, (160, 50, 40))
    c.poly([(c.period_m * 0.3 + 6.5, 6.5), (c.period_m * 0.3 + 15.5, 6.5), (c.period_m * 0.3 + 11, 10)], (90, 60, 50))


def street_lamps(c: Canvas, rng) -> None:
    for x in np.arange(rng.uniform(0, 6), c.period_m, 12.0):
        lamp_post(c, x)


def market_stalls(c: Canvas, rng) -> None:
    """Stalls with striped awnings and goods on their counters."""
    for x in _place(rng, c.period_m, 6.0, 0.3):
        awning = _jitter(rng, ((200, 60, 50), (50, 110, 170), (220, 170, 50))[int(rng.integers(0, 3))], 20)
        c.rect(x - 1.6, 0, x + 1.6, 0.9, (130, 95, 65))
        for k in range(6):
            c.circle(x - 1.3 + k * 0.5, 1.0, 0.16, _jitter(rng, (200, 120, 50), 60))
        c.rect(x - 1.6, 0.9, x - 1.5, 2.3, (90, 70, 50))
        c.rect(x + 1.5, 0.9, x + 1.6, 2.3, (90, 70, 50))
        for k in range(4):
            c.poly([(x - 1.8 + k * 0.9, 2.3), (x - 0.9 + k * 0.9, 2.3), (x - 0.9 + k * 0.9, 2.8), (x - 1.8 + k * 0.9, 2.8)],
                   awning if k % 2 == 0 else (240, 240, 235))


def river(c: Canvas, rng) -> None:
    """A river crossing the view at ground level (an apron below 0), with a bridge if asked for."""
    c.rect(0, -2.5, c.period_m, 0.05, (60, 120, 160))
    for _ in range(int(c.period_m / 20)):  # glints on the water
        x, y = rng.uniform(0, c.period_m), rng.uniform(-2.3, -0.3)
        c.rect(x, y, x + rng.uniform(1, 4), y + 0.08, (150, 190, 210))


def bridge(c: Canvas, rng) -> None:
    """A stone arch bridge."""
    x = c.period_m * 0.55
    c.rect(x - 14, 2.4, x + 14, 3.2, (150, 140, 125))
    for k in range(3):
        cx = x - 9 + k * 9
        c.rect(cx - 4.5, -1.0, cx - 3.5, 2.4, (140, 130, 115))
        c.rect(cx + 3.5, -1.0, cx + 4.5, 2.4, (140, 130, 115))
    c.rect(x - 14, 3.2, x + 14, 3.7, (120, 112, 100))
