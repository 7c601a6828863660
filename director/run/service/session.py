"""The caller's side of one take, shared by both backends: queue, start, relay, fail over, stop.

A ``ServiceSession`` runs a small pump thread in the caller. It (1) waits in the admission queue,
sending ``Queued`` events whenever its position changes; (2) starts the take on a worker through the
backend; (3) relays the worker's events to ``events()`` through a bounded mailbox — a caller that
stops reading stalls the worker (backpressure) instead of piling chunks up in memory; (4) when the
worker is lost, tells the creator with a ``Notice`` and restarts the take on another worker from the
ledger (``failover.TakeLedger``); (5) releases the slot when the take ends, is stopped, or is
stopped for being idle.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
import time
from collections import deque
from typing import Callable, Iterator, Protocol

from director.plan.timecode import format_time
from director.run.service.admission import Admission, AdmissionClosed, queue_message
from director.run.service.failover import MAX_FAILOVERS, TakeLedger
from director.run.service.protocol import (
    FINAL_EVENTS, CheckpointSaved, Event, Failed, LiveCommand, Notice, Queued, Stopped, TakeSpec,
)
from director.run.service.take_runner import Replay

log = logging.getLogger(__name__)

MAILBOX_EVENTS = 8  # events buffered for a slow reader before the worker is held back (~4 chunks)
QUEUE_POLL = 0.25  # seconds between queue-position checks while waiting for a slot


class WorkerGone(RuntimeError):
    """The worker running a take died (crash, node lost, killed): the take can resume elsewhere."""


class WorkerHandle(Protocol):
    """One take running on one worker, as a backend exposes it."""

    def events(self) -> Iterator[Event]:
        """The take's events; raises ``WorkerGone`` if the worker dies."""
        ...

    def send(self, command: LiveCommand) -> None: ...

    def stop(self) -> None: ...

    def kill(self) -> None: ...


class Backend(Protocol):
    def start(self, spec: TakeSpec, session_id: str, worker: str, checkpoint: CheckpointSaved | None,
              replay: Replay, pending: list[LiveCommand]) -> WorkerHandle: ...


