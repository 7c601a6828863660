"""Show frames at their video time: a player's clock between a run that makes frames in bursts (a chunk
at a time, possibly ahead of real time) and a ``FrameBus`` the browser draws the newest frame of.

The first frame is shown as soon as it arrives and fixes the clock (wall time of video time 0); every
later frame is published when the clock reaches its time. A frame that arrives later than its time by
more than ``SLIP_SECONDS`` moves the clock on by that much, as a player does after a stall: the view
pauses, then plays on at normal speed, instead of racing through the late frames to catch up. A frame
less late than that (a busy machine wakes a thread late now and then) is shown at once and the clock
keeps its time, so the view does not lose the hiccup for good.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable

from director.sinks.frame_bus import Frame, FrameBus

SLIP_SECONDS = 0.25  # lateness caught up rather than waited out (about a human's notice of a hitch)


class FramePacer:
    """Publishes scheduled frames to ``bus`` at their times, on its own thread.

    Args:
        bus: where the browser's streams read the newest frame.
        clock: seconds (monotonic); tests pass their own.
    """

    def __init__(self, bus: FrameBus, *, clock: Callable[[], float] = time.perf_counter) -> None:
        self.bus = bus
        self.slip = SLIP_SECONDS
        self.clock = clock
        self.origin: float | None = None  # wall clock at video time 0
        self.stalls = 0  # times the clock moved on because a frame came late
        self.stalled_s = 0.0  # by how much in all
        self.shown: Frame | None = None  # the newest frame published
        self._queue: queue.Queue[Frame | None] = queue.Queue()
        self._abort = threading.Event()
        self._seq = 0
        self._thread = threading.Thread(target=self._publish_all, name="frame-pacer", daemon=True)
        self._thread.start()

    def schedule(self, frames: list[Frame]) -> None:
        """Queue frames (in time order) to be shown at their times; from the run's thread."""
        for frame in frames:
            self._queue.put(frame)

    def finish(self) -> None:
        """No more frames: the queued ones are still shown at their times, then the bus closes."""
        self._queue.put(None)

    def abort(self) -> None:
        """Stop now (nobody is watching any more): queued frames are dropped and the bus closes."""
        self._abort.set()
        self._queue.put(None)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def view_time(self) -> float | None:
        """The video time the view is at now (None before the first frame went out)."""
        origin = self.origin
        return None if origin is None else self.clock() - origin

    def _publish_all(self) -> None:
        try:
            while not self._abort.is_set():
                frame = self._queue.get()
                if frame is None:
                    break
                now = self.clock()
                if self.origin is None:
                    self.origin = now - frame.t
                late = now - (self.origin + frame.t)
                if late > self.slip:
                    self.origin += late
                    self.stalls += 1
                    self.stalled_s += late
                elif late < 0 and self._abort.wait(-late):
                    break
                self._seq += 1
                self.shown = Frame(self._seq, frame.index, frame.t, frame.input_seq, frame.jpeg)
                self.bus.publish(self.shown)
        finally:
            self.bus.close()
