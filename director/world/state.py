"""The whole world at one instant. Produced by ``director.compile`` (pure functions), read by engines.

Coordinates (metres, degrees), the same for every engine:
- ground plane y = 0; x to the right, z forward (away from the camera at rest), y up;
- the camera starts at (0, 1.6, 0) looking along +z;
- ``yaw`` > 0 turns the view to the right (pan right), ``pitch`` > 0 looks up (tilt up),
  ``roll`` > 0 rotates the image clockwise;
- an entity's ``heading`` is the direction it faces on the ground: 0 = +z (away from the
  camera at rest), 90 = +x (walking to the right of the frame), -90 = to the left, 180 = towards camera.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from director.vocabulary.times_of_day import HOUR_OF as TIMES_OF_DAY_HOURS
from director.world.scene_kind import SceneChoice, choose_scene

EntityAction = Literal["idle", "walk", "run", "wave", "point", "sit", "dance", "jump", "fall"]

# Hours of the named times of day (the sky and light of previz follow the hour), from the vocabulary.
HOUR_OF = TIMES_OF_DAY_HOURS


@dataclass(frozen=True)
class CameraState:
    x: float = 0.0
    y: float = 1.6
    z: float = 0.0
    yaw: float = 0.0  # degrees, > 0 = turned right
    pitch: float = 0.0  # degrees, > 0 = looking up
    roll: float = 0.0  # degrees, > 0 = image rotated clockwise
    fov: float = 55.0  # horizontal field of view, degrees; a 2x zoom halves tan(fov/2)
    shake: float = 0.0  # 0..1 hand-held shake intensity
    cut: int = 0  # increments at each hard cut; engines must not blend across a change
    target: str | None = None  # entity kept framed (follow / focus), if any


SUNRISE_HOUR = 6.0  # ``Environment.daylight``'s sun arc: above the horizon from 6 h for 14 hours
DAY_HOURS = 14.0
TWILIGHT = 0.15  # daylight the sky keeps as the sun crosses the horizon


@dataclass(frozen=True)
class Environment:
    hour: float = 12.0  # 0..24 local time; 6.5 dawn, 12 day, 19 dusk, 23 night
    rain: float = 0.0  # 0..1
    snow: float = 0.0  # 0..1
    fog: float = 0.0  # 0..1
    wind: float = 0.0  # 0..1
    lightning: float = 0.0  # 0..1 brightness of a flash at this instant
    lights: float = 0.0  # 0..1 artificial lights (street lamps, windows, lamps)
    fade: float = 0.0  # 0..1 how far the picture and sound have faded to black (a transition)
    dissolve: float = 0.0  # 0..1 share of the previous scene still showing through a dissolve
    dissolve_from: str | None = None  # the scene a dissolve comes from
    dissolve_from_kind: SceneChoice | None = None  # its kind, resolved like ``WorldState.scene_kind``

    @property
    def daylight(self) -> float:
        """0 at night, 1 at midday, smooth through dawn and dusk."""
        import math

        # Sun elevation proxy: positive between 6 and 20 h, peaking at 13 h; it goes on below the
        # horizon until the twilight term reaches 0 (about 5:20 and 20:40), so dusk has no step.
        h = self.hour % 24
        if h < 5.0 or h > 21.0:
            return 0.0
        elevation = math.sin(math.pi * (h - SUNRISE_HOUR) / DAY_HOURS)
        return max(0.0, min(1.0, TWILIGHT + elevation))

    @staticmethod
    def hour_of_daylight(daylight: float, morning: bool) -> float:
        """The hour at which ``daylight`` (0..1) is reached, before noon if ``morning``: the inverse of
        ``daylight`` (0 maps to the end of twilight)."""
        import math

        elevation = max(-1.0, min(1.0, daylight - TWILIGHT))
        offset = DAY_HOURS / math.pi * math.asin(elevation)  # hours after sunrise (negative: before)
        return SUNRISE_HOUR + offset if morning else SUNRISE_HOUR + DAY_HOURS - offset


@dataclass(frozen=True)
class EntityState:
    id: str  # the character's name, unique in the world
    kind: str  # person, cat, dog, bird, horse, car, ...
    description: str  # how it looks, in words
    image: str | None  # reference image asset key, if any
    x: float  # ground position, metres
    z: float
    heading: float  # degrees, see module docstring
    action: EntityAction = "idle"
    speed: float = 0.0  # m/s now
    stride: float = 0.0  # walk-cycle phase in cycles (grows with distance walked); footsteps at each half cycle
    presence: float = 1.0  # 0..1, 0 = not in the world (not yet entered / has left)
    gesture: float = 0.0  # seconds into the gesture or pose under way (wave, sit, jump...), for its animation


@dataclass(frozen=True)
class Event:
    """Something that happens at an instant (sound cue, flash): ``kind`` like 'lightning',
    'thunder', 'enter', 'leave', 'cut', 'explosion'; ``entity`` for character events."""

    t: float
    kind: str
    entity: str | None = None


@dataclass(frozen=True)
class WorldState:
    t: float
    scene: str = ""
    scene_image: str | None = None  # asset key
    style: str | None = None  # style preset name
    style_image: str | None = None  # asset key
    style_text: str = ""  # free style words
    environment: Environment = field(default_factory=Environment)
    camera: CameraState = field(default_factory=CameraState)
    entities: tuple[EntityState, ...] = ()
    prompts: tuple[str, ...] = ()  # free prompt texts in effect (for neural engines)
    actions: tuple[str, ...] = ()  # current described actions ("a cute cat runs to the girl")
    camera_phrase: str = ""  # the camera move in words, while it runs
    recent_events: tuple[Event, ...] = ()  # events with t - EVENT_MEMORY < event.t <= t
    world_t: float | None = None  # the world's clock where it runs slow or fast (time_warp.py); None = ``t``
    world_rate: float = 1.0  # world seconds per video second now: 0.25 slow motion, 10 time-lapse
    # The scene kind (and details) ``scene`` asks for, resolved by the Script when it compiled the
    # timeline (by embedding too, if it was asked to); a state built by hand gets it by keywords.
    scene_kind: SceneChoice | None = None

    def __post_init__(self) -> None:
        if self.scene_kind is None:
            object.__setattr__(self, "scene_kind", choose_scene(self.scene, use_embeddings=False))

    @property
    def world_time(self) -> float:
        """Seconds on the world's clock: what figures, particles and gestures move by."""
        return self.t if self.world_t is None else self.world_t

    def entity(self, entity_id: str) -> EntityState | None:
        for e in self.entities:
            if e.id.lower() == entity_id.lower():
                return e
        return None

    def with_time(self, t: float) -> WorldState:
        return replace(self, t=t)


EVENT_MEMORY = 6.0  # seconds an event stays in ``recent_events`` (long enough for thunder after lightning)
