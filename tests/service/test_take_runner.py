"""The take runner and the caller's ledger: a take continued on a new worker from its last
checkpoint gives the caller exactly the frames of an uninterrupted run (no threads, no Ray)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from director.run.service.failover import TakeLedger
from director.run.service.protocol import (
    ChunkReady, CheckpointSaved, CommandApplied, Finished, LiveCommand, Started, Stopped,
)
from director.run.service.take_runner import TakeRunner, load_checkpoint
from tests.service.helpers import reference, spec


@pytest.mark.parametrize("mode", ["object", "directory"])
def test_a_take_resumed_from_its_checkpoint_replays_live_commands_and_matches_an_uninterrupted_run(mode, tmp_path):
    take = spec(duration=4.0, checkpoint_every=1.0, checkpoint_mode=mode, checkpoint_dir=str(tmp_path))
    ledger = TakeLedger()
    first = TakeRunner(take, "s1")
    rain = LiveCommand(1, "it starts to rain", "ann")
    pan = LiveCommand(2, "pan left", "bob")
    frames = []
    steps = first.steps()
    for event in steps:
        ledger.observe(event)
        if isinstance(event, ChunkReady):
            frames.append(event.frames)
            if event.index == 2:  # after the checkpoint at frame 12: applied at 18, before the next one (24)
                ledger.record_sent(rain)
                first.send(rain)
            if event.index == 3:  # the worker dies before checkpointing frame 24
                break
    steps.close()
    assert ledger.checkpoint.frame == 12 and ledger.delivered == 24
    assert [(a.frame, a.command.text) for a in ledger.applied] == [(18, "it starts to rain")]
    assert (ledger.checkpoint.payload is None) == (mode == "directory")
    ledger.record_sent(pan)  # sent while no worker runs the take

    replay, pending = ledger.replay()
    assert pending == [pan] and replay.deliver_from == 24
    second = TakeRunner(take, "s1", resume=load_checkpoint(take, "s1", ledger.checkpoint), replay=replay)
    for command in pending:
        second.send(command)
    events = list(second.steps())
    chunks = [e for e in events if isinstance(e, ChunkReady)]
    assert chunks[0].start_frame == 24, "frames the caller already has are not sent again"
    frames += [c.frames for c in chunks]
    applied = [e for e in events if isinstance(e, CommandApplied)]
    assert [(a.seq, a.author, a.at) for a in applied] == [(2, "bob", 2.0)], "the rain is replayed, not reported twice"
    assert isinstance(events[-1], Finished) and events[-1].frames == 48
    want, _ = reference(take, [(1.5, "it starts to rain"), (2.0, "pan left")])
    assert np.array_equal(np.concatenate(frames), want)


def test_events_say_where_the_take_runs_what_was_applied_by_whom_and_when_it_ends():
    runner = TakeRunner(spec(duration=1.0), "s2")
    runner.send(LiveCommand(1, "it starts to rain", "ann"))
    runner.send(LiveCommand(2, "a dragon made of spoons", "bob"))  # kept as a prompt: still applied
    events = list(runner.steps())
    started = events[0]
    assert isinstance(started, Started) and (started.width, started.height, started.fps) == (160, 90, 12)
    assert started.total_frames == 12 and started.chunk_frames == 6
    applied = [e for e in events if isinstance(e, CommandApplied)]
    assert [(a.seq, a.author, a.at, a.accepted) for a in applied] == [(1, "ann", 0.0, True), (2, "bob", 0.0, True)]
    assert "SceneChange" in applied[0].reading and "not understood" in applied[1].reading
    assert isinstance(events[-1], Finished) and "it starts to rain" in events[-1].record_json


def test_a_stop_before_the_first_chunk_is_not_lost():
    runner = TakeRunner(spec(duration=2.0), "s3")
    runner.stop()
    events = list(runner.steps())
    assert isinstance(events[-1], Stopped) and events[-1].frames == 0
    assert not [e for e in events if isinstance(e, ChunkReady)]


def test_directory_mode_needs_a_folder():
    with pytest.raises(ValueError, match="checkpoint_dir"):
        TakeRunner(spec(checkpoint_mode="directory"), "s4")


def test_checkpoints_follow_checkpoint_every():
    events = list(TakeRunner(spec(duration=4.0, checkpoint_every=1.0), "s5").steps())
    assert [e.frame for e in events if isinstance(e, CheckpointSaved)] == [12, 24, 36]


def test_a_live_take_stays_within_its_lead_of_real_time_and_a_stop_cuts_the_wait():
    runner = TakeRunner(spec(duration=2.0, live_lead=0.5), "s6")
    started = time.monotonic()
    arrivals = []
    for event in runner.steps():
        if isinstance(event, ChunkReady):
            arrivals.append((time.monotonic() - started, event.start_frame / 12))
    assert arrivals[-1][1] == 1.5
    for wall, video in arrivals:
        assert video - wall <= 0.5 + 0.35, (wall, video)  # never more than the lead (+ one chunk's slack) ahead
    runner = TakeRunner(spec(duration=60.0, live_lead=0.5), "s7")
    steps = runner.steps()
    while not isinstance(next(steps), ChunkReady):
        pass
    threading.Timer(0.2, runner.stop).start()
    t = time.monotonic()
    rest = list(steps)
    assert isinstance(rest[-1], Stopped) and time.monotonic() - t < 5
