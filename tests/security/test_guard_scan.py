"""The guard learns which browser was shown a cache file from text answers only: a binary stream (the
live view's JPEG frames) is passed on unread, however it happens to look."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from starlette.testclient import TestClient

from director.security.guard import SessionGuard
from director.security.owner import COOKIE, owner_tag


def test_text_answers_are_scanned_for_cache_paths_binary_ones_are_not(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    named_in_json, named_in_jpeg = str(cache / "a" / "clip.mp4"), str(cache / "b" / "secret.mp4")
    app = FastAPI()

    @app.get("/answer")
    async def answer() -> JSONResponse:
        return JSONResponse({"video": {"path": named_in_json}})

    @app.get("/frame.jpg")
    async def frame() -> Response:
        return Response(b"\xff\xd8 " + named_in_jpeg.encode() + b" \xff\xd9", media_type="image/jpeg")

    guard = SessionGuard(app, cache_dirs=[str(cache)])
    with TestClient(guard) as client:
        assert client.get("/answer").status_code == 200
        tag = owner_tag(client.cookies[COOKIE])
        assert client.get("/frame.jpg").status_code == 200
    assert guard.may_read(named_in_json, tag)  # shown to this browser in JSON: it may fetch it
    assert not guard.may_read(named_in_jpeg, tag)  # bytes of an image are not a listing of files
