"""HTTP routes of the live view, on the app's own server (FastAPI):

- ``GET /live/{token}/stream``  MJPEG of the take's frames at their video time (``mjpeg.py``);
- ``GET /live/{token}/audio?from=N`` its sound from sample N up to the frame on screen: 16-bit stereo
  PCM (headers X-Sample-Start, X-Sample-Rate); the page plays it through WebAudio when unmuted;
- ``GET /live/{token}/status``  JSON: the video time on screen, stalls, whether the take ended.

The token is the capability (``feeds.py``): unknown or forgotten tokens get 404.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from director.sinks.live_feed import LiveFeed
from director.ui.live_view.feeds import LiveFeeds, default_feeds
from director.ui.live_view.mjpeg import mjpeg_stream, pcm_response

MAX_TOKEN_CHARS = 64  # longer than any token handed out: refused before a lookup


def register_routes(app: FastAPI, feeds: LiveFeeds | None = None) -> None:
    """Add the live view's routes to ``app`` (before mounting gradio at "/")."""
    feeds = feeds or default_feeds()

    def feed_of(token: str) -> LiveFeed:
        feed = feeds.get(token) if len(token) <= MAX_TOKEN_CHARS else None
        if feed is None:
            raise HTTPException(404, "no such live view (the take ended long ago, or the link is wrong)")
        return feed

    @app.get("/live/{token}/stream")
    async def stream(token: str, request: Request) -> StreamingResponse:
        feed = feed_of(token)
        return mjpeg_stream(feed.frames, request, alive=lambda: not feed.frames.closed)

    @app.get("/live/{token}/audio")
    async def audio(token: str, start: int = Query(-1, alias="from", ge=-1, le=2**53)) -> Response:
        part = feed_of(token).audio(start)
        return pcm_response(part.pcm, part.start, part.sample_rate)

    @app.get("/live/{token}/status")
    async def status(token: str) -> JSONResponse:
        feed = feed_of(token)
        return JSONResponse({"t": feed.shown_seconds, "stalls": feed.pacer.stalls,
                             "stalled_s": round(feed.pacer.stalled_s, 3), "ended": feed.frames.closed})
