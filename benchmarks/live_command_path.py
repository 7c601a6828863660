"""The rooms a live command passes through: from ``LiveRun.send`` to the engine's ``ChunkRequest``.

Usage: .venv/bin/python benchmarks/live_command_path.py [--command "it starts to rain"] [--calls]

A 2 s previz take at 160x90, 12 fps, no pacing (``LiveRun``, as the Direct tab runs it). After the
first chunk is shown, the command is sent, and ``sys.settrace`` follows it until the Director builds
the next request (``Director._request``, the last room: from there the engine makes the frame).

Only the command's own route is counted: calls made under the ``send`` call, and calls the
Director's chunk loop (``Director.run``) makes up to ``_request`` (the sinks, the pace governor and the
listener are the chunk's business, not the command's). Counted are functions of ``director`` outside
the floors below the route (``commands``: reading text; ``engines``; ``plan``: the timeline model),
and outside comprehensions/lambdas (they are the function they sit in). Printed:

- functions: distinct functions entered, each once;
- module hops: the modules in call order, consecutive repeats merged, minus one;
- modules entered more than once: a room visited, left and visited again (the issue: "visits
  director.py three times and script.py three times").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.commands.reader import RULES_ONLY  # noqa: E402
from director.plan.assets import Assets  # noqa: E402
from director.plan.timeline import timeline_from_data  # noqa: E402
from director.ui.live_run import ChunkShown, LiveRun  # noqa: E402
from director.run.takes import Takes  # noqa: E402

PACKAGE = str(Path(__file__).resolve().parents[1] / "director")
BELOW = ("commands", "engines", "plan")  # floors the route calls into but that are not its rooms
SEND = ("director/ui/live_run.py", "send")
LOOP = ("director/run/director.py", "run")
END = ("director/run/director.py", "_request")


def _where(code) -> tuple[str, str] | None:
    """(path under the repo, qualified name) of a director function, or None."""
    if not code.co_filename.startswith(PACKAGE):
        return None
    return "director" + code.co_filename[len(PACKAGE):], code.co_qualname


def _counted(where: tuple[str, str]) -> bool:
    floor = where[0].split("/")[1]
    return floor not in BELOW and "<" not in where[1]


def trace_command(command: str) -> list[tuple[str, str]]:
    """The counted calls, in order, of ``command`` sent between two chunks of a live take."""
    timeline = timeline_from_data({
        "duration": 2, "width": 160, "height": 90, "fps": 12, "seed": 1,
        "world": {"scene": "a street in Paris", "characters": [{"name": "girl", "text": "a girl"}]},
        "directives": [{"at": 0.5, "text": "camera pans left", "duration": 1}],
    })
    calls: list[tuple[str, str]] = []
    state = {"done": False}

    def on_route(frame) -> bool:
        f = frame
        while f is not None:
            w = _where(f.f_code)
            if w is not None and (w[0], w[1].rsplit(".", 1)[-1]) in (SEND, LOOP):
                return True
            f = f.f_back
        return False

    def tracer(frame, event, arg):
        if event != "call" or state["done"]:
            return None
        where = _where(frame.f_code)
        if where is None or not on_route(frame):
            return None
        if _counted(where):
            calls.append(where)
        if (where[0], where[1].rsplit(".", 1)[-1]) == END:
            state["done"] = True
            sys.settrace(None)
        return None

    with tempfile.TemporaryDirectory() as folder:
        run = LiveRun.start(Path(folder), timeline, Assets(), Takes(), reader=RULES_ONLY, pace=False)
        sent = False
        for event in run.events():
            if isinstance(event, ChunkShown) and not sent:
                sent = True
                sys.settrace(tracer)
                run.send(command)  # the generator resumes with the tracer still set
        sys.settrace(None)
    return calls


def summary(calls: list[tuple[str, str]]) -> tuple[int, int, list[str], list[str]]:
    """(functions, module hops, the module route, modules entered more than once)."""
    route: list[str] = []
    for path, _ in calls:
        if not route or route[-1] != path:
            route.append(path)
    again = sorted(m for m, n in Counter(route).items() if n > 1)
    return len(set(calls)), max(0, len(route) - 1), route, again


COMMANDS = ("it starts to rain", "pan right", "the girl walks to the left", "a cat runs in")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--command", action="append", help=f"a live command (repeatable; default: {COMMANDS})")
    ap.add_argument("--calls", action="store_true", help="list every counted call in order")
    args = ap.parse_args()
    print("LiveRun.send -> Director._request, 2 s previz take at 160x90")
    print("| live command | functions | module hops | modules entered more than once | route |")
    print("|---|---:|---:|---|---|")
    for command in args.command or COMMANDS:
        calls = trace_command(command)
        functions, hops, route, again = summary(calls)
        if args.calls:
            print("\n".join(f"  {path}:{name}" for path, name in calls))
        twice = ", ".join(f"{m.removeprefix('director/')} x{route.count(m)}" for m in again) or "none"
        path = " > ".join(m.removeprefix("director/").removesuffix(".py") for m in route)
        print(f"| {command} | {functions} | {hops} | {twice} | {path} |")


if __name__ == "__main__":
    main()
