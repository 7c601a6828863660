"""Events at instants (sound cues, flashes): cuts, entrances, the events directives name, thunder after
lightning, the bursts of fireworks, and the seeded lightning of a storm.
"""

from __future__ import annotations

import math
import random

from director.plan.timeline import SceneChange
from director.world.entity_motion import EntityTrack
from director.world.environment import TimedChange
from director.world.state import Event

STORM_LIGHTNING_EVERY = (5.0, 11.0)  # seconds between flashes in a storm (seeded)
STORM_FIRST_FLASH = (0.5, 3.0)  # seconds after a storm has built up until its first flash
STORM_BUILD_UP = 1.0  # seconds a storm rains before it flashes
THUNDER_DELAY = (0.8, 2.5)  # seconds from a flash to its thunder (the storm is a few hundred metres off)
FIREWORK_BURSTS = (4, 7)  # bursts in one "fireworks" event, spread over FIREWORK_SECONDS
FIREWORK_SECONDS = 3.5
# The random stream of events is seeded from the timeline's seed, apart from other seeded streams:
# seed * SEED_STRIDE + SEED_OFFSET (a large prime keeps neighbouring seeds' streams unrelated).
SEED_STRIDE = 7919
SEED_OFFSET = 17


def timeline_events(changes: list[TimedChange], tracks: list[EntityTrack], cut_times: list[float], seed: int,
                    duration: float) -> list[Event]:
    """Every event of the timeline, sorted by time. Deterministic for ``seed``."""
    events: list[Event] = [Event(t, "cut") for t in cut_times]
    for track in tracks:
        if not track.profile.declared and math.isfinite(track.appears_at):
            events.append(Event(track.appears_at, "enter", track.profile.id))
    rng = random.Random(seed * SEED_STRIDE + SEED_OFFSET)
    storms: list[tuple[float, float]] = []
    for i, c in enumerate(changes):
        ch = c.change
        if isinstance(ch, SceneChange) and ch.event:
            events.append(Event(c.at, ch.event))
            if ch.event == "lightning":
                events.append(Event(c.at + rng.uniform(*THUNDER_DELAY), "thunder"))
            if ch.event == "fireworks":  # a volley of bursts, each a flash of light and a bang
                for _ in range(rng.randint(*FIREWORK_BURSTS)):
                    events.append(Event(c.at + rng.uniform(0.0, FIREWORK_SECONDS), "burst"))
        if isinstance(ch, SceneChange) and ch.weather == "storm":
            end = next((o.at for o in changes[i + 1:] if isinstance(o.change, SceneChange) and o.change.weather), duration)
            storms.append((c.at + STORM_BUILD_UP, end))
    for start, end in storms:
        t = start + rng.uniform(*STORM_FIRST_FLASH)
        while t < end:
            events.append(Event(t, "lightning"))
            events.append(Event(t + rng.uniform(*THUNDER_DELAY), "thunder"))
            t += rng.uniform(*STORM_LIGHTNING_EVERY)
    return sorted(events, key=lambda e: e.t)
