"""The shared-take model without a run or gradio: tokens, members, roles, rate limits, the fan-out."""

from __future__ import annotations

import threading

import pytest

from director.run.shared_take import (
    COLOURS, TOKEN_RE, Fanout, RateLimit, SharedTake, SharedTakes, ShareError,
)


def _take(limit: RateLimit | None = None):
    sent: list[tuple[str, str]] = []
    shares: SharedTakes[str] = SharedTakes(limit)
    shared = shares.share("owner-key", lambda text, author: sent.append((text, author)), label="Take 1")
    return shares, shared, sent


def test_token_is_unguessable_and_looked_up_only_when_well_formed():
    shares, shared, _ = _take()
    other = SharedTakes().share("k", lambda t, a: None)
    assert shared.token != other.token and len(shared.token) >= 32 and TOKEN_RE.fullmatch(shared.token)
    assert shares.get(shared.token) is shared
    assert shares.share("owner-key", lambda t, a: None) is shared  # sharing again: the same link
    for bad in ("", "short", "x" * 65, shared.token[:-1] + "!", "../../etc/passwd", shared.token + " OR 1=1"):
        with pytest.raises(ShareError, match="not valid"):
            shares.get(bad)
    with pytest.raises(ShareError, match="expired"):
        shares.get("A" * 32)  # well formed, unknown


def test_commands_from_everyone_in_arrival_order_with_authors_and_colours():
    shares, shared, sent = _take()
    guest = shared.join("guest-key")
    assert guest.name == "Guest 1" and guest.colour != shared.owner.colour and guest.colour in COLOURS
    assert shared.join("guest-key") is guest  # opening the link again: the same participant
    a = shared.send("owner-key", "pan left", now=0)
    b = shared.send("guest-key", "it starts to rain", now=0)
    c = shared.send("owner-key", "night falls", now=0)
    assert [x.seq for x in (a, b, c)] == [1, 2, 3]
    assert sent == [("pan left", "Owner"), ("it starts to rain", "Guest 1"), ("night falls", "Owner")]
    applied = shared.record_applied([("pan left", "Owner", 1.0, "pan", True),
                                     ("it starts to rain", "Guest 1", 1.0, "rain", True)])
    applied += shared.record_applied([("night falls", "Owner", 2.0, "night", True)])
    assert [(x.seq, x.author, x.colour) for x in applied] == [
        (1, "Owner", shared.owner.colour), (2, "Guest 1", guest.colour), (3, "Owner", shared.owner.colour)]
    assert shared.applied == applied


def test_view_only_refuses_guests_not_the_owner():
    _, shared, sent = _take()
    shared.join("guest-key")
    with pytest.raises(ShareError, match="Only the take's owner"):
        shared.set_view_only("guest-key", True)
    shared.set_view_only("owner-key", True)
    with pytest.raises(ShareError, match="view-only"):
        shared.send("guest-key", "pan left")
    shared.send("owner-key", "pan left")
    shared.set_view_only("owner-key", False)
    shared.send("guest-key", "pan right")
    assert [a for _, a in sent] == ["Owner", "Guest 1"]


def test_removed_participant_is_refused_everything_even_rejoining():
    shares, shared, sent = _take()
    shared.join("guest-key")
    with pytest.raises(ShareError, match="Only the take's owner can remove"):
        shared.remove("guest-key", "Guest 1")
    assert shared.remove("owner-key", "Guest 1").key == "guest-key"
    for call in (lambda: shared.send("guest-key", "pan left"), lambda: shared.join("guest-key"),
                 lambda: shared.member("guest-key")):
        with pytest.raises(ShareError, match="removed you"):
            call()
    assert shares.joined_by("guest-key") is shared  # their calls still find (and refuse) it
    with pytest.raises(ShareError, match="No participant"):
        shared.remove("owner-key", "Guest 9")
    assert sent == []


