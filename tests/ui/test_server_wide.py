"""A server-wide registry is made once, on first use, whichever thread asks first."""

from __future__ import annotations

import threading
import time

from director.ui.live_view import default_feeds
from director.ui.server_wide import server_wide
from director.ui.wander import default_registry


def test_made_once_on_first_use_even_when_threads_race():
    made = []

    def make() -> object:
        time.sleep(0.02)  # wide enough for every thread to ask while the first is making it
        made.append(object())
        return made[-1]

    get = server_wide(make, "a registry")
    assert not made and get.__doc__ == "a registry"
    got = []
    threads = [threading.Thread(target=lambda: got.append(get())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and all(g is made[0] for g in got)


def test_the_app_registries_are_one_each():
    assert default_feeds() is default_feeds() and default_registry() is default_registry()
