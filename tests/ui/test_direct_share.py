"""Directing together through the Direct tab's controllers (no gradio): a real take, an owner, a guest."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from director.commands.reader import RULES_ONLY
from director.run.shared_take import RateLimit, SharedTakes
from director.ui.direct.controller import DirectController, DirectError
from director.ui.direct.share import ShareController
from director.ui.direct.views import RunView
from director.ui.sessions import DirectSession

BASE = "http://127.0.0.1:7860/"


def _session(tmp_path, key: str) -> DirectSession:
    folder = tmp_path / key
    folder.mkdir()
    return DirectSession(key, folder)


@pytest.fixture
def people(tmp_path):
    shares = SharedTakes(RateLimit(3, 60.0))
    owner_ctl = DirectController(_session(tmp_path, "owner"), reader=RULES_ONLY)
    owner = ShareController(shares, owner_ctl.session, "owner")
    guest = ShareController(shares, _session(tmp_path, "guest"), "guest")
    return shares, owner_ctl, owner, guest


def _start(ctl: DirectController, seconds: float):
    f = replace(ctl.show().fields, size="320x180", duration=seconds, rows=[["0:00.5", "pan left", "1", "", ""]])
    return ctl.start(f)


def _join(guest: ShareController, token: str, shares: SharedTakes) -> tuple[threading.Thread, list]:
    got: list = []
    thread = threading.Thread(target=lambda: got.extend(guest.join(token)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while shares.joined_by(guest.key) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread, got


def test_owner_and_guest_direct_one_take_in_arrival_order_with_authors(people):
    shares, ctl, owner, guest = people
    with pytest.raises(DirectError, match="Start a take first"):
        owner.share(BASE)
    views = owner.relay(_start(ctl, 3.0))
    first, _ = next(views)
    assert first.live is not None and ctl.session.run.live_token == first.live
    info = owner.share(BASE)
    assert info.link.startswith(BASE + "?share=") and info.guests == []
    token = info.link.split("share=", 1)[1]
    with pytest.raises(DirectError, match="not valid"):
        next(guest.join("not a token!"))
    with pytest.raises(DirectError, match="your own take"):
        next(owner.join(token))
    thread, got = _join(guest, token, shares)
    shared = shares.owned_by("owner")
    assert "as **Owner** (#1)" in owner.send("it starts to rain")
    assert "as **Owner** (#2)" in owner.send("night falls")
    sent = guest.send("camera pans right")
    assert "as **Guest 1** (#3)" in sent
    with pytest.raises(DirectError, match="Only the take's owner can stop"):
        guest.guard("stop the take")
    rest = list(views)
    thread.join(10)
    assert not thread.is_alive()

    expected = [(1, "Owner", "it starts to rain"), (2, "Owner", "night falls"), (3, "Guest 1", "camera pans right")]
    assert [(c.seq, c.author, c.text) for c in shared.applied] == expected  # each applied once, in order
    assert [(c.seq, c.author, c.text) for c in shares_applied(got)] == expected  # and so the guest saw them
    assert all(c.accepted for c in shared.applied)
    # the guest saw the live view, the command list in the authors' colours, and the end
    assert got[0].message.startswith("You joined **Take 1** as") and "Guest 1" in got[0].message
    assert got[0].run is not None and got[0].run.live == first.live  # they watch the owner's live picture
    assert got[-1].message.startswith("The take ended")
    log = got[-1].log_html
    assert log.index("it starts to rain") < log.index("night falls") < log.index("camera pans right")
    assert "data-author='Guest 1'" in log and "border-left:4px solid #f59e0b" in log  # Guest 1's colour
    assert "done" in rest[-1][0].status and rest[-1][1] == log  # the owner's last view carries the list too
    with pytest.raises(DirectError, match="expired"):
        next(guest.join(token))  # the take ended: so did the link
    assert owner.joined() is None and guest.joined() is None


def shares_applied(updates) -> list:
    """The applied commands as the guest's last update lists them (parsed back from its HTML)."""
    import re

    html = updates[-1].log_html
    return [type("C", (), dict(seq=int(s), author=a, text=t))
            for s, a, t in re.findall(r"data-seq='(\d+)' data-author='([^']+)'.*?“([^”]+)”", html)]


def test_view_only_remove_rate_limit_and_leaving(people, tmp_path):
    shares, ctl, owner, guest = people
    views = owner.relay(_start(ctl, 4.0))
    next(views)
    token = owner.share(BASE).link.split("share=", 1)[1]
    thread, got = _join(guest, token, shares)
    third = ShareController(shares, _session(tmp_path, "third"), "third")
    thread3, got3 = _join(third, token, shares)
    assert owner.share(BASE).guests == ["Guest 1", "Guest 2"]

    assert owner.set_view_only(True).view_only
    with pytest.raises(DirectError, match="view-only"):
        guest.send("pan left")
    with pytest.raises(DirectError, match="Only the take's owner"):
        guest.set_view_only(False)  # not theirs to change
    owner.set_view_only(False)
    for i in range(3):
        guest.send(f"pan left {i}")
    with pytest.raises(DirectError, match="Slow down: at most 3 commands every 60 s per person"):
        guest.send("one too many")

    info = owner.remove("Guest 2")
    assert info.guests == ["Guest 1"] and info.message == "Removed Guest 2."
    with pytest.raises(DirectError, match="removed you"):
        third.send("pan right")
    with pytest.raises(DirectError, match="removed you"):
        next(third.join(token))
    thread3.join(10)
    assert got3[-1].message == "⚠ The owner removed you from this shared take."

    assert "goes on without you" in guest.leave()
    thread.join(10)
    assert not thread.is_alive()
    rest = list(views)  # the take went on to its end
    assert "**Take 1** done" in rest[-1][0].status
    assert [c.text for c in shares_applied([type("U", (), dict(log_html=rest[-1][1]))])] == [
        f"pan left {i}" for i in range(3)]


def test_live_marks_on_the_strip_take_their_authors_colour(people):
    from director.plan.timeline import Directive, Timeline
    from director.ui.direct.share import with_authors
    from director.ui.direct.views import StripView

    shares, ctl, owner, guest = people
    shared = shares.share("owner", lambda text, author: None)
    shared.join("guest")
    shared.send("owner", "it starts to rain", now=0)
    shared.send("guest", "pan right", now=0)
    shared.record_applied([("it starts to rain", "Owner", 1.0, "rain", True), ("pan right", "Guest 1", 1.0, "pan", True)])
    timeline = Timeline(duration=4, directives=[Directive(at=0.5, text="pan left"),
                                                Directive(at=1.0, text="it starts to rain", source="live"),
                                                Directive(at=1.0, text="pan right", source="live")])
    view = with_authors(replace(RunView(), strip=StripView(timeline, ["camera", "scene", "camera"])), shared)
    assert view.strip.authors == (None, shared.owner.colour, shared.members["guest"].colour)
    assert f"--dr-by:{shared.members['guest'].colour}" in view.strip.html
