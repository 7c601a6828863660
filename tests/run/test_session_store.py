"""The one per-browser session store (``director.run.sessions``) that the Direct tab and Wander share:
created on first use, bounded, idle sessions expire, busy ones are kept, closing runs the close hook."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from director.run.sessions import InProcessSessions, SessionLimitError, SessionService, StoredSession
from director.ui.sessions import DirectSession, SessionStore
from director.ui.wander.registry import WanderRegistry, WanderSession


@dataclass
class Note:
    key: str
    folder: Path
    touched: float = 0.0
    running: bool = False
    closed: threading.Event = field(default_factory=threading.Event)

    def busy(self) -> bool:
        return self.running

    def close(self) -> None:
        self.closed.set()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _store(tmp_path, **kw) -> tuple[InProcessSessions[Note], Clock, list[str]]:
    clock, hooked = Clock(), []
    store = InProcessSessions(Note, root=tmp_path, clock=clock, on_close=lambda s: hooked.append(s.key), **kw)
    return store, clock, hooked


def _wait_closed(*sessions: Note) -> None:
    for s in sessions:
        assert s.closed.wait(5.0), f"{s.key} was not closed"


def test_a_session_is_made_on_first_use_in_its_own_folder(tmp_path):
    store, clock, _ = _store(tmp_path)
    a = store.get("A")
    assert store.get("A") is a and store.peek("A") is a and store.peek("B") is None and "B" not in store
    assert a.folder.parent == tmp_path and a.folder.is_dir() and a.folder != store.get("B").folder
    clock.now += 5
    store.get("A")
    assert a.touched == clock.now  # get marks it used; peek does not
    with pytest.raises(ValueError, match="no session"):
        store.get(None)


def test_closing_calls_the_session_then_the_hook(tmp_path):
    store, _, hooked = _store(tmp_path)
    a = store.get("A")
    store.close("A")
    assert a.closed.is_set() and hooked == ["A"] and "A" not in store and len(store) == 0
    store.close("A")  # twice, or an unknown key: nothing
    store.close(None)
    assert hooked == ["A"]
    b, c = store.get("B"), store.get("C")
    store.close_all()
    assert b.closed.is_set() and c.closed.is_set() and sorted(hooked) == ["A", "B", "C"]


def test_idle_sessions_expire_but_busy_ones_stay(tmp_path):
    store, clock, hooked = _store(tmp_path, idle_seconds=60)
    idle, busy, fresh = store.get("idle"), store.get("busy"), store.get("fresh")
    busy.running = True
    clock.now += 61
    store.get("fresh")
    assert store.expire() == ["idle"]
    assert idle.closed.is_set() and hooked == ["idle"]
    assert "busy" in store and "fresh" in store and not busy.closed.is_set() and not fresh.closed.is_set()


def test_the_store_is_bounded_dropping_the_least_recently_used_free_session(tmp_path):
    store, clock, hooked = _store(tmp_path, max_sessions=2)
    old, busy = store.get("old"), store.get("busy")
    busy.running = True
    clock.now += 1
    store.get("new")  # full: "old" (free, least recently used) makes room, "busy" is kept
    assert len(store) == 2 and "old" not in store and "busy" in store
    _wait_closed(old)
    busy2 = store.get("new")
    busy2.running = True
    with pytest.raises(SessionLimitError, match="all 2 sessions on this server are busy"):
        store.get("third")


def test_direct_and_wander_sessions_are_kept_by_the_same_store(tmp_path):
    direct = SessionStore(root=tmp_path)
    wander = WanderRegistry(root=tmp_path)
    assert isinstance(direct, InProcessSessions) and isinstance(wander.store, InProcessSessions)
    for service in (direct, wander.store):
        assert all(hasattr(service, name) for name in SessionService.__dict__ if not name.startswith("_"))
    session, world_session = direct.get("k"), wander.session("k")
    assert isinstance(session, DirectSession) and isinstance(world_session, WanderSession)
    assert isinstance(session, StoredSession) and isinstance(world_session, StoredSession)
    assert not session.busy() and not world_session.busy()
    direct.close("k")
    wander.close("k")
    assert not session.folder.exists() and not world_session.folder.exists()
