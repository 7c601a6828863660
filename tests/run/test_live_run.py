"""A live run keeps to real time with proxy sizes and still exports the full-quality clip."""

from __future__ import annotations

import numpy as np

from director.commands.reader import RULES_ONLY
from director.plan.assets import Assets
from director.run.pace_governor import PaceGovernor, PaceMemory
from director.plan.timeline import timeline_from_data
from director.ui.live_run import ChunkShown, ExportProgress, LiveRun, RunDone
from director.run.takes import Takes
from tests.clip_tools import decode_frames, probe, video_stream

W, H = 320, 180


def _timeline(duration: float = 3.0):
    return timeline_from_data({
        "duration": duration, "width": W, "height": H, "fps": 12, "seed": 5,
        "world": {"scene": "a street in Paris", "characters": [{"name": "girl", "text": "a girl"}]},
        "directives": [{"at": 0.5, "text": "camera pans left", "duration": 1},
                       {"at": 1.5, "text": "night falls", "duration": 1}],
    })


def _run(folder, *, pace: bool, governor: PaceGovernor | None = None, command_at: float | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    run = LiveRun.start(folder, _timeline(), Assets(), Takes(), reader=RULES_ONLY, pace=pace)
    if governor is not None:
        run.governor = governor
    events = []
    for event in run.events():
        events.append(event)
        if command_at is not None and isinstance(event, ChunkShown) and event.seconds == command_at:
            run.send("it starts to rain")
    return run, events


def test_a_run_that_went_below_full_size_exports_the_same_full_quality_clip(tmp_path):
    # reference: an uninterrupted full-size run (no pacing)
    ref, ref_events = _run(tmp_path / "ref", pace=False, command_at=1.0)
    assert isinstance(ref_events[-1], RunDone) and ref.take.finished
    # live: a governor that finds every chunk too slow, so it steps down after the first
    strict = PaceGovernor(W, H, margin=1e-6)
    live, events = _run(tmp_path / "live", pace=True, governor=strict, command_at=1.0)
    shown = [e for e in events if isinstance(e, ChunkShown) and e.live is not None]
    sizes = [e.live.size for e in shown]
    assert sizes[0] == (W, H) and (240, 136) in sizes  # went down to a proxy (and may come back up)
    assert any(isinstance(e, ExportProgress) for e in events) or live.export is not None
    assert isinstance(events[-1], RunDone) and live.take.finished
    # the live command is in both records at the same boundary
    assert [d.at for d in live.director.record.directives if d.source == "live"] == [1.0]
    # the exported clip is full size, complete, and the frames an uninterrupted run made
    info = video_stream(probe(live.take.path))
    assert (int(info["width"]), int(info["height"])) == (W, H)
    a, b = decode_frames(ref.take.path), decode_frames(live.take.path)
    assert a.shape == b.shape == (36, H, W, 3)
    assert np.abs(a.astype(np.int16) - b.astype(np.int16)).mean() < 0.5


def test_a_run_that_keeps_up_writes_the_clip_itself(tmp_path):
    live, events = _run(tmp_path, pace=True, governor=PaceGovernor(W, H, margin=1e9))
    assert live.export is None and live.take.finished
    assert not any(isinstance(e, ExportProgress) for e in events)
    assert {e.live.size for e in events if isinstance(e, ChunkShown) and e.live} == {(W, H)}
    assert live.first_frame_s is not None


def test_stop_during_a_proxy_run_exports_what_was_shown(tmp_path):
    run = LiveRun.start(tmp_path, _timeline(), Assets(), Takes(), reader=RULES_ONLY)
    run.governor = PaceGovernor(W, H, start_level=2)
    for event in run.events():
        if isinstance(event, ChunkShown) and event.seconds >= 1.0:
            run.stop()
    assert run.take.finished and run.take.stopped
    frames = decode_frames(run.take.path)
    assert frames.shape[1:] == (H, W, 3) and len(frames) == run.director.next_frame


def test_the_run_and_its_take_show_how_each_directive_was_read(tmp_path):
    run, events = _run(tmp_path, pace=False, command_at=1.0)
    texts = [i.text for i in run.interpretations]
    assert texts == ["camera pans left", "it starts to rain", "night falls"]  # the live command in record order
    assert run.interpretations == run.take.interpretations == tuple(run.director.script.interpretations)
    assert isinstance(run.interpretations, tuple)


def test_a_take_starts_at_the_size_the_machine_sustained_and_teaches_the_next(tmp_path):
    memory = PaceMemory()
    slow = PaceGovernor(W, H)
    for _ in range(6):
        slow.record(0.5, 5.0)  # an earlier take: 10x real time even at the smallest size
    memory.remember("PrevizEngine", slow, 12)
    run = LiveRun.start(tmp_path, _timeline(), Assets(), Takes(), reader=RULES_ONLY, pace_memory=memory)
    assert run.governor.level.index == len(run.governor.levels) - 1  # no stalls while it steps down
    shown = [e for e in run.events() if isinstance(e, ChunkShown)]
    assert shown[0].live.index == len(run.governor.levels) - 1 and run.take.finished
    # this run kept up with room to spare (not 10x slower): the next take starts at a larger size
    assert memory.start_level("PrevizEngine", run.governor.levels, 12) < len(run.governor.levels) - 1


def test_a_machine_not_known_yet_starts_at_the_preview_size_and_exports_full_size(tmp_path):
    timeline = _timeline(2.0).model_copy(update={"width": 1280, "height": 720})
    run = LiveRun.start(tmp_path, timeline, Assets(), Takes(), reader=RULES_ONLY, pace_memory=PaceMemory())
    assert run.governor.level.size == (640, 360) == (run.feed.max_width, 360)  # as wide as the view shows
    assert run.governor.ceiling == run.governor.level.index
    events = list(run.events())
    assert {e.live.size for e in events if isinstance(e, ChunkShown) and e.live} == {(640, 360)}
    assert isinstance(events[-1], RunDone) and run.export is not None and run.take.finished
    info = video_stream(probe(run.take.path))  # the clip was re-rendered from frame 0 at full size
    assert (int(info["width"]), int(info["height"]), int(info["nb_frames"])) == (1280, 720, 24)
    unpaced = LiveRun.start(tmp_path, timeline, Assets(), Takes(), reader=RULES_ONLY, pace=False)
    assert unpaced.governor.level.index == 0  # a run that need not keep to real time stays full size
    unpaced.stop()
    list(unpaced.events())
