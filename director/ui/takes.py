"""Takes: every Start or rewind makes a take (an MP4 and the Director that made it).

A take made by rewinding reuses the frames of the take it branched from up to the rewind point
(``ClipWriter`` prefix: packets copied, not re-encoded) and continues from that take's checkpoint, so
its start is exactly what was there before. Creators switch between takes to compare them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from director.run.director import Director
from director.world.script import Interpretation
from director.plan.timecode import format_time


@dataclass
class Take:
    number: int
    path: Path  # the final MP4 (exists once ``finished``)
    director: Director  # kept for its checkpoints: rewinding from this take starts from them
    from_time: float = 0.0  # where it branched from its parent
    parent: int | None = None
    frames: int = 0  # frames in the clip, prefix included
    finished: bool = False
    stopped: bool = False  # stopped before the end: the MP4 holds what was made
    check: object | None = None  # director.ui.direct.take_check.TakeCheck once the finished clip was measured

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        """How the take's script read each directive of its record (read-only)."""
        return tuple(self.director.script.interpretations)

    @property
    def seconds(self) -> float:
        return self.frames / self.director.fps

    @property
    def label(self) -> str:
        origin = f"from take {self.parent} at {format_time(self.from_time)}" if self.parent else "from the start"
        state = "stopped" if self.stopped else ("done" if self.finished else "rendering")
        return f"Take {self.number} · {format_time(self.seconds)} · {origin} · {state}"


@dataclass
class Takes:
    items: list[Take] = field(default_factory=list)
    current: int | None = None  # number of the take shown, rewound from and exported
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_number(self) -> int:
        return len(self.items) + 1

    def add(self, take: Take) -> None:
        with self._lock:
            self.items.append(take)
            self.current = take.number

    def get(self, number: int | None) -> Take | None:
        return next((t for t in self.items if t.number == number), None)

    def select(self, number: int) -> Take:
        take = self.get(number)
        if take is None:
            raise KeyError(f"no take {number}")
        self.current = number
        return take

    @property
    def shown(self) -> Take | None:
        return self.get(self.current)

    def choices(self) -> list[tuple[str, int]]:
        return [(t.label, t.number) for t in self.items]

    def close(self) -> None:
        for take in self.items:
            take.director.close()
