"""The bounds hold through the running app: uploads are checked before decoding, a book in a row is
refused at once, long or deep timelines and hostile bundles get messages, every handler is bounded."""

from __future__ import annotations

import json
import time

from director.commands.reader import RULES_ONLY
from tests.robustness import hostile_images as hi
from tests.security.gradio_probe import call, endpoints, new_session, shown_strings, upload


def _fn(client, name: str):
    return next(e for e in endpoints(client) if e.api_name == name)


def _shown(answer) -> str:
    return " ".join(([answer.error] if answer.error else []) + shown_strings(answer.data))


def test_every_handler_has_a_concurrency_limit():
    import app

    demo = app.build_demo(reader=RULES_ONLY)
    default = demo._queue.default_concurrency_limit
    for fn in demo.fns.values():
        limit = default if fn.concurrency_limit == "default" else fn.concurrency_limit
        assert isinstance(limit, int) and limit >= 1, f"{fn.name} ({fn.api_name}) has no concurrency limit"


def test_a_book_in_a_row_is_refused_at_once(hostile):
    client, _, _ = hostile
    session = new_session()
    load, edit = _fn(client, "load_preset"), _fn(client, "edit_timeline")
    fields = load.named(call(client, load.fn_index, load.args({"preset": "Paris 1980s walk (built-in example)"}),
                             session).data)
    table = fields["table"]
    fields["table"] = {"headers": table["headers"], "data": table["data"] + [["0:01", "the camera pans left " * 5000, "", "", ""]]}
    started = time.perf_counter()
    answer = call(client, edit.fn_index, edit.args(fields), session)
    assert time.perf_counter() - started < 5.0
    assert "at most 500" in _shown(answer)


def test_wander_upload_is_checked_before_decoding(hostile):
    client, _, _ = hostile
    enter = _fn(client, "wander_enter")
    for name, data, expect in (("bmp-named.png", hi.in_format("BMP"), "not a PNG, JPEG or WebP"),
                               ("tiff-named.jpg", hi.in_format("TIFF"), "not a PNG, JPEG or WebP"),
                               ("scene.gif", hi.in_format("GIF"), "Invalid file type"),
                               ("huge.png", hi.png_header_only(13000, 13000), "too large")):
        started = time.perf_counter()
        answer = call(client, enter.fn_index, ["a street", "", upload(client, name, data), "640x360 (preview)"])
        assert not answer.success and expect in (answer.error or ""), answer.error
        assert time.perf_counter() - started < 3.0


def test_timeline_and_bundle_uploads_get_messages(hostile):
    client, _, _ = hostile
    load = _fn(client, "load_timeline")
    cases = [("deep.json", b"[" * 5000 + b"]" * 5000, "nested"),
             ("long.json", json.dumps({"duration": 700, "max_duration": 800}).encode(), "600 s"),
             ("nul.json", json.dumps({"directives": [{"at": 0, "text": "a\x00"}]}).encode(), "NUL"),
             ("digits.json", b'{"seed": ' + b"7" * 5000 + b"}", "4300 digits")]
    for name, data, expect in cases:
        answer = call(client, load.fn_index, [upload(client, name, data)])
        assert expect in _shown(answer), (name, _shown(answer))
    world = _fn(client, "load_world")
    answer = call(client, world.fn_index, [upload(client, "x.world", b"PK\x03\x04garbage")])
    assert "not a zip" in _shown(answer)
