"""causal-wan: a streaming, chunk-wise causal world model on the Wan2.1 architecture (Self-Forcing /
LongLive style) built on diffusers' ``WanTransformer3DModel`` and ``AutoencoderKLWan``.

Nothing heavy is imported here; ``CausalWanEngine`` loads models in ``open``.
"""

from director.engines.causal_wan.config import CausalWanConfig

__all__ = ["CausalWanConfig", "CausalWanEngine"]


def __getattr__(name: str):
    if name == "CausalWanEngine":
        from director.engines.causal_wan.engine import CausalWanEngine

        return CausalWanEngine
    raise AttributeError(name)
