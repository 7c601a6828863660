"""Shared fixture for the app tests: ``python app.py`` on a free localhost port, in a subprocess.

The server runs exactly as a user starts it (FastAPI + Gradio + uvicorn via ``app.main``), with the
embedding model off so the suite stays fast on two cores.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SMALL = "320x180"
SHORT_ROWS = [["0:00.5", "camera pans left", "1", "", ""], ["0:02", "it starts to snow", "", "", ""]]
HEADERS = ["time", "directive", "duration", "image", "how it was read"]
NEURAL_MODEL = "/nonexistent/Wan2.1-T2V-1.3B-Diffusers"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url() -> str:
    port = free_port()
    env = {**os.environ, "DIRECTOR_EMBEDDINGS": "0", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           # the operator's options reach the engine a take uses (test_app_api checks it with a bad path)
           "DIRECTOR_ENGINE_OPTIONS": json.dumps({"causal-wan": {"model": NEURAL_MODEL}})}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "app-server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}; see {ARTIFACTS / 'app-server.log'}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("app did not start in 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def ffprobe(path: str | Path) -> dict:
    import json

    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                          "stream=codec_type,codec_name,width,height,nb_read_frames:format=duration", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)
