"""Chunk frame arrays drawn into again once nobody holds them.

A chunk's frames are one array (12 frames of 1280x720 RGB: 33 MB). glibc maps an array that large afresh and
unmaps it when it is freed, so the kernel faulted in and zeroed every page of every chunk as its frames were
first drawn (``clear_page`` was the kernel's largest share of a render's time). ``python -m director render``
and the benchmarks let a chunk go once it is written; its array is then drawn into again. An array anyone
still holds (a live view keeping a chunk, a caller's list of chunks, a view of one frame) is never handed out
again: a new one is made. Every pixel of a frame is drawn, so what an array held before never shows.
"""

from __future__ import annotations

import sys

import numpy as np

KEPT = 2  # arrays kept for reuse (the full size and a live proxy size)


class ChunkBuffers:
    """Hands out uint8 arrays of a shape: one it made before if nothing else refers to it, else a new one."""

    def __init__(self, kept: int = KEPT) -> None:
        self._arrays: list[np.ndarray] = []
        self._kept = kept

    def get(self, shape: tuple[int, ...]) -> np.ndarray:
        for i in range(len(self._arrays)):
            # referred to by the list and getrefcount's argument alone: free to draw into again
            if self._arrays[i].shape == shape and sys.getrefcount(self._arrays[i]) == 2:
                self._arrays.insert(0, self._arrays.pop(i))
                return self._arrays[0]
        array = np.empty(shape, np.uint8)
        self._arrays = [array, *self._arrays][: self._kept]
        return array
