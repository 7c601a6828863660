"""Compile a plan into states: the script, the camera rig, entity motion, the environment, the world
state and prompts.

The stable names: ``compile_timeline`` (timeline → ``Script``), ``Script`` (``state_at(t)``),
``Interpretation`` (how one directive was read), ``describe_part`` (a part in words).
"""

# The script module first: it re-exports compile_timeline, which itself needs Script defined.
from director.world.script import Script  # noqa: I001
from director.world.compile import compile_timeline
from director.world.describe import describe_part
from director.world.interpretation import Interpretation, Part

__all__ = ["Script", "compile_timeline", "Interpretation", "Part", "describe_part"]
