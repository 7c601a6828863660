"""Scene compositions: which layers, ground and ambience a scene text asks for.

``choose_scene(text)`` picks a scene kind and says how (``SceneChoice``):

1. keywords — whole words and phrases of ``KEYWORDS`` ("a rainy street in Paris" → city), no model;
2. embedding — words nobody planned for ("an Alpine pass") go to the kind whose description in
   ``SCENE_DESCRIPTIONS`` is nearest in meaning (all-MiniLM-L6-v2, offline, shared with the command
   parser: ``director.commands.semantic`` loads it once per process, lazily), if at least
   ``EMBEDDING_MIN_SCORE`` similar;
3. default — the countryside, for empty or meaningless text.

``match_scene(text)`` is the keyword-only recipe lookup. Layer depths are metres from the world origin
along the view; ``period`` sets how far one can pan before the layer repeats.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from director.engines.previz import painters as p
from director.engines.previz.canvas import Canvas

log = logging.getLogger(__name__)

Painter = Callable[[Canvas, object], None]


@dataclass(frozen=True)
class LayerSpec:
    name: str
    depth: float  # metres from the world origin along the view
    y_bottom: float  # metres; below 0 is an apron that hides the far ground
    y_top: float  # metres
    paint: Painter
    period: float = 0.0  # metres; 0 = 3.2 x depth (three screen widths at the default lens)


@dataclass(frozen=True)
class GroundSpec:
    color: tuple[int, int, int]  # base albedo
    variation: float = 25.0  # noise amplitude (0..255 units)
    stripes: tuple[tuple[int, int, int], float] | None = None  # (colour, period in metres) along z
    road: bool = False  # an asphalt road along z with a dashed centre line and pavements
    path: tuple[int, int, int] | None = None  # a trodden path along z
    planks: bool = False  # wooden floor
    ripples: bool = False  # sand ripples across the view


@dataclass(frozen=True)
class SceneRecipe:
    kind: str
    layers: tuple[LayerSpec, ...]
    ground: GroundSpec
    ambience: dict[str, float] = field(default_factory=dict)  # sound beds: hum, nature, birds, sea, wind, crickets, room
    stars: float = 1.0  # star density multiplier at night
    clouds: float = 0.5  # cloud cover of the clear sky
    indoor: bool = False  # lit by lamps more than by the sky
    lamps: float = 0.0  # 0..1 street lamps lighting the ground and figures at night


RECIPES: dict[str, SceneRecipe] = {
    "city": SceneRecipe(
        "city",
        (LayerSpec("skyline", 450, -40, 170, p.city_far), LayerSpec("buildings", 70, -3, 36, p.city_mid),
         LayerSpec("street", 16, -0.5, 7, p.city_near)),
        GroundSpec((120, 120, 122), 14, road=True),
        {"hum": 1.0, "wind": 0.15, "birds": 0.15},
        stars=0.3,
        lamps=1.0,
    ),
    "countryside": SceneRecipe(
        "countryside",
        (LayerSpec("hills", 900, -60, 95, p.country_far), LayerSpec("fields", 150, -8, 30, p.country_mid),
         LayerSpec("fence", 22, -0.3, 9, p.country_near)),
        GroundSpec((105, 150, 70), 22, stripes=((125, 165, 80), 3.0), path=(150, 130, 95)),
        {"nature": 1.0, "birds": 1.0, "wind": 0.3, "crickets": 1.0},
    ),
    "forest": SceneRecipe(
        "forest",
        (LayerSpec("treeline", 200, -20, 40, p.forest_far), LayerSpec("trees", 45, -4, 27, p.forest_mid),
         LayerSpec("trunks", 11, -0.3, 16, p.forest_near)),
        GroundSpec((80, 85, 50), 30, path=(115, 95, 70)),
        {"nature": 0.8, "birds": 1.5, "wind": 0.35, "crickets": 0.8},
        clouds=0.4,
    ),
    "beach": SceneRecipe(
        "beach",
        (LayerSpec("sea", 1500, -60, 120, p.beach_far), LayerSpec("boats", 120, -1, 8, p.beach_mid),
         LayerSpec("palms", 14, -0.3, 10, p.beach_near)),
        GroundSpec((225, 205, 160), 16, ripples=True),
        {"sea": 1.0, "wind": 0.4, "birds": 0.3},
        clouds=0.35,
    ),
    "mountains": SceneRecipe(
        "mountains",
        (LayerSpec("peaks", 3000, -200, 1000, p.mountains_far), LayerSpec("foothills", 400, -25, 160, p.mountains_mid),
         LayerSpec("rocks", 25, -0.5, 10, p.mountains_near)),
        GroundSpec((120, 140, 80), 28, path=(140, 125, 100)),
        {"wind": 1.0, "birds": 0.3, "nature": 0.3},
        stars=1.5,
    ),
    "desert": SceneRecipe(
        "desert",
        (LayerSpec("mesas", 2500, -120, 260, p.desert_far), LayerSpec("dunes", 250, -12, 30, p.desert_mid),
         LayerSpec("cacti", 18, -0.3, 6, p.desert_near)),
        GroundSpec((220, 180, 130), 16, ripples=True),
        {"wind": 1.0},
        stars=1.8,
        clouds=0.1,
    ),
    "snowy village": SceneRecipe(
        "snowy village",
        (LayerSpec("snowy hills", 1000, -60, 280, p.snow_far), LayerSpec("cottages", 45, -3, 14, p.snow_mid),
         LayerSpec("lamps", 13, -0.3, 6, p.snow_near)),
        GroundSpec((232, 236, 245), 10, path=(200, 195, 195)),
        {"wind": 0.7, "room": 0.2},
        clouds=0.7,
        lamps=0.8,
    ),
    "interior": SceneRecipe(
        "interior",
        # Furniture stands behind where characters stand (6 m): a kitten crossing the room is not hidden by the sofa.
        (LayerSpec("wall", 7.6, -0.2, 12, p.interior_wall, period=24.0),
         LayerSpec("furniture", 6.9, -0.1, 1.4, p.interior_furniture, period=15.0)),
        GroundSpec((150, 105, 70), 14, planks=True),
        {"room": 1.0},
        indoor=True,
    ),
    "night sky": SceneRecipe(
        "night sky",
        (LayerSpec("far hills", 800, -50, 50, p.nightsky_far), LayerSpec("lone tree", 120, -6, 16, p.nightsky_mid),
         LayerSpec("grass", 15, -0.2, 0.8, p.nightsky_near)),
        GroundSpec((55, 80, 50), 18),
        {"crickets": 1.0, "wind": 0.25, "nature": 0.3},
        stars=3.0,
        clouds=0.15,
    ),
}

# Keywords per scene kind; multi-word keys count more. Checked on lower-case words.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "city": ("city", "street", "streets", "paris", "london", "tokyo", "new york", "town", "avenue", "downtown",
             "urban", "boulevard", "alley", "square", "market", "neon", "skyscraper", "cafe terrace"),
    "countryside": ("countryside", "country road", "country lane", "field", "fields", "farm", "meadow", "pasture", "hills", "prairie", "rural",
                    "vineyard", "garden", "park"),
    "forest": ("forest", "woods", "wood", "jungle", "trees", "woodland", "grove", "rainforest", "clearing"),
    "beach": ("beach", "sea", "ocean", "coast", "shore", "seaside", "bay", "island", "harbour", "harbor", "waves"),
    "mountains": ("mountain", "mountains", "alps", "peak", "peaks", "valley", "cliff", "canyon", "glacier", "highlands"),
    "desert": ("desert", "dune", "dunes", "sahara", "sand", "arid", "wasteland", "mesa"),
    "snowy village": ("snow", "snowy", "winter", "village", "christmas", "frozen", "ice", "cabin", "chalet"),
    "interior": ("room", "interior", "inside", "kitchen", "bedroom", "living room", "office", "indoors", "house",
                 "apartment", "library", "studio", "hall", "bar", "restaurant"),
    "night sky": ("night sky", "stars", "starry", "milky way", "galaxy", "space", "cosmos", "constellation"),
}
DEFAULT_SCENE = "countryside"


# What each kind looks like, in words: the embedding fallback compares scene texts with these.
SCENE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "city": ("a city street", "a busy downtown avenue with shops", "an alley between buildings in a town",
             "a city square at night with neon signs", "a busy street crossing in a big city"),
    "countryside": ("countryside fields and farms", "a green meadow with rolling hills",
                    "a country road through farmland", "a vineyard in the countryside"),
    "forest": ("a forest of tall trees", "deep woods", "a jungle", "a path through the woodland"),
    "beach": ("a sandy beach by the sea", "the ocean shore with waves", "a tropical island coast",
              "a harbour by the sea"),
    "mountains": ("high mountains with snowy peaks", "a rocky alpine valley", "a mountain pass",
                  "cliffs and glaciers"),
    "desert": ("a sandy desert with dunes", "an arid wasteland", "a canyon in the desert", "dry rocky badlands"),
    "snowy village": ("a snowy village in winter", "cottages covered in snow", "a frozen winter town at christmas"),
    "interior": ("inside a room", "a cozy living room", "a kitchen", "an office interior", "a bedroom"),
    "night sky": ("a starry night sky", "the milky way over a hill", "outer space with stars"),
}
EMBEDDING_MIN_SCORE = 0.3  # cosine similarity; meaningless text ("zzz") scores below ~0.2

SceneMethod = Literal["keywords", "embedding", "default"]


@dataclass(frozen=True)
class SceneChoice:
    """Which scene kind a text chose, how, and how strongly.

    ``score``: for keywords the matched weight (1 per word, +1 per extra word of a phrase); for the
    embedding the cosine similarity with the nearest description; 0 for the default.
    """

    kind: str
    method: SceneMethod
    score: float
    text: str = ""
    nearest: str = ""  # the description or keyword that decided

    @property
    def recipe(self) -> SceneRecipe:
        """The kind's recipe plus the scenery the text names (waves, cliffs, a farmhouse...)."""
        from director.engines.previz.scene_details import with_details

        return with_details(RECIPES[self.kind], self.text)


