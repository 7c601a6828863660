"""A character's track on the world clock (slow motion, time-lapse): ``track_on_world_clock``.

``EntityTrack`` plans and moves a character in its own seconds. Under a ``TimeWarp`` those are world
seconds: its actions start at the world time of their directives (so a directive at 0:12 still starts
at 0:12 of the video) and walks, strides and gestures then run at the world's rate. ``WarpedTrack``
wraps such a track and answers in video time, like an ordinary one, so the rest of the script (camera
framing, targets, events, the checker) needs no change.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

from director.world.entity_motion import EntityTrack, Point, Profile, TimedAction
from director.world.state import CameraState, EntityState
from director.world.time_warp import TimeWarp


class WarpedTrack:
    """An ``EntityTrack`` planned on the world clock, asked in video seconds (same methods)."""

    def __init__(self, warp: TimeWarp, profile: Profile, actions: list[TimedAction],
                 base_camera: Callable[[float], CameraState], position_of: Callable[[str, float], Point | None]):
        self.warp = warp
        self.profile = profile
        self.actions = sorted(actions, key=lambda a: a.at)  # as written, in video seconds
        self._inner = EntityTrack(
            profile,
            [replace(a, at=warp.world(a.at)) for a in self.actions],
            lambda w: base_camera(warp.video(w)),  # the camera stays on video time
            lambda who, w: position_of(who, warp.video(w)),  # other characters answer in video time
        )
        inner = self._inner.appears_at
        self.appears_at = warp.video(inner) if math.isfinite(inner) else inner

    def position(self, t: float) -> Point | None:
        return self._inner.position(self.warp.world(t))

    def state(self, t: float) -> EntityState | None:
        return self._inner.state(self.warp.world(t))

    def moving_text(self, t: float) -> str | None:
        return self._inner.moving_text(self.warp.world(t))


def track_on_world_clock(warp: TimeWarp, profile: Profile, actions: list[TimedAction],
                         base_camera: Callable[[float], CameraState],
                         position_of: Callable[[str, float], Point | None]) -> EntityTrack | WarpedTrack:
    """The character's track: a plain ``EntityTrack`` when the world runs at normal speed throughout
    (the same object as before speed directives existed), else a ``WarpedTrack``."""
    if warp.is_identity:
        return EntityTrack(profile, actions, base_camera, position_of)
    return WarpedTrack(warp, profile, actions, base_camera, position_of)
