"""The Direct tab speaks other tools' formats: a Deforum file loads as a timeline; a take exports as
OTIO, SRT/VTT and a storyboard PDF (driven with gradio_client, as in test_app_api)."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
import webvtt
from gradio_client import Client, handle_file
from pypdf import PdfReader

from tests.app.test_app_api import _file, _render
from tests.app.test_app_harness import SMALL, Api, app_url, fields_of  # noqa: F401

DATA = Path(__file__).parents[1] / "data"


@pytest.mark.slow  # a 3 s take and a storyboard: ~22 s on two busy cores
def test_a_deforum_file_loads_renders_and_exports_otio_subtitles_and_a_storyboard(app_url, tmp_path):
    client = Client(app_url, verbose=False, download_files=str(tmp_path))
    api = Api(client)
    loaded = api.predict("load_timeline", load_json=handle_file(str(DATA / "deforum_2d_settings.txt")))
    message, rows = loaded["files_msg"], loaded["table"]["data"]  # the import notes, the table
    assert "Imported deforum: 0:03.0 at 15 fps" in message and "strength_schedule" in message
    assert any('"move": "zoom"' in r[1] for r in rows) and any("glowing deer" in r[1] for r in rows)

    result, _ = _render(api, fields_of(loaded) | {"size": SMALL})
    assert "done" in result["status"]
    clip = Path(_file(result["mp4"]))

    timeline = otio.adapters.read_from_file(_file(api.predict("export_otio")["out_file"]))
    (track,) = timeline.tracks
    item = track[0]
    assert item.media_reference.target_url.endswith("take-1.mp4") and clip.name == "take-1.mp4"
    assert len(item.markers) == len(rows) and item.markers[0].marked_range.start_time.to_seconds() == 0

    srt = webvtt.from_srt(_file(api.predict("export_srt")["out_file"]))
    assert len(srt.captions) == len(rows) and any("glowing deer" in c.text for c in srt.captions)
    assert _file(api.predict("export_vtt")["out_file"]).endswith(".vtt")

    board = PdfReader(_file(api.predict("export_storyboard")["out_file"]))
    assert len(board.pages) == -(-len(rows) // 6)
    assert "zoom_into_the_forest" in board.pages[0].extract_text()


def test_a_broken_deforum_file_is_refused_with_its_problems(app_url, tmp_path):
    bad = tmp_path / "bad_settings.txt"
    bad.write_text('{"max_frames": 30, "animation_mode": "3D", "rotation_3d_y": "0:(0), 10:(__import__(1))"}')
    api = Api(Client(app_url, verbose=False, download_files=str(tmp_path / "dl")))
    message = api.predict("load_timeline", load_json=handle_file(str(bad)))["files_msg"]
    assert "cannot be loaded" in str(message) and "rotation_3d_y, keyframe 10: unknown function '__import__'" in str(message)
