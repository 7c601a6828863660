"""Live worlds by browser session. One world per session; streams find it by an unguessable token.

The registry is keyed by gradio's ``request.session_hash`` (nothing per user lives in module state).
A world stops when its session enters another world, leaves, closes the tab (``demo.unload``), or
when no stream has watched it for ``ABANDON_SECONDS`` (a tab that vanished without an unload).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from director.plan.timeline import Timeline
from director.ui.wander.world import WanderWorld

log = logging.getLogger(__name__)

ABANDON_SECONDS = 60.0
MAX_WORLDS = 8  # live worlds at once on this server (each is a render loop)


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
    lock: threading.RLock = field(default_factory=threading.RLock)

    def stop_world(self) -> None:
        world, self.world, self.token = self.world, None, None
        if world is not None:
            world.stop()

    def close(self) -> None:
        self.stop_world()
        shutil.rmtree(self.folder, ignore_errors=True)


class WanderRegistry:
    def __init__(self, root: Path | None = None, max_worlds: int = MAX_WORLDS, keep_digests: bool = False):
        """``keep_digests``: worlds keep a hash of every frame (tests compare them with replays)."""
        self.root = Path(root or tempfile.gettempdir())
        self.keep_digests = keep_digests
        self.max_worlds = max_worlds
        self._sessions: dict[str, WanderSession] = {}
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._reaper_stop = threading.Event()

    def session(self, key: str | None) -> WanderSession:
        if not key:
            raise ValueError("no session: open the app in a browser")
        with self._lock:
            s = self._sessions.get(key)
            if s is None:
                s = WanderSession(key, Path(tempfile.mkdtemp(prefix="director-wander-", dir=self.root)))
                self._sessions[key] = s
            return s

    def peek(self, key: str | None) -> WanderSession | None:
        return self._sessions.get(key or "")

    def open_world(self, key: str, world: WanderWorld) -> str:
        """Make ``world`` this session's live world (stopping any previous one); start it; return its token."""
        s = self.session(key)
        with s.lock:
            self._drop_token(s)
            s.stop_world()
            live = sum(1 for o in self._sessions.values() if o.world is not None and o.world.alive)
            if live >= self.max_worlds:
                world.stop()
                raise TooManyWorlds(f"{live} worlds are live on this server; try again in a minute")
            world.keep_digests = world.keep_digests or self.keep_digests
            token = secrets.token_urlsafe(18)
            s.world, s.token, s.unwatched_since = world, token, time.monotonic()
            with self._lock:
                self._tokens[token] = key
            world.start()
        self._ensure_reaper()
        return token

    def by_token(self, token: str) -> WanderSession | None:
        key = self._tokens.get(token)
        return self._sessions.get(key) if key else None

    def leave(self, key: str | None) -> None:
        s = self.peek(key)
        if s is not None:
            with s.lock:
                self._drop_token(s)
                s.stop_world()

    def close(self, key: str | None) -> None:
        """The tab closed: stop its world and remove its files."""
        with self._lock:
            s = self._sessions.pop(key or "", None)
        if s is not None:
            self._drop_token(s)
            s.close()
            log.info("wander session closed: %s", key)

    def close_all(self) -> None:
        for key in list(self._sessions):
            self.close(key)
        self._reaper_stop.set()

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
        for s in list(self._sessions.values()):
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
            while not self._reaper_stop.wait(5.0):
                try:
                    self.reap()
                except Exception:  # pragma: no cover - never kill the reaper
                    log.exception("wander reaper")

        self._reaper = threading.Thread(target=loop, name="wander-reaper", daemon=True)
        self._reaper.start()
