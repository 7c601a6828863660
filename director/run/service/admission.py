"""Admission and fairness: a bounded number of running takes per worker and in total, first come
first served, with a "N creators ahead of you" position for everyone waiting.

Pure bookkeeping (threads and a condition variable, no Ray), shared by both backends: the in-process
service has one worker ("local"); the Ray service has one worker per alive node, whose slot count
comes from the node's resources (a GPU per neural take, ``cpus_per_take`` CPUs per previz take).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class AdmissionPolicy:
    """Limits of one service. ``idle_timeout`` (seconds) stops a session whose caller neither read
    an event nor sent a command for that long (a closed browser tab), releasing its worker."""

    max_per_worker: int = 2
    max_total: int = 16
    idle_timeout: float = 300.0

    def __post_init__(self) -> None:
        if self.max_per_worker < 1 or self.max_total < 1:
            raise ValueError(f"admission limits must be >= 1, got max_per_worker={self.max_per_worker}, "
                             f"max_total={self.max_total}")
        if self.idle_timeout <= 0:
            raise ValueError(f"idle_timeout must be > 0 seconds, got {self.idle_timeout}")


def queue_message(ahead: int) -> str:
    """What a waiting creator reads."""
    if ahead == 0:
        return "you are next: your take starts as soon as a worker is free"
    creators = "creator" if ahead == 1 else "creators"
    return f"{ahead} {creators} ahead of you: your take starts when a worker is free"


class AdmissionClosed(RuntimeError):
    """The service closed (or the ticket was withdrawn) while waiting."""


class Admission:
    """FIFO admission to worker slots.

    ``workers`` maps a worker id to how many takes it can hold by its resources; the usable slots
    of a worker are ``min(capacity, policy.max_per_worker)`` and all slots together are capped at
    ``policy.max_total``.
    """

    def __init__(self, policy: AdmissionPolicy, workers: dict[str, int]) -> None:
        self.policy = policy
        self._cond = threading.Condition()
        self._workers: dict[str, int] = {}
        self._running: dict[str, str] = {}  # ticket -> worker
        self._waiting: list[str] = []  # tickets in arrival order
        self._closed = False
        self.set_workers(workers)

    # -- capacity ---------------------------------------------------------------------------------
    def set_workers(self, workers: dict[str, int]) -> None:
        """Replace the worker list (nodes joined or left); running takes keep their slots."""
        with self._cond:
            self._workers = {w: min(n, self.policy.max_per_worker) for w, n in workers.items() if n > 0}
            self._cond.notify_all()

    @property
    def capacity(self) -> int:
        with self._cond:
            return min(self.policy.max_total, sum(self._workers.values()))

    def running(self) -> dict[str, str]:
        with self._cond:
            return dict(self._running)

    def _free_worker(self, exclude: str | None = None) -> str | None:
        if len(self._running) >= self.policy.max_total:
            return None
        load = {w: 0 for w in self._workers}
        for w in self._running.values():
            if w in load:
                load[w] += 1
        # The least loaded worker first (spreads takes); ``exclude`` last (a worker that just lost one).
        order = sorted(load, key=lambda w: (w == exclude, load[w], w))
        for w in order:
            if load[w] < self._workers[w]:
                return w
        return None

    # -- tickets ----------------------------------------------------------------------------------
    def enqueue(self, ticket: str) -> int:
        """Join the queue; returns how many tickets wait ahead of this one."""
        with self._cond:
            if self._closed:
                raise AdmissionClosed("the session service is closed")
            self._waiting.append(ticket)
            self._cond.notify_all()
            return len(self._waiting) - 1

    def ahead(self, ticket: str) -> int:
        with self._cond:
            return self._waiting.index(ticket) if ticket in self._waiting else 0

    def wait(self, ticket: str, timeout: float | None = None) -> str | None:
        """Block until ``ticket`` is first in line and a slot is free; return its worker (the slot is
        then held until ``release``), or None when ``timeout`` passes first or the ticket moves up the
        queue (so a waiting creator is told every new place, however short the take ahead was)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            place = self._waiting.index(ticket) if ticket in self._waiting else None
            while True:
                if self._closed or ticket not in self._waiting:
                    raise AdmissionClosed(f"{ticket} left the queue")
                if self._waiting.index(ticket) != place:
                    return None
                worker = self._free_worker() if self._waiting[0] == ticket else None
                if worker is not None:
                    self._waiting.pop(0)
                    self._running[ticket] = worker
                    self._cond.notify_all()  # the next in line may now be first
                    return worker
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)

    def move(self, ticket: str, lost_worker: str) -> str | None:
        """A running take lost its worker: give it a slot on another worker (or the same one when
        it is the only one with room), ahead of the queue — it was admitted already. None if no
        slot is free now."""
        with self._cond:
            self._running.pop(ticket, None)
            worker = self._free_worker(exclude=lost_worker)
            if worker is not None:
                self._running[ticket] = worker
            self._cond.notify_all()
            return worker

    def release(self, ticket: str) -> None:
        """Free the slot of ``ticket`` (or take it out of the queue)."""
        with self._cond:
            self._running.pop(ticket, None)
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
