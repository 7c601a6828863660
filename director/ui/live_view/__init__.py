"""The live view: a running take's frames and sound in the browser over plain HTTP (MJPEG + PCM).

``LiveFeeds`` hands each feed an unguessable token; ``register_routes(app)`` serves
``/live/{token}/stream`` (MJPEG), ``/live/{token}/audio`` (PCM) and ``/live/{token}/status``;
``live_view_component()`` is the gr.HTML that draws the stream on a canvas and plays its sound.
"""

from director.ui.live_view.feeds import LiveFeeds, default_feeds

__all__ = ["LiveFeeds", "default_feeds"]
