"""The previz engine: CPU, no weights, deterministic (see ``engine.PrevizEngine``)."""

from director.engines.previz.engine import PrevizEngine
from director.engines.previz.options import PrevizOptions
from director.engines.previz.scenes import SceneChoice, choose_scene

__all__ = ["PrevizEngine", "PrevizOptions", "SceneChoice", "choose_scene"]
