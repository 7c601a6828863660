"""The Direct tab's check of a finished take, without gradio: verdicts beside each row, re-take point."""

from __future__ import annotations

from director.run.director import Director
from director.ui.direct.take_check import check_take, notes_with_verdicts, retake_time
from director.run.takes import Take
from director.run.render import render
from director.world import compile_timeline
from director.plan.timeline import Timeline


def _take(tmp_path, directives) -> Take:
    timeline = Timeline.model_validate({"duration": 4.0, "width": 320, "height": 180, "fps": 24, "seed": 1,
                                        "world": {"scene": "a city street"}, "directives": directives})
    out = tmp_path / "take.mp4"
    director = Director(timeline, use_embeddings=False, engine_options={"embeddings": False})
    render(timeline, out, director=director)
    return Take(1, out, director, frames=round(4.0 * 24), finished=True)


def test_a_take_gets_verdicts_per_row_and_a_retake_point(tmp_path):
    take = _take(tmp_path, [{"at": 0.5, "text": "pan left", "duration": 1.5}, {"at": 2.5, "text": "Tom laughs"}])
    check = check_take(take)
    assert check.report is not None and not check.report.failed, check.report.to_json()
    notes = notes_with_verdicts(["pan · rules", "⚠ not understood"], check)
    assert notes == ["pan · rules · ✔", "⚠ not understood"]
    assert retake_time(check) is None
    assert "1/1 effects seen" in check.summary

    # The same clip judged as if the row had said "pan right": marked ✘ with what was measured.
    record = take.director.record
    wrong = record.model_copy(update={"directives": [record.directives[0].model_copy(update={"text": "pan right"}),
                                                     record.directives[1]]})
    take.director.script = compile_timeline(wrong, use_embeddings=False)
    check = check_take(take)
    notes = notes_with_verdicts(["pan · rules", "x"], check)
    assert notes[0].startswith("pan · rules · ✘ not seen: pan right → horizontal flow +")
    assert retake_time(check) == 0.5
    assert "Re-take failed" in check.summary


def test_unfinished_take_is_not_checked(tmp_path):
    take = _take(tmp_path, [])
    take.finished = False
    check = check_take(take)
    assert check.report is None and "no finished clip" in check.summary
    assert notes_with_verdicts(["a"], check) == ["a"]
