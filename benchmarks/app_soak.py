"""Soak the app: N browser sessions in rounds over M minutes against a real ``python app.py``.

Each session is a separate browser as far as the server knows (its own cookie jar and session hash,
a heartbeat stream held open like a tab): it loads a preset, renders a short take while sending a
live command that names the session, downloads the clip, saves its timeline, tries to fetch the
clips of the sessions before it (must be refused), checks its timeline holds its own command and
no other session's, then closes the tab (the heartbeat drops: gradio runs the unload handlers).
The server's RSS is sampled every 2 s; every 5xx answer is counted; at the end the idle server's
CPU use is measured.

    nice -n 5 .venv/bin/python benchmarks/app_soak.py                 # 20 sessions over 30 min
    nice -n 5 .venv/bin/python benchmarks/app_soak.py --sessions 8 --minutes 4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app_server import running_app  # noqa: E402
from tests.security.gradio_probe import Tab, endpoints, file_paths  # noqa: E402

PRESET = "Paris 1980s walk (built-in example)"
SAMPLE_SECONDS = 2.0
SETTLE_SECONDS = 6.0  # after a round closes, for unload handlers to finish


@dataclass
class SessionResult:
    index: int
    take_ok: bool = False
    clip_bytes: int = 0
    own_command_kept: bool = False
    leaks: list[str] = field(default_factory=list)  # what this session could see of others
    errors: list[str] = field(default_factory=list)


@dataclass
class RoundResult:
    index: int
    started_s: float
    sessions: int
    takes_ok: int
    leaks: int
    rss_after_mb: float


class Soak:
    def __init__(self, url: str, pid: int, take_seconds: float):
        self.url = url.rstrip("/")
        self.pid = pid
        self.take_seconds = take_seconds
        self.server_errors = 0  # 5xx answers seen
        self.rss_samples: list[tuple[float, float]] = []
        self.clips: list[str] = []  # clip paths of finished sessions (others must not read them)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.t0 = time.monotonic()
        self.fns: dict[str, int] = {}

    # -- measurements ------------------------------------------------------------------------
    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def sample_forever(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.rss_samples.append((time.monotonic() - self.t0, self.rss_mb()))

    def client(self) -> httpx.Client:
        def count(response: httpx.Response) -> None:
            if response.status_code >= 500:
                with self._lock:
                    self.server_errors += 1

        return httpx.Client(base_url=self.url, timeout=180, event_hooks={"response": [count]})

    # -- one browser tab ---------------------------------------------------------------------
    def session(self, index: int) -> SessionResult:
        result = SessionResult(index)
        marker = f"a sign reads visitor {index:03d}"
        with self.client() as c:
            c.get("/config")
            tab = Tab(c)
            closed = threading.Event()
            heartbeat = threading.Thread(target=self._heartbeat, args=(c, tab.session_hash, closed), daemon=True)
            heartbeat.start()
            try:
                with self._lock:
                    others = list(self.clips)
                self._work(c, tab, marker, others, result)
            except Exception as exc:  # a benchmark reports, it does not stop
                result.errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                closed.set()
                heartbeat.join(10)
        return result

    def _work(self, c: httpx.Client, tab: Tab, marker: str, others: list[str], result: SessionResult) -> None:
        fields = tab.call(self.fns["load_preset"], [PRESET]).data[:9]
        rows = [r for r in fields[8]["data"] if r[0] < "0:04"]  # keep what fits in a short take
        # Its own seed: every session's clip differs (identical renders share a cache file, which
        # each of them is then rightly handed).
        fields[4], fields[6], fields[7] = "320x180", 1000 + result.index, self.take_seconds
        fields[8] = {"headers": fields[8]["headers"], "data": rows}
        take_id = tab.submit(self.fns["start"], fields)
        for _ in range(60):  # a live command while the take renders (refused before it starts)
            time.sleep(0.5)
            if tab.call(self.fns["send_command"], [marker]).success:
                break
        take = tab.result(take_id)
        clips = sorted({p for p in file_paths(take.messages) if p.endswith(".mp4") and "take-" in p})
        result.take_ok = take.success and bool(clips)
        if clips:
            r = c.get(f"/gradio_api/file={clips[-1]}")
            result.clip_bytes = len(r.content) if r.status_code == 200 else 0
        saved = tab.call(self.fns["save_timeline"], fields)
        timeline_files = [p for p in file_paths(saved.messages) if p.endswith("timeline.json")]
        seen = json.dumps(take.messages, ensure_ascii=False)  # the record's rows, the live-command log
        if timeline_files:
            seen += c.get(f"/gradio_api/file={timeline_files[0]}").text
        result.own_command_kept = marker in seen
        result.leaks += [f"saw {m!r}" for m in set(_markers(seen)) if m != marker]
        for other in others:
            if c.get(f"/gradio_api/file={other}").status_code == 200:
                result.leaks.append(f"read another session's clip {other}")
        if clips:
            with self._lock:
                self.clips.append(clips[-1])

    def _heartbeat(self, c: httpx.Client, session_hash: str, closed: threading.Event) -> None:
        """Hold the tab's heartbeat open until ``closed``; its own connection, with the tab's cookie."""
        try:
            with httpx.Client(base_url=self.url, cookies=c.cookies, timeout=None) as hb:
                with hb.stream("GET", f"/gradio_api/heartbeat/{session_hash}") as r:
                    for _ in r.iter_lines():
                        if closed.is_set():
                            return  # leaving the blocks closes the connection: the tab is gone
        except httpx.HTTPError:
            pass

    # -- the run -----------------------------------------------------------------------------
    def run(self, sessions: int, per_round: int, minutes: float) -> tuple[list[RoundResult], list[SessionResult]]:
        with self.client() as c:
            self.fns = {e.api_name: e.fn_index for e in endpoints(c) if e.api_name}
        sampler = threading.Thread(target=self.sample_forever, daemon=True)
        sampler.start()
        rounds = math.ceil(sessions / per_round)
        spacing = minutes * 60 / rounds
        all_results: list[SessionResult] = []
        round_results: list[RoundResult] = []
        for k in range(rounds):
            wait = self.t0 + k * spacing - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            started = time.monotonic() - self.t0
            indices = list(range(k * per_round, min(sessions, (k + 1) * per_round)))
            results: list[SessionResult] = []
            threads = [threading.Thread(target=lambda i=i: results.append(self.session(i))) for i in indices]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(SETTLE_SECONDS)
            all_results += results
            round_results.append(RoundResult(k + 1, round(started, 1), len(indices), sum(r.take_ok for r in results),
                                             sum(len(r.leaks) for r in results), round(self.rss_mb(), 1)))
            print(f"round {k + 1}/{rounds}: {round_results[-1]}", flush=True)
        self._stop.set()
        return round_results, all_results


def _markers(text: str) -> list[str]:
    import re

    return re.findall(r"a sign reads visitor \d{3}", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=4, help="sessions open at once in a round")
    parser.add_argument("--minutes", type=float, default=30.0, help="rounds are spread over this long")
    parser.add_argument("--take-seconds", type=float, default=4.0, help="length of each session's take")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="idle CPU is measured over this long")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="director-soak-"))
    with running_app(cache / "app.log", env={"GRADIO_TEMP_DIR": str(cache / "gradio")}) as app:
        soak = Soak(app.url, app.pid, args.take_seconds)
        time.sleep(3)
        rss_start = soak.rss_mb()
        rounds, sessions = soak.run(args.sessions, args.per_round, args.minutes)
        rss_end = soak.rss_mb()
        cpu0, t0 = soak.cpu_seconds(), time.monotonic()
        time.sleep(args.idle_seconds)
        idle_cpu = 100 * (soak.cpu_seconds() - cpu0) / (time.monotonic() - t0)
    peak = max((mb for _, mb in soak.rss_samples), default=rss_end)
    print()
    print("| round | started (s) | sessions | takes ok | leaks | RSS after (MB) |")
    print("|---|---|---|---|---|---|")
    for r in rounds:
        print(f"| {r.index} | {r.started_s:.0f} | {r.sessions} | {r.takes_ok} | {r.leaks} | {r.rss_after_mb:.0f} |")
    kept = sum(s.own_command_kept for s in sessions)
    errors = [e for s in sessions for e in s.errors]
    print()
    print(f"sessions {len(sessions)}, takes ok {sum(s.take_ok for s in sessions)}, own live command in own timeline "
          f"{kept}, leaks between sessions {sum(len(s.leaks) for s in sessions)}, 5xx {soak.server_errors}, "
          f"client errors {len(errors)}")
    print(f"RSS start {rss_start:.0f} MB, peak {peak:.0f} MB, end {rss_end:.0f} MB; idle CPU after the soak "
          f"{idle_cpu:.1f} % of a core; load {os.getloadavg()[0]:.1f}")
    for e in errors[:10]:
        print("  error:", e)
    if args.json:
        args.json.write_text(json.dumps({"rounds": [asdict(r) for r in rounds], "sessions": [asdict(s) for s in sessions],
                                         "rss_start_mb": rss_start, "rss_peak_mb": peak, "rss_end_mb": rss_end,
                                         "server_errors": soak.server_errors, "idle_cpu_percent": idle_cpu,
                                         "rss_samples": soak.rss_samples}, indent=1))


if __name__ == "__main__":
    main()
