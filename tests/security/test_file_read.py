"""No client can make the app read a server file: every input slot of every event handler (named or
not, as ``/config`` lists them) is sent a ``FileData`` naming a server path, and the secret never
comes back — not in the answer, not in gradio's cache, not through ``GET /gradio_api/file=``.

Before the fix (``app.create_app`` marking the mounted demo launched) 11 slots over 5 handlers leaked
the file; this test is that probe made exhaustive.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.app_server import ROOT
from tests.security.conftest import SECRET
from tests.security.gradio_probe import Answer, call, endpoints, file_data

FILE_TYPES = {"file", "uploadbutton", "image", "video", "audio", "gallery", "model3d", "imageeditor"}


def _paths_in(text: str) -> set[str]:
    return set(re.findall(r"/[\w.\-/]+", text))


def _leaked(client: httpx.Client, answer: Answer) -> bool:
    """The secret in the answer, or served back by any path the answer names."""
    if SECRET in answer.raw:
        return True
    for path in _paths_in(answer.raw):
        r = client.get(f"/gradio_api/file={path}")
        if r.status_code == 200 and SECRET in r.text:
            return True
    return False


def _cache_holds_secret(cache: Path) -> list[Path]:
    if not cache.exists():
        return []
    return [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size < 1_000_000
            and SECRET.encode() in p.read_bytes()]


def test_every_input_of_every_endpoint_refuses_server_paths(hostile):
    client, secret_file, cache = hostile
    found = endpoints(client)
    assert len([e for e in found if e.api_name]) >= 20, "the app's handlers were not discovered"
    assert sum(t in FILE_TYPES for e in found for t in e.input_types) >= 4, "no file inputs found"
    targets = [str(secret_file), "/proc/self/environ", "../" * 12 + str(secret_file).lstrip("/")]
    tried, leaks = 0, []
    for ep in found:
        for slot, kind in enumerate(ep.input_types):
            # File inputs get every target; other inputs (gradio copies a FileData found in ANY input)
            # one target each, flat or nested as a gallery or a dataframe would carry it.
            n = ep.fn_index + slot
            paths = targets if kind in FILE_TYPES else [targets[n % len(targets)]]
            for path in paths:
                payload = [file_data(path), [file_data(path)], {"headers": ["a"], "data": [[file_data(path)]]}][n % 3]
                data: list = [None] * len(ep.inputs)
                data[slot] = file_data(path) if kind in FILE_TYPES else payload
                answer = call(client, ep.fn_index, data)
                tried += 1
                if _leaked(client, answer):
                    leaks.append(f"{ep.api_name or ep.fn_index} input {slot} ({kind})")
    assert tried > 80
    assert not leaks, f"server file read through: {leaks}"
    assert not _cache_holds_secret(cache), "a server file was copied into gradio's cache"


def test_file_route_refuses_server_paths(hostile):
    client, secret_file, _ = hostile
    for path in (str(secret_file), "/proc/self/environ", "/etc/passwd", str(ROOT / "app.py")):
        for route in ("/gradio_api/file=", "/gradio_api/file/"):
            r = client.get(f"{route}{path}")
            assert r.status_code in (403, 404), (route, path, r.status_code)
            assert SECRET not in r.text
