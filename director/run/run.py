"""``Run``: one Director driven to its end through its sinks, told as typed events.

This is the only loop over ``Director.run()`` in the package. Rendering a file, the Direct tab's
live take, Wander, contact sheets and the export re-render are all a ``Run`` with different sinks:

    run = Run(director, [ClipSink(writer), LiveFeed(fps, sample_rate)])
    for event in run.events():          # Progress, ChunkReady, Notice ..., then one ending
        ...                              # Finished | Stopped | Failed
    # or: ending = run.run()             # drive it to the end, return the ending
    # or: q = run.start()                # on a thread; the same events arrive on a queue

Per chunk: (1) the Director applies live commands and makes the chunk; (2) every sink ``write``s it;
(3) ``Notice``s for rejected live commands, ``Progress``, ``ChunkReady``; (4) a stop asked meanwhile
(``stop()``, the shared ``threading.Event``, or ``until_frame`` reached) ends the run at this
boundary. Whatever ends it, every sink's ``close`` runs exactly once, before the ending is emitted.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from director.plan.timecode import format_time
from director.plan.timeline import Timeline
from director.run.director import Director
from director.run.events import ChunkReady, Ending, Failed, Finished, Notice, RunEvent, Stopped

if TYPE_CHECKING:
    from director.sinks.protocol import Sink

log = logging.getLogger(__name__)

REJECTED = "rejected"  # Interpretation.method of a live command the Director could not apply


class Run:
    """Drive ``director`` once through ``sinks`` (see the module docstring).

    Args:
        director: the Director to run, from wherever it stands (fresh, rewound, branched, resumed).
        sinks: where each chunk goes, in this order (``director.sinks.protocol.Sink``).
        stop: a shared cooperative stop (e.g. a CLI's Ctrl-C handler); ``stop()`` sets it too.
        until_frame: end (as ``Finished``) at the first boundary at or after this frame.
        close_director: close the Director's engine when the run ends (its checkpoints stay, so a
            take can still be rewound or branched from).
    """

    def __init__(self, director: Director, sinks: Sequence[Sink] = (), *, stop: threading.Event | None = None,
                 until_frame: int | None = None, close_director: bool = True) -> None:
        self.director = director
        self.sinks = tuple(sinks)
        self.until_frame = until_frame
        self.close_director = close_director
        self.ending: Ending | None = None  # set once the run ended
        self._stop = stop if stop is not None else threading.Event()
        self._started = False

    # -- control (any thread) -------------------------------------------------------------------
    def stop(self) -> None:
        """End after the chunk in progress (cooperative: checked at every chunk boundary)."""
        self._stop.set()
        self.director.stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def record(self) -> Timeline:
        """The timeline as played so far (live commands included, each at the boundary it took effect)."""
        return self.director.record

    @property
    def seconds_made(self) -> float:
        """Seconds of video made so far: the boundary the next chunk (and a live command sent now) starts at."""
        return self.director.time

    @property
    def interpretations(self) -> tuple:
        """How each directive of the record played so far was read (the current script's)."""
        return tuple(self.director.script.interpretations)

    # -- the loop --------------------------------------------------------------------------------
    def events(self) -> Iterator[RunEvent]:
        """Run to the end, yielding ``Notice``/``Progress``/``ChunkReady`` per chunk, then the ending.

        Closing the iterator early (``close()``, or dropping it) ends the run as ``Stopped(reason=
        'closed')`` with every sink closed. ``KeyboardInterrupt``/``SystemExit`` close the sinks as
        ``Failed`` and propagate.
        """
        if self._started:
            raise RuntimeError("a Run drives its Director once; make a new Run to continue")
        self._started = True
        d = self.director
        seen = len(d.applied)
        try:
            # 1. the Director makes each chunk (live commands applied at its start)
            for chunk in d.run():
                commands = tuple(d.applied[seen:])
                seen = len(d.applied)
                progress = d.progress
                assert progress is not None  # set by Director.run before each chunk is yielded
                ready = ChunkReady(chunk, progress, commands, d.time)
                # 2. every sink takes it
                for sink in self.sinks:
                    sink.write(ready)
                # 3. tell the listener
                for c in commands:
                    if c.interpretation.method == REJECTED:
                        what = f"live command {c.text!r}" if c.text else "a live directive"
                        yield Notice(f"{what} at {format_time(c.at)} rejected: {'; '.join(c.interpretation.notes)}",
                                     "warning")
                yield progress
                yield ready
                # 4. a stop asked meanwhile ends the run at this boundary
                if self._stop.is_set() or (self.until_frame is not None and d.next_frame >= self.until_frame):
                    d.stop()
            ending: Ending = self._ended()
        except GeneratorExit:  # the listener went away: keep what was made
            self._close(Stopped(d.next_frame, d.time, "closed"))
            raise
        except BaseException as exc:
            # Not logged here: the listener gets the error in ``Failed`` and says it its own way
            # (a CLI prints one line, the app shows it); a traceback on stderr would be noise.
            ending = self._close(Failed(d.next_frame, d.time, exc))
            if not isinstance(exc, Exception):
                raise
            yield ending
            return
        yield self._close(ending)

    def run(self) -> Ending:
        """Drive the run to its end on this thread and return the ending (it never raises for a
        failure: look at ``Failed.error``)."""
        ending: Ending | None = None
        for event in self.events():
            if isinstance(event, (Finished, Stopped, Failed)):
                ending = event
        assert ending is not None
        return ending

    def start(self, events: queue.Queue[RunEvent] | None = None) -> queue.Queue[RunEvent]:
        """Run on a daemon thread, putting every event on ``events`` (a new queue if None); the last
        event put is the ending."""
        q: queue.Queue[RunEvent] = events if events is not None else queue.Queue()

        def work() -> None:
            for event in self.events():
                q.put(event)

        threading.Thread(target=work, name="director-run", daemon=True).start()
        return q

    # -- endings ---------------------------------------------------------------------------------
    def _ended(self) -> Ending:
        d = self.director
        reached = self.until_frame is not None and d.next_frame >= self.until_frame
        if d.done or reached:
            return Finished(d.next_frame, d.time)
        return Stopped(d.next_frame, d.time, "stop")

    def _close(self, ending: Ending) -> Ending:
        """Close every sink (all of them, whatever one raises), then the Director; a sink's error
        turns a clean ending into ``Failed``."""
        first: BaseException | None = None
        for sink in self.sinks:
            try:
                sink.close(ending)
            except BaseException as exc:  # noqa: BLE001 - the other sinks must still close
                log.exception("sink %s failed to close", type(sink).__name__)
                first = first or exc
        if self.close_director:
            try:
                self.director.close()
            except Exception as exc:  # noqa: BLE001
                log.exception("engine failed to close")
                first = first or exc
        if first is not None and not isinstance(ending, Failed):
            ending = Failed(ending.frames, ending.seconds, first)
        self.ending = ending
        return ending
