"""HTTP routes of Wander, on the app's own server (FastAPI):

- ``GET  /wander/{token}/stream``  multipart/x-mixed-replace MJPEG (``director/ui/live_view/mjpeg.py``;
  the page reads it with fetch to draw on a canvas and to see each frame's headers);
- ``POST /wander/{token}/input``   ``{"held": [...], "run": bool, "drag": degrees, "seq": n}``;
- ``GET  /wander/{token}/frame.jpg`` the newest frame;
- ``GET  /wander/{token}/status``  JSON: time, state, render and display delay, live size ("live 960x540 · preview");
- ``GET  /wander/{token}/audio?from=N`` the chunks' sound from sample N on: 16-bit stereo PCM
  (headers X-Sample-Start, X-Sample-Rate); the page plays it through WebAudio when unmuted.

The token is handed only to the session that entered the world (an unguessable capability).
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, StringConstraints

from director.ui.live_view.mjpeg import mjpeg_stream, pcm_response
from director.ui.wander.registry import WanderRegistry, WanderSession


class InputMessage(BaseModel):
    held: list[Annotated[str, StringConstraints(max_length=32)]] = Field(default_factory=list, max_length=16)
    run: bool = False
    drag: float = 0.0
    seq: int = Field(default=0, ge=0, le=2**53)  # the page counts up from 0; bounded so no huge ints


def _session(registry: WanderRegistry, token: str) -> WanderSession:
    s = registry.by_token(token)
    if s is None or s.world is None:
        raise HTTPException(404, "no such world (it ended, or the tab entered another)")
    return s


def register_routes(app: FastAPI, registry: WanderRegistry | None = None) -> None:
    """Add the Wander routes to ``app`` (before mounting gradio at "/")."""
    if registry is None:
        from director.ui.wander import default_registry

        registry = default_registry()

    @app.get("/wander/{token}/stream")
    async def stream(token: str, request: Request) -> StreamingResponse:
        s = _session(registry, token)
        world = s.world
        assert world is not None
        return mjpeg_stream(world.frames, request, alive=lambda: world.alive,
                            watching=lambda step: registry.watched(s, step))

    @app.post("/wander/{token}/input")
    async def send_input(token: str, message: InputMessage) -> JSONResponse:
        s = _session(registry, token)
        assert s.world is not None
        drag = message.drag if math.isfinite(message.drag) else 0.0
        s.world.input.update(message.held, run=message.run, drag=drag, seq=message.seq)
        return JSONResponse({"ok": True, "t": round(s.world.time, 3)})

    @app.get("/wander/{token}/frame.jpg")
    async def frame(token: str) -> Response:
        s = _session(registry, token)
        assert s.world is not None
        f = s.world.frames.latest
        if f is None:
            raise HTTPException(404, "no frame yet")
        return Response(f.jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store", "X-Frame": str(f.index)})

    @app.get("/wander/{token}/audio")
    async def audio(token: str, start: int = Query(-1, alias="from")) -> Response:
        s = _session(registry, token)
        assert s.world is not None
        part = s.world.sound.since(start)
        return pcm_response(part.pcm, part.start, part.sample_rate)

    @app.get("/wander/{token}/status")
    async def status(token: str) -> JSONResponse:
        s = _session(registry, token)
        w = s.world
        assert w is not None
        return JSONResponse({"state": w.state, "t": round(w.time, 3), "render_ms": round(w.render_seconds * 1e3, 1),
                             "delay_ms": round(w.delay * 1e3, 1), "error": w.error,
                             "watchers": w.frames.subscribers, "live": w.live.describe()})
