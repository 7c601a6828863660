"""Key-to-screen latency of Wander, measured in the real browser (Chromium via Playwright).

The page's own JS stamps each movement keydown (``performance.now()``) and the moment the first frame
that differs from the one before it is drawn on the canvas (a 64x36 thumbnail diff). A static scene
(no weather, no characters) makes any change the key's doing. The world picks its live size by pace
(``WanderWorld.governor``): the result says which sizes its chunks were rendered at, with the machine's
CPU model and load average before and after. Run:

    python -m director.ui.wander.latency --size 1280x720 --presses 20
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def cpu_model() -> str:
    """The CPU's model name (Linux), or the platform's word for it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def measure(size: str = "1280x720", presses: int = 20, scene: str = "a quiet street in Paris") -> dict:
    from playwright.sync_api import sync_playwright

    from director.ui.wander.dev_server import serve

    load_before = os.getloadavg()
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
            [world] = [s.world for s in dev.registry.sessions() if s.world is not None]
            made_at = Counter(f"{s.level.width}x{s.level.height}" for s in world.governor.history)
            browser.close()
    finally:
        dev.close()
    load_after = os.getloadavg()
    samples.sort()
    return {
        "size": size, "presses": presses, "measured": len(samples),
        "median_ms": round(statistics.median(samples), 1) if samples else None,
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 1) if samples else None,
        "max_ms": round(samples[-1], 1) if samples else None,
        "render_ms_per_chunk": status.get("render_ms"), "display_delay_ms": status.get("delay_ms"),
        "live_at_end": status.get("live"),
        "chunks_by_live_size": dict(made_at.most_common()),
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "machine": f"{cpu_model()}, {platform.machine()}, {os.cpu_count()} cores, "
                   f"{platform.python_implementation()} {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720", choices=["1280x720", "640x360"])
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(measure(args.size, args.presses), indent=2))


if __name__ == "__main__":
    main()
