"""Wander: walk through a live world with the keys. ``build_wander_tab(demo)`` builds the tab;
``register_routes(app)`` adds its HTTP routes (the MJPEG stream and key input) to the app's server."""

from __future__ import annotations

from director.ui.server_wide import server_wide
from director.ui.wander.registry import WanderRegistry

default_registry = server_wide(
    WanderRegistry, "The server's registry of live worlds (keyed by browser session), shared by the tab and the routes.")


def build_wander_tab(demo, registry: WanderRegistry | None = None, direct_sessions=None) -> None:
    from director.ui.wander.tab import build_wander_tab as build

    build(demo, registry, direct_sessions)


def register_routes(app, registry: WanderRegistry | None = None) -> None:
    from director.ui.wander.routes import register_routes as register

    register(app, registry)


def wander_timeline_json(session_hash: str, registry: WanderRegistry | None = None) -> str | None:
    """The wander of a session as Timeline JSON (for the Direct tab): the live world's record, or the
    last saved one; None if the session never wandered."""
    s = (registry or default_registry()).peek(session_hash)
    if s is None:
        return None
    if s.world is not None:
        s.saved = s.world.record()
    return s.saved.to_json() if s.saved is not None else None


__all__ = ["build_wander_tab", "register_routes", "default_registry", "wander_timeline_json", "WanderRegistry"]
