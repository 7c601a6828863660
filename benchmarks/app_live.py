"""Live view in the real app (issue 13): does the browser see the take in real time?

Starts ``app.py`` on a free port, drives Debian's Chromium with Playwright through presets on the
Direct tab and measures, per preset, from the page itself (a sampler in the page reads the live
``<video>`` every 250 ms):

* video seconds shown per wall second in every 10 s window of the live view (goal >= 1.0 in each),
  counted from the first frame on screen;
* the live size the run chose over time (the status line names it: "live 640x360 · preview");
* first-frame latency: Start pressed -> the first frame of the take drawn on the live view's canvas;
* command -> visible: a live command sent at a few moments; visible when the playback position
  reaches the chunk boundary where it took effect (the status line's log gives that time);
* export ready: Stop pressed at ``--stop-at`` of the take -> the status line says the clip is ready;
* CPU seconds per wall second of the app (python), Chromium and ffmpeg from Start to Stop.

    .venv/bin/python benchmarks/app_live.py [--size 1280x720] [--presets NAME;NAME] [--stop-at 0.8]

Prints one Markdown table per run with the CPU model and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.app_server import running_app  # noqa: E402  (the same launcher as the app tests)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--autoplay-policy=no-user-gesture-required"]
PRESETS = ("Paris 1980s walk (built-in example)", "Paris storm at nightfall", "Mountain pass on horseback")
COMMANDS = ("it starts to rain", "pan left", "a cute cat runs to the girl")
WINDOW_S = 10.0

SAMPLER = """
() => {
  window.__live = {samples: []};
  setInterval(() => {
    const v = window.__drLive;
    const s = document.querySelector('#dr-status');
    const m = s ? /live (\\d+x\\d+)/.exec(s.innerText) : null;
    window.__live.samples.push([performance.now(), v && v.t !== null ? v.t : -1, v ? v.frames : 0,
                                m ? m[1] : null]);
  }, 250);
}
"""


def status(page) -> str:
    return page.locator("#dr-status").inner_text()


def run_preset(page, url: str, preset: str, size: str, stop_at: float, roots: tuple[int, ...]) -> dict:
    """One take of ``preset`` at ``size``; returns the measures."""
    page.goto(url, wait_until="load")
    page.wait_for_selector("#dr-start")
    # 1. Load the preset and set the size
    box = page.locator("#dr-preset input")
    box.fill(preset)
    box.press("Enter")
    page.locator("#dr-load-preset").click()
    page.get_by_text("Loaded", exact=False).first.wait_for(timeout=20000)
    page.locator("#dr-settings").get_by_text("Settings").first.click()
    size_box = page.locator("#dr-size input")
    size_box.fill(size)
    size_box.press("Enter")
    duration = float(page.locator("#dr-duration input[type=number]").input_value())
    page.wait_for_timeout(800)
    page.evaluate(SAMPLER)
    # 2. Start; send live commands while it plays; Stop near the end
    start_ms = page.evaluate("performance.now()")
    cpu0 = cpu_seconds(roots)
    page.locator("#dr-start").click()
    page.wait_for_function("document.querySelector('#dr-status').innerText.includes('rendering')", timeout=60000)
    sends: list[tuple[float, str]] = []
    stop_ms = None
    next_command = 0
    while True:
        # one small read a poll (the page keeps the samples): the benchmark should not cost the browser much
        shown, text = page.evaluate("[window.__drLive && window.__drLive.t !== null ? window.__drLive.t : 0, "
                                    "document.querySelector('#dr-status').innerText]")
        if re.search(r"done|stopped|failed|Full-quality", text) and "rendering the full-quality" not in text:
            break
        if stop_ms is None and shown >= stop_at * duration:
            stop_ms = page.evaluate("performance.now()")
            cpu1 = cpu_seconds(roots)
            page.locator("#dr-stop").click()
        elif stop_ms is None and next_command < len(COMMANDS) and shown >= (next_command + 1) * duration / 5:
            cmd = COMMANDS[next_command]
            page.locator("#dr-command textarea, #dr-command input").first.fill(cmd)
            sends.append((page.evaluate("performance.now()"), cmd))
            page.locator("#dr-send").click()
            next_command += 1
        page.wait_for_timeout(250)
    ready_ms = page.evaluate("performance.now()")
    page.wait_for_timeout(500)
    samples = page.evaluate("window.__live.samples")
    first_draw = page.evaluate("window.__drLive ? window.__drLive.firstDrawAt : null")
    view = page.evaluate("fetch(`/live/${window.__drLive.token}/status`).then(r => r.json())")
    final = status(page)
    result = measures(samples, start_ms, stop_ms, ready_ms, sends, final, preset, size)
    result["stalls"] = (view["stalls"], view["stalled_s"])  # the view waited for late chunks: how often, how long
    if first_draw is not None:
        result["first_frame_s"] = (first_draw - start_ms) / 1000
    if stop_ms is not None:
        wall = (stop_ms - start_ms) / 1000
        result["cpu_per_s"] = {k: round((cpu1.get(k, 0.0) - cpu0.get(k, 0.0)) / wall, 2) for k in cpu1}
    return result


def cpu_seconds(roots: tuple[int, ...]) -> dict[str, float]:
    """CPU seconds (user + system) so far of the processes under ``roots`` (the app; this benchmark, whose
    Playwright driver runs Chromium), summed by kind: app (python), chromium, ffmpeg."""
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[int, str, float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        procs[int(pid)] = (int(fields[1]), stat[stat.index("(") + 1:stat.rindex(")")],
                           (int(fields[11]) + int(fields[12])) / tick)
    totals: dict[str, float] = {"python": 0.0, "chromium": 0.0, "ffmpeg": 0.0}
    for pid, (_, name, cpu) in procs.items():
        up, seen = pid, 0
        while up not in roots and up in procs and seen < 64:
            up, seen = procs[up][0], seen + 1
        kind = next((k for k in totals if name.startswith(k)), None)
        if up in roots and kind is not None and (kind != "python" or pid == roots[0]):
            totals[kind] += cpu
    return totals


def measures(samples, start_ms, stop_ms, ready_ms, sends, final, preset, size) -> dict:
    playing = [s for s in samples if s[1] >= 0]
    first_ms = playing[0][0] if playing else None
    # video seconds per wall second, 10 s windows from the first frame until Stop
    windows = []
    if first_ms is not None:
        end_ms = stop_ms or ready_ms
        t = first_ms
        while t + WINDOW_S * 1000 <= end_ms:
            inside = [s for s in samples if t <= s[0] <= t + WINDOW_S * 1000 and s[1] >= 0]
            if inside:
                windows.append((inside[-1][1] - inside[0][1]) / ((inside[-1][0] - inside[0][0]) / 1000))
            t += WINDOW_S * 1000
    # live sizes over time (seconds after Start, size), changes only
    sizes: list[tuple[float, str]] = []
    for s in samples:
        if s[3] and (not sizes or sizes[-1][1] != s[3]):
            sizes.append((round((s[0] - start_ms) / 1000, 1), s[3]))
    # command -> visible: the boundary each command took effect at, from the status log
    latencies = []
    for sent_ms, cmd in sends:
        m = re.search(r"(\d+):(\d+(?:\.\d+)?) · “" + re.escape(cmd) + "”", final)
        if not m:
            continue
        at = int(m.group(1)) * 60 + float(m.group(2))
        seen = next((s[0] for s in samples if s[0] >= sent_ms and s[1] >= at), None)
        if seen is not None:
            latencies.append(seen - sent_ms)
    return {
        "preset": preset, "size": size,
        "first_frame_s": (first_ms - start_ms) / 1000 if first_ms else None,
        "windows": [round(w, 2) for w in windows],
        "sizes": sizes,
        "cmd_ms": latencies,
        "export_ready_s": (ready_ms - stop_ms) / 1000 if stop_ms else None,
        "export_rerendered": "Full-quality clip ready" in final,
    }


def cpu_model() -> str:
    try:
        return next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--presets", default=";".join(PRESETS), help="preset names, separated by ';'")
    ap.add_argument("--stop-at", type=float, default=0.8, help="press Stop at this fraction of the take")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        with running_app(Path(tmp) / "app.log") as app, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for preset in args.presets.split(";"):
                results.append(run_preset(page, app.url, preset, args.size, args.stop_at, (app.pid, os.getpid())))
                print(json.dumps(results[-1]), flush=True)
            browser.close()
    print(f"\nmachine: {cpu_model()}, {os.cpu_count()} cores; load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; "
          f"size {args.size}; Stop at {args.stop_at:.0%} of each take")
    print("| preset | first frame s | video s per wall s, each 10 s window (min) | live size over time (s after Start) "
          "| command → visible ms (median / max) | export ready after Stop s | CPU s per s: app / Chromium / ffmpeg | view stalls (count, s) |")
    print("|---|---:|---|---|---|---:|---|---|")
    for r in results:
        windows = ", ".join(f"{w:.2f}" for w in r["windows"]) or "–"
        low = f" (**{min(r['windows']):.2f}**)" if r["windows"] else ""
        sizes = ", ".join(f"{t:g}: {s}" for t, s in r["sizes"]) or "–"
        cmd = (f"{statistics.median(r['cmd_ms']):.0f} / {max(r['cmd_ms']):.0f}" if r["cmd_ms"] else "–")
        first = f"{r['first_frame_s']:.2f}" if r["first_frame_s"] is not None else "–"
        ready = f"{r['export_ready_s']:.1f}" if r["export_ready_s"] is not None else "–"
        ready += " (re-rendered)" if r["export_rerendered"] else ""
        cpu = r.get("cpu_per_s")
        cpu = f"{cpu['python']:.2f} / {cpu['chromium']:.2f} / {cpu['ffmpeg']:.2f}" if cpu else "–"
        stalls = f"{r['stalls'][0]}, {r['stalls'][1]:.2f}" if r.get("stalls") else "–"
        print(f"| {r['preset']} | {first} | {windows}{low} | {sizes} | {cmd} | {ready} | {cpu} | {stalls} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
