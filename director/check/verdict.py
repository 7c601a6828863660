"""What a check found: one ``Verdict`` per directive part, gathered in a ``CheckReport``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from director.plan.timecode import format_time

Status = Literal["pass", "fail", "not_checkable"]
MARK = {"pass": "✔", "fail": "✘", "not_checkable": "·"}


@dataclass(frozen=True)
class Measurement:
    """A measured effect: ``value`` in ``unit`` (the number compared), ``words`` for people."""

    value: float
    unit: str
    words: str
    passed: bool


@dataclass(frozen=True)
class Verdict:
    """The check of one effect a directive should have.

    ``kind`` groups verdicts for pass rates: camera, cut, shot, character, light, weather, event,
    style, scene, prompt. ``effect`` is what the directive was read as ("dolly in"); ``expected``
    what that should do to the clip ("the picture grows from its centre").
    """

    index: int  # the directive's position in the timeline
    at: float
    text: str
    kind: str
    effect: str
    expected: str
    status: Status
    measured: str = ""  # words, e.g. "radial flow +1.9 px/frame over 88 % of the picture"
    value: float | None = None
    unit: str = ""

    def line(self) -> str:
        """``0:11.0 "push in on her" dolly in → radial flow +1.9 px/frame over 88 % of the picture ✔``."""
        said = f'"{self.text}" ' if self.text else ""
        what = self.measured or self.expected
        return f"{format_time(self.at)} {said}{self.effect} → {what} {MARK[self.status]}"


@dataclass(frozen=True)
class CheckReport:
    clip: str
    duration: float
    verdicts: tuple[Verdict, ...] = field(default_factory=tuple)

    @property
    def checked(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status != "not_checkable"]

    @property
    def failed(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == "fail"]

    @property
    def pass_rate(self) -> float | None:
        checked = self.checked
        return None if not checked else sum(v.status == "pass" for v in checked) / len(checked)

    def failed_directives(self) -> list[int]:
        """Indices of directives with at least one failed effect (what a re-take redoes)."""
        return sorted({v.index for v in self.failed})

    def by_directive(self) -> dict[int, list[Verdict]]:
        out: dict[int, list[Verdict]] = {}
        for v in self.verdicts:
            out.setdefault(v.index, []).append(v)
        return out

    def summary(self) -> str:
        checked = self.checked
        passed = sum(v.status == "pass" for v in checked)
        skipped = len(self.verdicts) - len(checked)
        return f"{passed}/{len(checked)} effects seen" + (f", {skipped} not checkable" if skipped else "")

    def to_json(self) -> str:
        return json.dumps({"clip": self.clip, "duration": self.duration, "summary": self.summary(),
                           "verdicts": [asdict(v) for v in self.verdicts]}, indent=2, ensure_ascii=False)
