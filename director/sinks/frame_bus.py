"""The latest frame of a world, for any number of HTTP streams (asyncio) and tests (threads)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    seq: int  # publication counter, from 1
    index: int  # frame index in the wander (frame = round(t * fps))
    t: float  # seconds of wander time
    input_seq: int  # the browser's last input counter applied when this frame was made
    jpeg: bytes


class FrameBus:
    """Holds the newest published frame. ``publish`` from the worker's thread wakes every waiter:
    threads through a Condition, asyncio streams through their loop (never blocking it)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._closed = False
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.subscribers = 0  # open streams, so an abandoned world can stop itself

    @property
    def latest(self) -> Frame | None:
        return self._latest

    @property
    def closed(self) -> bool:
        return self._closed

    def publish(self, frame: Frame) -> None:
        with self._cond:
            self._latest = frame
            self._cond.notify_all()
            waiters = list(self._waiters)
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # loop closed
                pass

    def close(self) -> None:
        self._closed = True
        self._wake_all()

    def _wake_all(self) -> None:
        with self._cond:
            self._cond.notify_all()
            waiters = list(self._waiters)
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass

    def wait_next(self, after_seq: int, timeout: float) -> Frame | None:
        """Block until a frame newer than ``after_seq`` (or timeout / close)."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or (self._latest is not None and self._latest.seq > after_seq), timeout)
            f = self._latest
            return f if f is not None and f.seq > after_seq else None

    async def next(self, after_seq: int, timeout: float) -> Frame | None:
        """Await a frame newer than ``after_seq`` without blocking the event loop."""
        f = self._latest
        if f is not None and f.seq > after_seq:
            return f
        event = asyncio.Event()
        key = (asyncio.get_running_loop(), event)
        with self._cond:
            self._waiters.add(key)
        try:
            f = self._latest
            if f is not None and f.seq > after_seq:
                return f
            if self._closed:
                return None
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except asyncio.TimeoutError:
                return None
            f = self._latest
            return f if f is not None and f.seq > after_seq else None
        finally:
            with self._cond:
                self._waiters.discard(key)
