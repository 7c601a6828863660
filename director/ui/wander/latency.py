"""Key-to-screen latency of Wander, measured in the real browser (Chromium via Playwright).

The page's own JS stamps each movement keydown (``performance.now()``) and the moment the first frame
that differs from the one before it is drawn on the canvas (a 64x36 thumbnail diff). A static scene
(no weather, no characters) makes any change the key's doing. Run:

    python -m director.ui.wander.latency --size 1280x720 --presses 20
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def measure(size: str = "1280x720", presses: int = 20, scene: str = "a quiet street in Paris") -> dict:
    from playwright.sync_api import sync_playwright

    from director.ui.wander.dev_server import serve

    dev = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(dev.url, wait_until="load")
            page.locator("#wander-scene textarea").fill(scene)
            page.get_by_label("640x360 (preview)" if size.startswith("640") else "1280x720").check()
            page.click("#wander-enter")
            page.wait_for_function("window.__wander && window.__wander.frames > 24", timeout=60_000)
            time.sleep(1.0)
            keys = ["d", "a"]
            for i in range(presses):
                page.keyboard.down(keys[i % 2])
                time.sleep(0.35)
                page.keyboard.up(keys[i % 2])
                time.sleep(0.45)  # let the view come to rest so the next change is the next key's
            samples = [s["ms"] for s in page.evaluate("window.__wander.latency")]
            status = page.evaluate("fetch(`/wander/${window.__wander.token}/status`).then(r => r.json())")
            browser.close()
    finally:
        dev.close()
    samples.sort()
    return {
        "size": size, "presses": presses, "measured": len(samples),
        "median_ms": round(statistics.median(samples), 1) if samples else None,
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 1) if samples else None,
        "max_ms": round(samples[-1], 1) if samples else None,
        "render_ms_per_chunk": status.get("render_ms"), "display_delay_ms": status.get("delay_ms"),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720", choices=["1280x720", "640x360"])
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(measure(args.size, args.presses), indent=2))


if __name__ == "__main__":
    main()
