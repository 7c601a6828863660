"""``python app.py --ray auto``: the Direct tab's takes run on Ray actors, the app server writes the clip."""

from __future__ import annotations

import time

import pytest
from gradio_client import Client

from tests.app_server import running_app
from tests.app.test_app_harness import ARTIFACTS, HEADERS, SMALL, Api, ffprobe, fields_of

pytest.importorskip("ray")
pytestmark = pytest.mark.slow

PRESET = "Paris 1980s walk (built-in example)"


def test_a_short_take_runs_on_ray(tmp_path):
    log = ARTIFACTS / "app-ray.log"
    with running_app(log, args=["--ray", "auto"], env={"RAY_DISABLE_USAGE_STATS": "1"}) as app:
        assert "takes run on RayService(" in log.read_text()
        api = Api(Client(app.url, verbose=False, download_files=str(tmp_path)))
        fields = fields_of(api.predict("load_preset", preset=PRESET)) | {
            "size": SMALL, "duration": 8.0,  # paced: the command arrives before the end
            "table": {"headers": HEADERS, "data": [["0:00.5", "camera pans left", "1", "", ""]]}}
        job = api.submit("start", **fields)
        sent = None
        deadline = time.monotonic() + 180
        while not job.done() and time.monotonic() < deadline:
            if sent is None and "rendering" in str(job.outputs()[-1:]):
                sent = api.predict("send_command", command="it starts to rain")
            time.sleep(0.1)
        result = api.result("start", job)
    assert sent is not None and "next chunk" in sent["status"]
    assert "done" in result["status"] and "it starts to rain" in result["status"], result["status"]
    path = result["mp4"]["value"] if isinstance(result["mp4"], dict) else result["mp4"]
    path = path["path"] if isinstance(path, dict) else path
    video = next(s for s in ffprobe(path)["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"], int(video["nb_read_frames"])) == (320, 180, 192)
