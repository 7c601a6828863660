"""director: direct a streaming world-model video from a timeline, a notebook or a browser tab."""

from director.timeline import (
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
    "CameraMove",
    "Character",
    "CharacterAction",
    "Directive",
    "SceneChange",
    "StyleChange",
    "Timeline",
    "TimelineError",
    "World",
    "load_timeline",
    "timeline_from_data",
]
