"""After a take: did it do what the timeline said? Gradio-free glue between a take and ``director.check``.

The Direct tab calls ``check_take`` when a take finishes, shows ``notes_with_verdicts`` in the table's
"how it was read" column, and offers ``retake_time`` as the rewind point of "Re-take failed".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from director.check import CheckReport, ClipError, check_clip
from director.check.verdict import MARK

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TakeCheck:
    """A take's check: the report, or why there is none."""

    report: CheckReport | None
    problem: str = ""

    @property
    def summary(self) -> str:
        if self.report is None:
            return f"not checked: {self.problem}" if self.problem else "not checked"
        failed = self.report.failed
        tail = f" · {len(failed)} not seen: use **Re-take failed**" if failed else ""
        return f"check: {self.report.summary()}{tail}"


def check_take(take) -> TakeCheck:
    """Measure a finished take (``director.run.takes.Take``) against the plan it played, live commands included."""
    if not take.finished or take.frames < 2:
        return TakeCheck(None, "the take has no finished clip")
    try:
        report = check_clip(take.path, take.record, script=take.script)
    except ClipError as exc:
        return TakeCheck(None, str(exc))
    except Exception as exc:  # noqa: BLE001 - a failed measurement must never cost the creator the take
        log.exception("checking take %s failed", take.number)
        return TakeCheck(None, f"the check failed ({type(exc).__name__}: {exc})")
    return TakeCheck(report)


def notes_with_verdicts(notes: list[str], check: TakeCheck | None) -> list[str]:
    """Each row's note followed by its verdict marks, e.g. ``the camera pans left · rules · ✔``;
    a failed effect also says what was measured."""
    if check is None or check.report is None:
        return list(notes)
    rows = check.report.by_directive()
    out = []
    for i, note in enumerate(notes):
        verdicts = rows.get(i, [])
        marks = [v for v in verdicts if v.status != "not_checkable"]
        if not marks:
            out.append(note)
            continue
        failed = [v for v in marks if v.status == "fail"]
        words = "".join(MARK[v.status] for v in marks)
        if failed:
            words += " not seen: " + "; ".join(f"{v.effect} → {v.measured}" for v in failed)
        out.append(f"{note} · {words}")
    return out


def retake_time(check: TakeCheck | None) -> float | None:
    """Where a re-take of the failed directives starts: the earliest failed directive's time
    (None when nothing failed)."""
    if check is None or check.report is None or not check.report.failed:
        return None
    return min(v.at for v in check.report.failed)
