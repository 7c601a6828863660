"""The soundscape of a chunk, made from the same ``WorldState``s as its frames.

Beds (ambience by scene, rain, music) are functions of the absolute sample index: noise from
``NoiseStream`` and oscillators evaluated at absolute time, so chunk seams are seamless by construction.
Levels follow the states, ramped linearly across each frame from the previous frame's value. One-shot
sounds (footsteps at every half stride, animal calls on "enter", thunder after lightning) are kept in
``SoundState`` until they have finished, so tails that cross a seam continue after a restore.

Steps per chunk: 1. levels per frame; 2. detect footsteps and events; 3. beds; 4. music;
5. one-shots; 6. soft limit.
"""

from __future__ import annotations

import copy
import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from director.engines.previz import sounds
from director.engines.previz.camera import View
from director.engines.previz.figures import ANIMALS, canonical_kind
from director.engines.previz.noise import NoiseStream
from director.engines.previz.scenes import SceneRecipe, recipe_for
from director.world.state import EVENT_MEMORY, WorldState

LEVEL_NAMES = ("hum", "nature", "birds", "sea", "wind", "crickets", "room", "rain", "major", "music", "gain")
MASTER = 0.8
THUNDER_DELAY = (1.0, 2.5)  # seconds after a lightning flash
CHORD_SECONDS = 4.0
MAJOR = ((261.63, 329.63, 392.0), (196.0, 246.94, 293.66), (220.0, 261.63, 329.63), (174.61, 220.0, 261.63))
MINOR = ((220.0, 261.63, 329.63), (174.61, 220.0, 261.63), (196.0, 246.94, 293.66), (164.81, 196.0, 246.94))
SURFACES = {"city": "hard", "countryside": "soft", "forest": "soft", "beach": "sand", "mountains": "soft",
            "desert": "sand", "snowy village": "snow", "interior": "wood", "night sky": "soft"}


@dataclass
class OneShot:
    onset: int  # absolute sample
    sound: str  # 'footstep', 'hoof', 'thunder', or a call kind
    seed: int
    gain: float
    pan: float  # -1 left .. 1 right
    surface: str = "hard"


@dataclass
class SoundState:
    """What the soundscape carries across chunks (pickles; copied on snapshot)."""

    prev_levels: dict[str, float] | None = None
    prev_t: float | None = None
    prev_strides: dict[str, float] = field(default_factory=dict)
    shots: list[OneShot] = field(default_factory=list)
    seen_events: set[tuple] = field(default_factory=set)


def _levels(state: WorldState, recipe: SceneRecipe) -> dict[str, float]:
    env = state.environment
    amb = recipe.ambience
    day = env.daylight
    dry = 1.0 - min(1.0, env.rain * 1.5)
    hush = 1.0 - 0.7 * env.snow  # snow muffles the world's sounds
    return {
        "hum": amb.get("hum", 0.0) * (0.55 + 0.45 * day) * hush,
        "nature": amb.get("nature", 0.0) * (0.4 + 0.6 * day) * hush,
        "birds": amb.get("birds", 0.0) * min(1.0, day * 1.6) * dry * hush,
        "sea": amb.get("sea", 0.0),
        # The scene's own breeze stays low so that a directed wind is heard rising over it.
        "wind": min(1.0, amb.get("wind", 0.0) * 0.3 + env.wind + 0.15 * env.snow) ** 1.5,
        "crickets": amb.get("crickets", 0.0) * max(0.0, 1.0 - day * 3.0) * dry * hush,
        "room": amb.get("room", 0.0),
        "rain": env.rain,
        "major": max(0.0, min(1.0, day * 1.3 - env.rain * 0.6 - env.fog * 0.3)),
        "music": 1.0,
        "gain": 1.0 - env.fade,  # a fade to black takes the sound with it
    }


def _pan_gains(pan: float) -> tuple[float, float]:
    a = (pan + 1.0) * math.pi / 4.0
    return math.cos(a), math.sin(a)


