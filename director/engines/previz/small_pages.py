"""Zeroed arrays whose memory is faulted in 4 KiB at a time, for textures made block by block as views ask.

numpy advises the kernel to back arrays of 4 MiB or more with transparent huge pages, so the first write
anywhere in 2 MiB of a fresh array has the kernel zero all of it. A layer texture (14 MB at 1280x720) is made
in blocks of the columns a view reads, a few KB of each ~24 KB row, so huge pages zeroed all of it where small
pages zero ~a quarter: baking a light transition's anchor took ~1.3 ms a frame of "night falls" with huge
pages, 0.4 ms without (the same texels; see benchmarks/README.md). Arrays written whole gain nothing here.
"""

from __future__ import annotations

import mmap

import numpy as np


def zeros(shape: tuple[int, ...], dtype=np.uint8) -> np.ndarray:
    """``np.zeros(shape, dtype)`` in an anonymous private mapping of its own without huge pages: pages are zero
    until written, and the mapping is returned to the system when the array is freed."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size < mmap.PAGESIZE or not (hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS")):
        return np.zeros(shape, dtype)  # (Windows' mmap takes no flags)
    memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if hasattr(mmap, "MADV_NOHUGEPAGE"):  # (Linux) where the kernel backs all memory with huge pages by default
        memory.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(memory, dtype).reshape(shape)
