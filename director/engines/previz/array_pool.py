"""Arrays drawn into again once nobody holds them.

A chunk's frames are one array (12 frames of 1280x720 RGB: 33 MB). glibc maps an array that large afresh and
unmaps it when it is freed, so the kernel faulted in and zeroed every page of every chunk as its frames were
first drawn (``clear_page`` was the kernel's largest share of a render's time). ``python -m director render``
and the benchmarks let a chunk go once it is written; its array is then drawn into again. A light transition
bakes a sky every few frames (texels and glow, ~9 MB at 1280): the heap grew around them and faulted in fresh
pages for each. An array anyone still holds (a live view keeping a chunk, a caller's list of chunks, a view
of one frame, a sky still cached) is never handed out again: a new one is made. Every element of a chunk's
frames and of a sky's glow is written before it is read, so what an array held before never shows.
"""

from __future__ import annotations

import sys

import numpy as np


class ArrayPool:
    """Hands out arrays of a shape and type: one it made before if nothing else refers to it, else a new one
    (it keeps the ``kept`` last handed out)."""

    def __init__(self, kept: int) -> None:
        self._arrays: list[np.ndarray] = []
        self._kept = kept

    def get(self, shape: tuple[int, ...], dtype=np.uint8) -> np.ndarray:
        for i in range(len(self._arrays)):
            # referred to by the list and getrefcount's argument alone: free to write into again
            if (self._arrays[i].shape == shape and self._arrays[i].dtype == dtype
                    and sys.getrefcount(self._arrays[i]) == 2):
                self._arrays.insert(0, self._arrays.pop(i))
                return self._arrays[0]
        array = np.empty(shape, dtype)
        self._arrays = [array, *self._arrays][: self._kept]
        return array
