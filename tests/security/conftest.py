"""Hostile clients of the running app, which has a secret file beside it and a secret in its environment
(the session's shared app: ``shared_app`` in ``tests/conftest.py``)."""

from __future__ import annotations

import httpx
import pytest

from tests.app_server import APP_SECRET

SECRET = APP_SECRET  # written to a file and put in the server's environment


@pytest.fixture(scope="package")
def hostile(shared_app):
    """(an httpx client of the app, the secret file beside it, its gradio cache)."""
    with httpx.Client(base_url=shared_app.url.rstrip("/"), timeout=30) as client:
        yield client, shared_app.secret_file, shared_app.cache
