"""Live worlds by browser session. One world per session; streams find it by an unguessable token.

Sessions live in the generic bounded store of ``director.run.sessions``, keyed by
``director.security.session_key`` (nothing per user lives in module state); this registry adds the
world each one may run, the stream tokens and the cap on live worlds. A world stops when its session
enters another world, leaves, closes the tab (``demo.unload``), or when no stream has watched it for
``ABANDON_SECONDS`` (a tab that vanished without an unload).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from director.plan.timeline import Timeline
from director.run.sessions import InProcessSessions
from director.ui.wander.world import WanderWorld

log = logging.getLogger(__name__)

ABANDON_SECONDS = 60.0  # a live world nobody has streamed for this long is stopped
MAX_WORLDS = 8  # live worlds at once on this server (each is a render loop)
MAX_WANDER_SESSIONS = 200  # browsers with a Wander session at once (a folder each; only live worlds cost CPU)
REAP_EVERY_SECONDS = 5.0  # how often the reaper looks for abandoned worlds
TOKEN_BYTES = 18  # a stream token's randomness (24 URL-safe characters): not guessable, short in a URL


class TooManyWorlds(RuntimeError):
    pass


@dataclass
class WanderSession:
    key: str
    folder: Path  # uploads, saved timelines, exports
    world: WanderWorld | None = None
    token: str | None = None
    saved: Timeline | None = None  # the last wander saved / sent to the Direct tab
    unwatched_since: float | None = None
    touched: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def busy(self) -> bool:
        """A world is live: the session is kept even when idle or when the store is full."""
        return self.world is not None and self.world.alive

    def stop_world(self) -> None:
        world, self.world, self.token = self.world, None, None
        if world is not None:
            world.stop()

    def close(self) -> None:
        self.stop_world()
        shutil.rmtree(self.folder, ignore_errors=True)


class WanderRegistry:
    def __init__(self, root: Path | None = None, max_worlds: int = MAX_WORLDS, keep_digests: bool = False,
                 max_sessions: int = MAX_WANDER_SESSIONS):
        """``keep_digests``: worlds keep a hash of every frame (tests compare them with replays)."""
        self.keep_digests = keep_digests
        self.max_worlds = max_worlds
        self.store: InProcessSessions[WanderSession] = InProcessSessions(
            WanderSession, root=root, prefix="director-wander-", max_sessions=max_sessions,
            on_close=self._forget_token)
        self.root = self.store.root
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._reaper_stop = threading.Event()

    def session(self, key: str | None) -> WanderSession:
        if not key:
            raise ValueError("no session: open the app in a browser")
        return self.store.get(key)

    def peek(self, key: str | None) -> WanderSession | None:
        return self.store.peek(key)

    def sessions(self) -> list[WanderSession]:
        """The Wander sessions open now."""
        return self.store.sessions()

    def open_world(self, key: str, world: WanderWorld) -> str:
        """Make ``world`` this session's live world (stopping any previous one); start it; return its token."""
        s = self.session(key)
        with s.lock:
            self._drop_token(s)
            s.stop_world()
            live = sum(1 for o in self.store.sessions() if o.busy())
            if live >= self.max_worlds:
                world.stop()
                raise TooManyWorlds(f"{live} worlds are live on this server; try again in a minute")
            world.keep_digests = world.keep_digests or self.keep_digests
            token = secrets.token_urlsafe(TOKEN_BYTES)
            s.world, s.token, s.unwatched_since = world, token, time.monotonic()
            with self._lock:
                self._tokens[token] = key
            world.start()
        self._ensure_reaper()
        return token

    def by_token(self, token: str) -> WanderSession | None:
        key = self._tokens.get(token)
        return self.store.peek(key) if key else None

    def leave(self, key: str | None) -> None:
        s = self.peek(key)
        if s is not None:
            with s.lock:
                self._drop_token(s)
                s.stop_world()

    def close(self, key: str | None) -> None:
        """The tab closed: stop its world and remove its files."""
        self.store.close(key)

    def close_all(self) -> None:
        self.store.close_all()
        self._reaper_stop.set()

    def _forget_token(self, s: WanderSession) -> None:
        """The store's close hook: the closed session's stream token no longer finds it."""
        with self._lock:
            for token in [t for t, key in self._tokens.items() if key == s.key]:
                del self._tokens[token]
        log.info("wander session closed: %s", s.key)

    def _drop_token(self, s: WanderSession) -> None:
        if s.token:
            with self._lock:
                self._tokens.pop(s.token, None)

    # -- abandoned worlds -------------------------------------------------
    def watched(self, s: WanderSession, delta: int) -> None:
        if s.world is None:
            return
        s.world.frames.subscribers += delta
        s.unwatched_since = None if s.world.frames.subscribers > 0 else time.monotonic()

    def reap(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        stopped = []
        for s in self.store.sessions():
            w = s.world
            if w is not None and w.frames.subscribers <= 0 and s.unwatched_since is not None \
                    and now - s.unwatched_since > ABANDON_SECONDS:
                log.info("wander world of %s unwatched for %.0f s: stopping", s.key, now - s.unwatched_since)
                self.leave(s.key)
                stopped.append(s.key)
        return stopped

    def _ensure_reaper(self) -> None:
        if self._reaper is not None and self._reaper.is_alive():
            return

        def loop() -> None:
            while not self._reaper_stop.wait(REAP_EVERY_SECONDS):
                try:
                    self.reap()
                except Exception:  # pragma: no cover - never kill the reaper
                    log.exception("wander reaper")

        self._reaper = threading.Thread(target=loop, name="wander-reaper", daemon=True)
        self._reaper.start()
