"""Named looks ("ghibli", "noir", ...): a prompt fragment for neural engines and a colour grade for previz.

A ``Style`` is plain data. Neural engines append ``prompt`` to the text prompt; the previz engine turns
the grade fields into lookup tables once per style (``director.engines.previz.grade``) and bakes them
into its textures, so a style costs nothing per frame beyond ``vignette`` and ``grain``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    name: str
    description: str  # one line for people choosing a look
    prompt: str  # fragment appended to neural prompts
    saturation: float = 1.0  # 0 = black and white, 1 = unchanged, > 1 = more vivid
    contrast: float = 1.0  # slope of the tone curve around mid grey
    exposure: float = 0.0  # stops; +1 doubles the linear light
    gamma: float = 1.0  # > 1 lifts mid tones
    lift: tuple[float, float, float] = (0.0, 0.0, 0.0)  # added to shadows, RGB in 0..1
    gain: tuple[float, float, float] = (1.0, 1.0, 1.0)  # multiplies highlights, RGB
    tint: tuple[float, float, float] = (0.0, 0.0, 0.0)  # added everywhere, RGB in 0..1 (split toning lite)
    vignette: float = 0.0  # 0..1 darkening of the corners
    grain: float = 0.0  # 0..1 film grain amplitude
    posterize: int = 0  # number of tone levels per channel (0 = off); flat "painted" looks


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style(
            "natural",
            "No grade: the world as lit.",
            "natural colours, realistic lighting",
        ),
        Style(
            "ghibli",
            "Hand-painted animation: soft, saturated greens and skies, warm light.",
            "Studio Ghibli style, hand-painted anime background, soft warm light, lush colours",
            saturation=1.25,
            contrast=0.92,
            exposure=0.15,
            gamma=1.08,
            lift=(0.03, 0.04, 0.05),
            gain=(1.03, 1.02, 0.97),
            posterize=24,
        ),
        Style(
            "noir",
            "Black and white, hard contrast, deep shadows.",
            "film noir, black and white, high contrast, hard shadows, 1940s cinematography",
            saturation=0.0,
            contrast=1.45,
            exposure=-0.1,
            gamma=0.9,
            vignette=0.55,
            grain=0.25,
        ),
        Style(
            "1980s film",
            "Warm 35 mm stock: faded blacks, warm highlights, grain.",
            "1980s 35mm film photograph, warm faded colours, film grain, analog look",
            saturation=0.85,
            contrast=0.9,
            lift=(0.06, 0.04, 0.03),
            gain=(1.06, 1.0, 0.88),
            tint=(0.02, 0.01, -0.01),
            vignette=0.3,
            grain=0.35,
        ),
        Style(
            "cyberpunk",
            "Neon night: magenta and cyan, crushed blacks.",
            "cyberpunk, neon lights, magenta and cyan, rain-soaked night city, blade runner",
            saturation=1.35,
            contrast=1.2,
            lift=(0.02, 0.0, 0.06),
            gain=(1.08, 0.9, 1.12),
            tint=(0.03, -0.02, 0.05),
            vignette=0.35,
        ),
        Style(
            "watercolor",
            "Soft washes of colour on paper: light, low contrast, flat tones.",
            "watercolor painting, soft washes, paper texture, delicate colours",
            saturation=0.8,
            contrast=0.75,
            exposure=0.3,
            gamma=1.15,
            lift=(0.1, 0.1, 0.09),
            posterize=12,
        ),
        Style(
            "golden hour",
            "Low warm sun: amber highlights, soft shadows.",
            "golden hour, warm low sunlight, long soft shadows, amber glow",
            saturation=1.15,
            contrast=1.05,
            exposure=0.1,
            gain=(1.12, 1.0, 0.8),
            tint=(0.04, 0.02, -0.03),
            vignette=0.2,
        ),
        Style(
            "bleach bypass",
            "Silver-retained print: desaturated, harsh contrast, metallic.",
            "bleach bypass, desaturated, high contrast, gritty metallic tones",
            saturation=0.45,
            contrast=1.35,
            gamma=0.95,
            gain=(0.98, 1.0, 1.02),
            grain=0.2,
            vignette=0.25,
        ),
        Style(
            "pastel",
            "Airy pastel palette: lifted blacks, soft pinks and blues.",
            "pastel colours, soft airy light, dreamy, light pinks and baby blues",
            saturation=0.7,
            contrast=0.7,
            exposure=0.35,
            gamma=1.2,
            lift=(0.12, 0.1, 0.13),
            tint=(0.03, 0.0, 0.03),
        ),
        Style(
            "teal and orange",
            "Blockbuster grade: orange skin tones against teal shadows.",
            "cinematic teal and orange colour grade, blockbuster film look",
            saturation=1.15,
            contrast=1.15,
            lift=(0.0, 0.03, 0.06),
            gain=(1.1, 1.0, 0.85),
            vignette=0.2,
        ),
    )
}


def style_names() -> list[str]:
    """Names of the preset styles, in definition order."""
    return list(STYLES)


def get_style(name: str | None) -> Style:
    """The style called ``name`` (case-insensitive); ``natural`` for None or an unknown name."""
    if not name:
        return STYLES["natural"]
    key = name.strip().lower()
    if key in STYLES:
        return STYLES[key]
    for style in STYLES.values():  # "ghibli style", "film noir" ...
        if style.name in key or key in style.name:
            return style
    return STYLES["natural"]
