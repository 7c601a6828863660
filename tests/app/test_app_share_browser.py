"""Directing together in two real Chromium pages (two browser contexts: two cookies, two people)."""

from __future__ import annotations

import pytest

from tests.app.test_app_browser import _delete_row, browser  # noqa: F401
from tests.app.test_app_harness import ARTIFACTS, app_url  # noqa: F401

pytestmark = pytest.mark.browser

WAIT_MS = 30000
TAKE_SECONDS = "10"  # paced to real time: long enough for the guest to open the link and send


def _send(page, text: str) -> None:
    page.locator("#dr-command textarea, #dr-command input").first.fill(text)
    page.locator("#dr-send").click()


def _log(page) -> list[tuple[str, str, str]]:
    """(arrival number, author, text) of each command the page's shared command list shows, in order."""
    items = page.locator("#dr-share-log li")
    return [(items.nth(i).get_attribute("data-seq"), items.nth(i).get_attribute("data-author"),
             items.nth(i).inner_text()) for i in range(items.count())]


def test_two_pages_direct_one_take_and_see_each_other(browser, app_url):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    viewport = {"width": 1280, "height": 900}
    owner_ctx, guest_ctx = browser.new_context(viewport=viewport), browser.new_context(viewport=viewport)
    owner = owner_ctx.new_page()
    owner.goto(app_url, wait_until="load")
    owner.wait_for_selector("#dr-start")
    owner.locator("#dr-load-preset").click()
    owner.get_by_text("Loaded", exact=False).first.wait_for(timeout=15000)
    _delete_row(owner, "night falls")  # past the end of a short take
    owner.locator("#dr-settings").get_by_text("Settings").first.click()
    size = owner.locator("#dr-size input")
    size.fill("320x180")
    size.press("Enter")
    duration = owner.locator("#dr-duration input[type=number]")
    duration.fill(TAKE_SECONDS)
    duration.press("Enter")
    owner.wait_for_timeout(600)

    # 1. The owner starts a take and shares it.
    owner.locator("#dr-start").click()
    owner.wait_for_function("document.querySelector('#dr-status').innerText.includes('rendering')", timeout=WAIT_MS)
    owner.locator("#dr-share-panel").get_by_text("Share live session").first.click()
    owner.locator("#dr-share").click()
    link_box = owner.locator("#dr-share-link textarea, #dr-share-link input").first
    owner.wait_for_function("(el) => el.value.includes('?share=')", arg=link_box.element_handle(), timeout=WAIT_MS)
    link = link_box.input_value()

    # 2. A second person opens the link: same live view, same command list.
    guest = guest_ctx.new_page()
    guest.goto(link, wait_until="load")
    guest.wait_for_selector("#dr-start")
    guest.wait_for_function("document.querySelector('#dr-share-msg')?.innerText.includes('You joined')",
                            timeout=WAIT_MS)
    assert "Guest 1" in guest.locator("#dr-share-msg").inner_text()

    # 3. Both direct it.
    _send(owner, "it starts to rain")
    owner.wait_for_function("document.querySelectorAll('#dr-share-log li').length >= 1", timeout=WAIT_MS)
    _send(guest, "camera pans right")
    guest.wait_for_function("document.querySelectorAll('#dr-share-log li').length >= 2", timeout=WAIT_MS)
    guest.wait_for_function("document.querySelector('#dr-strip').innerText.length > 0", timeout=WAIT_MS)
    # the guest watches the owner's take: the same live feed, drawn on their canvas
    guest.wait_for_function("window.__drLive && window.__drLive.frames > 10", timeout=WAIT_MS)
    assert guest.evaluate("window.__drLive.token") == owner.evaluate("window.__drLive.token")
    guest.wait_for_timeout(1500)  # a moment more of the take for the screenshot
    # the strip rings each live command in its author's colour (Guest 1's is the second of the palette)
    guest.wait_for_function("document.querySelector('#dr-strip').innerHTML.includes('--dr-by:#f59e0b')",
                            timeout=WAIT_MS)
    guest.locator("#dr-share-log").scroll_into_view_if_needed()
    guest.screenshot(path=ARTIFACTS / "direct-1280-shared-guest.png", full_page=True)

    # 4. The take ends for both; each sees both commands, once, in order, with their authors.
    owner.wait_for_function("/Download it|stopped at|failed:/.test(document.querySelector('#dr-status').innerText)",
                            timeout=120000)
    guest.wait_for_function("document.querySelector('#dr-share-msg')?.innerText.includes('The take ended')",
                            timeout=WAIT_MS)
    for page in (owner, guest):
        log = _log(page)
        assert [(seq, who) for seq, who, _ in log] == [("1", "Owner"), ("2", "Guest 1")], log
        assert "it starts to rain" in log[0][2] and "camera pans right" in log[1][2]
    assert "done" in owner.locator("#dr-status").inner_text()
    owner.screenshot(path=ARTIFACTS / "direct-1280-shared-owner.png", full_page=False)
    owner_ctx.close()
    guest_ctx.close()
