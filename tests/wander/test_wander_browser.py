"""Wander in the real browser (Debian's Chromium via Playwright) against a small server with the tab.

Frames are read back from the page's canvas, i.e. what the user sees. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from director.run.director import Director
from director.plan.timeline import load_timeline
from director.ui.wander.registry import WanderRegistry
from director.ui.wander.replay import replay_digests
from director.ui.wander.world import frame_digest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from director.ui.wander.dev_server import serve

    dev = serve(registry=WanderRegistry(root=tmp_path_factory.mktemp("wander"), keep_digests=True))
    yield dev
    dev.close()


@pytest.fixture(scope="module")
def page(server):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url, wait_until="load")
        page.locator("#wander-scene textarea").fill("a quiet street in Paris")
        page.get_by_label("640x360 (preview)").check()
        page.click("#wander-enter")
        page.wait_for_function("window.__wander && window.__wander.frames > 10", timeout=60_000)
        yield page
        browser.close()


def _world(server):
    [session] = [s for s in server.registry.sessions() if s.world is not None]
    return session.world


def _canvas(page) -> np.ndarray:
    url = page.evaluate("document.querySelector('#wander-view canvas').toDataURL('image/png')")
    data = np.frombuffer(base64.b64decode(url.split(",", 1)[1]), np.uint8)
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def _settle(page, frames: int = 8) -> None:
    n = page.evaluate("window.__wander.frames")
    page.wait_for_function(f"window.__wander.frames >= {n + frames}", timeout=10_000)


def test_keys_typed_in_a_text_box_move_nothing(page, server):
    world = _world(server)
    x0 = world.director.state_at(world.time).camera
    page.locator("#wander-command textarea").click()
    page.keyboard.type("dwasd")
    page.keyboard.down("d")
    time.sleep(0.4)
    page.keyboard.up("d")
    _settle(page)
    assert world.director.state_at(world.time).camera == x0
    page.locator("#wander-command textarea").fill("")


def test_hold_d_for_one_second_moves_the_view_right(page, server):
    page.click("#wander-view canvas")  # focus the view (clicking also starts a zero-length drag)
    _settle(page)
    before = _canvas(page)
    page.screenshot(path=str(ARTIFACTS / "wander_before_d.png"))
    page.keyboard.down("d")
    time.sleep(1.0)
    page.keyboard.up("d")
    _settle(page, 12)
    after = _canvas(page)
    page.screenshot(path=str(ARTIFACTS / "wander_after_d.png"))
    # The pace governor may have changed the live size in between: compare at the world's own size.
    size = (_world(server).config.width, _world(server).config.height)
    ga, gb = (cv2.cvtColor(cv2.resize(x, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY).astype(np.float32)
              for x in (before, after))
    (dx, _), _ = cv2.phaseCorrelate(ga, gb)
    assert dx < -2, f"trucking right should move the picture left, moved {dx:.1f} px"
    cam = _world(server).director.state_at(_world(server).time).camera
    # ~1 s at 2 m/s when the world keeps real time; less when a loaded machine slows the world's clock.
    assert 0.1 < cam.x < 3.0 and abs(cam.z) < 1e-9, cam
    latency = page.evaluate("window.__wander.latency")
    (ARTIFACTS / "wander_latency_test.json").write_text(json.dumps(latency))
    assert latency and latency[-1]["ms"] < 1000


def test_typed_command_shows_up_in_the_stream(page, server):
    before = _canvas(page).mean()
    page.locator("#wander-command textarea").fill("night falls")
    page.click("#wander-say")
    page.wait_for_function("document.querySelector('#wander-heard').innerText.includes('night falls')", timeout=10_000)
    world = _world(server)
    heard = world.time
    deadline = time.monotonic() + 60
    while world.time < heard + 4.5 and time.monotonic() < deadline:  # night comes over 4 s of world time
        time.sleep(0.2)
    _settle(page)
    after = _canvas(page)
    page.screenshot(path=str(ARTIFACTS / "wander_night.png"))
    assert after.mean() < 0.6 * before, f"night should darken the stream: {before:.0f} → {after.mean():.0f}"


def test_recorded_wander_replays_to_the_streamed_frames(page, server):
    page.click("#wander-save")
    page.wait_for_function("document.querySelector('#wander-heard').innerText.includes('Saved')", timeout=10_000)
    session = next(s for s in server.registry.sessions() if s.world is not None)
    record = load_timeline(session.folder / "wander.json")
    live, sizes = list(session.world.digests), list(session.world.live_sizes)
    assert any(d.text == "night falls" for d in record.directives)
    assert any(d.camera and d.camera.move == "truck" for d in record.directives)
    frames = round(record.duration * record.fps)
    # The stream was made at the live sizes the pace governor chose: replayed at them, the same frames.
    replay = replay_digests(record, sizes[:frames])
    assert len(replay) == frames
    assert replay == live[: len(replay)]
    # The record itself is full size: replayed as saved, every frame is, and equals the live frames made at it.
    full = Director(record, use_embeddings=False)
    chunks = list(full.run())
    assert all(c.frames.shape[1:3] == (record.height, record.width) for c in chunks)
    replay_full = [frame_digest(f) for c in chunks for f in c.frames]
    assert len(replay_full) == frames
    for i, (made, size) in enumerate(zip(live, sizes[:frames])):
        if size == (record.width, record.height):
            assert replay_full[i] == made, f"frame {i}"


def test_sound_is_off_until_the_toggle_then_plays_the_worlds_audio(page, server):
    toggle = page.locator("#wander-view .wander-sound")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate("window.__wander.sound.blocks") == 0
    toggle.click()
    page.wait_for_function("window.__wander.sound.blocks >= 5", timeout=10_000)
    assert toggle.get_attribute("aria-pressed") == "true" and "on" in toggle.inner_text()
    # Live: the sound queued in WebAudio keeps pace with the world (48 kHz per second of world time).
    sound = "(() => { const S = window.__wander.sound; return [S.next, S.ctx.currentTime, S.ctx.state]; })()"
    world = _world(server)
    (n0, t0, state), w0 = page.evaluate(sound), world.time
    time.sleep(1.5)
    (n1, t1, _), w1 = page.evaluate(sound), world.time
    assert state == "running"
    assert (n1 - n0) / 48000 == pytest.approx(w1 - w0, abs=0.35), "the page queues the sound the world makes"
    assert w1 - w0 > 0.5 and t1 - t0 > 1.0
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"


def test_the_status_says_which_live_size_is_used(page, server):
    world = _world(server)
    sizes = {lv.describe() for lv in world.governor.levels}
    page.wait_for_function("/live \\d+x\\d+ · (full quality|preview)/.test("
                           "document.querySelector('#wander-status').innerText)", timeout=10_000)
    line = page.locator("#wander-status").inner_text()
    assert any(d in line for d in sizes), line
    status = page.evaluate("fetch(`/wander/${window.__wander.token}/status`).then(r => r.json())")
    assert status["live"] in sizes


def test_closing_the_tab_stops_the_world(page, server):
    world = _world(server)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 15
    while world.alive and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not world.alive
