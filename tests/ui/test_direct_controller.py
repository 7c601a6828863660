"""The Direct tab's controller without gradio or a server: editor fields in, typed views out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from PIL import Image

from director.commands.reader import RULES_ONLY
import director.world.script as script_module
from director.ui.direct import reading as reading_module
from director.ui.direct.controller import DirectController, DirectError
from director.ui.direct.fields import EditorFields
from director.ui.direct.reading import FIX_ROWS
from director.plan.presets import BUILTIN_NAME
from director.ui.sessions import DirectSession


@pytest.fixture
def ctl(tmp_path) -> DirectController:
    folder = tmp_path / "session"
    folder.mkdir()  # as SessionStore makes it
    return DirectController(DirectSession("test-session", folder), reader=RULES_ONLY)


def _fields(ctl: DirectController) -> EditorFields:
    fields = ctl.show().fields
    assert fields is not None
    return fields


def _texts(rows) -> list[str]:
    return [r[1] for r in rows]


def test_the_nine_fields_are_defined_once():
    assert EditorFields.names() == ("scene", "characters", "style", "engine", "size", "fps", "seed", "duration", "rows")
    f = EditorFields.from_values(["a", "", "(none)", "previz", "320x180", 24, 1, 3.0, {"headers": [], "data": [["0:01", "x"]]}])
    assert f.rows == [["0:01", "x"]] and f.values()[:2] == ["a", ""]
    with pytest.raises(ValueError, match="expected 9 values"):
        EditorFields.from_values(["a"])


def test_the_session_timeline_is_shown_with_readings(ctl):
    view = ctl.show()
    assert view.fields.scene == "On the streets of Paris in the 1980s"
    assert _texts(view.rows) == ["camera pans left", "a cute cat runs to the girl", "night falls"]
    assert view.rows[0][4] == "the camera pans left · rules"  # how it was read, beside the row
    assert view.strip.kinds == ["camera", "character", "scene"]
    assert 'class="dr-mark dr-camera"' in view.strip.html
    assert "Directive 1 · 0:02.0 · camera pans left" in view.attach_choices
    assert view.valid and view.message == "" and view.gallery == []


def test_add_edit_move_and_delete_a_directive(ctl):
    f = _fields(ctl)
    view = ctl.add(f, "0:05", "it starts to rain", "")
    assert view.valid and view.fields is None  # an edit leaves the world and settings as typed
    assert _texts(view.rows) == ["camera pans left", "it starts to rain", "a cute cat runs to the girl", "night falls"]
    assert view.rows[1][0] == "0:05.0" and "rain" in view.rows[1][4]
    assert view.strip.kinds == ["camera", "scene", "character", "scene"]
    assert [d.text for d in ctl.session.timeline.directives][1] == "it starts to rain"

    rows = [list(r) for r in view.rows]
    rows[0][1] = "pan right"
    view = ctl.edit(f.with_rows(rows))
    assert view.valid and "pans right" in view.rows[0][4]
    assert ctl.session.timeline.directives[0].text == "pan right"

    moved = ctl.move(f.with_rows(view.rows), "1", 1)  # the first row one later: it takes the second's time
    assert moved.selected == "2"
    assert _texts(moved.editor.rows)[:2] == ["it starts to rain", "pan right"]
    assert [r[0] for r in moved.editor.rows][:2] == ["0:02.0", "0:05.0"]
    assert ctl.move(f.with_rows(moved.editor.rows), "1", -1).editor is None  # already the first

    deleted = ctl.delete(f.with_rows(moved.editor.rows), "2")
    assert deleted.selected == "" and "pan right" not in _texts(deleted.editor.rows)
    assert len(ctl.session.timeline.directives) == 3
    with pytest.raises(DirectError, match="Click a row"):
        ctl.delete(f, "9")
    with pytest.raises(DirectError, match="Write the directive first"):
        ctl.add(f, "0:01", "  ", "")


def test_bad_input_is_located_and_loses_no_work(ctl):
    f = _fields(ctl)
    before = ctl.session.timeline
    typed = [*f.rows, ["soon", "night falls again", "", "", ""]]
    view = ctl.edit(f.with_rows(typed))
    assert not view.valid and view.strip is None  # the last good strip stays
    assert view.rows[-1][:2] == ["soon", "night falls again"]  # what was typed is kept, problem beside it
    assert view.rows[-1][4].startswith("⚠ time: cannot read time 'soon'")
    assert view.message.startswith(FIX_ROWS)
    assert ctl.session.timeline is before

    short = ctl.edit(replace(f, duration=3.0))  # rows now after the end: each says so in its own note
    assert not short.valid
    assert [("after the end" in r[4]) for r in short.rows] == [False, True, True]

    sized = ctl.edit(replace(f, size="big"))  # not a row's problem: said under the table, rows kept as typed
    assert "- ⚠ size 'big': write it as WIDTHxHEIGHT" in sized.message and sized.rows == f.rows

    saved = ctl.save_timeline(f.with_rows(typed))
    assert saved.file is None and "Fix the timeline" in saved.message and not saved.editor.valid
    assert ctl.session.timeline is before


def test_one_compile_per_edit(ctl, monkeypatch, tmp_path):
    calls = []
    real = script_module.compile_timeline

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(script_module, "compile_timeline", counting)
    monkeypatch.setattr(reading_module, "compile_timeline", counting)
    f = _fields(ctl)
    rows = [list(r) for r in f.rows]
    actions = {
        "edit": lambda: ctl.edit(f.with_rows(rows)),
        "add": lambda: ctl.add(f, "0:05", "it starts to rain", ""),
        "move": lambda: ctl.move(f, "1", 1),
        "delete": lambda: ctl.delete(f, "1"),
        "show": ctl.show,
        "load preset": lambda: ctl.load_preset(BUILTIN_NAME),
        "save": lambda: ctl.save_timeline(f),
        "add image": lambda: ctl.add_image(str(image), "Directive 1 · 0:02.0 · camera pans left", "style", f),
    }
    image = tmp_path / "look.png"
    Image.new("RGB", (32, 24), (200, 80, 40)).save(image)
    for name, action in actions.items():
        calls.clear()
        action()
        assert len(calls) == 1, f"{name}: {len(calls)} compiles"
    calls.clear()
    ctl.edit(replace(f, duration=3.0))  # rows after the end are refused before anything is compiled
    assert calls == []


def test_load_a_timeline_file(ctl, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"duration": 6, "world": {"scene": "a quiet harbour", "style_image": "look.png"},
                                "directives": [{"at": 1, "text": "night falls"}, {"at": 0.5, "text": "pan left"}]}))
    view = ctl.load_timeline(str(path))
    assert view.clear_upload and view.message.startswith("Timeline loaded. Drop its images under Reference images: look.png")
    assert view.editor.fields.scene == "a quiet harbour" and view.editor.fields.duration == 6
    assert _texts(view.editor.rows) == ["pan left", "night falls"]
    assert ctl.session.timeline.world.scene == "a quiet harbour"

    broken = tmp_path / "broken.json"
    broken.write_text('{"duration": 6, "directives": [{"at": "soon"}]}')
    refused = ctl.load_timeline(str(broken))
    assert refused.message.startswith("⚠ This timeline cannot be loaded") and refused.editor is None
    assert ctl.session.timeline.world.scene == "a quiet harbour"  # the work shown stays
    assert ctl.load_timeline(None) is None


def test_an_image_is_attached_to_a_directive(ctl, tmp_path):
    image = tmp_path / "look.png"
    Image.new("RGB", (32, 24), (200, 80, 40)).save(image)
    view = ctl.add_image(str(image), "Directive 1 · 0:02.0 · camera pans left", "style", _fields(ctl))
    assert view.message == "Added **look.png** (32×24) to directive 1 · 0:02.0 · camera pans left."
    assert view.editor.rows[0][3] == "look.png" and [key for _, key in view.editor.gallery] == ["look.png"]
    assert ctl.session.timeline.directives[0].image == "look.png"
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    refused = ctl.add_image(str(bad), "World · style image", "style", _fields(ctl))
    assert "not a PNG, JPEG or WebP" in refused.message and refused.editor is None
    with pytest.raises(DirectError, match="That directive is gone"):
        ctl.add_image(str(image), "Directive 9 · 0:30.0 · gone", "style", _fields(ctl))


def test_load_a_preset(ctl):
    view = ctl.load_preset(BUILTIN_NAME)
    assert view.message.startswith("Loaded **Paris") and view.fields.scene.startswith("On the streets")
    with pytest.raises(DirectError, match="no timeline preset called"):
        ctl.load_preset("no such preset")


def test_live_commands_need_a_take(ctl):
    with pytest.raises(DirectError, match="press Start first"):
        ctl.send("pan left")
    with pytest.raises(DirectError, match="Type a command first"):
        ctl.send("  ")
    assert ctl.stop() == "Nothing is rendering."
    with pytest.raises(DirectError, match="nothing to re-take"):
        ctl.retake(_fields(ctl))
    with pytest.raises(DirectError, match="Rewind to"):
        ctl.rewind(_fields(ctl), "soon")


def test_a_take_shows_progress_readings_and_verdicts(ctl):
    f = replace(_fields(ctl), size="320x180", duration=3.0, rows=[["0:00.5", "pan left", "1.5", "", ""]])
    views = list(ctl.start(f))
    first, last = views[0], views[-1]
    assert first.status == "**Take 1** starting…" and first.clear_clip and first.strip.made == 0.0
    feed = ctl.feeds.get(first.live)  # the page watches the take with this token
    feed.pacer.join(5)  # the view shows what is queued at its time, then its stream ends
    assert feed is not None and feed.frames.latest is not None and feed.frames.latest.index == 3 * 24 - 1
    assert any(v.status and "rendering · " in v.status for v in views)
    assert "**Take 1** done · 0:03.0 · check:" in last.status and "effects seen" in last.status
    assert last.take.clip is not None and last.take.clip.exists() and last.take.number == 1
    assert [n for _, n in last.take.choices] == [1] and last.take.rewind_at == "0:01.5"
    assert last.editor.rows[0][4] == "the camera pans left · rules · ✔"  # the reading, then its verdict
    assert last.strip.made == 3.0 and last.strip.status.startswith("Take 1 done")
    assert ctl.session.run is None

    shown = ctl.switch_take(1)
    assert shown.editor.rows == last.editor.rows and shown.clip == last.take.clip
    assert shown.editor.message == "Showing take 1."
    with pytest.raises(DirectError, match="no take 7"):
        ctl.switch_take(7)
    with pytest.raises(DirectError, match="nothing to re-take"):  # every directive was seen
        ctl.retake(f)


def test_re_take_failed_starts_a_new_take_where_the_check_first_failed(ctl):
    from director.ui.direct.take_check import check_take
    from director.world import compile_timeline

    f = replace(_fields(ctl), size="320x180", duration=3.0, rows=[["0:01.0", "pan left", "1.5", "", ""]])
    list(ctl.start(f))
    take = ctl.session.takes.shown
    # Judge the clip as if the row had asked for the opposite move: the check fails at 0:01.0.
    record = take.record
    wrong = record.model_copy(update={"directives": [record.directives[0].model_copy(update={"text": "pan right"})]})
    played = take.director.script
    take.director.script = compile_timeline(wrong, reader=RULES_ONLY)
    take.check = check_take(take)
    take.director.script = played
    assert take.check.report.failed
    views = list(ctl.retake(f))
    assert views[0].status == "**Take 2** starting from 0:01.0…", views[0].status
    assert "**Take 2** done · 0:03.0" in views[-1].status, views[-1].status
    second = ctl.session.takes.shown
    assert second.number == 2 and second.from_time == 1.0 and second.parent == 1 and second.finished


def test_while_the_full_quality_clip_renders_start_and_stop_say_so(ctl):
    from types import SimpleNamespace

    from director.ui.export_rerender import RerenderProgress

    stopped = []
    ctl.session.run = SimpleNamespace(take=SimpleNamespace(number=3), stop=lambda: stopped.append(1),
                                      export=SimpleNamespace(progress=RerenderProgress(40, 100, False)))
    with pytest.raises(DirectError, match=r"Take 3's full-quality clip is being rendered \(40%\)"):
        ctl.start(_fields(ctl))
    assert ctl.stop() == "The live part is over; the full-quality clip is 40% rendered." and not stopped
    ctl.session.run.export = None  # rendering live: Stop stops it
    assert ctl.stop().startswith("Stopping after this chunk") and stopped == [1]
    ctl.session.run = None
