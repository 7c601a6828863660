import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def shared_app_url() -> str:
    """One ``python app.py`` for the whole session, for every module that asks for ``app_url``.

    Modules import ``app_url`` from ``tests.test_app_harness``, and pytest keeps a separate cache for
    each module that holds the fixture function, so a server started there ran once per module (three
    start-ups, three idle servers to the end of the run). Starting it here, once, and having
    ``app_url`` ask for it gives every module the same server."""
    from tests.test_app_harness import start_app

    with start_app() as app:
        yield app.url
