"""Paint ``ghibli_style.png``: a soft, hand-painted-looking summer landscape (deep sky blues, cumulus
clouds, layered meadow greens) used as the ``style_image`` of ``ghibli_girl_and_the_cat.json``.

Made from code (numpy + Pillow) so the repository ships no borrowed art. Run from the repository root:
``.venv/bin/python presets/images/make_ghibli_style.py`` (deterministic: same bytes every run).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

W, H = 768, 432
OUT = Path(__file__).with_name("ghibli_style.png")


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], scale: int) -> np.ndarray:
    """Value noise in [0, 1]: coarse random grid resized up with bicubic interpolation."""
    small = rng.random((shape[0] // scale + 2, shape[1] // scale + 2)).astype(np.float32)
    img = Image.fromarray((small * 255).astype(np.uint8)).resize((shape[1], shape[0]), Image.BICUBIC)
    return np.asarray(img, np.float32) / 255.0


def _ridge(rng: np.random.Generator, base: float, amp: float, waves: int) -> np.ndarray:
    """A hill line: y per column, a sum of a few soft sines."""
    x = np.linspace(0, 2 * np.pi, W)
    y = np.full(W, base, np.float32)
    for k in range(1, waves + 1):
        y += amp / k * np.sin(x * k * rng.uniform(0.6, 1.4) + rng.uniform(0, 6.28))
    return y


def paint(seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    yy = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    # 1. sky: deep cerulean at the top to a pale aqua haze at the horizon
    top, horizon = np.array([62, 132, 205], np.float32), np.array([186, 224, 236], np.float32)
    img = top + (horizon - top) * np.clip(yy / 0.62, 0, 1) ** 1.3
    img = np.broadcast_to(img, (H, W, 3)).copy()
    # 2. cumulus clouds: stacked soft discs, warm-white tops, lilac-grey bellies
    clouds = Image.new("L", (W, H), 0)
    shade = Image.new("L", (W, H), 0)
    dc, ds = ImageDraw.Draw(clouds), ImageDraw.Draw(shade)
    for cx, cy, size in ((150, 110, 70), (420, 70, 95), (640, 140, 60)):
        for _ in range(16):
            r = size * rng.uniform(0.35, 0.7)
            x = cx + rng.normal(0, size * 0.7)
            y = cy - abs(rng.normal(0, size * 0.35))
            dc.ellipse((x - r, y - r, x + r, y + r), fill=255)
        ds.ellipse((cx - size * 1.5, cy + size * 0.05, cx + size * 1.5, cy + size * 0.7), fill=150)
    cloud = np.asarray(clouds.filter(ImageFilter.GaussianBlur(6)), np.float32)[..., None] / 255
    belly = np.asarray(shade.filter(ImageFilter.GaussianBlur(14)), np.float32)[..., None] / 255 * cloud
    img = img * (1 - cloud) + np.array([252, 250, 240], np.float32) * cloud
    img = img * (1 - belly * 0.5) + np.array([176, 180, 214], np.float32) * belly * 0.5
    # 3. hills, far to near: blue-green, then fresh greens, then a deep shaded meadow
    rows = np.arange(H, dtype=np.float32)[:, None]
    for base, amp, colour in ((260, 18, (104, 158, 150)), (300, 22, (96, 170, 88)),
                              (345, 16, (66, 142, 64)), (395, 10, (40, 104, 52))):
        line = _ridge(rng, base, amp, 3)[None, :]
        mask = np.clip((rows - line) / 3.0, 0, 1)[..., None]
        light = 1.0 + 0.18 * (_smooth_noise(rng, (H, W), 48)[..., None] - 0.5)  # dappled light
        img = img * (1 - mask) + np.array(colour, np.float32) * light * mask
    # 4. a few painted trees on the middle hill: dark rounded crowns
    canvas = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    for x in rng.uniform(40, W - 40, 7):
        y = 300 + rng.uniform(-10, 25)
        r = rng.uniform(14, 26)
        draw.ellipse((x - r, y - 2.2 * r, x + r, y), fill=(38, 96, 60))
        draw.ellipse((x - r * 0.6, y - 2.1 * r, x + r * 0.4, y - 1.2 * r), fill=(70, 140, 74))
    img = np.asarray(canvas, np.float32)
    # 5. brush texture: low-frequency colour wobble, then a soft blur and a gentle posterize
    img *= 1.0 + 0.06 * (_smooth_noise(rng, (H, W), 6)[..., None] - 0.5)
    canvas = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2))
    levels = 28
    arr = np.asarray(canvas, np.float32)
    arr = np.round(arr / 255 * (levels - 1)) / (levels - 1) * 255 * 0.5 + arr * 0.5
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


if __name__ == "__main__":
    paint().save(OUT, optimize=True)
    print(f"wrote {OUT}")
