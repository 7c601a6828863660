"""The previz engine: CPU, no weights, deterministic (see ``engine.PrevizEngine``)."""

from director.engines.previz.engine import PrevizEngine

__all__ = ["PrevizEngine"]
