"""Talk to a running gradio app the way a hostile client would: raw HTTP, no gradio_client.

The browser calls every event by its index in ``/config`` (``/gradio_api/queue/join``), whether or
not it has an ``api_name``; so does an attacker. These helpers list every dependency with its input
components and call any of them with any JSON, reading the answer from the SSE stream.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.app_server import EndpointNames, component_name

API = "gradio_api"


@dataclass(frozen=True)
class Endpoint:
    """One event handler of the app as ``/config`` lists it."""

    fn_index: int
    api_name: str | None
    inputs: list[int]  # component ids
    input_types: list[str]  # component type names ("file", "textbox"...)
    names: EndpointNames | None = None  # inputs and outputs by name (``tests.app_server.component_name``)

    def args(self, values: dict) -> list:
        """The inputs from ``values`` by name, in the order the endpoint takes them."""
        return self.names.args(values, self.api_name or "")

    def named(self, data: list) -> dict:
        """An answer's outputs by name."""
        return self.names.named(data)


@dataclass
class Answer:
    """What came back from one call: ``success``, the output data, an error message, the raw SSE text."""

    success: bool
    data: Any = None
    error: str | None = None
    raw: str = ""
    status: int = 200
    messages: list[dict] = field(default_factory=list)


def new_session() -> str:
    return secrets.token_hex(6)


def endpoints(client: httpx.Client) -> list[Endpoint]:
    """Every dependency of the app (named or not) with the types of its input components."""
    config = client.get("/config").raise_for_status().json()
    types = {c["id"]: c.get("type", "") for c in config["components"]}
    names = {c["id"]: component_name(c) for c in config["components"]}
    found = []
    for index, dep in enumerate(config["dependencies"]):
        inputs = list(dep.get("inputs") or [])
        api_name = dep.get("api_name")
        fn_index = dep.get("id", index)
        found.append(Endpoint(fn_index, api_name if isinstance(api_name, str) else None, inputs,
                              [types.get(i, "") for i in inputs],
                              EndpointNames(fn_index, tuple(names[i] for i in inputs),
                                            tuple(names[i] for i in dep.get("outputs") or []))))
    return found


def call(client: httpx.Client, fn_index: int, data: list[Any], session_hash: str | None = None,
         timeout: float = 30.0) -> Answer:
    """Queue one call of dependency ``fn_index`` with ``data`` and wait for its completion message."""
    session_hash = session_hash or new_session()
    body = {"data": data, "fn_index": fn_index, "session_hash": session_hash, "event_data": None, "trigger_id": None}
    r = client.post(f"/{API}/queue/join", json=body)
    if r.status_code != 200:
        return Answer(False, error=r.text, raw=r.text, status=r.status_code)
    event_id = r.json()["event_id"]
    raw: list[str] = []
    messages: list[dict] = []
    with client.stream("GET", f"/{API}/queue/data", params={"session_hash": session_hash}, timeout=timeout) as s:
        for line in s.iter_lines():
            raw.append(line)
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            messages.append(msg)
            if msg.get("event_id") not in (None, event_id):
                continue
            if msg.get("msg") == "process_completed":
                output = msg.get("output") or {}
                ok = bool(msg.get("success"))
                return Answer(ok, output.get("data"), None if ok else str(output.get("error")), "\n".join(raw),
                              200, messages)
            if msg.get("msg") == "unexpected_error":
                return Answer(False, None, str(msg.get("message")), "\n".join(raw), 200, messages)
    return Answer(False, error="stream ended without completion", raw="\n".join(raw), messages=messages)


def file_data(path: str) -> dict:
    """The JSON a client sends for a file: gradio copies ``path`` into its cache if it believes it."""
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": "x.png"}


def upload(client: httpx.Client, name: str, content: bytes) -> dict:
    """Upload ``content`` as a user's browser does; returns the FileData to pass as an input."""
    r = client.post(f"/{API}/upload", files={"files": (name, content)})
    r.raise_for_status()
    path = r.json()[0]
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": name, "size": len(content)}


def file_paths(value: Any) -> list[str]:
    """Every file path in an answer or a list of messages (a generator's outputs arrive over several)."""
    if isinstance(value, dict):
        own = [value["path"]] if isinstance(value.get("path"), str) else []
        return own + [p for v in value.values() for p in file_paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in file_paths(v)]
    return []


def shown_strings(value: Any) -> list[str]:
    """Every string an answer shows the user, leaving out file outputs (their cache path is how gradio
    hands a file over, not a message)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "path" in value and ("url" in value or "meta" in value):
            return []
        return [s for v in value.values() for s in shown_strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in shown_strings(v)]
    return []


class Tab:
    """One browser tab: a session hash whose events share one event stream, as the page's do (two
    streams for one session would steal each other's messages). ``submit`` then ``result``."""

    def __init__(self, client: httpx.Client, session_hash: str | None = None):
        import queue
        import threading

        self.client = client
        self.session_hash = session_hash or new_session()
        self._queues: dict[str, "queue.Queue[dict]"] = {}
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._pending: set[str] = set()  # events joined whose completion has not been read
        self._queue_type = queue.Queue
        self._thread_type = threading.Thread

    def submit(self, fn_index: int, data: list[Any]) -> str:
        body = {"data": data, "fn_index": fn_index, "session_hash": self.session_hash, "event_data": None,
                "trigger_id": None}
        with self._lock:  # joined and registered as pending before the reader may decide to stop
            r = self.client.post(f"/{API}/queue/join", json=body)
            r.raise_for_status()
            event_id = r.json()["event_id"]
            self._queues.setdefault(event_id, self._queue_type())
            self._pending.add(event_id)
            if self._reader is None:
                self._reader = self._thread_type(target=self._read, daemon=True)
                self._reader.start()
        return event_id

    def result(self, event_id: str, timeout: float = 600.0) -> Answer:
        import queue

        messages: list[dict] = []
        q = self._queues[event_id]
        while True:
            try:
                msg = q.get(timeout=timeout)
            except queue.Empty:
                return Answer(False, error="timed out", messages=messages)
            messages.append(msg)
            if msg.get("msg") == "process_completed":
                output = msg.get("output") or {}
                ok = bool(msg.get("success"))
                return Answer(ok, output.get("data"), None if ok else str(output.get("error")), "", 200, messages)

    def call(self, fn_index: int, data: list[Any], timeout: float = 600.0) -> Answer:
        return self.result(self.submit(fn_index, data), timeout)

    def _read(self) -> None:
        """Read the session's event stream; gradio closes it when no event is pending, so reconnect
        while any is (an event joined just as the stream closed would otherwise never be read)."""
        while True:
            with self.client.stream("GET", f"/{API}/queue/data", params={"session_hash": self.session_hash},
                                    timeout=None) as s:
                for line in s.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "close_stream":
                        break
                    event_id = msg.get("event_id")
                    if event_id is not None:
                        with self._lock:
                            q = self._queues.setdefault(event_id, self._queue_type())
                            if msg.get("msg") == "process_completed":
                                self._pending.discard(event_id)
                        q.put(msg)
            with self._lock:
                if not self._pending:
                    self._reader = None
                    return
