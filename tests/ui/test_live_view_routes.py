"""The live view's routes as a page (and an attacker) calls them: MJPEG frames with their headers, the
sound up to the frame shown, and nothing for a token that was not handed out."""

from __future__ import annotations

import re

import numpy as np
from fastapi import FastAPI
from starlette.testclient import TestClient

from director.sinks.live_feed import LiveFeed
from director.ui.live_view.feeds import LiveFeeds
from director.ui.live_view.routes import register_routes

FPS, RATE = 24.0, 48_000


def _app(feeds: LiveFeeds) -> TestClient:
    app = FastAPI()
    register_routes(app, feeds)
    return TestClient(app)


def _feed_with_a_finished_take(frames: int = 12) -> LiveFeed:
    feed = LiveFeed(FPS, RATE)
    audio = np.full((round(frames * RATE / FPS), 2), 0.5, np.float32)
    feed.add(np.full((frames, 90, 160, 3), 128, np.uint8), audio, 0)
    feed.close()
    feed.pacer.join(5)
    return feed


def test_stream_audio_and_status_of_a_take():
    feeds = LiveFeeds()
    token = feeds.add(_feed_with_a_finished_take())
    with _app(feeds) as client:
        body = client.get(f"/live/{token}/stream").content  # the take ended: the stream ends after its last frame
        status = client.get(f"/live/{token}/status").json()
        sound = client.get(f"/live/{token}/audio", params={"from": 0})
    frames = [int(i) for i in re.findall(rb"X-Frame: (\d+)", body)]
    assert frames == [11] and b"Content-Type: image/jpeg" in body and b"\xff\xd8" in body  # the newest frame
    assert status == {"t": 11 / FPS, "stalls": 0, "stalled_s": 0.0, "ended": True}
    assert sound.headers["x-sample-start"] == "0" and sound.headers["x-sample-rate"] == str(RATE)
    assert len(sound.content) == 12 * RATE // 24 * 4  # every frame was shown: all its sound, 16-bit stereo


def test_tokens_not_handed_out_and_bad_queries_are_refused():
    feeds = LiveFeeds()
    token = feeds.add(_feed_with_a_finished_take(2))
    with _app(feeds) as client:
        for path in ("/live/x/stream", f"/live/{token[:-1]}/status", f"/live/{'a' * 5000}/audio",
                     "/live/..%2F..%2Fetc%2Fpasswd/stream", f"/live/{token}x/stream"):
            assert client.get(path).status_code == 404, path
        for value in ("-5", "9" * 40, "one", "1e9"):
            assert client.get(f"/live/{token}/audio", params={"from": value}).status_code == 422, value
        feeds.drop(token)  # the session closed
        assert client.get(f"/live/{token}/status").status_code == 404


def test_the_store_is_bounded_and_drops_ended_feeds_first():
    feeds = LiveFeeds(max_feeds=2)
    ended = _feed_with_a_finished_take(1)
    live_a, live_b = LiveFeed(FPS, RATE), LiveFeed(FPS, RATE)
    t_ended, t_a = feeds.add(ended), feeds.add(live_a)
    t_b = feeds.add(live_b)
    assert feeds.get(t_ended) is None and feeds.get(t_a) is live_a and feeds.get(t_b) is live_b
    t_c = feeds.add(LiveFeed(FPS, RATE))  # all live: the oldest one's view stops
    live_a.pacer.join(2)
    assert feeds.get(t_a) is None and live_a.frames.closed and len(feeds) == 2 and feeds.get(t_c) is not None
    for token in (t_b, t_c):
        feeds.drop(token)
