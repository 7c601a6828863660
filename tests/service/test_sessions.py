"""The session service, the same tests on both backends: in-process threads and Ray actors (a local
Ray started by this module: ``ray.init(num_cpus=2)``, previz at 160x90).

Concurrent sessions, a worker killed mid-take (resumed elsewhere, frames identical to an uninterrupted
run, a notice instead of an error), queue positions, idle sessions stopped and their slots freed.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from director.run.service.admission import AdmissionPolicy
from director.run.service.in_process import InProcessService
from director.run.service.protocol import (
    CommandApplied, Failed, Finished, Notice, Queued, Started, Stopped,
)
from tests.service.helpers import Reading, read_all, reference, spec

RAY_CPUS_PER_TAKE = 0.5  # three previz takes at once on the test's 2-CPU Ray


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray")
    from director.run.service.ray_backend import worker_env

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env=worker_env())
    yield ray
    ray.shutdown()


@pytest.fixture(params=["in-process", pytest.param("ray", marks=pytest.mark.slow)])  # Ray starts in ~15 s
def make_service(request):
    made = []

    def make(policy: AdmissionPolicy):
        if request.param == "ray":
            request.getfixturevalue("ray_cluster")
            from director.run.service.ray_backend import RayService

            service = RayService(None, policy, cpus_per_take=RAY_CPUS_PER_TAKE)
        else:
            service = InProcessService(policy)
        made.append(service)
        return service

    make.backend = request.param
    yield make
    for service in made:
        service.close()


def _kill(make_service, session) -> None:
    if make_service.backend == "ray":
        import ray

        ray.kill(session.handle.actor)  # what a crashed worker process or a lost node looks like
    else:
        session.kill_worker()


def test_three_sessions_run_at_once_each_with_its_own_frames(make_service):
    service = make_service(AdmissionPolicy(max_per_worker=3, max_total=3))
    takes = [spec(duration=2.0, seed=s) for s in (1, 2, 3)]
    sessions = [service.submit(t) for t in takes]
    together = threading.Barrier(3, timeout=120)
    running_at_barrier = []

    def wait_for_all(session):
        running_at_barrier.append(len(service.admission.running()))
        together.wait()  # every take has its worker before any reads its frames

    class StartsTogether(Reading):
        def __init__(self, session):
            self.session, self.events = session, []
            for event in session.events(timeout=120):
                self.events.append(event)
                if isinstance(event, Started):
                    wait_for_all(session)

    readings = [None] * 3
    threads = [threading.Thread(target=lambda i=i: readings.__setitem__(i, StartsTogether(sessions[i])))
               for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(running_at_barrier) == 3
    assert not [r for r in readings if r is None], "a reader failed (see the thread's traceback)"
    for take, r in zip(takes, readings):
        assert isinstance(r.final, Finished) and r.final.frames == 24
        assert not r.of(Queued)
        assert np.array_equal(r.frames, reference(take)[0])
    assert not np.array_equal(readings[0].frames, readings[1].frames)
    assert service.admission.running() == {}


@pytest.mark.parametrize("mode", ["object", "directory"])
def test_a_killed_worker_resumes_elsewhere_with_the_frames_of_an_uninterrupted_run(make_service, mode, tmp_path):
    service = make_service(AdmissionPolicy(max_per_worker=2, max_total=2))
    take = spec(duration=4.0, checkpoint_every=1.0, checkpoint_mode=mode, checkpoint_dir=str(tmp_path))
    session = service.submit(take)
    pids = []
    r = Reading(session, after_chunk={
        2: lambda s: s.send("it starts to rain", author="ann"),
        4: lambda s: (pids.append(s.handle), _kill(make_service, s), s.send("pan left", author="bob")),
    })
    assert isinstance(r.final, Finished), r.final
    assert not r.of(Failed)
    notices = r.of(Notice)
    assert len(notices) == 1 and "continuing from" in notices[0].text
    started = r.of(Started)
    assert len(started) == 2
    if make_service.backend == "ray":
        assert started[0].process != started[1].process, "resumed in a new actor process"
    applied = r.of(CommandApplied)
    assert [(a.seq, a.author, a.text) for a in applied] == [(1, "ann", "it starts to rain"), (2, "bob", "pan left")]
    assert applied[0].at <= applied[1].at
    frames, audio = reference(take, r.applied)
    assert r.frames.shape == frames.shape == (48, 90, 160, 3)
    assert np.array_equal(r.frames, frames)
    assert np.array_equal(r.audio, audio)


def test_waiting_creators_are_told_how_many_are_ahead_and_slots_stay_bounded(make_service):
    service = make_service(AdmissionPolicy(max_per_worker=1, max_total=1))
    first = service.submit(spec(duration=2.0, seed=1))
    events = first.events(timeout=120)
    assert isinstance(next(events), Started)
    second = service.submit(spec(duration=1.0, seed=2))
    third = service.submit(spec(duration=1.0, seed=3))
    peak = []
    watching = threading.Event()

    def watch():
        while not watching.is_set():
            peak.append(len(service.admission.running()))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        rest = list(events)
        r2, r3 = read_all([second, third])
    finally:
        watching.set()
        watcher.join()
    assert isinstance(rest[-1], Finished)
    assert [(q.ahead, q.message.split(":")[0]) for q in r2.of(Queued)] == [(0, "you are next")]
    q3 = [(q.ahead, q.message.split(":")[0]) for q in r3.of(Queued)]
    assert q3 == [(1, "1 creator ahead of you"), (0, "you are next")]
    assert isinstance(r2.final, Finished) and isinstance(r3.final, Finished)
    assert max(peak) == 1


def test_an_idle_session_is_stopped_and_its_slot_goes_to_the_next_creator(make_service):
    idle = 1.0
    service = make_service(AdmissionPolicy(max_per_worker=1, max_total=1, idle_timeout=idle))
    abandoned = service.submit(spec(duration=60.0, seed=1))  # a closed tab: read once, then never again
    events = abandoned.events(timeout=120)
    while not isinstance(next(events), Started):
        pass
    handle = abandoned.handle
    waiting = Reading(service.submit(spec(duration=1.0, seed=2)))
    assert [q.ahead for q in waiting.of(Queued)] == [0]
    assert isinstance(waiting.final, Finished), "the next creator got the freed slot"
    rest = list(events)
    assert isinstance(rest[-1], Stopped) and f"{idle:g} s without a reader" in rest[-1].reason
    assert rest[-1].frames < 60 * 12
    if make_service.backend == "ray":
        import ray

        with pytest.raises(ray.exceptions.RayActorError):
            ray.get(handle.actor.pid.remote(), timeout=30)  # the actor (and its CPU) is gone


def test_stopping_a_take_ends_it_with_what_was_made(make_service):
    service = make_service(AdmissionPolicy())
    r = Reading(service.submit(spec(duration=30.0)), after_chunk={2: lambda s: s.stop()})
    assert isinstance(r.final, Stopped) and r.final.reason == "stopped by the creator"
    assert r.final.frames == len(r.frames) < 30 * 12
    deadline = time.monotonic() + 10
    while not r.session.ended and time.monotonic() < deadline:  # set just after the final event
        time.sleep(0.05)
    with pytest.raises(RuntimeError, match="has ended"):
        r.session.send("pan left")


def test_a_take_that_cannot_start_fails_with_its_own_message_and_is_not_retried(make_service):
    service = make_service(AdmissionPolicy())
    r = Reading(service.submit(spec(duration=1.0, engine_options={"colour": 12})))
    assert isinstance(r.final, Failed) and "engine option 'colour' for previz: unknown" in r.final.error
    assert not r.of(Notice) and "Traceback" not in r.final.error
    assert service.admission.running() == {}
