"""``python -m director render`` through the session service: batches into a folder, ``--ray``, and
the errors a creator gets for a bad address or a missing Ray."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from director.cli import EXIT_FAILED, EXIT_OK, main
from director.run.render import render
from director.plan.timeline import load_timeline
from tests.clip_tools import decode_frames

ROOT = Path(__file__).parents[2]


def _timeline(folder: Path, name: str, seed: int) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"width": 160, "height": 90, "fps": 12, "duration": 1.5, "seed": seed,
                                "world": {"scene": "a quiet country road through fields"},
                                "directives": [{"at": 0.5, "text": "pan left"}]}))
    return path


def _alone(path: Path, tmp: Path) -> np.ndarray:
    """The same timeline rendered the ordinary way (this process, no service)."""
    out = render(load_timeline(path), tmp / f"alone-{path.stem}.mp4", use_embeddings=False,
                 engine_options={"embeddings": False}).path
    return decode_frames(out)


def test_a_batch_renders_every_timeline_into_the_folder_identically_to_one_at_a_time(tmp_path, capsys):
    paths = [_timeline(tmp_path, n, s) for n, s in (("a", 1), ("b", 2), ("c", 3))]
    rc = main(["render", *map(str, paths), "-o", str(tmp_path / "out"), "--no-embeddings", "--jobs", "2"])
    assert rc == EXIT_OK
    err = capsys.readouterr().err
    assert "c.json: you are next" in err, "the third take waited for one of the two slots"
    for p in paths:
        clip = tmp_path / "out" / f"{p.stem}.mp4"
        assert np.array_equal(decode_frames(clip), _alone(p, tmp_path)), clip


def test_batch_and_ray_usage_errors_are_clear(tmp_path, capsys):
    a, b = _timeline(tmp_path, "a", 1), _timeline(tmp_path, "b", 2)
    assert main(["render", str(a), str(b), "-o", str(tmp_path / "x.mp4")]) == EXIT_FAILED
    assert "-o names a folder" in capsys.readouterr().err
    assert main(["render", str(a), "-o", str(tmp_path / "x.mp4"), "--ray", "127.0.0.1:1"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "cannot reach the Ray cluster at '127.0.0.1:1'" in err and "--ray auto" in err
    assert main(["render", str(a), "-o", str(tmp_path / "x.mp4"), "--ray", "nowhere"]) == EXIT_FAILED
    assert "expected 'auto', HOST:PORT" in capsys.readouterr().err
    assert main(["render", str(a), "-o", str(tmp_path / "x.mp4"), "--ray", "auto", "--resume"]) == EXIT_FAILED
    assert "--resume" in capsys.readouterr().err


def test_without_ray_installed_the_error_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    a = _timeline(tmp_path, "a", 1)
    assert main(["render", str(a), "-o", str(tmp_path / "x.mp4"), "--ray", "auto"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "needs Ray, which is not installed" in err and "pip install ray" in err
    # ... and the in-process service never needed it
    assert main(["render", str(a), _timeline(tmp_path, "b", 2).as_posix(), "-o", str(tmp_path / "out"),
                 "--no-embeddings", "-q"]) == EXIT_OK


@pytest.mark.slow  # starts a local Ray (~15 s)
def test_render_with_ray_auto_writes_the_clip_of_an_ordinary_render(tmp_path):
    pytest.importorskip("ray")
    a = _timeline(tmp_path, "a", 4)
    out = tmp_path / "ray.mp4"
    proc = subprocess.run([sys.executable, "-m", "director", "render", str(a), "-o", str(out), "--ray", "auto",
                           "--no-embeddings", "-q"], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"wrote {out}" in proc.stdout
    assert np.array_equal(decode_frames(out), _alone(a, tmp_path))