def _keywords(text: str) -> SceneChoice | None:
    low = text.lower()
    best: SceneChoice | None = None
    for kind, words in KEYWORDS.items():
        score, hits = 0.0, []
        for w in words:
            if re.search(r"\b" + re.escape(w) + r"\b", low):
                score += 1.0 + w.count(" ")
                hits.append(w)
        if score > 0 and (best is None or score > best.score):
            best = SceneChoice(kind, "keywords", score, text, ", ".join(hits))
    return best


def choose_scene(text: str, use_embeddings: bool = True) -> SceneChoice:
    """The scene kind for ``text``: keywords, else the nearest description by embedding, else the default.

    The first embedding lookup of a process loads the model (seconds); later ones take milliseconds.
    """
    text = text or ""
    found = _keywords(text)
    if found is not None:
        return found
    if use_embeddings and re.search(r"[^\W\d_]{2,}", text):
        try:
            from director.commands.semantic import PhraseMatcher

            near = PhraseMatcher(SCENE_DESCRIPTIONS).nearest(text)
        except (ImportError, OSError, RuntimeError) as exc:  # no model here: say so, fall back
            log.warning("scene %r: embedding match unavailable (%s); using the default scene", text, exc)
        else:
            if near.score >= EMBEDDING_MIN_SCORE:
                return SceneChoice(near.label, "embedding", round(near.score, 4), text, near.phrase)
    return SceneChoice(DEFAULT_SCENE, "default", 0.0, text)


def match_scene(text: str) -> SceneRecipe:
    """The recipe whose keywords best match ``text`` (whole words; longer phrases weigh more)."""
    return choose_scene(text, use_embeddings=False).recipe


def scene_kinds() -> list[str]:
    return list(RECIPES)
