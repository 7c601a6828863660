"""The Director's chunk loop: requests, live commands, replay, stop, rewind."""

import threading

import numpy as np
import pytest

from director.run.director import Director
from director.engines.protocol import SnapshotPolicy
from director.plan.timeline import CameraMove, Directive, SceneChange, timeline_from_data
from tests.state_engine import StateEngine


def make(directives=(), duration=4, **kw):
    data = {"duration": duration, "width": 64, "height": 36, "fps": 24,
            "world": {"scene": "a city street", "characters": [{"name": "girl", "text": "a woman"}]},
            "directives": list(directives), **kw}
    return timeline_from_data(data)


def frames_of(chunks):
    return np.concatenate([c.frames for c in chunks]), np.concatenate([c.audio for c in chunks])


def test_chunks_cover_the_clip_with_exact_audio():
    d = Director(make(duration=2.1), engine=StateEngine(), use_embeddings=False)
    chunks = list(d.run())
    assert [c.start_frame for c in chunks] == [0, 12, 24, 36, 48]  # 0.5 s chunks at 24 fps, last one short
    frames, audio = frames_of(chunks)
    assert frames.shape == (50, 36, 64, 3)
    assert audio.shape == (round(50 / 24 * 48000), 2)
    assert d.progress is not None and d.progress.fraction == 1.0 and d.progress.chunk_index == len(chunks)


def test_engine_native_chunk_length_is_respected():
    d = Director(make(duration=2), engine=StateEngine(chunk=18), use_embeddings=False)
    assert [c.num_frames for c in d.run()] == [18, 18, 12]


def test_prompt_switch_is_flagged_in_changed():
    eng = StateEngine()
    d = Director(make([{"at": 1, "scene": {"weather": "rain", "intensity": 0.9}, "duration": 0}]), engine=eng, use_embeddings=False)
    list(d.run())
    flagged = [r.index for r in eng.requests if "prompt" in r.changed]
    assert flagged == [2]  # the chunk starting at 1.0 s


def test_live_command_applies_at_next_boundary_and_replays_identically():
    eng = StateEngine()
    d = Director(make(duration=3), engine=eng, use_embeddings=False)
    chunks = []
    for chunk in d.run():
        chunks.append(chunk)
        if chunk.index == 1:  # while chunk 2 has not started
            d.send(Directive(at=0, camera=CameraMove(move="pan", direction="right", amount=90), duration=0))
    live_frames, live_audio = frames_of(chunks)
    # It took effect exactly at the next chunk boundary: frame 24 (1.0 s).
    assert live_frames[23, 0, 5, 0] == 0 and live_frames[24, 0, 5, 0] == 90
    record = d.record
    assert [(x.at, x.source) for x in record.directives] == [(1.0, "live")]
    assert d.applied[0].at == 1.0
    replay = Director(record, engine=StateEngine(), use_embeddings=False)
    replay_frames, replay_audio = frames_of(list(replay.run()))
    assert np.array_equal(live_frames, replay_frames) and np.array_equal(live_audio, replay_audio)


def test_commands_from_another_thread_are_all_applied():
    d = Director(make(duration=2), engine=StateEngine(), use_embeddings=False)
    gen = d.run()
    next(gen)
    threads = [threading.Thread(target=d.send, args=(Directive(at=0, scene=SceneChange(weather="rain")),)) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    list(gen)
    assert len([x for x in d.record.directives if x.source == "live"]) == 8


def test_stop_is_cooperative_and_leaves_a_consistent_position():
    d = Director(make(duration=4), engine=StateEngine(), use_embeddings=False)
    made = []
    for chunk in d.run():
        made.append(chunk)
        if chunk.index == 2:
            d.stop()
    assert len(made) == 3 and d.next_frame == 36 and not d.done
    rest = list(d.run())  # continues where it stopped
    assert rest[0].start_frame == 36 and d.done


def test_rewind_reuses_the_past_and_regenerates_after():
    timeline = make([{"at": 3, "camera": {"move": "pan", "direction": "left", "amount": 20}, "duration": 0}], duration=4)
    eng = StateEngine()
    d = Director(timeline, engine=eng, use_embeddings=False)
    first, _ = frames_of(list(d.run()))
    edited = timeline.model_copy(update={"directives": [Directive(at=2.5, camera=CameraMove(move="pan", direction="right", amount=50), duration=0)]})
    boundary = d.rewind(2.2, edited)
    assert boundary == 2.0  # the chunk boundary at or before 2.2 s
    again, _ = frames_of(list(d.run()))
    assert again.shape[0] == 48  # frames 48..95 only
    whole = np.concatenate([first[:48], again])
    reference = Director(d.record, engine=StateEngine(), use_embeddings=False)
    expected, _ = frames_of(list(reference.run()))
    assert np.array_equal(whole, expected)  # same as rendering the edited timeline from scratch
    assert whole[80, 0, 5, 0] == 50  # the new directive is in


def test_rewind_before_anything_was_made_is_refused():
    d = Director(make(), engine=StateEngine(), use_embeddings=False)
    with pytest.raises(ValueError, match="no checkpoint"):
        d.rewind(1.0)


def test_engine_returning_wrong_shapes_is_reported():
    class Broken(StateEngine):
        def render(self, request):
            chunk = super().render(request)
            chunk.audio = chunk.audio[:-1]
            return chunk

    d = Director(make(), engine=Broken(), use_embeddings=False)
    with pytest.raises(RuntimeError, match="returned audio"):
        list(d.run())


def test_engines_with_costly_snapshots_are_checkpointed_less_often():
    class Heavy(StateEngine):
        snapshot_policy = SnapshotPolicy(every_chunks=3)

        def snapshot(self):
            self.snapshots = getattr(self, "snapshots", 0) + 1
            return super().snapshot()

    eng = Heavy()
    d = Director(make(duration=4), engine=eng, use_embeddings=False)
    list(d.run())
    assert sorted(d.checkpoints) == [0, 36, 72]  # chunks 0, 3, 6
    assert eng.snapshots == 3
    assert d.rewind(2.9) == 1.5  # lands on the checkpoint at or before the time asked


def test_branch_makes_a_new_take_from_an_old_run_and_leaves_it_untouched():
    timeline = make([{"at": 3, "camera": {"move": "pan", "direction": "left", "amount": 20}, "duration": 0}], duration=4)
    old = Director(timeline, engine=StateEngine(), use_embeddings=False)
    first, _ = frames_of(list(old.run()))
    edited = timeline.model_copy(update={"directives": [Directive(at=2.5, scene=SceneChange(time_of_day="night"), duration=0)]})
    new = Director(timeline, engine=StateEngine(), use_embeddings=False)
    assert new.branch(old, 2.2, edited) == 2.0
    rest, _ = frames_of(list(new.run()))
    assert rest.shape[0] == 48 and rest[-1, 0, 5, 1] == 230  # hour 23 painted as 230
    assert old.done and len(old.checkpoints) == 8  # the source run is untouched
    with pytest.raises(ValueError, match="already made frames"):
        new.branch(old, 1.0)
