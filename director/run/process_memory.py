"""Process-wide allocator setting for long renders: keep RSS near the memory really in use.

glibc serves large arrays from its heap once its dynamic mmap threshold has grown, and keeps the pages
of freed textures there; a 3-minute previz render then showed RSS moving by 50-90 MB around every light
re-bake (+10 % to +19 % between minute 1 and minute 3) while live data stayed flat. Serving every array
of 8 MiB or more (chunks of frames, skies being baked, large layers) from its own mapping returns it to
the OS when freed (see benchmarks/README.md for RSS over a 3-minute render). The threshold was 4 MiB:
that served the many smaller temporaries of a light re-bake from fresh pages, and faulting them in cost
36 % of the CPU time of a render with a "night falls" (3.1 million page faults for 18 s of video; 0.34
million at 8 MiB, 12.2 -> 2.0 s of system time). 16 MiB cost as little but let RSS grow +14 % from
minute 1 to 3. Per-frame buffers stay on the heap, so they keep being reused. Entry points (the CLI, the app) call
this once; the library never changes process-wide settings on import.

Setting the mmap threshold also fixes glibc's trim threshold at its 128 KiB default: every time the top of
the heap was free (a frame's temporaries released), glibc handed those pages back with ``brk`` and the next
frame faulted them in again, 1.8 million page faults (~8 s of system time) for the 20 s example. Up to
``HEAP_TOP_KEPT`` bytes of free heap top are now kept for reuse (0.3 million faults, ~4 s).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter; setting it also turns off the dynamic threshold
M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter: free heap top kept before it is returned with brk
LARGE_ARRAY_BYTES = 8 * 1024 * 1024
HEAP_TOP_KEPT = 32 * 1024 * 1024  # a frame's worth of temporaries (several 1280x720 RGBA planes) and then some


def keep_rss_near_live_memory(threshold: int = LARGE_ARRAY_BYTES, heap_top: int = HEAP_TOP_KEPT) -> bool:
    """Give allocations of ``threshold`` bytes or more their own mapping, and keep up to ``heap_top`` bytes of
    free heap top for the next frame's temporaries. False where there is no glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    ok = bool(mallopt(M_MMAP_THRESHOLD, threshold))
    ok = bool(mallopt(M_TRIM_THRESHOLD, heap_top)) and ok
    log.debug("mallopt(M_MMAP_THRESHOLD, %d), mallopt(M_TRIM_THRESHOLD, %d) -> %s", threshold, heap_top, ok)
    return ok


M_ARENA_MAX = -8  # glibc's mallopt parameter: how many heaps threads may spread their allocations over
APP_ARENAS = 2  # the app's many worker threads each took a heap of their own: freed pages stayed in them


def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = APP_ARENAS) -> bool:
    """Let all threads share ``arenas`` heaps. A server runs handlers on dozens of threads; glibc gives
    each its own heap (up to 8 per core), and what a finished session freed stays spread over them.
    False where there is no glibc."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Give freed heap pages back to the OS (glibc ``malloc_trim``): call when a session ends, so
    the server's RSS falls back instead of holding each finished session's peak. False without glibc."""
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    return bool(libc.malloc_trim(0))
