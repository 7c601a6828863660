"""director: direct a streaming world-model video from a timeline, a notebook or a browser tab.

    from director import load_timeline, Director, render
    timeline = load_timeline("presets/timelines/paris_1980s_walk.json")
    render(timeline, "paris.mp4", base_dir="presets/timelines")

    from director import Run, ChunkReady          # one Director driven through sinks, as typed events
    for event in Run(Director(timeline), sinks).events(): ...
"""

from director.commands.reader import RULES_ONLY, WITH_MEANING, Reader
from director.run.director import AppliedCommand, Director
from director.run.events import ChunkReady, Ending, Failed, Finished, Notice, Progress, RunEvent, Stopped
from director.run.render import RenderResult, render
from director.run.run import Run
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
    "ChunkReady",
    "Director",
    "Directive",
    "Ending",
    "Failed",
    "Finished",
    "Interpretation",
    "Notice",
    "Progress",
    "RULES_ONLY",
    "Reader",
    "RenderResult",
    "Run",
    "RunEvent",
    "SceneChange",
    "Stopped",
    "StyleChange",
    "Timeline",
    "TimelineError",
    "WITH_MEANING",
    "World",
    "compile_timeline",
    "load_timeline",
    "render",
    "timeline_from_data",
]
