"""Process-wide allocator setting for long renders: keep RSS near the memory really in use.

glibc serves large arrays from its heap once its dynamic mmap threshold has grown, and keeps the pages
of freed textures there; a 3-minute previz render then showed RSS moving by 50-90 MB around every light
re-bake (+10 % to +19 % between minute 1 and minute 3) while live data stayed flat. Serving every array
of 16 MiB or more (chunks of frames, large baked layers) from its own mapping returns it to the OS when
freed: RSS minute 1 -> 3 measured +3.5 % (see benchmarks/README.md). The threshold was 4 MiB: that
served every temporary of a light re-bake (a 1280x720 sky is 15 MB of float32) from fresh pages, and
faulting them in cost 36 % of the CPU time of a render with a "night falls" (3 million page faults for
18 s of video; 94 000 at 16 MiB). Per-frame buffers stay on the heap, so they keep being reused. Entry points (the CLI, the app) call
this once; the library never changes process-wide settings on import.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter; setting it also turns off the dynamic threshold
LARGE_ARRAY_BYTES = 16 * 1024 * 1024


def keep_rss_near_live_memory(threshold: int = LARGE_ARRAY_BYTES) -> bool:
    """Give allocations of ``threshold`` bytes or more their own mapping. False where there is no glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    ok = bool(mallopt(M_MMAP_THRESHOLD, threshold))
    log.debug("mallopt(M_MMAP_THRESHOLD, %d) -> %s", threshold, ok)
    return ok
