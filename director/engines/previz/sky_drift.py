"""How far the sky has turned on the world clock: clouds racing by in a time-lapse.

Previz paints its clouds into the baked sky texture, still at normal speed (a 45 s shot does not need
them to move). When the world runs faster than the video (a time-lapse, ``WorldState.world_t`` ahead of
``t``) the sky turns by the world time gained, so "time-lapse of the clouds" shows clouds (and the
sun) sliding across the frame. Slow motion leaves the sky as it is: its clouds were still already.
"""

from __future__ import annotations

from director.world.state import WorldState

CLOUD_DRIFT = 0.03  # radians of azimuth the sky turns per world second gained (a high wind's clouds)


def sky_drift(state: WorldState) -> float:
    """Radians to add to the camera's yaw when sampling the sky (0 at normal speed and in slow motion)."""
    return CLOUD_DRIFT * max(0.0, state.world_time - state.t)
