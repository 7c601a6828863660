"""Process-wide OpenCV thread-pool setting for renders that share the cores with the encoder: OpenCV's
idle worker threads sleep instead of spinning.

Between two parallel jobs OpenCV's worker threads busy-wait (``sched_yield`` in a loop). In ``python -m
director render`` the engine's OpenCV threads share two cores with ffmpeg's encoder: strace counted
248 000 ``sched_yield`` calls by one worker for the 20 s example, and the spinning took CPU the encoder
needed (default 20.2-21.1 s wall and 31-32 CPU s; passive waiting 18.2-19.9 s and 26-28 CPU s at load ~2;
see benchmarks/README.md, "Fourth pass on previz speed"). OpenCV reads these settings once, when it is
imported, so entry points call this before anything imports ``cv2``; the library never changes
process-wide settings on import.
"""

from __future__ import annotations

import os
import sys

PASSIVE_WAIT = {  # OpenCV's parallel_impl settings: no active-wait rounds for workers or the calling thread
    "OPENCV_THREAD_POOL_ACTIVE_WAIT_PAUSE_LIMIT": "0",
    "OPENCV_THREAD_POOL_ACTIVE_WAIT_WORKER": "0",
    "OPENCV_THREAD_POOL_ACTIVE_WAIT_MAIN": "0",
}


def opencv_threads_wait_passively() -> bool:
    """Make OpenCV's idle worker threads sleep rather than spin. False, and nothing set, once ``cv2`` is
    imported (it would not take effect). A value already in the environment is kept: the user's wins."""
    if "cv2" in sys.modules:
        return False
    for name, value in PASSIVE_WAIT.items():
        os.environ.setdefault(name, value)
    return True