class Mailbox:
    """A bounded FIFO of events between the pump and the reader. ``close`` makes ``put`` return
    False instead of blocking (nobody will read); ``put(force=True)`` ignores both the bound and
    ``close`` (a final event must always get through)."""

    def __init__(self, size: int) -> None:
        self._items: deque[Event] = deque()
        self._cond = threading.Condition()
        self._size = size
        self._closed = False

    def put(self, event: Event, force: bool = False) -> bool:
        with self._cond:
            while not force and not self._closed and len(self._items) >= self._size:
                self._cond.wait()
            if self._closed and not force:
                return False
            self._items.append(event)
            self._cond.notify_all()
            return True

    def get(self, timeout: float | None) -> Event:
        with self._cond:
            if not self._cond.wait_for(lambda: self._items, timeout):
                raise TimeoutError(f"no event within {timeout} s")
            event = self._items.popleft()
            self._cond.notify_all()
            return event

    def close(self) -> None:
        """Wake a pump blocked on a full mailbox (nothing more will be read)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class ServiceSession:
    """A submitted take (implements ``protocol.Session``)."""

    def __init__(self, spec: TakeSpec, backend: Backend, admission: Admission,
                 on_end: Callable[[ServiceSession], None] | None = None, session_id: str | None = None) -> None:
        self.id = session_id or f"take-{uuid.uuid4().hex[:12]}"  # also names its checkpoint folder
        self.spec = spec
        self.worker: str | None = None
        self.ledger = TakeLedger()
        self.last_activity = time.monotonic()
        self._backend = backend
        self._admission = admission
        self._on_end = on_end
        self._mailbox = Mailbox(MAILBOX_EVENTS)
        self._handle: WorkerHandle | None = None
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._ended = threading.Event()
        self._stop_reason: str | None = None
        self._reading = False
        self._admission.enqueue(self.id)
        self._thread = threading.Thread(target=self._pump, name=f"session-{self.id}", daemon=True)
        self._thread.start()

    # -- the reader's side ----------------------------------------------------------------------
    def events(self, timeout: float | None = None) -> Iterator[Event]:
        while True:
            self._reading = True  # a reader blocked here is present: the session is not idle
            try:
                event = self._mailbox.get(timeout)
            finally:
                self._reading = False
                self.last_activity = time.monotonic()
            yield event
            if isinstance(event, FINAL_EVENTS):
                return

    def send(self, text: str, author: str = "creator") -> LiveCommand:
        if not text.strip():
            raise ValueError("empty live command")
        if self._ended.is_set():
            raise RuntimeError(f"session {self.id} has ended: live commands go to a running take")
        self.last_activity = time.monotonic()
        with self._lock:  # seq order = arrival order = the order the worker receives them
            command = LiveCommand(next(self._seq), text, author)
            self.ledger.record_sent(command)
            if self._handle is not None:
                self._handle.send(command)
        return command

    def stop(self, reason: str = "stopped by the creator") -> None:
        with self._lock:
            self._stop_reason = reason
            handle = self._handle
        if handle is None:
            self._admission.release(self.id)  # leave the queue; a running take frees its slot when it ends
        else:
            handle.stop()

    def kill_worker(self) -> None:
        with self._lock:
            handle = self._handle
        if handle is None:
            raise RuntimeError(f"session {self.id} has no worker yet")
        handle.kill()

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    @property
    def handle(self) -> WorkerHandle | None:
        """The worker running the take now (None while queued or after the end)."""
        return self._handle

    def idle_for(self) -> float:
        """Seconds since the caller last read an event or sent a command (0 while a reader waits)."""
        return 0.0 if self._reading else time.monotonic() - self.last_activity

    def stop_idle(self, idle_timeout: float) -> None:
        """Stop a session nobody reads or steers: kill its worker now (a stalled worker would not
        reach a chunk boundary) and release the slot; the final event says why."""
        reason = f"stopped after {idle_timeout:g} s without a reader or a command"
        with self._lock:
            self._stop_reason = reason
            handle = self._handle
        self._admission.release(self.id)
        self._mailbox.close()
        if handle is not None:
            handle.kill()

    # -- the pump -------------------------------------------------------------------------------
    def _emit(self, event: Event) -> bool:
        return self._mailbox.put(event)

    def _pump(self) -> None:
        final: Event | None = None
        try:
            self.worker = self._queue()
            if self.worker is None:
                final = Stopped(0, self._stop_reason or "left the queue")
                return
            final = self._run()
        except AdmissionClosed:
            final = Stopped(self.ledger.delivered, self._stop_reason or "left the queue")
        except Exception as exc:  # a broken take must reach the reader as a Failed event, not a dead thread
            log.warning("take %s failed: %s: %s", self.id, type(exc).__name__, exc)
            log.debug("take %s failed", self.id, exc_info=True)
            final = Failed(f"{type(exc).__name__}: {exc}")
        finally:
            self._admission.release(self.id)
            with self._lock:
                self._handle = None
            if final is None:
                final = Stopped(self.ledger.delivered, self._stop_reason or "stopped")
            if self._stop_reason and isinstance(final, Stopped) and final.reason == "stopped":
                final = Stopped(final.frames, self._stop_reason, final.record_json)
            self._mailbox.put(final, force=True)  # even after stop_idle: a late reader learns why it ended
            self._ended.set()
            if self._on_end is not None:
                self._on_end(self)

    def _queue(self) -> str | None:
        """Wait for a slot, telling the reader its place whenever it changes (silent when a slot is free)."""
        last = None
        worker = self._admission.wait(self.id, timeout=0)
        while worker is None:
            if self._stop_reason:
                return None
            ahead = self._admission.ahead(self.id)
            if ahead != last:
                self._emit(Queued(ahead, queue_message(ahead)))
                last = ahead
            worker = self._admission.wait(self.id, timeout=QUEUE_POLL)
        return worker

    def _start(self) -> WorkerHandle:
        with self._lock:  # no command may slip between the ledger snapshot and the new handle
            if self._stop_reason:
                raise AdmissionClosed("stopped before the worker started")
            replay, pending = self.ledger.replay()
            self._handle = self._backend.start(self.spec, self.id, self.worker, self.ledger.checkpoint,
                                               replay, pending)
            return self._handle

    def _run(self) -> Event | None:
        handle = self._start()
        while True:
            try:
                for event in handle.events():
                    self.ledger.observe(event)
                    if isinstance(event, CheckpointSaved):
                        event = CheckpointSaved(event.chunk_index, event.frame)  # the payload stays in the ledger
                    if isinstance(event, FINAL_EVENTS):
                        return event
                    if not self._emit(event):
                        return None  # stopped while idle
                return None
            except WorkerGone as exc:
                if self._stop_reason:
                    return None
                handle = self._fail_over(exc)

    def _fail_over(self, exc: WorkerGone) -> WorkerHandle:
        ledger = self.ledger
        ledger.failovers += 1
        if ledger.failovers > MAX_FAILOVERS:
            raise RuntimeError(f"take lost its worker {ledger.failovers} times; last: {exc}") from exc
        lost = self.worker or ""
        worker = self._admission.move(self.id, lost)
        while worker is None:  # every slot busy: wait for one (it was admitted already, so it goes first)
            if self._stop_reason:
                raise AdmissionClosed("stopped while waiting for a worker after a failover")
            time.sleep(QUEUE_POLL)
            worker = self._admission.move(self.id, lost)
        self.worker = worker
        since = ledger.checkpoint.frame / ledger.fps if ledger.checkpoint is not None and ledger.fps else 0.0
        self._emit(Notice(f"the worker running this take was lost; continuing from "
                          f"{format_time(since)} on another worker (frames you have are kept)"))
        log.warning("take %s: %s; resuming from %s on %s", self.id, exc, format_time(since), worker)
        return self._start()
