"""``Run``: the one chunk loop — event order, stop, failures, and sinks closed on every ending."""

from __future__ import annotations

import pytest

from director.engines.protocol import Engine, SnapshotPolicy
from director.plan.timeline import CameraMove, Directive, timeline_from_data
from director.run.director import Director
from director.run.events import ChunkReady, Failed, Finished, Notice, Progress, Stopped
from director.run.run import Run
from tests.state_engine import StateEngine


def _timeline(duration: float = 1.5, **kw):
    return timeline_from_data({"duration": duration, "width": 64, "height": 36, "fps": 24,
                               "world": {"scene": "a city street", "characters": [{"name": "girl", "text": "a woman"}]},
                               **kw})


class Recorder:
    """A sink that remembers what it was given and when it was closed."""

    def __init__(self, fail_write_at: int | None = None, fail_close: bool = False) -> None:
        self.written: list[int] = []
        self.endings: list[object] = []
        self.fail_write_at = fail_write_at
        self.fail_close = fail_close

    def write(self, ready: ChunkReady) -> None:
        if ready.chunk.index == self.fail_write_at:
            raise OSError("disk full")
        self.written.append(ready.chunk.start_frame)

    def close(self, ending) -> None:
        self.endings.append(ending)
        if self.fail_close:
            raise OSError("cannot publish")


class Failing(StateEngine):
    def __init__(self, at: int, error: BaseException) -> None:
        super().__init__()
        self.at, self.error, self.closed = at, error, 0

    def render(self, request):
        if request.index == self.at:
            raise self.error
        return super().render(request)

    def close(self) -> None:
        self.closed += 1


def _director(engine=None, duration: float = 1.5) -> Director:
    return Director(_timeline(duration), engine=engine or StateEngine(), use_embeddings=False)


def test_events_come_in_order_and_the_ending_after_the_sinks_closed():
    sink = Recorder()
    run = Run(_director(), [sink])
    kinds = []
    for event in run.events():
        kinds.append(type(event).__name__)
        if isinstance(event, ChunkReady):
            assert sink.written[-1] == event.chunk.start_frame  # the sinks had it first
            assert not sink.endings
        if isinstance(event, Finished):
            assert sink.endings == [event]  # closed once, before the ending was told
    assert kinds == ["Progress", "ChunkReady"] * 3 + ["Finished"]
    assert sink.written == [0, 12, 24]
    assert run.ending == Finished(36, 1.5)


def test_progress_counts_the_take():
    progress = [e for e in Run(_director(), []).events() if isinstance(e, Progress)]
    assert [(p.chunk_index, p.frames_done, p.total_frames) for p in progress] == [(1, 12, 36), (2, 24, 36), (3, 36, 36)]
    assert progress[-1].fraction == 1.0 and progress[0].fps > 0


def test_stop_ends_at_the_next_boundary_and_closes_sinks():
    sink = Recorder()
    run = Run(_director(duration=4), [sink])
    events = []
    for event in run.events():
        events.append(event)
        if isinstance(event, ChunkReady) and event.chunk.index == 1:
            run.stop()
    assert events[-1] == Stopped(24, 1.0, "stop") and sink.endings == [events[-1]]
    assert run.director.next_frame == 24 and not run.director.done


def test_a_listener_that_goes_away_still_closes_the_sinks():
    sink = Recorder()
    events = Run(_director(duration=4), [sink]).events()
    next(e for e in events if isinstance(e, ChunkReady))
    events.close()
    assert sink.endings == [Stopped(12, 0.5, "closed")]


def test_an_engine_failure_is_told_and_every_sink_closed():
    engine = Failing(1, RuntimeError("out of memory"))
    a, b = Recorder(), Recorder()
    events = list(Run(_director(engine), [a, b]).events())
    ending = events[-1]
    assert isinstance(ending, Failed) and "out of memory" in ending.message and ending.frames == 12
    assert a.endings == b.endings == [ending]
    assert engine.closed == 1  # the engine was released