class Soundscape:
    """Renders chunk audio; all carried state is in ``self.state`` (see ``SoundState``)."""

    def __init__(self, seed: int, sample_rate: int, width: int, height: int) -> None:
        self.seed, self.sr = seed, sample_rate
        self.width, self.height = width, height
        self.state = SoundState()
        self._streams: dict[str, NoiseStream] = {}
        self._shot_cache: dict[tuple, np.ndarray] = {}

    def _noise(self, name: str, lo: float, hi: float, tilt: float, a: int, b: int) -> np.ndarray:
        if name not in self._streams:
            self._streams[name] = NoiseStream(self.seed, 1000 + sum(map(ord, name)) * 7 + len(name), lo, hi, tilt,
                                              self.sr)
        return self._streams[name].samples(a, b)

    # -- public --------------------------------------------------------------------------------------
    def render(self, states: tuple[WorldState, ...], times: tuple[float, ...], a: int, b: int) -> np.ndarray:
        """float32 [b - a, 2] for frames ``states`` at ``times`` covering absolute samples [a, b)."""
        n = b - a
        out = np.zeros((n, 2))
        if n <= 0:
            return out.astype(np.float32)
        if not states:
            return out.astype(np.float32)
        recipe = recipe_for(states[0].scene_kind)
        st = self.state
        # 1. Levels per frame, ramped from the previous frame across each frame's samples
        bounds = [round(i * n / len(states)) for i in range(len(states) + 1)]
        env = {k: np.zeros(n) for k in LEVEL_NAMES}
        prev = st.prev_levels
        for i, s in enumerate(states):
            lv = _levels(s, recipe_for(s.scene_kind))
            p = prev if prev is not None else lv
            lo, hi = bounds[i], bounds[i + 1]
            ramp = (np.arange(hi - lo) + 1.0) / max(1, hi - lo)
            for k in LEVEL_NAMES:
                env[k][lo:hi] = p[k] + (lv[k] - p[k]) * ramp
            prev = lv
        # 2. Footsteps and events
        self._detect(states, times, recipe)
        t = (a + np.arange(n)) / self.sr
        # 3. Beds
        self._beds(out, env, t, a, b)
        # 4. Music bed
        out += self._music(t, env["major"])[:, None] * env["music"][:, None] * 0.035
        # 5. One-shots
        self._shots(out, a, b)
        # 6. Fade and soft limit
        st.prev_levels = prev
        out *= env["gain"][:, None]
        return np.tanh(out * MASTER).astype(np.float32)

    def snapshot(self) -> SoundState:
        return copy.deepcopy(self.state)

    def restore(self, state: SoundState) -> None:
        self.state = copy.deepcopy(state)

    # -- pieces --------------------------------------------------------------------------------------
    def _beds(self, out: np.ndarray, env: dict[str, np.ndarray], t: np.ndarray, a: int, b: int) -> None:
        def stereo(name, lo, hi, tilt, level, gain):
            if level.max() <= 1e-4:
                return
            left = self._noise(name + "L", lo, hi, tilt, a, b)
            right = self._noise(name + "R", lo, hi, tilt, a, b)
            out[:, 0] += left * level * gain
            out[:, 1] += right * level * gain

        swell = 0.7 + 0.3 * np.sin(2 * np.pi * t / 9.0 + 1.3 * np.sin(2 * np.pi * t / 23.0))
        stereo("hum", 30, 500, 1.6, env["hum"] * swell, 0.09)
        if env["hum"].max() > 1e-4:
            mains = 0.01 * (np.sin(2 * np.pi * 55 * t) + 0.5 * np.sin(2 * np.pi * 110 * t))
            out += (mains * env["hum"])[:, None]
        stereo("nature", 300, 7000, 1.0, env["nature"], 0.025)
        waves = 0.25 + 0.75 * (0.5 + 0.5 * np.sin(2 * np.pi * t / 6.5 + 0.8 * np.sin(2 * np.pi * t / 17.0))) ** 2
        stereo("sea", 80, 1500, 1.2, env["sea"] * waves, 0.14)
        gust = 0.35 + 0.65 * (0.5 + 0.5 * np.sin(2 * np.pi * t / 5.3 + 1.5 * np.sin(2 * np.pi * t / 13.0))) ** 2
        stereo("wind", 150, 1800, 1.0, env["wind"] * gust, 0.4)
        stereo("room", 40, 300, 1.5, env["room"], 0.02)
        stereo("rain", 1800, 14000, 0.0, env["rain"], 0.22)
        stereo("patter", 250, 1800, 0.5, env["rain"] ** 1.5, 0.06)
        if env["crickets"].max() > 1e-4:
            pulse = (np.sin(2 * np.pi * 28 * t) > 0.3) * (np.sin(2 * np.pi * 0.9 * t) > 0.0)
            c = np.sin(2 * np.pi * 4400 * t) * pulse * env["crickets"] * 0.02
            out[:, 0] += c
            out[:, 1] += np.roll(c, 240) * 0.8
        if env["birds"].max() > 1e-4:
            self._birds(out, env["birds"], a, b)

    def _birds(self, out: np.ndarray, level: np.ndarray, a: int, b: int) -> None:
        """Chirps on a fixed random schedule: 0-2 per 1.5 s slot, from (seed, slot)."""
        slot_len = int(1.5 * self.sr)
        for slot in range(max(0, a // slot_len - 1), b // slot_len + 1):
            rng = np.random.default_rng([self.seed & 0xFFFFFFFF, 0xB12D, slot])
            for j in range(int(rng.integers(0, 3))):
                onset = slot * slot_len + int(rng.random() * slot_len)
                pan = rng.uniform(-0.8, 0.8)
                gain = rng.uniform(0.03, 0.08)
                notes = int(rng.integers(2, 5))
                seed = self.seed * 7919 + slot * 31 + j
                sig = self._shot(("chirp", seed, notes), lambda: sounds.chirp(seed, notes))
                self._mix(out, sig, onset, a, b, gain, pan, level)

    def _music(self, t: np.ndarray, major: np.ndarray) -> np.ndarray:
        pos = t / CHORD_SECONDS
        idx = np.floor(pos).astype(np.int64)
        frac = pos - idx
        fade = np.clip((frac - 0.85) / 0.15, 0, 1)
        fade = fade * fade * (3 - 2 * fade)
        out = np.zeros_like(t)
        swell = 0.75 + 0.25 * np.sin(2 * np.pi * t / 8.0)
        for mood, chords, w_mood in (("major", MAJOR, major), ("minor", MINOR, 1.0 - major)):
            if w_mood.max() <= 1e-4:
                continue
            for c, notes in enumerate(chords):
                w = (idx % 4 == c) * (1 - fade) + ((idx + 1) % 4 == c) * fade
                if not w.any():
                    continue
                sig = sum(np.sin(2 * np.pi * f * t) + 0.25 * np.sin(4 * np.pi * f * t) for f in notes)
                sig += 0.6 * np.sin(np.pi * notes[0] * t)  # bass an octave down
                out += sig * w * w_mood
        return out * swell

    def _detect(self, states: tuple[WorldState, ...], times: tuple[float, ...], recipe: SceneRecipe) -> None:
        st = self.state
        surface = SURFACES.get(recipe.kind, "hard")
        for s, t in zip(states, times):
            view = View.from_state(s.camera, self.width, self.height, s.t, self.seed)
            # footsteps at each half stride cycle
            for e in s.entities:
                s1 = e.stride
                s0 = st.prev_strides.get(e.id)
                st.prev_strides[e.id] = s1
                kind = canonical_kind(e.kind)
                if s0 is None or st.prev_t is None or s1 <= s0 or e.presence < 0.05 or kind in ("car", "bird"):
                    continue
                k0, k1 = math.floor(2 * s0), math.floor(2 * s1)
                if k1 - k0 > 8:  # a jump (restarted timeline): no burst of steps
                    continue
                pan = view.screen_pan(np.array([e.x, 0.0, e.z]))
                depth = float(view.to_camera(np.array([[e.x, 0.0, e.z]]))[0, 2])
                gain = min(1.0, 2.5 / max(depth, 0.5)) * e.presence * {"cat": 0.15, "dog": 0.3}.get(kind, 0.5)
                for k in range(k0 + 1, k1 + 1):
                    frac = (k / 2.0 - s0) / (s1 - s0)
                    ts = st.prev_t + frac * (t - st.prev_t)
                    sound = "hoof" if kind == "horse" else "footstep"
                    seed = (zlib.crc32(e.id.encode()) & 0xFFFF) * 100003 + k
                    st.shots.append(OneShot(int(round(ts * self.sr)), sound, seed, gain, pan, surface))
            st.prev_t = t
            # events: thunder after lightning, calls on enter
            for ev in s.recent_events:
                key = (ev.kind, round(ev.t, 4), ev.entity)
                if key in st.seen_events:
                    continue
                st.seen_events.add(key)
                seed = int(round(ev.t * 1000)) * 31 + (self.seed & 0xFFFF)
                if ev.kind in ("lightning", "thunder"):
                    delay = 0.0 if ev.kind == "thunder" else np.random.default_rng([seed & 0xFFFFFFFF, 0x7D]).uniform(
                        *THUNDER_DELAY)
                    st.shots.append(OneShot(int(round((ev.t + delay) * self.sr)), "thunder", seed, 0.8,
                                            float(np.random.default_rng(seed & 0xFFFFFFFF).uniform(-0.5, 0.5))))
                elif ev.kind in sounds.EVENTS:
                    pan = float(np.random.default_rng(seed & 0xFFFFFFFF).uniform(-0.6, 0.6))
                    st.shots.append(OneShot(int(round(ev.t * self.sr)), ev.kind, seed, 0.9, pan))
                elif ev.kind == "enter" and ev.entity:
                    ent = s.entity(ev.entity)
                    kind = canonical_kind(ent.kind) if ent else ""
                    if ent is not None and (kind in ANIMALS or kind == "car"):
                        pan = view.screen_pan(np.array([ent.x, 0.0, ent.z]))
                        st.shots.append(OneShot(int(round((ev.t + 0.25) * self.sr)), kind, seed, 0.5, pan))
        # forget events that can no longer appear in ``recent_events``
        st.seen_events = {k for k in st.seen_events if k[1] > states[-1].t - EVENT_MEMORY - 1.0}

    def _shot(self, key: tuple, build) -> np.ndarray:
        if key not in self._shot_cache:
            if len(self._shot_cache) > 256:
                self._shot_cache.clear()
            self._shot_cache[key] = build()
        return self._shot_cache[key]

    def _shots(self, out: np.ndarray, a: int, b: int) -> None:
        keep = []
        for shot in self.state.shots:
            if shot.sound == "footstep":
                sig = self._shot(("fs", shot.seed, shot.surface), lambda: sounds.footstep(shot.seed, shot.surface))
                gain = shot.gain * 0.35
            elif shot.sound == "hoof":
                sig = self._shot(("hoof", shot.seed), lambda: sounds.hoof(shot.seed))
                gain = shot.gain * 0.4
            elif shot.sound == "thunder":
                sig = self._shot(("th", shot.seed), lambda: sounds.thunder(shot.seed))
                gain = shot.gain * 0.6
            elif shot.sound in sounds.EVENTS:
                fn = sounds.EVENTS[shot.sound]
                sig = self._shot(("event", shot.sound, shot.seed), lambda: fn(shot.seed))
                gain = shot.gain * 0.6
            else:
                fn = sounds.CALLS.get(shot.sound)
                if fn is None:
                    continue
                sig = self._shot(("call", shot.sound, shot.seed), lambda: fn(shot.seed))
                gain = shot.gain * 0.5
            self._mix(out, sig, shot.onset, a, b, gain, shot.pan, None)
            if shot.onset + len(sig) > b:
                keep.append(shot)
        self.state.shots = keep

    @staticmethod
    def _mix(out: np.ndarray, sig: np.ndarray, onset: int, a: int, b: int, gain: float, pan: float,
             level: np.ndarray | None) -> None:
        lo, hi = max(a, onset), min(b, onset + len(sig))
        if lo >= hi:
            return
        part = sig[lo - onset : hi - onset] * gain
        if level is not None:
            part = part * level[lo - a : hi - a]
        gl, gr = _pan_gains(pan)
        out[lo - a : hi - a, 0] += part * gl
        out[lo - a : hi - a, 1] += part * gr
