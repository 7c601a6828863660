"""A compiled timeline: ``Script.state_at(t)`` gives the WorldState at any instant.

Everything here is a pure function of time, causal by construction: a directive at time T changes
nothing before T, which is what lets a live command recorded at a chunk boundary replay to identical
frames. Build a Script with ``compile_timeline`` (``world.compile``); both are importable from
``director.world``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from director.commands.reader import RULES_ONLY, Reader
from director.plan.timeline import Timeline
from director.world.camera_rig import CameraRig
from director.world.entity_motion import EntityTrack
from director.world.environment import TimedChange, environment_at
from director.world.interpretation import Interpretation
from director.world.scene_kind import SceneChoice, choose_scene
from director.world.state import EVENT_MEMORY, Environment, Event, WorldState
from director.world.time_warp import TimeWarp

PROMPTS_IN_EFFECT = 2  # the latest free prompts a state carries (older ones have been superseded)


@dataclass
class Script:
    """A compiled timeline. ``state_at`` is pure; build with ``compile_timeline``."""

    timeline: Timeline
    interpretations: list[Interpretation]
    rig: CameraRig
    tracks: dict[str, EntityTrack]
    changes: list[TimedChange]
    images: list[tuple[float, str, str, str | None]]  # (at, role, key, character)
    prompts: list[tuple[float, str]]
    events: list[Event]
    initial_hour: float
    initial_fog: float = 0.0  # a "misty forest" starts in mist (which also lights its nights: moonlit haze)
    reader: Reader = RULES_ONLY  # how text was read: scene texts no keyword knows are matched by meaning if it reads so
    warp: TimeWarp = field(default_factory=TimeWarp)  # the world's clock (slow motion, time-lapse)
    _resolving: set[str] = field(default_factory=set, repr=False)

    @property
    def unknown(self) -> list[Interpretation]:
        return [i for i in self.interpretations if not i.understood]

    def _position_of(self, entity_id: str, t: float) -> tuple[float, float] | None:
        track = self.tracks.get(entity_id.lower())
        if track is None or entity_id in self._resolving:
            return None
        self._resolving.add(entity_id)
        try:
            return track.position(t)
        finally:
            self._resolving.discard(entity_id)

    def _framed(self, entity_id: str, t: float):
        pos = self._position_of(entity_id, t)
        if pos is None:
            return None
        return pos, self.tracks[entity_id.lower()].profile.kind

    def base_camera(self, t: float):
        return self.rig.state(t)

    def state_at(self, t: float) -> WorldState:
        """The world at ``t`` seconds."""
        entities = tuple(s for s in (tr.state(t) for tr in self.tracks.values()) if s is not None)
        camera = self.rig.state(t, self._framed)
        env, scene, style, style_text = self._environment(t)
        if env.dissolve_from is not None:
            env = replace(env, dissolve_from_kind=self.scene_kind(env.dissolve_from))
        scene_image = style_image = None
        images: dict[str, str] = {}
        for at, role, key, who in self.images:
            if at > t:
                break
            if role == "scene":
                scene_image = key
            elif role == "style":
                style_image = key
            elif who:
                images[who.lower()] = key
        if images:
            entities = tuple(replace(e, image=images.get(e.id.lower(), e.image)) for e in entities)
        prompts = tuple(text for at, text in self.prompts if at <= t)[-PROMPTS_IN_EFFECT:]
        actions = tuple(a for a in (tr.moving_text(t) for tr in self.tracks.values()) if a)
        recent = tuple(e for e in self.events if t - EVENT_MEMORY < e.t <= t)
        return WorldState(
            t=t,
            scene=scene,
            scene_image=scene_image if scene_image is not None else self.timeline.world.scene_image,
            style=style,
            style_image=style_image if style_image is not None else self.timeline.world.style_image,
            style_text=style_text,
            environment=env,
            camera=camera,
            entities=entities,
            prompts=prompts,
            actions=actions,
            camera_phrase=self.rig.phrase(t),
            recent_events=recent,
            scene_kind=self.scene_kind(scene),
            world_t=None if self.warp.is_identity else self.warp.world(t),
            world_rate=self.warp.rate(t),
        )

    def scene_kind(self, scene: str) -> SceneChoice:
        """The scene kind ``scene`` asks for (remembered per text by ``choose_scene``)."""
        return choose_scene(scene, self.reader.meaning)

    def _environment(self, t: float) -> tuple[Environment, str, str | None, str]:
        start = Environment(hour=self.initial_hour, fog=self.initial_fog)
        return environment_at(t, self.changes, self.events, start, self.timeline.world.scene, self.timeline.world.style)


# Kept importable from here for callers written before the split (prefer ``director.world``).
from director.world.compile import compile_timeline  # noqa: E402
from director.world.describe import describe_part  # noqa: E402
from director.world.interpretation import Part, interpret  # noqa: E402

__all__ = ["Script", "Interpretation", "Part", "compile_timeline", "describe_part", "interpret"]
