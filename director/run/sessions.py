"""Per-browser state on the server: one bounded store of sessions, keyed by ``director.security.session_key``.

The Direct tab keeps a creator's timeline, images, takes and live run here; Wander keeps a live world.
Nothing about a user's work lives in module globals or in ``gr.State`` (which the browser holds and
could replay). A store is bounded three ways:

* at most ``max_sessions`` at once: a new session first drops idle ones, then the least recently used
  ones that are not busy (a busy session — a run or a world in progress — is never dropped for room);
* a session untouched for ``idle_seconds`` is dropped when the store next makes room;
* each session gets its own temporary folder, removed when it closes.

Closing (the tab's ``unload``, a drop, ``close_all``) calls the session's own ``close`` and then the
store's ``on_close`` hook (e.g. give freed memory back to the OS).

``SessionService`` is the interface the tabs use; ``InProcessSessions`` keeps sessions in this process.
A service in another process (Ray) can stand behind the same interface.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, Protocol, TypeVar, runtime_checkable

log = logging.getLogger(__name__)

DEFAULT_MAX_SESSIONS = 200  # browsers served at once by one app; each holds a folder and small state
DEFAULT_IDLE_SECONDS = 6 * 3600  # a tab that vanished without an unload is forgotten after this


@runtime_checkable
class StoredSession(Protocol):
    """What a store needs of a session: its key and folder, when it was last used, whether it is busy,
    and how to release what it holds."""

    key: str
    folder: Path
    touched: float  # time.monotonic() of its last use

    def busy(self) -> bool:
        """True while it runs something (a take, a world): never dropped to make room or for idleness."""
        ...

    def close(self) -> None:
        """Stop what it runs and remove its folder."""
        ...


S = TypeVar("S", bound=StoredSession)


class SessionService(Protocol[S]):
    """Sessions by key, created on first use. Implementations must be thread-safe."""

    def get(self, key: str | None) -> S:
        """The session for ``key``, made on first use (and marked used). ``ValueError`` without a key."""
        ...

    def peek(self, key: str | None) -> S | None:
        """The session for ``key`` if there is one; neither creates nor marks it used."""
        ...

    def close(self, key: str | None) -> None:
        """Close the session for ``key`` (nothing if there is none)."""
        ...

    def close_all(self) -> None: ...

    def sessions(self) -> list[S]:
        """The sessions open now (a copy)."""
        ...

    def __len__(self) -> int: ...

    def __contains__(self, key: object) -> bool: ...


class SessionLimitError(RuntimeError):
    """Every session slot is held by a busy session; the message says how many."""


class InProcessSessions(Generic[S]):
    """``SessionService`` in this process: a bounded dict of sessions behind one lock."""

    def __init__(self, make: Callable[[str, Path], S], *, root: Path | None = None, prefix: str = "director-",
                 max_sessions: int = DEFAULT_MAX_SESSIONS, idle_seconds: float = DEFAULT_IDLE_SECONDS,
                 on_close: Callable[[S], None] | None = None, clock: Callable[[], float] = time.monotonic):
        """``make(key, folder)`` builds a new session; its folder is a fresh temporary folder under
        ``root`` named ``prefix…``. ``clock`` is for tests."""
        if max_sessions < 1:
            raise ValueError(f"max_sessions must be >= 1, got {max_sessions}")
        self.root = Path(root or tempfile.gettempdir())
        self.prefix = prefix
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._make = make
        self._on_close = on_close
        self._clock = clock
        self._sessions: dict[str, S] = {}
        self._lock = threading.Lock()

    def get(self, key: str | None) -> S:
        if not key:
            raise ValueError("no session: open the app in a browser (or use gradio_client)")
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                self._make_room()
                folder = Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.root))
                session = self._make(key, folder)
                self._sessions[key] = session
            session.touched = self._clock()
            return session

    def peek(self, key: str | None) -> S | None:
        return self._sessions.get(key or "")

    def close(self, key: str | None) -> None:
        with self._lock:
            session = self._sessions.pop(key or "", None)
        if session is not None:
            self._close(session)

    def close_all(self) -> None:
        for key in list(self._sessions):
            self.close(key)

    def sessions(self) -> list[S]:
        with self._lock:
            return list(self._sessions.values())

    def __iter__(self) -> Iterator[S]:
        return iter(self.sessions())

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, key: object) -> bool:
        return key in self._sessions

    def expire(self) -> list[str]:
        """Close sessions idle for longer than ``idle_seconds`` (busy ones stay); return their keys."""
        with self._lock:
            stale = self._idle()
            dropped = [self._sessions.pop(k) for k in stale]
        for session in dropped:
            self._close(session)
        return stale

    # -- inside the lock -----------------------------------------------------------------------
    def _idle(self) -> list[str]:
        now = self._clock()
        return [k for k, s in self._sessions.items() if now - s.touched > self.idle_seconds and not s.busy()]

    def _make_room(self) -> None:
        """Drop idle sessions, then the least recently used free ones until one more fits. Their closing
        (a run to stop, a folder to remove) happens on a thread so the new browser does not wait for it."""
        stale = self._idle()
        over = len(self._sessions) - len(stale) - self.max_sessions + 1
        if over > 0:
            free = sorted((s for k, s in self._sessions.items() if k not in stale and not s.busy()),
                          key=lambda s: s.touched)
            stale += [s.key for s in free[:over]]
            if len(free) < over:
                raise SessionLimitError(f"all {self.max_sessions} sessions on this server are busy; "
                                        "try again in a minute")
        for key in stale:
            session = self._sessions.pop(key)
            threading.Thread(target=self._close, args=(session,), name="session-close", daemon=True).start()

    def _close(self, session: S) -> None:
        session.close()
        log.info("session closed, files removed: %s", session.folder)
        if self._on_close is not None:
            self._on_close(session)
