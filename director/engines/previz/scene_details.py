"""Scenery that a scene text names beyond its kind: "a beach with big waves and distant cliffs" gets
surf and cliffs, "an old farmhouse among fields" a farmhouse, "a street market" stalls. Each detail is
an extra painted layer added to the kind's recipe (``SceneChoice.recipe``); words previz has no
painter for stay words for neural engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from director.engines.previz import painters as p


@dataclass(frozen=True)
class Detail:
    words: tuple[str, ...]  # any of these (whole words) in the scene text asks for it
    layer: "object"  # LayerSpec
    lamps: float | None = None  # street lamps light the scene at night


def _details():
    from director.engines.previz.scenes import LayerSpec

    return (
        Detail(("cliff", "cliffs", "bluffs"), LayerSpec("cliffs", 700, -10, 110, p.cliffs)),
        Detail(("wave", "waves", "surf", "breakers"), LayerSpec("surf", 18, -0.6, 0.7, p.surf)),
        Detail(("farmhouse", "farm", "barn", "homestead"), LayerSpec("farmhouse", 70, -1, 13, p.farmhouse, period=260.0)),
        Detail(("river", "stream", "canal"), LayerSpec("river", 30, -2.5, 0.1, p.river)),
        Detail(("bridge",), LayerSpec("bridge", 60, -1, 4, p.bridge, period=200.0)),
        Detail(("lamps", "lamp", "streetlights", "lanterns", "lampposts"), LayerSpec("street lamps", 9, -0.2, 5, p.street_lamps), lamps=0.8),
        Detail(("market", "stalls", "stall", "bazaar"), LayerSpec("market stalls", 15, -0.2, 3, p.market_stalls)),
    )


def with_details(recipe, text: str):
    """``recipe`` with a layer for each detail ``text`` names that the recipe does not have yet,
    inserted far to near by depth."""
    words = set(re.findall(r"[a-z]+", (text or "").lower()))
    have = {layer.name for layer in recipe.layers}
    layers = list(recipe.layers)
    lamps = recipe.lamps
    for d in _details():
        if words & set(d.words) and d.layer.name not in have and not (d.layer.name == "street lamps" and recipe.lamps > 0):
            layers.append(d.layer)
            lamps = max(lamps, d.lamps or 0.0)
    if len(layers) == len(recipe.layers):
        return recipe
    layers.sort(key=lambda layer: -layer.depth)
    return replace(recipe, layers=tuple(layers), lamps=lamps)
