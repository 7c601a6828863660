"""Start-up: the embedding model loads only when a rule misses, so the example starts in a second."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import sys
from director.commands.semantic import model_loaded
from director.run.director import Director
from director.plan.presets import default_timeline

d = Director(default_timeline().with_settings(width=160, height=90, duration=1.0), use_embeddings=True)
for chunk in d.run():
    pass
print("loaded" if model_loaded() else "not loaded", "sentence_transformers" in sys.modules)
"""


def test_the_example_renders_without_loading_the_embedding_model():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}).stdout.split()
    assert out == ["not", "loaded", "False"]  # every directive and the scene are read by rules
