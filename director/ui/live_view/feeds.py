"""Live feeds by token: the capability a browser needs to watch a take's live view.

A token is handed only to the session that started the take (and to the participants of a take its
owner shared). The store is bounded: past ``max_feeds`` the oldest ended feed goes first (a viewer of
an ended take keeps its last frame on screen; only a new stream would need the feed).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from director.sinks.live_feed import LiveFeed
from director.ui.server_wide import server_wide

MAX_FEEDS = 64  # feeds kept at once on this server (live ones are bounded by the render concurrency)
TOKEN_BYTES = 18  # 24 URL-safe characters: not guessable, short in a URL


class LiveFeeds:
    """Thread-safe token → ``LiveFeed`` store; see the module docstring."""

    def __init__(self, max_feeds: int = MAX_FEEDS) -> None:
        self.max_feeds = max_feeds
        self._feeds: OrderedDict[str, LiveFeed] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, feed: LiveFeed) -> str:
        """Keep ``feed``; returns its new token."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._feeds[token] = feed
            while len(self._feeds) > self.max_feeds:
                oldest = next((t for t, f in self._feeds.items() if f.ended), None)
                if oldest is None:  # all live: the oldest goes anyway (its take goes on; its view stops)
                    oldest = next(iter(self._feeds))
                self._feeds.pop(oldest).abort()
        return token

    def get(self, token: str) -> LiveFeed | None:
        with self._lock:
            return self._feeds.get(token)

    def drop(self, token: str | None) -> None:
        """Forget a feed (its session closed): any stream of it ends."""
        if token is None:
            return
        with self._lock:
            feed = self._feeds.pop(token, None)
        if feed is not None:
            feed.abort()

    def __len__(self) -> int:
        with self._lock:
            return len(self._feeds)


default_feeds = server_wide(
    LiveFeeds, "The server's feeds, shared by the Direct tab (which adds them) and the routes (which serve them).")