def test_a_sink_that_fails_to_write_fails_the_run_and_the_others_still_close():
    bad, good = Recorder(fail_write_at=1), Recorder()
    ending = Run(_director(), [bad, good]).run()
    assert isinstance(ending, Failed) and isinstance(ending.error, OSError)
    assert good.written == [0] and good.endings == [ending] and bad.endings == [ending]


def test_a_sink_that_fails_to_close_turns_the_ending_into_a_failure():
    bad, good = Recorder(fail_close=True), Recorder()
    ending = Run(_director(), [bad, good]).run()
    assert isinstance(ending, Failed) and str(ending.error) == "cannot publish"
    assert isinstance(good.endings[0], Finished)  # told the run's own ending


def test_keyboard_interrupt_closes_the_sinks_and_propagates():
    sink = Recorder()
    with pytest.raises(KeyboardInterrupt):
        Run(_director(Failing(1, KeyboardInterrupt())), [sink]).run()
    assert len(sink.endings) == 1 and isinstance(sink.endings[0], Failed)


def test_until_frame_finishes_early_and_a_run_is_driven_once():
    run = Run(_director(duration=4), [], until_frame=30)
    assert run.run() == Finished(36, 1.5)
    with pytest.raises(RuntimeError, match="once"):
        list(run.events())


def test_live_commands_arrive_with_their_chunk_and_rejections_as_notices():
    d = _director(duration=2)
    run = Run(d, [])
    events = run.events()
    next(e for e in events if isinstance(e, ChunkReady))
    d.send("it starts to rain")
    ready = next(e for e in events if isinstance(e, ChunkReady))
    assert [(c.text, c.at) for c in ready.commands] == [("it starts to rain", 0.5)]
    d.send(Directive(at=0, camera=CameraMove(move="zoom", target="dragon")))  # nobody is called that
    rest = list(events)
    notices = [e for e in rest if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].level == "warning" and "unknown character 'dragon'" in notices[0].message
    assert isinstance(rest[-1], Finished)  # the run went on
    assert [i.text for i in run.interpretations] == ["it starts to rain"]


def test_start_runs_on_a_thread_and_ends_the_queue_with_the_ending():
    q = Run(_director(), [Recorder()]).start()
    events = []
    while not events or not isinstance(events[-1], (Finished, Stopped, Failed)):
        events.append(q.get(timeout=30))
    assert sum(isinstance(e, ChunkReady) for e in events) == 3 and isinstance(events[-1], Finished)


def test_an_engine_must_declare_its_snapshot_policy():
    class Undeclared:
        name = "undeclared"

        def chunk_frames(self, fps): return None
        def open(self, settings, world, assets): pass
        def render(self, request): pass
        def snapshot(self): pass
        def restore(self, state): pass
        def close(self): pass

    with pytest.raises(TypeError, match=r"missing \['snapshot_policy'\]"):
        Director(_timeline(), engine=Undeclared(), use_embeddings=False)
    assert isinstance(StateEngine(), Engine)
    with pytest.raises(ValueError, match="every_chunks"):
        SnapshotPolicy(every_chunks=0)


def test_previz_and_causal_wan_declare_their_snapshot_policies():
    from director.engines.causal_wan.engine import CausalWanEngine
    from director.engines.previz.engine import PrevizEngine

    assert PrevizEngine.snapshot_policy == SnapshotPolicy(every_chunks=1, keep=None)
    assert CausalWanEngine.snapshot_policy == SnapshotPolicy(every_chunks=8, keep=3)
    d = Director(_timeline(), engine="previz", use_embeddings=False)
    assert (d.checkpoint_interval, d.keep_checkpoints) == (1, None)


def test_the_package_exports_the_run_and_its_events():
    import director
    from director.run import events

    assert director.Run is Run
    for name in ("ChunkReady", "Progress", "Notice", "Finished", "Stopped", "Failed", "RunEvent", "Ending"):
        assert getattr(director, name) is getattr(events, name) and name in director.__all__
