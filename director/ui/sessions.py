"""Server-side state per browser session, keyed by ``director.security.session_key(request)``: gradio's
session hash bound to the browser's server-issued secret.

Nothing about a user's work lives in module globals or in ``gr.State`` (which the browser holds and
could replay): timelines, uploaded images, live runs and rendered files are kept here, each session
in its own temporary folder, and removed when the tab closes (``demo.unload``) or after a long idle.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from director.plan.timeline import Timeline
from director.ui.presets import default_timeline
from director.ui.session_assets import SessionAssets
from director.ui.takes import Takes

if TYPE_CHECKING:
    from director.ui.live_run import LiveRun

log = logging.getLogger(__name__)

IDLE_SECONDS = 6 * 3600  # sessions whose tab vanished without an unload are dropped after this
MAX_SESSIONS = 200


@dataclass
class DirectSession:
    """One creator's work in the Direct tab."""

    key: str
    folder: Path
    timeline: Timeline = field(default_factory=default_timeline)
    assets: SessionAssets = field(default_factory=SessionAssets)
    takes: Takes = field(default_factory=Takes)
    run: LiveRun | None = None
    touched: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        run = self.run
        if run is not None:
            run.stop()
        self.takes.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class SessionStore:
    """Sessions by key. Thread-safe; ``get`` creates on first use."""

    def __init__(self, root: Path | None = None, prefix: str = "director-"):
        self.root = Path(root or tempfile.gettempdir())
        self.prefix = prefix
        self._sessions: dict[str, DirectSession] = {}
        self._lock = threading.Lock()

    def get(self, key: str | None) -> DirectSession:
        if not key:
            raise ValueError("no session: open the app in a browser (or use gradio_client)")
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                self._evict_idle()
                folder = Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.root))
                session = DirectSession(key, folder)
                self._sessions[key] = session
            session.touched = time.monotonic()
            return session

    def close(self, key: str | None) -> None:
        with self._lock:
            session = self._sessions.pop(key or "", None)
        if session is not None:
            session.close()
            log.info("session closed, files removed: %s", session.folder)

    def close_all(self) -> None:
        for key in list(self._sessions):
            self.close(key)

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, key: str) -> bool:
        return key in self._sessions

    def _evict_idle(self) -> None:
        now = time.monotonic()
        stale = [k for k, s in self._sessions.items() if now - s.touched > IDLE_SECONDS and s.run is None]
        if len(self._sessions) - len(stale) >= MAX_SESSIONS:
            oldest = sorted(self._sessions.items(), key=lambda kv: kv[1].touched)
            stale += [k for k, s in oldest[: len(self._sessions) - MAX_SESSIONS + 1] if s.run is None]
        for key in set(stale):
            session = self._sessions.pop(key)
            threading.Thread(target=session.close, daemon=True).start()
