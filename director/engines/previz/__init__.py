"""The previz engine: CPU, no weights, deterministic (see ``engine.PrevizEngine``)."""

from director.engines.previz.engine import PrevizEngine
from director.engines.previz.options import PrevizOptions
from director.world.scene_kind import SceneChoice  # what Chunk.info.scene holds

__all__ = ["PrevizEngine", "PrevizOptions", "SceneChoice"]
