"""Live pace: pick the picture size a live run can sustain in real time, from its own chunk timings.

Editors play back at a proxy resolution when the machine cannot keep up, and so does a live run: the
``PaceGovernor`` is fed the wall time each chunk took (engine, export encode, live frames: all of it)
and answers the ``LiveLevel`` to render the next chunk at. It never lets the live view fall behind:

* **down** at once when the last ``window`` chunks took more than ``margin`` of their video time (a run
  slower than real time puts the view behind; the rest of the margin is the browser's and the
  system's), unless the run is comfortably ahead of real time (more than half the ``lead``), and
  straight to the largest level whose estimated pace (this pace scaled by the pixel ratio) fits under
  ``up_margin``: every slow chunk is a stall in the view, so the run does not walk down a step at a time. The window
  is two chunks so that one slow chunk (a light change's bake) does not step the picture down alone;
* **up** only after ``settle`` chunks at a level with room to spare, when the next level's estimated
  pace (this pace scaled by the pixel ratio) still fits; a step up that fails doubles the chunks it
  waits before the next try, so a machine at its limit does not flicker between two sizes;
* ``sleep_before_next()``: how long to wait so the run stays at most ``lead`` seconds ahead of real
  time (a live view that runs ahead buffers, and live commands then show up late).

Runs with short chunks (Wander: 2 frames, 83 ms) tune it by seconds rather than chunks: a longer
``window`` and ``settle``; ``min_window``, so one chunk that a scheduler hiccup slowed is no reason to
step down; ``warmup``, so a level's first chunk, which pays one-off costs (previz paints its textures
for a new width: 0.5-1.6 s on 2 cores, 6-20 short chunks' worth), is not taken for its pace; and ``rejoin`` for a run
that drops its lag instead of catching up (a live view that shows the newest moment).

Level 0 is the run's own size (the exported clip can be written in the same run); the others are
``scales`` of it. Pure bookkeeping on numbers: no clock is read here, so tests feed timings directly.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass

LIVE_SCALES = (1.0, 0.75, 0.5, 0.375)  # 1280 -> 960 -> 640 -> 480 wide
MARGIN = 0.9  # a chunk may take this share of its video time (the rest: the browser and the system)
UP_MARGIN = 0.75  # a level is chosen only when its estimated share stays under this
MIN_LIVE_WIDTH = 160


@dataclass(frozen=True)
class LiveLevel:
    """One live picture size: ``index`` 0 is the run's own (full quality)."""

    index: int
    width: int
    height: int

    @property
    def full(self) -> bool:
        return self.index == 0

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def describe(self) -> str:
        """Short words for a status line, e.g. ``"live 640x360 (full quality after Stop)"``."""
        return f"live {self.width}x{self.height}" + (" · full quality" if self.full else " · preview")


def live_levels(width: int, height: int, scales: tuple[float, ...] = LIVE_SCALES) -> list[LiveLevel]:
    """The sizes a run of ``width`` x ``height`` may go live at, largest first (even sizes, distinct)."""
    levels: list[LiveLevel] = []
    for scale in scales:
        w = int(round(width * scale / 2)) * 2
        h = int(round(height * scale / 2)) * 2
        if scale != 1.0 and (w < MIN_LIVE_WIDTH or h < 16):
            break
        if scale == 1.0:
            w, h = width, height
        if levels and (w, h) == levels[-1].size:
            continue
        levels.append(LiveLevel(len(levels), w, h))
    return levels


@dataclass(frozen=True)
class PaceSample:
    """What the governor saw for one chunk (kept for status lines and benchmarks)."""

    level: LiveLevel
    video_s: float  # seconds of video the chunk holds
    wall_s: float  # wall seconds it took to make and hand on
    lag_s: float  # how far the run is behind real time after it (negative: ahead)


