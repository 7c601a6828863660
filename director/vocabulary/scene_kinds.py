"""Every kind of scene (setting), defined once: its name, the keywords that choose it, plain
descriptions the embedding matcher compares unknown scene texts with, and the scenery details a text
may name ("a beach with cliffs"). ``world.scene_kind.choose_scene`` resolves a scene text to a kind
and its details; previz paints the kind's recipe (``engines.previz.scenes.RECIPES``) plus the details.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class SceneKindEntry:
    name: str
    keywords: tuple[str, ...]  # whole words or phrases in a scene text; multi-word phrases count more
    descriptions: tuple[str, ...]  # what the kind looks like, in words (for the embedding match)


@dataclass(frozen=True)
class SceneDetailEntry:
    """Scenery a text may name beyond its kind; previz paints one layer per detail."""

    name: str  # the painted layer's name
    words: tuple[str, ...]  # any of these whole words asks for it


SCENE_KINDS: Mapping[str, SceneKindEntry] = MappingProxyType({e.name: e for e in (
    SceneKindEntry(
        "city", ("city", "street", "streets", "paris", "london", "tokyo", "new york", "town", "avenue", "downtown",
                 "urban", "boulevard", "alley", "square", "market", "neon", "skyscraper", "cafe terrace"),
        ("a city street", "a busy downtown avenue with shops", "an alley between buildings in a town",
         "a city square at night with neon signs", "a busy street crossing in a big city")),
    SceneKindEntry(
        "countryside", ("countryside", "country road", "country lane", "field", "fields", "farm", "meadow", "pasture",
                        "hills", "prairie", "rural", "vineyard", "garden", "park"),
        ("countryside fields and farms", "a green meadow with rolling hills", "a country road through farmland",
         "a vineyard in the countryside")),
    SceneKindEntry(
        "forest", ("forest", "woods", "wood", "jungle", "trees", "woodland", "grove", "rainforest", "clearing"),
        ("a forest of tall trees", "deep woods", "a jungle", "a path through the woodland")),
    SceneKindEntry(
        "beach", ("beach", "sea", "ocean", "coast", "shore", "seaside", "bay", "island", "harbour", "harbor", "waves"),
        ("a sandy beach by the sea", "the ocean shore with waves", "a tropical island coast", "a harbour by the sea")),
    SceneKindEntry(
        "mountains", ("mountain", "mountains", "alps", "peak", "peaks", "valley", "cliff", "canyon", "glacier",
                      "highlands"),
        ("high mountains with snowy peaks", "a rocky alpine valley", "a mountain pass", "cliffs and glaciers")),
    SceneKindEntry(
        "desert", ("desert", "dune", "dunes", "sahara", "sand", "arid", "wasteland", "mesa"),
        ("a sandy desert with dunes", "an arid wasteland", "a canyon in the desert", "dry rocky badlands")),
    SceneKindEntry(
        "snowy village", ("snow", "snowy", "winter", "village", "christmas", "frozen", "ice", "cabin", "chalet"),
        ("a snowy village in winter", "cottages covered in snow", "a frozen winter town at christmas")),
    SceneKindEntry(
        "interior", ("room", "interior", "inside", "kitchen", "bedroom", "living room", "office", "indoors", "house",
                     "apartment", "library", "studio", "hall", "bar", "restaurant"),
        ("inside a room", "a cozy living room", "a kitchen", "an office interior", "a bedroom")),
    SceneKindEntry(
        "night sky", ("night sky", "stars", "starry", "milky way", "galaxy", "space", "cosmos", "constellation"),
        ("a starry night sky", "the milky way over a hill", "outer space with stars")),
)})
SCENE_KIND_NAMES: tuple[str, ...] = tuple(SCENE_KINDS)
DEFAULT_SCENE_KIND = "countryside"  # a text that names nothing known: open fields read as "somewhere"

SCENE_DETAILS: Mapping[str, SceneDetailEntry] = MappingProxyType({e.name: e for e in (
    SceneDetailEntry("cliffs", ("cliff", "cliffs", "bluffs")),
    SceneDetailEntry("surf", ("wave", "waves", "surf", "breakers")),
    SceneDetailEntry("farmhouse", ("farmhouse", "farm", "barn", "homestead")),
    SceneDetailEntry("river", ("river", "stream", "canal")),
    SceneDetailEntry("bridge", ("bridge",)),
    SceneDetailEntry("street lamps", ("lamps", "lamp", "streetlights", "lanterns", "lampposts")),
    SceneDetailEntry("market stalls", ("market", "stalls", "stall", "bazaar")),
)})
