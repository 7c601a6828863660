"""Scene compositions: which layers, ground and ambience each scene kind of the vocabulary paints.

The kind arrives resolved (``WorldState.scene_kind``, a ``world.scene_kind.SceneChoice``: the world
reads the scene text, previz never does); ``recipe_for(choice)`` is its recipe plus the scenery
details it named. Layer depths are metres from the world origin along the view; ``period`` sets how
far one can pan before the layer repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from director.engines.previz import painters as p
from director.engines.previz.canvas import Canvas
from director.world.scene_kind import SceneChoice

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

def recipe_for(choice: SceneChoice) -> SceneRecipe:
    """The kind's recipe plus a layer for each scenery detail the scene named (waves, cliffs, a farmhouse...)."""
    from director.engines.previz.scene_details import with_details

    return with_details(RECIPES[choice.kind], choice.details)


def scene_kinds() -> list[str]:
    return list(RECIPES)
