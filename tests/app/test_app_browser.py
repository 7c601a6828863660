"""A new user in a real Chromium: load a preset, make it short, Start, direct it live, download."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.app.test_app_harness import ARTIFACTS, app_url, ffprobe  # noqa: F401

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _status(page) -> str:
    return page.locator("#dr-status").inner_text()


def _delete_row(page, text: str) -> None:
    page.locator("#dr-table").get_by_text(text, exact=True).locator("visible=true").first.click()
    page.wait_for_function("document.querySelector('#dr-selected input, #dr-selected textarea').value !== ''")
    page.locator("#dr-delete").click()
    page.wait_for_function(f"!document.querySelector('#dr-table').innerText.includes({text!r})", timeout=15000)


@pytest.mark.slow
def test_new_user_directs_a_short_clip(browser, app_url, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(app_url, wait_until="load")
    page.wait_for_selector("#dr-start")
    page.screenshot(path=ARTIFACTS / "direct-1280-first-visit.png", full_page=True)

    # 1. Pick the example and make it short and small, as a quick draft.
    page.locator("#dr-load-preset").click()
    page.get_by_text("Loaded", exact=False).first.wait_for(timeout=15000)
    _delete_row(page, "night falls")
    _delete_row(page, "a cute cat runs to the girl")
    page.locator("#dr-settings").get_by_text("Settings").first.click()
    size = page.locator("#dr-size input")
    size.fill("320x180")
    size.press("Enter")
    duration = page.locator("#dr-duration input[type=number]")
    duration.fill("4")
    duration.press("Enter")
    page.wait_for_timeout(600)

    # 2. Start, and direct it live while it renders.
    page.locator("#dr-start").click()
    page.wait_for_function("document.querySelector('#dr-status').innerText.includes('rendering')", timeout=30000)
    page.locator("#dr-command textarea, #dr-command input").first.fill("it starts to rain")
    page.locator("#dr-send").click()
    page.wait_for_timeout(700)
    page.wait_for_function("window.__drLive && window.__drLive.frames > 5", timeout=15000)  # the take plays live
    sound = page.locator("#dr-live .dr-live-sound")
    assert sound.get_attribute("aria-pressed") == "false"  # silent until asked
    sound.click()
    page.wait_for_function("window.__drLive.sound.blocks >= 3", timeout=10000)  # its sound plays too
    assert sound.get_attribute("aria-pressed") == "true" and "on" in sound.inner_text()
    page.screenshot(path=ARTIFACTS / "direct-1280-rendering.png", full_page=True)
    # The take's last word: done (after any full-quality re-render and the directive check), stopped or failed;
    # not the "live part done" of a live run that stepped down to a proxy size.
    page.wait_for_function("/Download it|stopped at|failed:/.test(document.querySelector('#dr-status').innerText)",
                           timeout=120000)
    status = _status(page)
    assert "Download it" in status and "done ·" in status, status
    assert "it starts to rain" in status
    assert "● live" in page.locator("#dr-table").inner_text()
    assert re.search(r"0:04\.0", page.locator("#dr-strip").inner_text())
    page.screenshot(path=ARTIFACTS / "direct-1280-done.png", full_page=True)

    # 3. Download the MP4 and check it.
    link = page.locator("#dr-mp4 a").first
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "clip.mp4"
    info.value.save_as(target)
    streams = {s["codec_type"]: s for s in ffprobe(target)["streams"]}
    assert (streams["video"]["width"], streams["video"]["height"]) == (320, 180)
    assert int(streams["video"]["nb_read_frames"]) == 96
    assert "audio" in streams
    page.close()


def test_phone_layout(browser, app_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(app_url, wait_until="load")
    page.wait_for_selector("#dr-start")
    page.wait_for_timeout(800)
    start = page.locator("#dr-start").bounding_box()
    assert start and start["x"] >= 0 and start["x"] + start["width"] <= 390
    page.screenshot(path=ARTIFACTS / "direct-390-first-visit.png", full_page=True)
    page.close()


def test_a_deforum_file_dropped_on_load_timeline_becomes_the_timeline(browser, app_url):
    """The creator drags a Deforum settings file from their desktop onto "Load timeline"."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "data" / "deforum_3d_settings.txt").read_text()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url, wait_until="load")
    page.wait_for_selector("#dr-load-json")
    drop = page.evaluate_handle("""(text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "deforum_settings.txt", {type: "text/plain"}));
        return dt; }""", text)
    zone = page.locator("#dr-load-json button, #dr-load-json [aria-label]").first
    for event in ("dragenter", "dragover", "drop"):
        zone.dispatch_event(event, {"dataTransfer": drop})
    page.wait_for_function("document.querySelector('#dr-files-msg').innerText.includes('Timeline loaded')",
                           timeout=30000)
    notes = page.locator("#dr-files-msg").inner_text()
    assert "Deforum" in notes, notes  # the import says what it read (and what it could not carry over)
    assert "pan" in page.locator("#dr-table").inner_text()  # its camera schedule became camera directives
    page.screenshot(path=ARTIFACTS / "direct-1280-deforum-dropped.png", full_page=True)
    page.close()
