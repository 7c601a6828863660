"""The UI never reaches inside the Director: it reads a take, a run or a controller's view.

A chain ``something.director.attribute`` in ``director/ui`` is a surface reading the Director's
innards (``take.director.record``, ``run.director.script.interpretations``). Only the two run adapters
that own a Director (``LiveRun``, ``WanderWorld``) may call their own (``self.director.send``).
"""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "director" / "ui"
OWNERS = {"live_run.py", "wander/world.py"}  # each makes its Director and drives it through a Run
CHAIN = re.compile(r"\b(\w+)\.director\.\w+")


def _chains(ui: Path = UI) -> list[str]:
    found = []
    for path in sorted(ui.rglob("*.py")):
        name = path.relative_to(ui).as_posix()
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            for m in CHAIN.finditer(code):
                if m.group(1) == "self" and name in OWNERS:
                    continue
                if line.lstrip().startswith(("from ", "import ")):
                    continue
                found.append(f"director/ui/{name}:{n}: {m.group(0)}")
    return found


def test_no_surface_reads_inside_a_director():
    assert _chains() == []


def test_the_check_finds_a_chain(tmp_path):
    # the grep is not vacuous: a controller line reading a take's Director is found
    (tmp_path / "direct").mkdir()
    (tmp_path / "direct" / "bad.py").write_text("record = take.director.record\nok = take.record\n")
    assert _chains(tmp_path) == ["director/ui/direct/bad.py:1: take.director.record"]
