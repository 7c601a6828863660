"""Directing together through the app's API: an owner, a guest and a third browser (each its own cookie),
endpoints by api_name, outputs by component name."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from gradio_client import Client

from tests.app.test_app_harness import HEADERS, SMALL, Api, app_url, fields_of  # noqa: F401

PRESET = "Paris 1980s walk (built-in example)"
TAKE_SECONDS = 12.0  # long enough (paced to real time) for every call below while it renders
WAIT_S = 30.0


def _client(url: str, tmp_path, name: str) -> Api:
    folder = tmp_path / name
    folder.mkdir()
    return Api(Client(url, verbose=False, download_files=str(folder)))


def _refused(api: Api, api_name: str, match: str, **values) -> None:
    with pytest.raises(Exception, match=match):
        api.predict(api_name, **values)


def _until(what, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _applied(log_html: str) -> list[tuple[int, str, str]]:
    """(arrival number, author, text) of each applied command the shared command list shows, in order."""
    return [(int(s), a, t) for s, a, t in
            re.findall(r"data-seq='(\d+)' data-author='([^']+)'.*?“([^”]+)”", log_html)]


def test_owner_and_guests_direct_one_take(app_url, tmp_path):
    owner, guest, third = (_client(app_url, tmp_path, n) for n in ("owner", "guest", "third"))
    _refused(owner, "share_take", "Start a take first")
    out = owner.predict("load_preset", preset=PRESET)
    fields = fields_of(out) | {"size": SMALL, "duration": TAKE_SECONDS,
                               "table": {"headers": HEADERS, "data": [["0:00.5", "camera pans left", "1", "", ""]]}}
    take = owner.submit("start", **fields)
    _until(lambda: take.status().code.name in ("PROCESSING", "ITERATING"))
    link = _until(lambda: _try_share(owner))
    token = link.split("?share=", 1)[1]
    _refused(guest, "join_shared", "not valid", share_token="../../etc/passwd")

    watching = guest.submit("join_shared", share_token=token)
    assert "as <span" in _joined(watching) and "**Guest 1**" in _joined(watching)
    removed_watch = third.submit("join_shared", share_token=token)
    assert "**Guest 2**" in _joined(removed_watch)
    g1, other = "Guest 1", "Guest 2"

    # 1. commands from everyone, each stamped with its author and arrival number
    assert "as **Owner** (#1)" in owner.predict("send_command", command="it starts to rain")["status"]
    assert f"as **{g1}** (#2)" in guest.predict("send_command", command="camera pans right")["status"]

    # 2. view-only: the guests are refused, the owner is not; only the owner may switch it
    assert owner.predict("share_view_only", share_view_only=True)["share_view_only"] is True
    _refused(guest, "send_command", "view-only", command="pan left")
    _refused(guest, "share_view_only", "Only the take's owner", share_view_only=False)
    owner.predict("share_view_only", share_view_only=False)

    # 3. a rate limit per participant, with a clear message (5 commands every 10 s)
    for i in range(4):
        guest.predict("send_command", command=f"pan left {i}")
    _refused(guest, "send_command", r"Slow down: at most 5 commands every 10 s per person", command="one more")

    # 4. the owner removes the other guest: refused at once, their view ends with a message
    assert owner.predict("share_remove", share_guest=other)["share_msg"] == f"Removed {other}."
    _refused(third, "send_command", "removed you", command="pan right")
    removed_outputs = _until(lambda: removed_watch.done() and removed_watch.outputs())
    assert "removed you" in removed_outputs[-1][-1]

    # 5. only the owner stops or rewinds; a guest leaving never stops the take
    _refused(guest, "stop", "Only the take's owner can stop")
    _refused(guest, "rewind", "Only the take's owner can rewind", rewind_at="0:01", **fields)
    assert "goes on without you" in guest.predict("share_leave")["share_msg"]
    _until(lambda: watching.done(), 10)
    seen = watching.outputs()

    final = owner.result("start", take)
    assert "done" in final["status"], final["status"]  # the take went on to its end
    expected = [(1, "Owner", "it starts to rain"), (2, g1, "camera pans right")] + [
        (3 + i, g1, f"pan left {i}") for i in range(4)]
    assert _applied(final["share_log"]) == expected  # each applied once, in arrival order, with its author
    rows = [r[1] for r in final["table"]["data"]]
    assert [t for t in rows if t in {c for _, _, c in expected}] == [c for _, _, c in expected]
    # the guest saw the owner's live view and the command list while they were in
    names = endpoints_outputs(guest, "join_shared")
    owner_live = next(o["live"] for o in map(lambda o: dict(zip(endpoints_outputs(owner, "start"), o)), take.outputs())
                      if o.get("live"))
    lives = [dict(zip(names, o))["live"] for o in seen]
    assert owner_live in lives, "the guest was not given the owner's live view"
    status = httpx.get(f"{app_url.rstrip('/')}/live/{owner_live}/status", timeout=10).json()
    assert status["ended"] and status["t"] > TAKE_SECONDS - 1  # the view showed the whole take
    assert httpx.get(f"{app_url.rstrip('/')}/live/{owner_live[:-2]}xx/status", timeout=10).status_code == 404
    assert any(_applied(dict(zip(names, o))["share_log"])[:2] == expected[:2] for o in seen)
    with pytest.raises(Exception, match="expired"):
        guest.predict("join_shared", share_token=token)  # the take ended: so did its link


def _try_share(owner: Api) -> str | None:
    try:
        return owner.predict("share_take")["share_link"]
    except Exception:  # the take is still opening: not shared yet
        return None


def _joined(job) -> str:
    """The message a join_shared stream starts with (who the caller is in the take)."""
    first = _until(lambda: job.outputs())[0]
    return first[-1]  # share_msg, the last output


def endpoints_outputs(api: Api, name: str) -> tuple[str, ...]:
    return api.endpoint(name).outputs
