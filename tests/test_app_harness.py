"""Shared fixture for the app tests: ``python app.py`` on a free localhost port, in a subprocess.

The server runs exactly as a user starts it (FastAPI + Gradio + uvicorn via ``app.main``), with the
embedding model off so the suite stays fast on two cores.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.app_server import ROOT, running_app

ARTIFACTS = ROOT / "test-artifacts"
SMALL = "320x180"
SHORT_ROWS = [["0:00.5", "camera pans left", "1", "", ""], ["0:02", "it starts to snow", "", "", ""]]
HEADERS = ["time", "directive", "duration", "image", "how it was read"]
NEURAL_MODEL = "/nonexistent/Wan2.1-T2V-1.3B-Diffusers"


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
