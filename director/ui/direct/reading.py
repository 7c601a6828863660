"""One reading of the editor: the timeline compiled once, and everything the tab shows derived from it.

Every edit is read here exactly once (``read_editor``): the rows' notes (how each directive was
read), the strip's colours and the problems all come from that one compile. A timeline that was
already read elsewhere (a live run's script, a take's) is shown with ``reading_of`` and is not
compiled again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from director.commands.reader import WITH_MEANING, Reader
from director.plan.timeline import Timeline, TimelineError
from director.ui.direct.fields import EditorFields, fields_from_timeline, settings_from_fields
from director.ui.direct.strip import kinds_for
from director.ui.direct.table import NOTE_COLUMN, notes_for, place_problems, read_rows, rows_from_timeline
from director.world import Interpretation, compile_timeline

FIX_ROWS = "**Fix the rows marked ⚠ first.**"
NOT_VALID = "⚠ The timeline is not valid."


@dataclass(frozen=True)
class Reading:
    """The editor as read: a valid ``timeline`` with how each directive was read, or the problems
    (beside their rows, and ``problems`` not tied to one row). ``rows`` are the table as it should
    show (note column filled; sorted like the timeline when valid)."""

    timeline: Timeline | None
    rows: list[list[str]]
    problems: list[str] = field(default_factory=list)
    interpretations: tuple[Interpretation, ...] = ()
    kinds: list[str] = field(default_factory=list)  # the strip's colour per directive (valid only)

    @property
    def ok(self) -> bool:
        return self.timeline is not None

    @property
    def notes(self) -> list[str]:
        return [r[NOTE_COLUMN] for r in self.rows]

    @property
    def message(self) -> str:
        """What the table says under it: nothing when valid, else what to fix."""
        if self.ok:
            return ""
        text = FIX_ROWS if any(n.startswith("⚠") for n in self.notes) else ""
        if self.problems:
            text += "\n" + "\n".join(f"- ⚠ {p}" for p in self.problems)
        return text or NOT_VALID

    def fields(self) -> EditorFields:
        """The whole editor showing this (valid) reading."""
        assert self.timeline is not None, "an invalid reading has no timeline to show"
        return fields_from_timeline(self.timeline, self.notes)


def reading_of(timeline: Timeline, interpretations: Iterable[Interpretation] | None,
               notes: list[str] | None = None) -> Reading:
    """A timeline read elsewhere (a run's or a take's script): no compile. ``notes`` replace the
    readings' own (e.g. with a take's verdicts); ``interpretations`` None: not read (a failed compile)."""
    interps = tuple(interpretations or ())
    if notes is None:
        notes = notes_for(timeline, interps) if interpretations is not None else [""] * len(timeline.directives)
    return Reading(timeline, rows_from_timeline(timeline, notes), [], interps,
                   kinds_for(timeline, interps if interpretations is not None else None))


def read_timeline(timeline: Timeline, *, reader: Reader = WITH_MEANING) -> Reading:
    """Compile ``timeline`` once and read it. A timeline that does not compile (a loaded one naming
    what the rules refuse) is still shown, its problems beside their rows."""
    try:
        script = compile_timeline(timeline, reader=reader)
    except TimelineError as exc:
        notes = [""] * len(timeline.directives)
        problems = place_problems(exc.problems, notes)
        shown = reading_of(timeline, None, notes)
        return Reading(timeline, shown.rows, problems, (), shown.kinds)
    return reading_of(timeline, script.interpretations)


def read_editor(fields: EditorFields, base: Timeline, image_keys: Iterable[str], *,
                reader: Reader = WITH_MEANING) -> Reading:
    """Validate everything the editor shows against the session's timeline ``base`` and compile
    it once. Nothing is lost when it is wrong: the rows come back as typed, with their problems."""
    # 1. World and settings
    try:
        settings = settings_from_fields(fields, base)
    except ValueError as exc:
        problems = exc.problems if isinstance(exc, TimelineError) else [str(exc)]
        return Reading(None, [list(map(str, r)) for r in fields.rows], problems)
    # 2. The rows, against them
    rows = read_rows(fields.rows, settings, image_keys, before=base)
    if rows.timeline is None:
        return Reading(None, rows.rows, rows.problems)
    # 3. The one compile
    try:
        script = compile_timeline(rows.timeline, reader=reader)
    except TimelineError as exc:
        notes = list(rows.notes)
        general = place_problems(exc.problems, notes)
        return Reading(None, [[*c, n] for c, n in zip(rows.cells, notes)], general)
    return reading_of(rows.timeline, script.interpretations)


def editor_timeline(fields: EditorFields, base: Timeline, image_keys: Iterable[str]) -> Timeline | None:
    """The timeline the editor shows, not compiled (for a change that is read afterwards, such as an
    image attached to it); None when the fields or rows are not valid."""
    try:
        settings = settings_from_fields(fields, base)
    except ValueError:
        return None
    return read_rows(fields.rows, settings, image_keys, before=base).timeline
