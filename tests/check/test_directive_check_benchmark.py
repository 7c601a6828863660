"""CI's fast subset of ``benchmarks/directive_check.py``: phrases as users type them, rendered at 320x180
by previz and measured by ``director check``; every effect of the subset must be seen."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "directive_check.py"


def _bench():
    spec = importlib.util.spec_from_file_location("directive_check", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_fast_phrase_subset_is_obeyed(tmp_path):
    bench = _bench()
    cases = [c for c in bench.CASES if c.fast]
    assert len(bench.CASES) >= 60 and len({c.scene[0] for c in bench.CASES}) >= 6
    assert len(cases) >= 10
    results = [bench.run_case(c, 320, 180, tmp_path) for c in cases]
    failures = [f"{r.case.phrase!r}: {v.line()}" for r in results for v in r.report.verdicts if v.status == "fail"]
    failures += [f"{r.case.phrase!r}: read as {r.reading!r}" for r in results if not r.read_as_meant]
    assert not failures, "\n".join(failures)
    table = bench.tally(results)
    assert {"camera", "character", "weather", "light"} <= set(table)
