"""Small takes and an uninterrupted reference run, shared by the session service tests."""

from __future__ import annotations

import threading

import numpy as np

from director.plan.timeline import timeline_from_data
from director.run.director import Director
from director.run.service.protocol import (
    FINAL_EVENTS, ChunkReady, CommandApplied, Event, Session, TakeSpec,
)

SMALL = {"width": 160, "height": 90, "fps": 12}  # 6-frame chunks (0.5 s): a 4 s take is 8 chunks


def spec(duration: float = 4.0, seed: int = 5, checkpoint_every: float = 1.0, directives=(), **kw) -> TakeSpec:
    timeline = timeline_from_data({**SMALL, "duration": duration, "seed": seed,
                                   "world": {"scene": "a quiet country road through fields"},
                                   "directives": list(directives)})
    return TakeSpec.from_timeline(timeline, use_embeddings=False, checkpoint_every=checkpoint_every, **kw)


def reference(take: TakeSpec, commands: list[tuple[float, str]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Frames and audio of an uninterrupted run in this thread with plain ``Director.send``, each
    live command sent just before the chunk at its boundary time ``at``."""
    from director.plan.timeline import Timeline

    d = Director(Timeline.model_validate_json(take.timeline_json), engine_options={"embeddings": False},
                 use_embeddings=False)
    frames, audio = [], []
    todo = sorted(commands, key=lambda c: c[0])  # stable: same-time commands keep their order
    chunks = d.run()
    while True:
        while todo and round(todo[0][0] * d.fps) <= d.next_frame:
            d.send(todo.pop(0)[1])
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        frames.append(chunk.frames)
        audio.append(chunk.audio)
    d.close()
    return np.concatenate(frames), np.concatenate(audio)


class Reading:
    """Everything a session streamed, with hooks run after the n-th chunk."""

    def __init__(self, session: Session, after_chunk: dict[int, callable] | None = None, timeout: float = 120) -> None:
        self.session = session
        self.events: list[Event] = []
        after_chunk = after_chunk or {}
        chunks = 0
        for event in session.events(timeout=timeout):
            self.events.append(event)
            if isinstance(event, ChunkReady):
                chunks += 1
                if chunks in after_chunk:
                    after_chunk[chunks](session)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def final(self) -> Event:
        assert isinstance(self.events[-1], FINAL_EVENTS)
        return self.events[-1]

    @property
    def frames(self) -> np.ndarray:
        chunks = self.of(ChunkReady)
        starts = [c.start_frame for c in chunks]
        assert starts == sorted(set(starts)), f"chunks repeated or out of order: {starts}"
        return np.concatenate([c.frames for c in chunks])

    @property
    def audio(self) -> np.ndarray:
        return np.concatenate([c.audio for c in self.of(ChunkReady)])

    @property
    def applied(self) -> list[tuple[float, str]]:
        return [(c.at, c.text) for c in self.of(CommandApplied)]


def read_all(sessions: list[Session], **kw) -> list[Reading]:
    """Read sessions concurrently (one thread each), as a front end serving several creators does."""
    out: list[Reading | BaseException | None] = [None] * len(sessions)

    def go(i: int) -> None:
        try:
            out[i] = Reading(sessions[i], **kw)
        except BaseException as exc:  # surfaced in the test's thread below
            out[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in out:
        if isinstance(r, BaseException):
            raise r
    return out  # type: ignore[return-value]
