"""A small server with only the Wander tab (FastAPI + gradio + uvicorn on localhost), for tests and
the latency benchmark until/besides ``app.py``. ``python -m director.ui.wander.dev_server`` runs one."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import gradio as gr
import uvicorn
from fastapi import FastAPI

from director.security import install

from director.ui.wander import build_wander_tab, register_routes
from director.ui.wander.registry import WanderRegistry


@dataclass
class DevServer:
    url: str
    registry: WanderRegistry
    server: uvicorn.Server
    thread: threading.Thread

    def close(self) -> None:
        self.registry.close_all()
        self.server.should_exit = True
        self.thread.join(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_app(registry: WanderRegistry) -> FastAPI:
    with gr.Blocks(title="director · wander") as demo:
        build_wander_tab(demo, registry)
    app = FastAPI()
    register_routes(app, registry)
    app = gr.mount_gradio_app(app, demo, path="/")
    demo.has_launched = True  # as app.create_app: only uploaded files are accepted as inputs
    install(app)  # sessions keyed by a server-issued secret, as in the app
    return app


def serve(port: int | None = None, registry: WanderRegistry | None = None) -> DevServer:
    """Start the server in a thread; returns once it accepts connections."""
    registry = registry or WanderRegistry()
    port = port or free_port()
    config = uvicorn.Config(build_app(registry), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="wander-dev-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the wander dev server did not start")
        time.sleep(0.05)
    return DevServer(f"http://127.0.0.1:{port}", registry, server, thread)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.INFO)
    dev = serve(7861)
    print(f"Wander at {dev.url}")
    try:
        dev.thread.join()
    except KeyboardInterrupt:
        dev.close()
