"""The crane (a rising arc), added as one vocabulary entry, one rig function and this test: it is read
from its phrases, raises and swings the rig round its subject while keeping it in view, and the
optical flow of a previz clip shows it (the picture sweeps sideways as an orbit does and slides up as
the camera tilts down to its subject, where a pedestal would slide it down)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from director.check.clip import decode_clip
from director.check.optical_flow import FlowMeter
from director.commands import parse_command
from director.plan.timeline import CameraMove, Character, Timeline
from director.run.render import render
from director.vocabulary import CAMERA_MOVES
from director.world import compile_timeline


def _timeline(directives: list[dict], duration: float = 4.0, **world) -> Timeline:
    return Timeline.model_validate({"duration": duration, "width": 320, "height": 180, "fps": 24, "seed": 2,
                                    "world": {"scene": "a city street", **world}, "directives": directives})


@pytest.mark.parametrize("text", ["crane shot over the square", "crane over the village", "rise over the scene",
                                  "the camera rises over the rooftops", "soar over the forest"])
def test_crane_phrases_read_as_a_rising_crane(text: str) -> None:
    parts = parse_command(text, [], [], use_embeddings=False).parts
    assert parts == (CameraMove(move="crane", direction="up"),)


def test_crane_up_stays_a_pedestal() -> None:
    # "crane up"/"crane down" are the operator's words for raising the camera straight up.
    assert parse_command("crane up", [], [], use_embeddings=False).parts == (CameraMove(move="pedestal", direction="up"),)


def test_crane_rises_and_arcs_round_its_subject_keeping_it_in_view() -> None:
    entry = CAMERA_MOVES["crane"]
    timeline = _timeline([{"at": 0.5, "text": "slow crane shot around the girl"}],
                         characters=[{"name": "girl", "text": "a girl in a red coat"}])
    script = compile_timeline(timeline, use_embeddings=False)
    end = 0.5 + entry.duration("slow")
    before, mid, after = (script.state_at(t) for t in (0.5, 0.5 + entry.duration("slow") / 2, end))
    cam0, cam1 = before.camera, after.camera
    assert math.isclose(cam1.y - cam0.y, entry.default_amount, abs_tol=1e-9)  # risen by the default amount
    assert cam0.y < mid.camera.y < cam1.y
    girl = after.entity("girl")
    # The camera travelled round the girl at the same ground distance, and still looks at her.
    d0 = math.hypot(girl.x - cam0.x, girl.z - cam0.z)
    d1 = math.hypot(girl.x - cam1.x, girl.z - cam1.z)
    assert math.isclose(d0, d1, rel_tol=1e-6) and abs(cam1.yaw - cam0.yaw) > 20
    bearing = math.degrees(math.atan2(girl.x - cam1.x, girl.z - cam1.z))
    assert abs((bearing - cam1.yaw + 180) % 360 - 180) < 1.0
    assert cam1.pitch < cam0.pitch - 10  # looking down at her from above
    assert script.state_at(0.5 + 1e-3).camera.y - cam0.y < 1e-3  # no jump at the start
    assert after.camera_phrase == "" and mid.camera_phrase == "slow crane shot around the girl"


def test_crane_is_seen_in_the_optical_flow(tmp_path) -> None:
    timeline = _timeline([{"at": 0.5, "text": "crane shot over the street", "duration": 3.0}])
    out = tmp_path / "crane.mp4"
    render(timeline, out, use_embeddings=False, engine_options={"embeddings": False})
    clip = decode_clip(out)
    meter = FlowMeter(clip.grey)
    width = clip.grey.shape[2]
    pairs = meter.pairs(clip.frame_at(0.6), clip.frame_at(3.4))
    sweep = sum(p.tx for p in pairs) / width
    lift = sum(p.ty for p in pairs) / width
    assert sweep >= 0.1 and np.mean([p.right for p in pairs]) > 0.5, sweep  # arcs round like an orbit right
    assert lift <= -0.05 and np.mean([p.up for p in pairs]) > 0.5, lift  # tilts down as it rises: the scene slides up
    rest = meter.pairs(clip.frame_at(3.6), clip.frame_at(3.95))
    assert sum(abs(p.tx) + abs(p.ty) for p in rest) / width < 0.01  # and then holds
