"""Rendering timelines to MP4 through the whole pipeline, checked on the written file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from director.sinks.clip_writer import complete_frames
from director.run.render import ResumeError, render
from director.plan.timeline import timeline_from_data
from tests.clip_tools import audio_stream, decode_audio, decode_frames, probe, video_stream

SMALL = {"width": 320, "height": 180, "fps": 24}


def tl(directives=(), duration=3.0, scene="a quiet country road through fields", characters=(), **kw):
    return timeline_from_data({**SMALL, "duration": duration, "seed": 5, **kw,
                               "world": {"scene": scene, "characters": list(characters)},
                               "directives": list(directives)})


def test_clip_has_the_size_rate_frames_duration_and_sound_asked_for(tmp_path):
    result = render(tl(duration=2.5), tmp_path / "clip.mp4", use_embeddings=False)
    assert result.path == tmp_path / "clip.mp4" and result.frames == 60
    info = probe(result.path)
    v, a = video_stream(info), audio_stream(info)
    assert (v["codec_name"], v["width"], v["height"], v["pix_fmt"]) == ("h264", 320, 180, "yuv420p")
    assert v["r_frame_rate"] == "24/1" and int(v["nb_read_frames"]) == 60
    assert float(info["format"]["duration"]) == pytest.approx(2.5, abs=0.05)
    assert (a["codec_name"], a["sample_rate"], a["channels"]) == ("aac", "48000", 2)
    assert not (tmp_path / "clip.mp4.part").exists() and not (tmp_path / "clip.mp4.director").exists()


def test_same_timeline_and_seed_give_identical_frames_and_sound(tmp_path):
    t = tl([{"at": 0.5, "text": "it starts to rain"}, {"at": 1, "camera": {"move": "pan", "direction": "left"}}], duration=2)
    a = render(t, tmp_path / "a.mp4", use_embeddings=False).path
    b = render(t, tmp_path / "b.mp4", use_embeddings=False).path
    assert np.array_equal(decode_frames(a), decode_frames(b))
    assert np.array_equal(decode_audio(a), decode_audio(b))


def _shift(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float32)
    (dx, dy), _ = cv2.phaseCorrelate(ga, gb)
    return dx, dy


def test_pan_right_moves_the_picture_left_and_tilt_up_moves_it_down(tmp_path):
    t = tl([{"at": 0, "camera": {"move": "pan", "direction": "right", "amount": 20}, "duration": 2},
            {"at": 2, "camera": {"move": "tilt", "direction": "up", "amount": 10}, "duration": 1.5}], duration=4)
    frames = decode_frames(render(t, tmp_path / "pan.mp4", use_embeddings=False).path)
    dx, _ = _shift(frames[20], frames[26])  # mid-pan
    assert dx < -1.0
    _, dy = _shift(frames[60], frames[66])  # mid-tilt
    assert dy > 0.5


def test_zoom_in_scales_the_picture_about_its_centre(tmp_path):
    t = tl([{"at": 0.5, "camera": {"move": "zoom", "direction": "in", "amount": 2}, "duration": 1}], duration=2.5)
    frames = decode_frames(render(t, tmp_path / "zoom.mp4", use_embeddings=False).path)
    before, after = frames[0].astype(np.float32), frames[-1].astype(np.float32)
    h, w = before.shape[:2]

    def error(scale: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 0, scale)
        return float(np.abs(cv2.warpAffine(before, m, (w, h)) - after)[h // 4: 3 * h // 4, w // 4: 3 * w // 4].mean())

    scales = np.linspace(1.0, 3.0, 41)
    best = scales[int(np.argmin([error(s) for s in scales]))]
    assert best == pytest.approx(2.0, abs=0.25)


def test_night_darkens_the_picture_and_rain_raises_the_sound(tmp_path):
    t = tl([{"at": 0.5, "text": "night falls", "duration": 1}, {"at": 2.5, "text": "it starts to pour", "duration": 0.5}], duration=4.5)
    path = render(t, tmp_path / "night.mp4", use_embeddings=False).path
    frames = decode_frames(path)
    assert frames[60].mean() < 0.6 * frames[0].mean()
    audio = decode_audio(path).mean(axis=1)
    sr = 48000

    def band_energy(seg: np.ndarray) -> float:
        spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
        freqs = np.fft.rfftfreq(len(seg), 1 / sr)
        return float(spec[(freqs > 2000) & (freqs < 12000)].sum())

    dry, wet = audio[int(1.5 * sr): int(2.3 * sr)], audio[int(3.5 * sr): int(4.3 * sr)]
    assert band_energy(wet) > 3 * band_energy(dry)


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "director", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})


@pytest.mark.slow  # a 16 s render killed, resumed and rendered again: ~25-35 s on 2 busy cores
def test_killed_render_leaves_a_playable_part_and_resume_completes_it_identically(tmp_path):
    t = tl([{"at": 1, "text": "pan left"}, {"at": 4, "text": "it starts to snow"}], duration=16,
           characters=[{"name": "girl", "text": "a girl"}])
    total = 16 * 24
    spec = tmp_path / "t.json"
    spec.write_text(t.to_json())
    out = tmp_path / "clip.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "director", "render", str(spec), "-o", str(out), "-q", "--no-embeddings"],
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}, start_new_session=True)
    checkpoints = tmp_path / "clip.mp4.director" / "checkpoints"
    part = tmp_path / "clip.mp4.part"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if checkpoints.is_dir() and len(list(checkpoints.iterdir())) >= 2 and complete_frames(part) >= 24:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # python and its ffmpeg die together, mid-write
    proc.wait()
    assert part.exists() and not out.exists(), "the render finished before it could be killed"
    # The .part plays: a player reads it and it decodes from the start up to where it was cut.
    made = complete_frames(part)
    assert 24 <= made < total
    assert subprocess.run(["ffprobe", "-v", "error", str(part)], capture_output=True).returncode == 0

    resumed = _cli("render", str(spec), "-o", str(out), "--resume", "-q", "--no-embeddings")
    assert resumed.returncode == 0, resumed.stderr
    reference = render(t, tmp_path / "ref.mp4", use_embeddings=False).path
    got, want = decode_frames(out), decode_frames(reference)
    assert got.shape == want.shape == (total, 180, 320, 3)
    assert np.array_equal(got, want)
    a, b = decode_audio(out), decode_audio(reference)
    n = min(len(a), len(b))
    assert abs(len(a) - len(b)) <= 1024 and np.abs(a[:n] - b[:n]).max() < 1e-3
    assert not part.exists()


def test_resume_with_nothing_to_resume_says_so(tmp_path):
    with pytest.raises(ResumeError, match="nothing to resume"):
        render(tl(), tmp_path / "none.mp4", resume=True, use_embeddings=False)


def test_stop_publishes_what_was_made(tmp_path):
    import threading

    stop = threading.Event()
    seen = []

    def progress(p):
        seen.append(p.frames_done)
        if p.frames_done >= 24:
            stop.set()

    result = render(tl(duration=5), tmp_path / "stopped.mp4", stop=stop, on_progress=progress, use_embeddings=False)
    assert result.stopped and result.frames == 24
    assert int(video_stream(probe(result.path))["nb_read_frames"]) == 24


# -- command line -------------------------------------------------------------------------------

def test_cli_validate_lists_every_problem_with_its_place(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"duration": 10, "directives": [
        {"at": 3, "camera": {"move": "zoomm"}}, {"at": "1:xx", "text": "pan left"}, {"at": 12, "text": "night falls"}]}))
    r = _cli("validate", str(bad))
    assert r.returncode == 1
    assert "directive 0 (at 0:03.0): camera.move: unknown value 'zoomm' — did you mean 'zoom'?" in r.stderr
    assert "directive 1 (at ?): at: cannot read time '1:xx'" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_validate_reports_directives_kept_as_prompts(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"duration": 10, "directives": [{"at": 1, "text": "pan left"}, {"at": 2, "text": "bake a cake"}]}))
    r = _cli("validate", str(good), "--no-embeddings")
    assert r.returncode == 0, r.stderr
    assert "'bake a cake' not understood; kept as a prompt" in r.stdout and "valid" in r.stdout


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("{not json", "line 1, column 2: invalid JSON"),
    ('{"duration": 400}', "longer than max_duration"),
])
def test_cli_bad_files_get_clear_messages(tmp_path, content, message):
    path = tmp_path / "t.json"
    if content is not None:
        path.write_text(content)
    r = _cli("render", str(path), "-o", str(tmp_path / "o.mp4"))
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr


def test_cli_bad_options_and_outputs(tmp_path):
    spec = tmp_path / "t.json"
    spec.write_text(json.dumps({"duration": 1, **SMALL}))
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--size", "big")
    assert r.returncode == 2 and "size must look like 1280x720" in r.stderr
    r = _cli("render", str(spec), "-o", str(tmp_path / "missing" / "o.mp4"))
    assert r.returncode == 1 and "directory does not exist" in r.stderr
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--engine", "previs")
    assert r.returncode == 1 and "did you mean 'previz'" in r.stderr
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--size", "321x180")
    assert r.returncode == 1 and "even width and height" in r.stderr


def test_cli_render_overrides_and_reports(tmp_path):
    spec = tmp_path / "t.json"
    spec.write_text(json.dumps({"duration": 30, "world": {"scene": "a beach"}}))
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--duration", "1", "--size", "160x90", "--fps", "12",
             "--seed", "3", "-q", "--no-embeddings")
    assert r.returncode == 0, r.stderr
    v = video_stream(probe(tmp_path / "o.mp4"))
    assert (v["width"], v["height"], v["r_frame_rate"], int(v["nb_read_frames"])) == (160, 90, "12/1", 12)
    assert "wrote" in r.stdout and "real time" in r.stdout


@pytest.mark.slow  # causal-wan's import (diffusers) in a subprocess: ~22-36 s on 2 busy cores
def test_cli_engine_options_reach_the_engine_and_bad_ones_are_named(tmp_path):
    spec = tmp_path / "t.json"
    spec.write_text(json.dumps({"duration": 1, **SMALL}))
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--engine-option", "colour=12", "-q")
    assert r.returncode == 1 and "engine option 'colour' for previz: unknown" in r.stderr \
        and "(from command line --engine-option colour=12;" in r.stderr
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--engine-option", "oops")
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr
    r = _cli("render", str(spec), "-o", str(tmp_path / "o.mp4"), "--engine", "causal-wan", "--engine-option",
             f"model={tmp_path / 'no-such-model'}", "-q")
    assert r.returncode == 1 and "no-such-model" in r.stderr and "Traceback" not in r.stderr
