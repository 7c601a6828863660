"""No message the app shows (an error, or a status line) names a path on the server.

Every handler is called with missing, wrong-typed and hostile values, and the file handlers with
broken uploads of every kind they take; all strings that come back are searched for server paths.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile

from PIL import Image

from tests.app_server import ROOT
from tests.security.gradio_probe import call, endpoints, file_data, shown_strings, upload

_SERVER_PATH = re.compile(r"(?<![\w.])/(?:tmp|work|root|home|proc|etc|usr|var|opt|srv)(?:/|\b)")


def _server_paths(text: str) -> list[str]:
    hits = [m.group(0) for m in _SERVER_PATH.finditer(text)]
    for root in {str(ROOT), tempfile.gettempdir()}:
        if root in text:
            hits.append(root)
    return hits


def _shown(answer) -> list[str]:
    return ([answer.error] if answer.error else []) + shown_strings(answer.data)


def _broken_uploads() -> dict[str, bytes]:
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, "BMP")
    bad_zip = io.BytesIO()
    with zipfile.ZipFile(bad_zip, "w") as z:
        z.writestr("manifest.json", "{not json")
    return {
        "truncated.png": png.getvalue()[:30],
        "image.bmp": bmp.getvalue(),
        "text.png": b"hello",
        "broken.json": b"{\"duration\": ",
        "deep.json": b"[" * 5000 + b"]" * 5000,
        "nul.json": json.dumps({"directives": [{"at": 0, "text": "a\x00b"}]}).encode(),
        "bad.world": bad_zip.getvalue(),
        "notzip.world": b"PK\x03\x04garbage",
    }


def test_no_message_names_a_server_path(hostile):
    client, secret_file, _ = hostile
    found = endpoints(client)
    uploads = [upload(client, name, content) for name, content in _broken_uploads().items()]
    hostile_values = [None, "\x00../../etc/passwd", 10 ** 40, file_data(str(secret_file)),
                      file_data("relative/missing.png")]
    leaks, tried = [], 0
    for ep in found:
        n = len(ep.inputs)
        if n == 0:
            continue
        cases = [[v] * n for v in hostile_values]
        file_slots = [i for i, t in enumerate(ep.input_types) if t in ("file", "uploadbutton", "image")]
        for slot in file_slots:
            for f in uploads:
                data: list = [None] * n
                data[slot] = f
                cases.append(data)
        for data in cases:
            answer = call(client, ep.fn_index, data)
            tried += 1
            for text in _shown(answer):
                if _server_paths(text):
                    leaks.append(f"{ep.api_name or ep.fn_index}: {text[:200]!r}")
    assert tried > 80
    assert not leaks, "messages name server paths:\n" + "\n".join(leaks[:20])
