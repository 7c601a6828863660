"""A running app for hostile clients: a secret file beside it and a secret in its environment."""

from __future__ import annotations

import httpx
import pytest

from tests.app_server import ROOT, running_app

SECRET = "director-secret-7f3a9c"  # written to a file and put in the server's environment


@pytest.fixture(scope="package")
def hostile(tmp_path_factory):
    """A running app with a secret file beside it, a secret in its environment, its own gradio cache."""
    root = tmp_path_factory.mktemp("hostile")
    secret_file = root / "secret.txt"
    secret_file.write_text(f"{SECRET} in a file\n")
    cache = root / "gradio-cache"
    env = {"GRADIO_TEMP_DIR": str(cache), "DIRECTOR_TEST_SECRET": SECRET}
    with running_app(ROOT / "test-artifacts" / "app-security.log", env) as app:
        with httpx.Client(base_url=app.url.rstrip("/"), timeout=30) as client:
            yield client, secret_file, cache
