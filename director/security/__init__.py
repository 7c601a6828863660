"""Who may see what in the app: a server-issued secret per browser, sessions and files bound to it.

``SessionGuard`` (ASGI middleware, installed by ``app.create_app``) issues the secret as an HttpOnly
cookie, binds each gradio session hash to the secret that first used it, and serves a cached file
only to the secrets it was handed to. Handlers key their server-side state with ``session_key``.
"""

from director.security.guard import SessionGuard, install
from director.security.owner import COOKIE, session_key

__all__ = ["COOKIE", "SessionGuard", "install", "session_key"]
