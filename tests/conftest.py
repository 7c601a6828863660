import os
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@dataclass(frozen=True)
class SharedApp:
    url: str  # http://127.0.0.1:PORT/
    secret_file: Path  # a file beside the server that no client may read (the security tests try)
    cache: Path  # the server's gradio cache (GRADIO_TEMP_DIR): a server file must never be copied there


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory) -> SharedApp:
    """One ``python app.py`` for the whole session: the app tests (``app_url``) and the hostile clients of
    the security tests (``hostile``) talk to the same server, each in its own browser sessions.

    Modules import ``app_url`` from ``tests.app.test_app_harness``, and pytest keeps a separate cache for each
    module that holds the fixture function, so a server started there ran once per module, plus one for
    the security tests: four start-ups (each 7-45 s on two busy cores) and four idle servers to the end
    of the run. Starting it here, once, gives every module the same server."""
    from tests.app_server import APP_SECRET
    from tests.app.test_app_harness import start_app

    root = tmp_path_factory.mktemp("app")
    secret_file = root / "secret.txt"
    secret_file.write_text(f"{APP_SECRET} in a file\n")
    cache = root / "gradio-cache"
    with start_app({"GRADIO_TEMP_DIR": str(cache), "DIRECTOR_TEST_SECRET": APP_SECRET}) as app:
        yield SharedApp(app.url, secret_file, cache)