class PaceGovernor:
    """Chooses the live level per chunk; see the module docstring. Not thread-safe: one per run."""

    def __init__(self, width: int, height: int, *, scales: tuple[float, ...] = LIVE_SCALES,
                 margin: float = MARGIN, up_margin: float = UP_MARGIN, lead: float = 1.0,
                 settle: int = 4, window: int = 2, start_level: int = 0, ceiling: int = 0,
                 lock_full: bool = False, min_window: int = 1, warmup: int = 0,
                 up_ahead: float | None = None) -> None:
        """``margin``: a chunk must take at most this share of its video time (the rest is the
        browser's and the system's); ``up_margin``: the estimated share at the next level up must stay
        under this (and the run must not be behind schedule); ``lead``: seconds the
        run may be ahead of real time; ``settle``: chunks at a level before a step up is considered;
        ``window``: chunks whose mean pace decides a step down;
        ``start_level``: the level of the first chunk; ``ceiling``: the largest level a run that left
        full size steps back up to (above it a view shown no larger gains nothing, and the clip is
        re-rendered after the run anyway); ``lock_full``: never leave level 0 (engines that cannot
        render a proxy size);
        ``min_window``: chunks counted at a level before it may step down (1: at once);
        ``warmup``: chunks at a new level (and the run's first) whose pace is not counted (their wall
        time still counts towards the lag);
        ``up_ahead``: seconds the run must be ahead of real time to step up, so that the lead absorbs
        the new size's first chunk, which re-bakes (None: half the ``lead``; 0 for a run that never
        runs ahead, as Wander's)."""
        if not 1 <= min_window <= window:
            raise ValueError(f"PaceGovernor: min_window must be 1..window ({window}), got {min_window}")
        if warmup < 0:
            raise ValueError(f"PaceGovernor: warmup must be >= 0, got {warmup}")
        self.levels = live_levels(width, height, scales)
        self.margin = margin
        self.up_margin = up_margin
        self.lead = lead
        self.settle = settle
        self.window = window
        self.lock_full = lock_full
        self.min_window = min_window
        self.warmup = warmup
        self.up_ahead = lead / 2 if up_ahead is None else up_ahead
        self._index = 0 if lock_full else min(start_level, len(self.levels) - 1)
        self.ceiling = min(ceiling, len(self.levels) - 1)
        self._at_level = 0  # chunks made at the current level
        self._wait_up = settle
        self._video = 0.0  # video seconds made so far in this run
        self._wall = 0.0  # wall seconds spent so far
        self._paces: list[float] = []  # wall / video of recent chunks at the current level
        self.history: list[PaceSample] = []
        self.ever_below_full = self._index > 0

    @property
    def level(self) -> LiveLevel:
        """The level the next chunk should be rendered at."""
        return self.levels[self._index]

    def level_of(self, width: int, height: int) -> LiveLevel:
        """The level a picture of ``width`` x ``height`` was rendered at (level 0 if none matches)."""
        return next((lv for lv in self.levels if lv.size == (width, height)), self.levels[0])

    @property
    def lag(self) -> float:
        """Seconds the run is behind real time (negative: ahead)."""
        return self._wall - self._video

    def record(self, video_s: float, wall_s: float) -> LiveLevel:
        """Account one chunk made at the current level; returns the level for the next chunk."""
        if video_s <= 0:
            return self.level
        level = self.level
        self._video += video_s
        self._wall += wall_s
        pace = wall_s / video_s
        self.history.append(PaceSample(level, video_s, wall_s, self.lag))
        self._at_level += 1
        if self._at_level <= self.warmup:  # one-off costs of a new level say nothing of its pace
            return self.level
        self._paces = (self._paces + [pace])[-max(self.settle, self.window):]
        if self.lock_full:
            return self.level
        lowest = len(self.levels) - 1
        recent = self._paces[-self.window:]
        slow = (len(recent) >= self.min_window and sum(recent) / len(recent) > self.margin
                and self.lag > -self.lead / 2)
        if slow and self._index < lowest:
            # a step up undone within its first window of counted chunks did not hold
            if self._at_level <= self.warmup + self.window and self._index > 0 and self._came_up:
                self._wait_up *= 2  # the step up did not hold: wait longer before the next one
            mean = sum(recent) / len(recent)
            fits = (i for i in range(self._index + 1, lowest + 1) if self._estimate(mean, i) < self.up_margin)
            self._move(next(fits, lowest), came_up=False)
        elif (self._index > max(self.ceiling, 0) and self._at_level >= self._wait_up
              and self.lag <= -self.up_ahead):
            mean = sum(self._paces) / len(self._paces)
            if self._estimate(mean, self._index - 1) < self.up_margin:
                self._move(self._index - 1, came_up=True)
        return self.level

    def _estimate(self, pace: float, index: int) -> float:
        """The pace at level ``index``, from ``pace`` at the current level (cost grows with the pixels)."""
        here, there = self.levels[self._index], self.levels[index]
        return pace * (there.width * there.height) / (here.width * here.height)

    def sleep_before_next(self) -> float:
        """Seconds to wait before the next chunk so the run is at most ``lead`` ahead of real time."""
        return max(0.0, -self.lag - self.lead)

    def align(self, ahead: float) -> None:
        """Real time is what the viewer sees: the run is ``ahead`` seconds of video past the frame on
        screen now. A view that stalled (a slow chunk) plays on from where it stopped, so the run must
        not count the stall as time it may run ahead by (commands would show that much later)."""
        self._wall = self._video - ahead

    def waited(self, seconds: float) -> None:
        """Account a wait (``sleep_before_next``) as wall time spent."""
        self._wall += max(0.0, seconds)

    def rejoin(self) -> None:
        """The run dropped its lag instead of catching up (it jumped to real time, as Wander does when
        it fell behind): count it as on schedule from here, so the lag it gave up blocks no step up."""
        self._wall = min(self._wall, self._video)

    def _move(self, index: int, came_up: bool) -> None:
        self._index = index
        self._at_level = 0
        self._paces = []
        self._came_up = came_up
        if index > 0:
            self.ever_below_full = True

    _came_up = False


class PaceMemory:
    """What this machine sustained live, so that the next run starts at a size it can keep up with
    instead of stalling its first seconds while it steps down. One per app (it is about the machine, not
    a user): the pixel rate (pixels x video frames per wall second) each engine ran at, the median of
    the last ``keep`` chunks of a run. Thread-safe."""

    def __init__(self, keep: int = 6) -> None:
        self.keep = keep
        self._rates: dict[str, float] = {}
        self._lock = threading.Lock()

    def remember(self, engine: str, governor: PaceGovernor, fps: float) -> None:
        """Learn from a finished (or stopped) run's chunks; runs locked at full size teach nothing."""
        if governor.lock_full:
            return
        rates = [s.level.width * s.level.height * s.video_s * fps / s.wall_s
                 for s in governor.history[-self.keep:] if s.wall_s > 0]
        if not rates:
            return
        with self._lock:
            self._rates[engine] = statistics.median(rates)  # a light change's bakes are one chunk's, not the pace

    def start_level(self, engine: str, levels: list[LiveLevel], fps: float, margin: float = UP_MARGIN,
                    unknown: int = 0) -> int:
        """The largest of ``levels`` this machine ran ``engine`` fast enough for (``unknown`` when it
        has not run it yet)."""
        with self._lock:
            rate = self._rates.get(engine)
        if rate is None:
            return unknown
        fits = (lv.index for lv in levels if lv.width * lv.height * fps / rate < margin)
        return next(fits, len(levels) - 1)
