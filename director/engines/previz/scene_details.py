"""Scenery that a scene names beyond its kind: "a beach with big waves and distant cliffs" gets surf and
cliffs, "an old farmhouse among fields" a farmhouse, "a street market" stalls. The world reads the words
(``vocabulary.scene_kinds.SCENE_DETAILS``, ``SceneChoice.details``); each detail here is the extra
painted layer added to the kind's recipe (``scenes.recipe_for``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from director.engines.previz import painters as p


@dataclass(frozen=True)
class Detail:
    layer: "object"  # LayerSpec; its name is the vocabulary's detail name
    lamps: float | None = None  # street lamps light the scene at night


def _details():
    from director.engines.previz.scenes import LayerSpec

    return {d.layer.name: d for d in (
        Detail(LayerSpec("cliffs", 700, -10, 110, p.cliffs)),
        Detail(LayerSpec("surf", 18, -0.6, 0.7, p.surf)),
        Detail(LayerSpec("farmhouse", 70, -1, 13, p.farmhouse, period=260.0)),
        Detail(LayerSpec("river", 30, -2.5, 0.1, p.river)),
        Detail(LayerSpec("bridge", 60, -1, 4, p.bridge, period=200.0)),
        Detail(LayerSpec("street lamps", 9, -0.2, 5, p.street_lamps), lamps=0.8),
        Detail(LayerSpec("market stalls", 15, -0.2, 3, p.market_stalls)),
    )}


def with_details(recipe, details: tuple[str, ...]):
    """``recipe`` with a layer for each named detail (``SCENE_DETAILS`` names) the recipe does not have
    yet, inserted far to near by depth."""
    have = {layer.name for layer in recipe.layers}
    layers = list(recipe.layers)
    lamps = recipe.lamps
    painted = _details()
    for name in details:
        d = painted[name]
        if d.layer.name not in have and not (d.layer.name == "street lamps" and recipe.lamps > 0):
            layers.append(d.layer)
            lamps = max(lamps, d.lamps or 0.0)
    if len(layers) == len(recipe.layers):
        return recipe
    layers.sort(key=lambda layer: -layer.depth)
    return replace(recipe, layers=tuple(layers), lamps=lamps)
