"""director: direct a streaming world-model video from a timeline, a notebook or a browser tab.

    from director import load_timeline, Director, render
    timeline = load_timeline("presets/timelines/paris_1980s_walk.json")
    render(timeline, "paris.mp4", base_dir="presets/timelines")
"""

from director.run.director import AppliedCommand, Director, Progress
from director.run.render import RenderResult, render
from director.world import Interpretation, compile_timeline
from director.plan.timeline import (
    CameraMove,
    Character,
    CharacterAction,
    Directive,
    SceneChange,
    StyleChange,
    Timeline,
    TimelineError,
    World,
    load_timeline,
    timeline_from_data,
)

__all__ = [
    "AppliedCommand",
    "CameraMove",
    "Character",
    "CharacterAction",
    "Director",
    "Directive",
    "Interpretation",
    "Progress",
    "RenderResult",
    "SceneChange",
    "StyleChange",
    "Timeline",
    "TimelineError",
    "World",
    "compile_timeline",
    "load_timeline",
    "render",
    "timeline_from_data",
]
