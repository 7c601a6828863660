"""The live view's clock: frames shown at their time; a late frame pauses the view instead of racing."""

from __future__ import annotations

import time

import pytest

from director.sinks.frame_bus import Frame, FrameBus
from director.sinks.frame_pacer import FramePacer

FPS = 50.0


def _frames(first: int, n: int) -> list[Frame]:
    return [Frame(0, i, i / FPS, 0, b"jpeg%d" % i) for i in range(first, first + n)]


def _shown_at(bus: FrameBus, count: int, timeout: float = 5.0) -> list[tuple[float, Frame]]:
    got, last = [], 0
    deadline = time.perf_counter() + timeout
    while len(got) < count and time.perf_counter() < deadline:
        f = bus.wait_next(last, 0.5)
        if f is not None:
            got.append((time.perf_counter(), f))
            last = f.seq
    return got


def test_frames_queued_at_once_are_shown_at_their_times():
    bus = FrameBus()
    pacer = FramePacer(bus)
    pacer.schedule(_frames(0, 25))  # half a second of video in one burst
    got = _shown_at(bus, 25)
    assert [f.index for _, f in got] == list(range(25)) and [f.seq for _, f in got] == list(range(1, 26))
    span = got[-1][0] - got[0][0]
    assert 24 / FPS - 0.03 <= span <= 24 / FPS + 0.15
    assert pacer.stalls == 0
    pacer.finish()
    pacer.join(2)
    assert bus.closed


def test_a_late_chunk_moves_the_clock_on_instead_of_racing_through_it():
    bus = FrameBus()
    pacer = FramePacer(bus)
    pacer.schedule(_frames(0, 5))
    _shown_at(bus, 5)
    time.sleep(0.5)  # the next chunk comes 0.4 s late
    pacer.schedule(_frames(5, 10))
    got = _shown_at(bus, 10)
    assert pacer.stalls == 1 and 0.3 < pacer.stalled_s < 0.7
    span = got[-1][0] - got[0][0]
    assert span >= 9 / FPS - 0.03  # played on at normal speed, not in a burst
    pacer.abort()
    pacer.join(2)


def test_abort_drops_what_is_queued_and_closes_the_bus():
    bus = FrameBus()
    pacer = FramePacer(bus)
    pacer.schedule(_frames(0, 500))  # ten seconds queued
    _shown_at(bus, 2)
    pacer.abort()
    pacer.join(2)
    assert bus.closed and bus.latest is not None and bus.latest.index < 50


def test_a_hitch_shorter_than_the_slip_is_caught_up_and_the_clock_keeps_its_time():
    bus = FrameBus()
    pacer = FramePacer(bus)
    pacer.schedule(_frames(0, 5))
    _shown_at(bus, 5)
    time.sleep(0.1)  # 0.02 s late for frame 5: shown at once, the rest on their old times
    pacer.schedule(_frames(5, 10))
    got = _shown_at(bus, 10)
    assert pacer.stalls == 0 and pacer.origin is not None
    assert got[-1][0] - pacer.origin == pytest.approx(14 / FPS, abs=0.06)
    pacer.abort()
    pacer.join(2)
