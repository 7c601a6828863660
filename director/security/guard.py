"""``SessionGuard``: ASGI middleware in front of the mounted gradio app.

Per request, in order:
1. Secret: the browser's ``director_sid`` cookie, or a new one (set on the response, HttpOnly,
   SameSite=Lax); kept in the request scope for ``owner.session_key``.
2. Session hashes: every hash a request names (``/queue/join`` and other JSON bodies, the
   ``session_hash`` query, ``/heartbeat/{hash}``, ``/stream/{hash}/...``) belongs to the first secret
   that used it; another secret naming it gets 403. So nobody can read another tab's event stream,
   its live video, or send events as it.
3. Files: gradio serves its cache at ``/file=PATH`` (and ``/file/PATH``) to anyone with the URL, under a content-hash
   name (the same for identical renders). The guard notes every cache path it sees going out to a
   secret (event streams, upload answers) and serves a cached file only to a secret it went to, or
   to anyone if the page or its config named it (component defaults). Anything else in the cache: 404.

State is per guard (per app), bounded, and holds owner tags (hashes), never secrets.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from director.security.owner import COOKIE, SCOPE_KEY, new_secret, owner_tag, valid_secret

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

PUBLIC = "*"  # owner of files the page itself names
MAX_BODY = 32 * 1024 * 1024  # JSON bodies read to find their session hash (uploads are not read)
MAX_ENTRIES = 200_000  # session hashes and files remembered; the oldest are forgotten (then refused)
_TEXT_TYPES = (b"text/", b"application/json", b"application/javascript", b"application/x-ndjson")
_PUBLIC_PAGES = ("/", "/config", "/config/", "/gradio_api/info", "/gradio_api/info/")


class _Bounded(OrderedDict):
    def remember(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MAX_ENTRIES:
            self.popitem(last=False)


class SessionGuard:
    """Wrap ``app`` (the FastAPI app gradio is mounted on). ``cache_dirs``: gradio's cache folders."""

    def __init__(self, app: Callable, cache_dirs: list[str] | None = None, api_prefix: str = "/gradio_api"):
        self.app = app
        self.api_prefix = api_prefix
        dirs = cache_dirs if cache_dirs is not None else [_gradio_cache_dir()]
        self.cache_dirs = [os.path.abspath(d) for d in dirs]
        self._path_pattern = re.compile("|".join(re.escape(d) + r"/[^\"'\\\s<>]+" for d in self.cache_dirs))
        self._sessions = _Bounded()  # session hash -> owner tag
        self._files = _Bounded()  # cache path -> set of owner tags (or {PUBLIC})
        self._lock = threading.Lock()

    # -- the three checks ------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # 1. The secret.
        secret = _cookie(scope)
        fresh = secret is None
        secret = secret or new_secret()
        scope[SCOPE_KEY] = secret
        tag = owner_tag(secret)
        path = scope.get("path", "")
        # 2. Session hashes.
        body, receive = await self._body_if_json(scope, receive)
        for session_hash in self._session_hashes(scope, path, body):
            if not self._bind(session_hash, tag):
                await _refuse(send, 403, "this session belongs to another browser")
                return
        # 3. Files (``/file=PATH`` and its older alias ``/file/PATH``).
        file_routes = (f"{self.api_prefix}/file=", f"{self.api_prefix}/file/")
        route = next((r for r in file_routes if path.startswith(r)), None)
        if route is not None and not self.may_read(path[len(route):], tag):
            await _refuse(send, 404, "file not found")
            return
        owner = PUBLIC if scope.get("method") == "GET" and path in _PUBLIC_PAGES else tag
        scan = route is None and not path.startswith(f"{self.api_prefix}/stream/")
        await self.app(scope, receive, self._sending(send, owner, secret if fresh else None, scan))

    def may_read(self, file_path: str, tag: str) -> bool:
        """Whether the owner ``tag`` may read ``file_path`` through gradio's file route."""
        if file_path.startswith(("http://", "https://")):
            return True  # gradio's proxy rules apply
        absolute = os.path.abspath(file_path)
        if not any(absolute == d or absolute.startswith(d + os.sep) for d in self.cache_dirs):
            return True  # outside the cache: gradio's own allow/deny rules decide
        with self._lock:
            owners = self._files.get(absolute)
        return owners is not None and (PUBLIC in owners or tag in owners)

    def owner_of_session(self, session_hash: str) -> str | None:
        return self._sessions.get(session_hash)

    # -- helpers ---------------------------------------------------------------------------
    def _bind(self, session_hash: str, tag: str) -> bool:
        with self._lock:
            owner = self._sessions.get(session_hash)
            if owner is None:
                self._sessions.remember(session_hash, tag)
                return True
            return owner == tag

    def _session_hashes(self, scope: Scope, path: str, body: Any) -> list[str]:
        found = []
        parts = path[len(self.api_prefix):].split("/") if path.startswith(self.api_prefix) else []
        if len(parts) >= 3 and parts[1] == "heartbeat":  # /heartbeat/{hash}
            found.append(parts[2])
        if len(parts) >= 5 and parts[1] == "stream":  # /stream/{hash}/{run}/{component}/... (live video)
            found.append(parts[2])
        found += parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash", [])
        if isinstance(body, dict) and isinstance(body.get("session_hash"), str):
            found.append(body["session_hash"])
        return [h for h in found if h]

    async def _body_if_json(self, scope: Scope, receive: Receive) -> tuple[Any, Receive]:
        """Read a JSON POST body under the API (to see its session hash) and replay it downstream."""
        headers = dict(scope.get("headers") or [])
        kind = headers.get(b"content-type", b"").split(b";")[0].strip()
        if scope.get("method") != "POST" or kind != b"application/json" or not scope["path"].startswith(self.api_prefix):
            return None, receive
        chunks, size, more = [], 0, True
        messages = []
        while more:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            more = message.get("more_body", False)
            if size > MAX_BODY:
                break
        body: Any = None
        if size <= MAX_BODY:
            try:
                body = json.loads(b"".join(chunks))
            except ValueError:
                body = None  # gradio answers malformed JSON itself

        async def replay() -> dict:
            if messages:
                return messages.pop(0)
            return await receive()

        return body, replay

    def _sending(self, send: Send, owner: str, new_secret_value: str | None, scan: bool) -> Send:
        carry = ""

        async def wrapped(message: dict) -> None:
            nonlocal carry, scan
            if message["type"] == "http.response.start":
                # Cache paths are named in text (JSON, server-sent events, HTML); images, sound and
                # video streams are not read as text (a live view's frames would be, 24 times a second).
                kind = dict(message.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip().lower()
                scan = scan and (not kind or kind.startswith(_TEXT_TYPES))
                if new_secret_value is not None:
                    cookie = (f"{COOKIE}={new_secret_value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000")
                    message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            elif message["type"] == "http.response.body" and scan:
                text = carry + message.get("body", b"").decode("utf-8", "replace")
                self._note_files(text, owner)
                carry = text[-4096:]
            await send(message)

        return wrapped

    def _note_files(self, text: str, owner: str) -> None:
        paths = set(self._path_pattern.findall(text))
        if not paths:
            return
        with self._lock:
            for p in map(os.path.abspath, paths):
                owners = self._files.get(p) or set()
                owners.add(owner)
                self._files.remember(p, owners)


def install(app: Any, cache_dirs: list[str] | None = None) -> None:
    """Put a ``SessionGuard`` in front of ``app`` (a FastAPI/Starlette app, before it starts)."""
    app.add_middleware(SessionGuard, cache_dirs=cache_dirs)


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: treat as absent
                return None
            morsel = jar.get(COOKIE)
            if morsel is not None and valid_secret(morsel.value):
                return morsel.value
    return None


async def _refuse(send: Send, status: int, text: str) -> None:
    body = json.dumps({"detail": text}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _gradio_cache_dir() -> str:
    from gradio.utils import get_upload_folder

    return str(Path(get_upload_folder()).resolve())
