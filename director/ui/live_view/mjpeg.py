"""A ``FrameBus`` as an HTTP MJPEG stream (multipart/x-mixed-replace), for Wander and the live view.

Each part is one JPEG with headers the page reads: ``X-Frame`` (index), ``X-Time`` (video seconds),
``X-Input`` (the input counter applied). Only the newest frame is sent: a slow reader skips frames
instead of falling behind. The page reads the stream with fetch (to see the headers) and draws on a canvas.
"""

from __future__ import annotations

from typing import AsyncIterator, Callable

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from director.sinks.frame_bus import FrameBus

BOUNDARY = "liveframe"
IDLE_TIMEOUT = 1.0  # seconds between disconnect checks when no frame comes


def mjpeg_stream(bus: FrameBus, request: Request, *, alive: Callable[[], bool],
                 watching: Callable[[int], None] | None = None) -> StreamingResponse:
    """Stream ``bus`` until it closes (``alive()`` false and its last frame sent) or the client leaves.
    ``watching(+1 / -1)`` is told when the stream opens and ends."""

    async def parts() -> AsyncIterator[bytes]:
        if watching is not None:
            watching(+1)
        try:
            yield f"--{BOUNDARY}\r\n".encode()
            last = 0
            while alive() or (bus.latest is not None and bus.latest.seq > last):
                f = await bus.next(last, IDLE_TIMEOUT)
                if f is None:
                    if bus.closed and (bus.latest is None or bus.latest.seq <= last):
                        break
                    if await request.is_disconnected():
                        break
                    continue
                last = f.seq
                head = (f"Content-Type: image/jpeg\r\nContent-Length: {len(f.jpeg)}\r\nX-Frame: {f.index}\r\n"
                        f"X-Time: {f.t:.4f}\r\nX-Input: {f.input_seq}\r\n\r\n").encode()
                # The boundary goes right after each frame: browsers show a part once the next boundary arrives.
                yield head + f.jpeg + f"\r\n--{BOUNDARY}\r\n".encode()
        finally:
            if watching is not None:
                watching(-1)

    return StreamingResponse(parts(), media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def pcm_response(pcm: bytes, start: int, sample_rate: int) -> Response:
    """Sound for the page's WebAudio player: 16-bit stereo PCM from sample ``start``."""
    return Response(pcm, media_type="application/octet-stream",
                    headers={"Cache-Control": "no-store", "X-Sample-Start": str(start),
                             "X-Sample-Rate": str(sample_rate)})
