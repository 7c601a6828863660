"""Server-side state per browser session, keyed by ``director.security.session_key(request)``: gradio's
session hash bound to the browser's server-issued secret.

Nothing about a user's work lives in module globals or in ``gr.State`` (which the browser holds and
could replay): timelines, uploaded images, live runs and rendered files are kept here, each session
in its own temporary folder, and removed when the tab closes (``demo.unload``) or after a long idle.
The store is the generic one of ``director.run.sessions`` (shared with Wander); this module says what
a Direct session holds.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from director.plan.timeline import Timeline
from director.run.sessions import DEFAULT_IDLE_SECONDS, DEFAULT_MAX_SESSIONS, InProcessSessions
from director.plan.presets import default_timeline
from director.ui.session_assets import SessionAssets
from director.run.takes import Takes

if TYPE_CHECKING:
    from director.ui.live_run import LiveRun


IDLE_SECONDS = DEFAULT_IDLE_SECONDS  # sessions whose tab vanished without an unload are dropped after this
MAX_SESSIONS = DEFAULT_MAX_SESSIONS


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

    def busy(self) -> bool:
        """A take is being made: the session is kept even when idle or when the store is full."""
        return self.run is not None

    def close(self) -> None:
        run = self.run
        if run is not None:
            run.stop()
        self.takes.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class SessionStore(InProcessSessions[DirectSession]):
    """The Direct tab's sessions by key (``director.run.sessions``): thread-safe, bounded, ``get`` creates
    on first use."""

    def __init__(self, root: Path | None = None, prefix: str = "director-", *,
                 max_sessions: int = MAX_SESSIONS, idle_seconds: float = IDLE_SECONDS,
                 on_close: Callable[[DirectSession], None] | None = None):
        super().__init__(DirectSession, root=root, prefix=prefix, max_sessions=max_sessions,
                         idle_seconds=idle_seconds, on_close=on_close)
