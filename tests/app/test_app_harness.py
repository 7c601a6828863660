"""Shared fixture for the app tests: ``python app.py`` on a free localhost port, in a subprocess.

The server runs exactly as a user starts it (FastAPI + Gradio + uvicorn via ``app.main``), with the
embedding model off so the suite stays fast on two cores.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from director.ui.direct.fields import EditorFields
from tests.app_server import ROOT, EndpointNames, endpoint_names, running_app

ARTIFACTS = ROOT / "test-artifacts"
SMALL = "320x180"
SHORT_ROWS = [["0:00.5", "camera pans left", "1", "", ""], ["0:02", "it starts to snow", "", "", ""]]
HEADERS = ["time", "directive", "duration", "image", "how it was read"]
NEURAL_MODEL = "/nonexistent/Wan2.1-T2V-1.3B-Diffusers"
# The editor's fields by component name, in EditorFields order (its rows are the table)
FIELDS = tuple("table" if name == "rows" else name for name in EditorFields.names())


class Api:
    """A gradio_client ``Client`` whose endpoints are called by api_name with inputs by name, and answer
    with outputs by name (component elem_ids, see ``tests.app_server.component_name``): ``out["status"]``."""

    def __init__(self, client):
        self.client = client
        self.endpoints = endpoint_names(client.config)

    def endpoint(self, api_name: str) -> EndpointNames:
        return self.endpoints[api_name.lstrip("/")]

    def predict(self, api_name: str, **values) -> dict:
        ep = self.endpoint(api_name)
        return ep.named(self.client.predict(*ep.args(values, api_name), api_name=f"/{api_name.lstrip('/')}"))

    def submit(self, api_name: str, **values):
        """A job (``.done()``, ``.status()``); read its answer with ``result``."""
        ep = self.endpoint(api_name)
        return self.client.submit(*ep.args(values, api_name), api_name=f"/{api_name.lstrip('/')}")

    def result(self, api_name: str, job) -> dict:
        return self.endpoint(api_name).named(job.result())


def fields_of(out: dict) -> dict:
    """The editor's fields from an answer that shows them all (a load, a take's end)."""
    return {name: out[name] for name in FIELDS}


def start_app(env: dict[str, str] | None = None):
    """The app the app and security tests share (started once per session by ``shared_app`` in
    ``conftest.py``); ``env`` is added to its environment."""
    env = {  # the operator's options reach the engine a take uses (test_app_api checks it with a bad path)
        "DIRECTOR_ENGINE_OPTIONS": json.dumps({"causal-wan": {"model": NEURAL_MODEL}}), **(env or {})}
    return running_app(ARTIFACTS / "app-server.log", env)


@pytest.fixture(scope="session")
def app_url(shared_app) -> str:
    return shared_app.url


def ffprobe(path: str | Path) -> dict:
    import json

    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                          "stream=codec_type,codec_name,width,height,nb_read_frames:format=duration", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)
