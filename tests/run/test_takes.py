"""rewind, branch and resume as library operations (no UI, no gradio)."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.protocol import SnapshotPolicy
from director.plan.timeline import Directive, SceneChange, timeline_from_data
from director.run.director import Director
from director.run.events import Finished
from director.run.render import render
from director.run.run import Run
from director.run.takes import (ResumeError, RewindError, Take, Takes, branch, picture_settings, resume,
                                rewind)
from director.sinks.clip_sink import ClipSink
from director.sinks.clip_writer import ClipWriter, clip_frames
from tests.clip_tools import decode_frames
from tests.state_engine import StateEngine

W, H, FPS = 64, 36, 12


def _timeline(duration: float = 3.0, **kw):
    return timeline_from_data({"duration": duration, "width": W, "height": H, "fps": FPS, "seed": 2,
                               "world": {"scene": "a beach"}, **kw})


def _take(tmp_path, number: int = 1, timeline=None) -> Take:
    """A finished take made with the state engine (frames show its counter and the hour)."""
    d = Director(timeline or _timeline(), engine=StateEngine(), use_embeddings=False)
    path = tmp_path / f"take-{number}.mp4"
    writer = ClipWriter(path, width=W, height=H, fps=FPS, sample_rate=d.settings.sample_rate,
                        keyframe_interval=d.chunk_frames)
    clip = ClipSink(writer, keep_sidecar=True)
    assert isinstance(Run(d, [clip]).run(), Finished)
    return Take(number, path, d, frames=writer.frames_written, finished=True)


def _night_from(at: float, duration: float = 3.0):
    return _timeline(duration).model_copy(update={"directives": [
        Directive(at=at, scene=SceneChange(time_of_day="night"), duration=0)]})


def test_rewind_goes_back_in_the_same_run_and_refuses_what_cannot_be_kept():
    d = Director(_timeline(), engine=StateEngine(), use_embeddings=False)
    Run(d, [], close_director=False).run()
    assert rewind(d, 1.7, _night_from(2.0)) == 1.5 and d.next_frame == 18
    assert [c.start_frame for c in d.run()] == [18, 24, 30]
    with pytest.raises(RewindError, match="size, fps, seed and engine"):
        rewind(d, 1.0, _timeline().with_settings(seed=9))
    fresh = Director(_timeline(), engine=StateEngine(), use_embeddings=False)
    with pytest.raises(RewindError, match="no checkpoint at or before"):
        rewind(fresh, 1.0)


def test_branch_continues_a_finished_take_and_copies_its_past(tmp_path):
    base = _take(tmp_path)
    new = Director(_timeline(), engine=StateEngine(), use_embeddings=False)
    point = branch(new, base, 1.2, _night_from(2.0))
    assert (point.seconds, point.frame) == (1.0, 12)
    assert point.prefix is not None and point.prefix.frames == 12 and point.prefix.source == base.path
    rest = np.concatenate([c.frames for c in new.run()])
    assert rest.shape[0] == 24 and rest[-1, 0, 0, 1] != 0  # night at 2 s is in the new take's frames
    assert base.director.done and base.frames == 36  # the take branched from is untouched


def test_branch_from_the_start_copies_nothing(tmp_path):
    base = _take(tmp_path)
    point = branch(Director(_timeline(), engine=StateEngine(), use_embeddings=False), base, 0.2, _timeline())
    assert point.seconds == 0.0 and point.prefix is None


def test_branch_refuses_a_take_still_rendering_or_with_other_picture_settings(tmp_path):
    base = _take(tmp_path)
    with pytest.raises(RewindError, match="size, fps, seed and engine"):
        branch(Director(_timeline(), engine=StateEngine(), use_embeddings=False), base, 1.0,
               _timeline().with_settings(width=32))
    base.finished = False
    with pytest.raises(RewindError, match="take 1 is still rendering"):
        branch(Director(_timeline(), engine=StateEngine(), use_embeddings=False), base, 1.0, _timeline())
    assert picture_settings(_timeline()) == (W, H, FPS, 2, "previz", _timeline().chunk_seconds)


class _DiesAt(StateEngine):
    snapshot_policy = SnapshotPolicy()

    def __init__(self, chunk_index: int) -> None:
        super().__init__()
        self.dies_at = chunk_index

    def render(self, request):
        if request.index == self.dies_at:
            raise RuntimeError("power cut")
        return super().render(request)


def test_resume_continues_an_interrupted_render_from_its_last_checkpoint(tmp_path):
    out = tmp_path / "clip.mp4"
    with pytest.raises(ResumeError, match="nothing to resume"):
        resume(Director(_timeline(), engine=StateEngine(), use_embeddings=False), out, {})
    with pytest.raises(RuntimeError, match="power cut"):
        render(_timeline(), out, engine=_DiesAt(4), use_embeddings=False, checkpoint_every=1.0)
    made = clip_frames(out)
    assert made >= 12 and not out.exists()
    d = Director(_timeline(), engine=StateEngine(), use_embeddings=False)
    size = dict(width=W, height=H, fps=FPS, sample_rate=d.settings.sample_rate, keyframe_interval=d.chunk_frames)
    resumed = resume(d, out, size)
    assert 0 < resumed.seconds * FPS <= made and d.next_frame == round(resumed.seconds * FPS)
    clip = ClipSink(resumed.writer)
    assert isinstance(Run(d, [clip]).run(), Finished)
    assert len(decode_frames(clip.published)) == 36


def test_a_take_reads_its_interpretations_and_takes_keep_the_current_one(tmp_path):
    timeline = _timeline(directives=[{"at": 1.0, "text": "it starts to rain"}])
    take = _take(tmp_path, timeline=timeline)
    assert take.interpretations == tuple(take.director.script.interpretations)
    assert [i.text for i in take.interpretations] == ["it starts to rain"]
    takes = Takes()
    takes.add(take)
    assert takes.shown is take and takes.choices() == [(take.label, 1)] and "done" in take.label
