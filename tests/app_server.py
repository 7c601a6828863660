"""Start ``python app.py`` exactly as a user does, on a free localhost port, in a subprocess.

Used by the app test fixtures, the security tests and ``benchmarks/app_soak.py``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90.0
APP_SECRET = "director-secret-7f3a9c"  # the shared test app has it in a file beside it and in its environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str  # http://127.0.0.1:PORT/
    port: int
    pid: int


@contextlib.contextmanager
def running_app(log_path: Path, env: dict[str, str] | None = None, args: list[str] | None = None,
                nice: int = 0) -> Iterator[RunningApp]:
    """Run ``app.py`` (embeddings off) until the block exits; its output goes to ``log_path``."""
    port = free_port()
    full_env = {**os.environ, "DIRECTOR_EMBEDDINGS": "0", "HF_HUB_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "app.py"), "--port", str(port), *(args or [])]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_until_up(proc, url, log_path)
            yield RunningApp(url, port, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(proc: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"app did not start in {START_TIMEOUT:.0f} s")


# -- endpoints by name -------------------------------------------------------------------------------

TAB_PREFIX = "dr-"  # the Direct tab's elem_id prefix, left out of the names tests use


def component_name(component: dict) -> str:
    """The name tests use for a component in ``/config``: its elem_id without the Direct tab's prefix,
    ``-`` as ``_`` (``dr-table-msg`` → ``table_msg``); its label, or ``#id``, when it has no elem_id."""
    props = component.get("props") or {}
    name = props.get("elem_id") or props.get("label") or f"#{component['id']}"
    return str(name).removeprefix(TAB_PREFIX).replace("-", "_")


@dataclass(frozen=True)
class EndpointNames:
    """One endpoint's input and output components by name, in the order the API takes and returns them."""

    fn_index: int
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    def args(self, values: dict, api_name: str = "") -> list:
        """The positional inputs from ``values`` by name (extra names are ignored)."""
        missing = [n for n in self.inputs if n not in values]
        if missing:
            raise KeyError(f"{api_name or self.fn_index}: no value for {missing} (inputs: {list(self.inputs)})")
        return [values[n] for n in self.inputs]

    def named(self, data) -> dict:
        """An answer's outputs by name (a single output may come back bare)."""
        if len(self.outputs) == 1 and not (isinstance(data, (list, tuple)) and len(data) == 1):
            data = [data]
        if len(data) != len(self.outputs):
            raise ValueError(f"{len(data)} outputs for {list(self.outputs)}")
        return dict(zip(self.outputs, data))


def endpoint_names(config: dict) -> dict[str, EndpointNames]:
    """Every named endpoint of an app's ``/config`` by api_name."""
    components = {c["id"]: c for c in config["components"]}
    found = {}
    for index, dep in enumerate(config["dependencies"]):
        api_name = dep.get("api_name")
        if isinstance(api_name, str):
            name_of = lambda i: component_name(components[i])  # noqa: E731
            found[api_name] = EndpointNames(dep.get("id", index), tuple(map(name_of, dep.get("inputs") or [])),
                                            tuple(map(name_of, dep.get("outputs") or [])))
    return found
