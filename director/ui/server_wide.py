"""One object per server process, made on first use: the registries a tab fills and its HTTP routes read
(live feeds, Wander's worlds). They are keyed by unguessable tokens, so sharing them across users is safe."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def server_wide(make: Callable[[], T], doc: str) -> Callable[[], T]:
    """A function returning the one ``make()`` of this process (made at the first call; thread-safe)."""
    lock = threading.Lock()
    made: list[T] = []

    def get() -> T:
        with lock:
            if not made:
                made.append(make())
            return made[0]

    get.__doc__ = doc
    return get
