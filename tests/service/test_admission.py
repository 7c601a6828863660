"""Admission: bounded slots per worker and in total, first come first served, queue positions."""

from __future__ import annotations

import threading

import pytest

from director.run.service.admission import Admission, AdmissionClosed, AdmissionPolicy, queue_message


def test_queue_message_counts_the_creators_ahead():
    assert queue_message(0).startswith("you are next")
    assert queue_message(1).startswith("1 creator ahead of you")
    assert queue_message(3).startswith("3 creators ahead of you")


def test_slots_are_bounded_per_worker_and_in_total_and_spread_over_workers():
    a = Admission(AdmissionPolicy(max_per_worker=2, max_total=3), {"w1": 4, "w2": 1})
    assert a.capacity == 3  # w1 holds 2 (policy), w2 holds 1 (its resources); total 3
    got = []
    for t in ("t1", "t2", "t3", "t4"):
        a.enqueue(t)
    for t in ("t1", "t2", "t3"):
        got.append(a.wait(t, timeout=0))
    assert sorted(got) == ["w1", "w1", "w2"]
    assert a.wait("t4", timeout=0) is None and a.ahead("t4") == 0
    a.release("t2")
    assert a.wait("t4", timeout=0) == got[1]


def test_first_come_first_served_and_positions_move_up():
    a = Admission(AdmissionPolicy(max_per_worker=1, max_total=1), {"local": 1})
    for t in ("a", "b", "c"):
        a.enqueue(t)
    assert [a.ahead(t) for t in ("a", "b", "c")] == [0, 1, 2]
    assert a.wait("c", timeout=0) is None  # a free slot goes to the first in line, never to a later one
    assert a.wait("a", timeout=0) == "local"
    assert a.ahead("b") == 0 and a.ahead("c") == 1
    done = threading.Event()
    threading.Thread(target=lambda: (a.wait("b"), done.set())).start()
    assert not done.wait(0.2)
    a.release("a")
    assert done.wait(5)


def test_a_lost_worker_moves_its_take_to_another_worker_ahead_of_the_queue():
    a = Admission(AdmissionPolicy(max_per_worker=1, max_total=2), {"w1": 1, "w2": 1})
    a.enqueue("x"), a.enqueue("y"), a.enqueue("z")
    assert {a.wait("x", timeout=0), a.wait("y", timeout=0)} == {"w1", "w2"}
    lost = a.running()["x"]
    assert a.move("x", lost) == lost  # its own slot is the only free one: same worker, a new process
    assert a.wait("z", timeout=0) is None  # the waiting take did not jump in between


def test_leaving_the_queue_and_closing_wake_the_waiters():
    a = Admission(AdmissionPolicy(max_per_worker=1, max_total=1), {"local": 1})
    a.enqueue("a"), a.enqueue("b")
    a.wait("a", timeout=0)
    a.release("b")
    with pytest.raises(AdmissionClosed):
        a.wait("b", timeout=0)
    a.close()
    with pytest.raises(AdmissionClosed):
        a.enqueue("c")


def test_policy_rejects_nonsense_limits():
    with pytest.raises(ValueError, match="max_per_worker"):
        AdmissionPolicy(max_per_worker=0)
    with pytest.raises(ValueError, match="idle_timeout"):
        AdmissionPolicy(idle_timeout=0)
