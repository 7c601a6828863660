"""The allocator setting the entry points apply (glibc only)."""

import subprocess
import sys
from pathlib import Path

import pytest

CODE = """
import sys
import numpy as np
from director.run.process_memory import keep_rss_near_live_memory

def rss():
    return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024

if sys.argv[1] == "on" and not keep_rss_near_live_memory():
    print("unsupported"); sys.exit(0)
base = rss()
a = np.ones(20 << 20, np.uint8); del a  # by default glibc now serves 20 MiB blocks from its heap
arrays = [np.ones(20 << 20, np.uint8) for _ in range(16)]
after = [np.ones(200_000, np.uint8) for _ in range(100)]  # later heap data: the freed blocks cannot shrink from the top
del arrays
print(rss() - base)
"""


def _retained_mb(mode: str) -> str:
    root = str(Path(__file__).resolve().parents[2])
    return subprocess.run([sys.executable, "-c", CODE, mode], capture_output=True, text=True, check=True,
                          cwd=root, env={"PYTHONPATH": root}).stdout.strip()


def test_freed_large_arrays_go_back_to_the_os():
    on = _retained_mb("on")
    if on == "unsupported":
        pytest.skip("no glibc mallopt here")
    off = _retained_mb("off")
    assert int(on) < 60  # 320 MB were allocated and freed
    assert int(off) > 200  # without it glibc keeps them: the setting is what makes the difference


TRIM_CODE = """
import sys, threading
import numpy as np
from director.run.process_memory import keep_rss_near_live_memory, limit_malloc_arenas, release_free_memory

def rss():
    return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024

keep_rss_near_live_memory(); limit_malloc_arenas()
held = []
def session():  # a finished session: medium arrays on a worker thread's heap, one small survivor on top
    arrays = [np.ones(500_000, np.uint8) for _ in range(400)]
    held.append(np.ones(1000, np.uint8))
    del arrays
base = rss()
t = threading.Thread(target=session); t.start(); t.join()
before = rss() - base
if not release_free_memory():
    print("unsupported"); sys.exit(0)
print(before, rss() - base)
"""


def test_a_finished_sessions_memory_is_returned_by_release_free_memory():
    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run([sys.executable, "-c", TRIM_CODE], capture_output=True, text=True, check=True,
                         cwd=root, env={"PYTHONPATH": root}).stdout.strip()
    if out == "unsupported":
        pytest.skip("no glibc malloc_trim here")
    before, after = map(int, out.split())
    assert after < 40 and after < before / 2, (before, after)  # 200 MB were allocated and freed on the thread


FAULTS_CODE = """
import resource, sys
import numpy as np
from director.run.process_memory import keep_rss_near_live_memory

kept = int(sys.argv[1])
if not (keep_rss_near_live_memory(heap_top=kept) if kept else keep_rss_near_live_memory()):
    print("unsupported"); sys.exit(0)
warm = np.ones(3 << 20, np.uint8); del warm
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):  # a frame's temporary (under the mmap threshold), made and freed per frame
    a = np.ones(3 << 20, np.uint8)
    del a
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(heap_top: int) -> str:
    root = str(Path(__file__).resolve().parents[2])
    return subprocess.run([sys.executable, "-c", FAULTS_CODE, str(heap_top)], capture_output=True, text=True,
                          check=True, cwd=root, env={"PYTHONPATH": root}).stdout.strip()


def test_a_frames_freed_temporaries_are_reused_without_page_faults():
    kept = _faults(0)  # the entry points' setting
    if kept == "unsupported":
        pytest.skip("no glibc mallopt here")
    trimmed = _faults(128 * 1024)  # glibc's own trim threshold: the heap top is returned and faulted in again
    pages = (3 << 20) // 4096
    assert int(kept) < pages, kept  # 100 arrays of 768 pages: reused, not faulted in per frame
    assert int(trimmed) > 50 * pages, trimmed  # the difference is the setting