def test_only_members_may_send_or_direct_the_take():
    _, shared, _ = _take()
    with pytest.raises(ShareError, match="share link first"):
        shared.send("stranger", "pan left")
    shared.join("guest-key")
    for action in ("stop the take", "rewind the take"):
        with pytest.raises(ShareError, match=f"Only the take's owner can {action}"):
            shared.require_owner("guest-key", action)
    shared.require_owner("owner-key", "stop the take")


def test_rate_limit_per_participant_with_a_clear_message():
    _, shared, sent = _take(RateLimit(3, 10.0))
    shared.join("guest-key")
    for i in range(3):
        shared.send("guest-key", f"pan left {i}", now=100.0 + i)
    with pytest.raises(ShareError, match=r"at most 3 commands every 10 s per person. Try again in 8 s"):
        shared.send("guest-key", "one too many", now=102.0)
    shared.send("owner-key", "the owner has a budget of their own", now=102.0)
    shared.send("guest-key", "the window moved on", now=110.5)
    assert len(sent) == 5
    with pytest.raises(ValueError):
        RateLimit(0, 1.0)


def test_a_refused_forward_is_not_counted():
    def forward(text, author):
        raise ValueError("live command is too long")

    shared = SharedTake("owner-key", forward)
    with pytest.raises(ValueError, match="too long"):
        shared.send("owner-key", "x")
    assert not shared.owner.sent  # the rate limit did not count it
    assert not shared._pending


def test_guest_leaving_keeps_the_take_and_the_owner_going():
    shares, shared, sent = _take()
    shared.join("guest-key")
    shares.forget("guest-key")  # their tab closed
    assert "guest-key" not in shared.members and not shared.ended
    shared.send("owner-key", "pan left")
    assert shares.get(shared.token) is shared and sent
    shared.leave("owner-key")  # the owner is not a guest: the take stays theirs
    assert shared.owner.key in shared.members


def test_ending_refuses_everyone_and_expires_the_link():
    shares, shared, _ = _take()
    shared.join("guest-key")
    shares.end(shared)
    with pytest.raises(ShareError, match="ended"):
        shared.send("guest-key", "pan left")
    with pytest.raises(ShareError, match="expired"):
        shares.get(shared.token)
    assert shares.owned_by("owner-key") is None and shares.joined_by("guest-key") is None


def test_fanout_gives_each_viewer_every_update_until_it_closes():
    fan: Fanout[int] = Fanout(backlog=100)
    fan.publish(0)
    subs = [fan.subscribe(), fan.subscribe()]
    got: list[list[int]] = [[], []]
    threads = [threading.Thread(target=lambda s=s, g=g: g.extend(s)) for s, g in zip(subs, got)]
    for t in threads:
        t.start()
    for i in range(1, 6):
        fan.publish(i)
    fan.close()
    for t in threads:
        t.join(5)
    assert got == [[0, 1, 2, 3, 4, 5]] * 2  # a late viewer starts at the latest update
    assert list(fan.subscribe()) == [5]  # after the end: the last update, then the end


def test_fanout_slow_viewer_loses_oldest_updates_never_blocks_the_producer():
    fan: Fanout[int] = Fanout(backlog=3)
    slow = fan.subscribe()
    for i in range(10):
        fan.publish(i)
    assert [slow.get(0), slow.get(0), slow.get(0), slow.get(0)] == [7, 8, 9, None]
    slow.close()
    assert fan.viewers == 0


def test_leaving_or_being_removed_ends_that_viewers_stream_at_once():
    _, shared, _ = _take()
    for key in ("a", "b", "c"):
        shared.join(key)
    streams = {key: shared.watch(key) for key in ("a", "b", "c")}
    shared.leave("a")
    shared.remove("owner-key", "Guest 2")
    assert streams["a"].get(1) is None and streams["a"].closed
    assert streams["b"].get(1) is None and streams["b"].closed
    shared.fanout.publish("chunk")
    assert streams["c"].get(1) == "chunk" and shared.fanout.viewers == 1
    with pytest.raises(ShareError, match="removed you"):
        shared.watch("b")
