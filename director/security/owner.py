"""The server-issued secret that identifies a browser, and the session keys derived from it.

gradio's ``session_hash`` is chosen by the client: anyone who learns another tab's hash could send
it. Server-side state is therefore keyed by ``session_key(request)``, a hash of the secret the server
issued to this browser (an HttpOnly cookie, see ``guard``) together with the session hash: reusing a
session hash without its browser's secret reaches a different, empty session.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from typing import Any

log = logging.getLogger(__name__)

COOKIE = "director_sid"
SCOPE_KEY = "director.secret"  # where the guard puts the secret for the request it is serving
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters


def valid_secret(value: str | None) -> bool:
    return bool(value) and bool(_TOKEN.match(value))


def owner_tag(secret: str) -> str:
    """A short public name for a secret (what the registries store; never the secret itself)."""
    return hashlib.sha256(b"director-owner:" + secret.encode()).hexdigest()[:24]


def request_secret(request: Any) -> str | None:
    """The secret of a ``gr.Request`` or starlette request: set by the guard for this request
    (a first visit), else the browser's cookie. None when no guard runs (e.g. a bare test server)."""
    raw = getattr(request, "request", request)  # gr.Request wraps the starlette request
    scope = getattr(raw, "scope", None) or {}
    secret = scope.get(SCOPE_KEY)
    if secret:
        return secret
    cookies = getattr(raw, "cookies", None) or {}
    value = cookies.get(COOKIE)
    return value if valid_secret(value) else None


def session_key(request: Any) -> str | None:
    """The key of this tab's server-side state: the session hash bound to the browser's secret.
    None without a session hash. Without a guard (a server built without ``install``) it falls back
    to the bare session hash, with a warning."""
    session_hash = getattr(request, "session_hash", None)
    if not session_hash:
        return None
    secret = request_secret(request)
    if secret is None:
        log.warning("no session secret (SessionGuard not installed): keying by the client's session hash")
        return session_hash
    return hashlib.sha256(f"{secret}:{session_hash}".encode()).hexdigest()[:32]
