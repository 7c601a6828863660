"""A Direct-tab take run through the session service (``python app.py --ray auto|ADDRESS``).

The take runs where the service puts it (a Ray actor holding the Director and its engine); the app
server holds no engine. It reads the session's typed events, writes the clip and the live view from
the streamed chunks, and keeps the take's record (the plan plus each live command at the boundary it
took effect) with a ``RecordKeeper``: the script without an engine, so the table, the strip, the
take check and the exports read it as they read a local Director's. ``ServiceLiveRun`` yields the
same events as ``LiveRun`` (``ChunkShown`` … ``RunDone`` / ``RunFailed``); rewinding needs a local
take's checkpoints, so it is refused here with a message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from director.commands.reader import WITH_MEANING, Reader
from director.engines import ENGINES
from director.plan.assets import AssetError, Assets
from director.plan.timeline import Directive, Timeline, TimelineError
from director.plan.timeline_images import image_keys
from director.run.director import AppliedCommand
from director.run.service.protocol import (
    ChunkReady, CommandApplied, Failed, Finished, Notice, Queued, SessionService, Started, Stopped, TakeSpec,
)
from director.run.takes import RewindError, Take, Takes
from director.sinks.clip_writer import ClipWriter
from director.engines.protocol import SAMPLE_RATE
from director.sinks.live_feed import LiveFeed
from director.ui.live_run import ChunkShown, Event, RunDone, RunFailed, RunNotice
from director.world import Interpretation
from director.world.compile import compile_timeline
from director.world.incremental import append_directives

log = logging.getLogger(__name__)

LIVE_LEAD_S = 1.0  # the worker keeps at most this far ahead of real time (as LiveRun's pace does)


@dataclass
class RecordKeeper:
    """What a take played, without an engine: the record, its script, live commands at their times.
    Stands in for the Director of a take that ran elsewhere (``Take.director``)."""

    timeline: Timeline
    reader: Reader = WITH_MEANING  # how the live commands are read again here (as the worker read them)
    frames: int = 0  # made so far
    done: bool = False
    applied: list[AppliedCommand] = field(default_factory=list)
    checkpoints: dict = field(default_factory=dict)  # none here: the worker kept them

    def __post_init__(self) -> None:
        self._cache: dict[tuple, Any] = {}
        self.script = compile_timeline(self.timeline, reader=self.reader, cache=self._cache)

    @property
    def record(self) -> Timeline:
        return self.script.timeline

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        return tuple(self.script.interpretations)

    @property
    def fps(self) -> float:
        return self.record.fps

    @property
    def time(self) -> float:
        return self.frames / self.fps

    def apply(self, command: CommandApplied) -> AppliedCommand:
        """A live command the worker applied at ``command.at``: read here too, added to the record."""
        directive = Directive(at=command.at, text=command.text.strip(), source="live")
        if command.accepted:
            try:
                self.script = append_directives(self.script, [directive], reader=self.reader,
                                                cache=self._cache)
                index = max(i for i, d in enumerate(self.record.directives) if d.source == "live"
                            and d.at == directive.at and d.text == directive.text)
                applied = AppliedCommand(command.text, command.at, self.script.interpretations[index])
                self.applied.append(applied)
                return applied
            except (ValueError, TimelineError) as exc:  # read differently here: say so, keep going
                log.warning("live command %r not kept in the record: %s", command.text, exc)
        interp = Interpretation(-1, command.at, command.text, (), False, "rejected", (command.reading,))
        applied = AppliedCommand(command.text, command.at, interp)
        self.applied.append(applied)
        return applied

    def close(self) -> None:
        """Nothing to release: the engine was elsewhere."""


class ServiceRuns:
    """Starts Direct-tab takes on a session service (what ``DirectController`` calls instead of
    ``LiveRun.start``)."""

    def __init__(self, service: SessionService, live_lead: float | None = LIVE_LEAD_S):
        self.service = service
        self.live_lead = live_lead

    def start(self, folder: Path, timeline: Timeline, assets: Assets, takes: Takes, *,
              rewind_to: float | None = None, reader: Reader = WITH_MEANING,
              engine_options: Any = None, pace: bool = True, pace_memory: Any = None) -> ServiceLiveRun:
        """As ``LiveRun.start``, on the service: the worker reads the commands with ``reader``'s choice,
        and this side reads them again the same way to keep the record (``pace_memory`` is not used:
        the worker keeps its own pace, ``live_lead``)."""
        if rewind_to is not None:
            raise RewindError("Rewinding needs the take's checkpoints in this app: it runs with --ray, "
                              "where they stay on the workers. Press Start for a new take.")
        if image_keys(timeline):
            raise AssetError("Reference images stay in this app and do not reach the Ray workers yet: "
                             "remove them, or run the app without --ray.")
        if timeline.engine not in ENGINES:
            raise TimelineError([f"unknown engine {timeline.engine!r}"])
        keeper = RecordKeeper(timeline, reader)
        number = takes.next_number()
        spec = TakeSpec.from_timeline(timeline, engine_options=engine_options, use_embeddings=reader.meaning,
                                      label=f"take {number}", live_lead=self.live_lead if pace else None)
        session = self.service.submit(spec)
        take = Take(number, folder / f"take-{number}.mp4", keeper)  # type: ignore[arg-type]  # a Director's reading side
        takes.add(take)
        return ServiceLiveRun(take, keeper, session, LiveFeed(timeline.fps, SAMPLE_RATE))


class ServiceLiveRun:
    """One take on the service, as the Direct tab sees a ``LiveRun``."""

    export = None  # the clip is written at full size from the stream: no re-render after it

    def __init__(self, take: Take, keeper: RecordKeeper, session: Any, feed: LiveFeed):
        self.take = take
        self.keeper = keeper
        self.session = session
        self.feed = feed  # what the page watches: the streamed chunks, at their time
        self.live_token: str | None = None
        self.started = time.monotonic()
        self.first_frame_s: float | None = None
        self.observers: list[Callable[[ChunkShown], None]] = []
        self.notices: list[str] = []  # queue positions and failovers, as the service told them

    @property
    def director(self) -> RecordKeeper:
        """What ``TakeRun`` reads a local run's record from (no engine here)."""
        return self.keeper

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        return self.keeper.interpretations

    @property
    def record(self) -> Timeline:
        """The timeline as played so far (live commands included)."""
        return self.keeper.record

    @property
    def seconds_made(self) -> float:
        return self.keeper.time

    def send(self, text: str, author: str | None = None) -> None:
        self.session.send(text, author or "creator")

    def stop(self) -> None:
        self.session.stop()

    def events(self) -> Iterator[Event]:
        keeper, take = self.keeper, self.take
        writer: ClipWriter | None = None
        failure: str | None = None
        applied: list[tuple[AppliedCommand, str | None]] = []
        fps = 0.0
        events = self.session.events()
        try:
            for event in events:
                if isinstance(event, (Queued, Notice)):
                    text = event.message if isinstance(event, Queued) else event.text
                    self.notices.append(text)
                    yield RunNotice(text)
                elif isinstance(event, Started) and writer is None:
                    writer = ClipWriter(take.path, width=event.width, height=event.height, fps=event.fps,
                                        sample_rate=event.sample_rate, keyframe_interval=event.chunk_frames)
                    self.feed.use_sample_rate(event.sample_rate)
                elif isinstance(event, CommandApplied):
                    author = None if event.author == "creator" else event.author
                    applied.append((keeper.apply(event), author))
                elif isinstance(event, ChunkReady):
                    assert writer is not None, "a chunk before Started"
                    writer.write(event)  # type: ignore[arg-type]  # ChunkReady has the fields a Chunk has
                    self.feed.add(event.frames, event.audio, event.start_frame)
                    if self.first_frame_s is None:
                        self.first_frame_s = time.monotonic() - self.started
                    keeper.frames = take.frames = writer.frames_written
                    fps = keeper.frames / max(time.monotonic() - self.started, 1e-6)
                    shown = ChunkShown(keeper.time, keeper.record.duration, fps,
                                       tuple(a for a, _ in applied), authors=tuple(w for _, w in applied))
                    applied = []
                    for observer in self.observers:
                        observer(shown)
                    yield shown
                elif isinstance(event, Finished):
                    keeper.done = True
                elif isinstance(event, Stopped):
                    take.stopped = True
                elif isinstance(event, Failed):
                    failure = event.error
        except Exception as exc:  # the service could not be read (a lost cluster): the clip keeps what came
            log.exception("service take failed")
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            events.close()
            self.feed.close()
            if failure is None and not keeper.done:
                take.stopped = True
            self._finish(writer)
        if failure is not None:
            yield RunFailed(failure, take if take.finished else None)
        else:
            yield RunDone(take)

    def _finish(self, writer: ClipWriter | None) -> None:
        take = self.take
        if take.finished or writer is None:
            self.session.stop()  # the tab went away, or nothing came: release the slot
            return
        if writer.frames_written:
            writer.finish()
            take.finished = True
        else:
            writer.abort()
        take.frames = writer.frames_written
        self.session.stop()


__all__ = ["RecordKeeper", "ServiceLiveRun", "ServiceRuns"]
