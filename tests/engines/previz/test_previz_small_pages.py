"""Textures made block by block live in memory faulted in 4 KiB at a time, not in huge pages: writing the
columns one view reads makes resident only the pages those columns are on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from director.engines.previz import small_pages

# In a process with the allocator the CLI sets (a 13.5 MB texture is a mapping of its own, which numpy asks
# to back with huge pages): how much a layer's bake and one view's blocks of it make resident, against the
# size of its texture; and the same for numpy's zeros written the same way.
CODE = """
import mmap, sys
import numpy as np
from director.run.process_memory import keep_rss_near_live_memory
from director.engines.previz.grade import Grade
from director.engines.previz.lighting import Light
from director.engines.previz.scenes import recipe_for
from director.engines.previz.textures import bake_layer, paint_layers
from director.plan.styles import get_style
from director.world.scene_kind import choose_scene
from director.world.state import Environment

def resident():
    return int(open("/proc/self/statm").read().split()[1]) * mmap.PAGESIZE

if not keep_rss_near_live_memory():
    print("unsupported"); sys.exit(0)
recipe = recipe_for(choose_scene("a street in Paris", use_embeddings=False))
painted, grade = paint_layers(recipe, 1280, 5)[0], Grade(get_style("natural"))
layers = []  # all kept: a texture freed while measuring would take its pages off
for hour in (12.0, 19.0):  # the first bake makes what every bake starts from; the second is measured
    before = resident()
    layers.append(bake_layer(painted, Light.from_environment(Environment(hour=hour)), grade, recipe.ground,
                             recipe.indoor, True, recipe.lamps))
    layers[-1].make(0, 1000, 1300, 100, 300)
ours, layer = resident() - before, layers[-1]
plain = np.zeros(layer.tex.shape, np.uint8)
before = resident()
plain[100:300, 1000:1300] = 7
print(ours, resident() - before, layer.tex.nbytes)
"""


def test_zeros_is_a_zeroed_writable_array():
    a = small_pages.zeros((3, 5000, 4), np.float32)
    assert a.shape == (3, 5000, 4) and a.dtype == np.float32 and a.flags.writeable and a.flags.c_contiguous
    assert not a.any()
    a[1, 2] = 5.0
    assert a.sum() == 20.0
    tiny = small_pages.zeros((2, 3))
    assert tiny.shape == (2, 3) and not tiny.any()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_a_layer_made_for_one_view_makes_only_its_pages_resident():
    root = str(Path(__file__).resolve().parents[3])
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=root,
                         env={"PYTHONPATH": root}).stdout.split()
    if out == ["unsupported"]:
        pytest.skip("no glibc mallopt here")
    ours, plain, size = (int(x) for x in out)
    assert ours < size / 5, (ours, plain, size)  # 256 rows of 300 columns (64-row bands): ~256 pages of 4 KiB
    assert ours < plain or plain < size / 4  # where numpy's zeros get huge pages, ours are what avoids them
