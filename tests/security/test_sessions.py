"""Sessions belong to the browser the server issued a secret to: another browser that sends the same
session hash is refused, and files (clips, saved timelines) are served only to their own browser."""

from __future__ import annotations

import httpx

from director.security.owner import COOKIE, session_key
from tests.security.gradio_probe import call, endpoints, file_paths, new_session

PRESET = "Paris 1980s walk (built-in example)"


def _endpoint(client, name: str):
    return next(e for e in endpoints(client) if e.api_name == name)


def _preset_fields(client, session: str) -> dict:
    """The preset loaded into ``session``: every output of load_preset by name (the editor's fields among them)."""
    load = _endpoint(client, "load_preset")
    return load.named(call(client, load.fn_index, load.args({"preset": PRESET}), session).data)


def _other(client: httpx.Client) -> httpx.Client:
    return httpx.Client(base_url=client.base_url, timeout=30)


def test_the_server_issues_an_httponly_secret(hostile):
    client, _, _ = hostile
    r = _other(client).get("/config")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_another_browser_cannot_use_a_session_hash(hostile):
    client, _, _ = hostile
    owner, thief = _other(client), _other(client)
    owner.get("/config")
    session = new_session()
    fields = _preset_fields(owner, session)
    assert "Paris" in fields["scene"]
    save = _endpoint(owner, "save_timeline")
    for intruder in (thief, httpx.Client(base_url=client.base_url, timeout=30)):  # another cookie, or none
        answer = call(intruder, save.fn_index, save.args(fields), session)
        assert answer.status == 403 and not answer.success
        assert intruder.get("/gradio_api/queue/data", params={"session_hash": session}).status_code == 403
        assert intruder.get(f"/gradio_api/heartbeat/{session}").status_code == 403
        assert intruder.get(f"/gradio_api/stream/{session}/0/1/playlist.m3u8").status_code == 403
    # The owner still works, and a forged session hash alone reaches a fresh, empty session.
    assert call(owner, save.fn_index, save.args(fields), session).success


def test_files_are_served_only_to_their_browser(hostile):
    client, _, _ = hostile
    owner = _other(client)
    owner.get("/config")
    session = new_session()
    fields = _preset_fields(owner, session)
    fields |= {"size": "320x180", "duration": 2.5,
               "table": {"headers": fields["table"]["headers"], "data": fields["table"]["data"][:1]}}
    save, start = _endpoint(owner, "save_timeline"), _endpoint(owner, "start")
    saved = call(owner, save.fn_index, save.args(fields), session)
    take = call(owner, start.fn_index, start.args(fields), session, timeout=120)
    assert take.success, take.error
    clips = sorted({f for f in file_paths(take.messages) if f.endswith(".mp4") and "take-" in f})
    saved_files = [f for f in file_paths(saved.messages) if f.endswith("timeline.json")]
    assert saved_files, "save_timeline handed out no file"
    paths = [*saved_files, *clips]
    assert clips, "the take handed out no clip"
    for path in paths:
        assert owner.get(f"/gradio_api/file={path}").status_code == 200
        for route in ("/gradio_api/file=", "/gradio_api/file/"):
            assert _other(client).get(f"{route}{path}").status_code == 404, route
            assert httpx.get(f"{client.base_url}{route}{path}").status_code == 404, route


def test_session_keys_need_the_secret():
    class Req:
        def __init__(self, secret):
            self.session_hash = "abc"
            self.request = type("R", (), {"scope": {"director.secret": secret}, "cookies": {}})()

    a, b = session_key(Req("s" * 43)), session_key(Req("t" * 43))
    assert a != b and "abc" not in a
