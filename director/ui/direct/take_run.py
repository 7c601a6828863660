"""A take being made, as the Direct tab shows it: a ``LiveRun``'s events turned into ``RunView``s.

The strip's playhead and caption, the status line with the live commands applied so far, the table
growing with each live command, and at the end the take's verdicts beside each row. No gradio here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from director.plan.timecode import format_time
from director.plan.timeline import Directive
from director.ui.direct.reading import Reading, reading_of
from director.ui.direct.table import notes_for, read_note
from director.ui.direct.take_check import check_take, notes_with_verdicts
from director.ui.direct.views import EditorView, RunView, StripView, TakeView
from director.ui.live_run import ChunkShown, ExportProgress, LiveRun, RunDone, RunFailed, RunNotice
from director.ui.sessions import DirectSession
from director.run.takes import Take

LOG_LINES = 8  # live commands listed under the status line (the latest)


class TakeRun:
    """The views of one take: ``views()`` is iterated by the Start / rewind / re-take handlers."""

    def __init__(self, session: DirectSession, run: LiveRun, reading: Reading):
        self.session = session
        self.run = run
        self.reading = reading
        self.number = run.take.number
        self.kinds = reading.kinds
        self.lines: list[str] = []  # the live commands applied, as the status line lists them

    def views(self) -> Iterator[RunView]:
        take = self.run.take
        where = f" from {format_time(take.from_time)}" if take.from_time else ""
        yield RunView(status=f"**Take {self.number}** starting{where}…", editor=EditorView(self.reading.rows),
                      clear_clip=True, live=self.run.live_token,
                      strip=StripView(self.reading.timeline, self.kinds, made=take.from_time, status="starting…"))
        for event in self.run.events():
            if isinstance(event, ChunkShown):
                yield self._chunk(event)
            elif isinstance(event, ExportProgress):
                yield self._exporting(event)
            elif isinstance(event, RunNotice):
                yield RunView(status=f"**Take {self.number}** · {event.text}" + command_log(self.lines))
            elif isinstance(event, RunDone):
                yield from self._done(event.take)
            elif isinstance(event, RunFailed):
                yield self._failed(event)

    def _chunk(self, event: ChunkShown) -> RunView:
        record = self.run.record
        rows = None
        if event.commands:  # live commands join the plan: the table and the strip show them
            now = reading_of(record, self.run.interpretations)  # the run's script: no compile here
            self.kinds, rows = now.kinds, now.rows
            self.lines += [command_line(c) for c in event.commands]
        fps_text = f" · {event.fps:.0f} fps" if event.fps else ""
        live_text = f" · {event.live.describe()}" if event.live else ""
        progress = f"{format_time(event.seconds)} / {format_time(event.total)}{fps_text}{live_text}"
        return RunView(status=f"**Take {self.number}** · rendering · {progress}" + command_log(self.lines),
                       strip=StripView(record, self.kinds, made=event.seconds, status=progress),
                       rows=rows)

    def _exporting(self, event: ExportProgress) -> RunView:
        p = event.progress
        text = f"live part done ({format_time(event.live_seconds)}); rendering the full-quality clip {p.fraction:.0%}"
        return RunView(status=f"**Take {self.number}** · {text}…" + command_log(self.lines),
                       strip=StripView(self.run.record, self.kinds, made=event.live_seconds, status=text))

    def _done(self, take: Take) -> Iterator[RunView]:
        if take.finished and not take.stopped:  # the check decodes the whole take
            yield RunView(status=f"**Take {self.number}** rendered · checking that it did what the rows say…"
                          + command_log(self.lines))
        done = self._finished(take)
        if self.run.export is not None:
            done = replace(done, status="✓ Full-quality clip ready. " + (done.status or ""))
        yield done

    def _failed(self, event: RunFailed) -> RunView:
        done = self._finished(event.take) if event.take else RunView()
        record = self.run.record  # the strip says so too (not "starting…" or "done")
        strip = StripView(record, reading_of(record, self.run.interpretations).kinds, made=self.run.seconds_made,
                          status=f"Take {self.number} failed")
        return replace(done, status=f"⚠ **Take {self.number} failed:** {event.message}", strip=strip)

    def _finished(self, take: Take) -> RunView:
        """The take's end: its record becomes the plan, checked, with a verdict beside each row."""
        record = take.record
        with self.session.lock:
            self.session.timeline = record  # live commands join the plan at their times
        if take.finished and not take.stopped and take.check is None:
            take.check = check_take(take)  # did it do what the rows said? verdicts beside each row
        notes = notes_with_verdicts(notes_for(record, take.interpretations), take.check)
        reading = reading_of(record, take.interpretations, notes)
        state = (f"stopped at {format_time(take.seconds)}: the clip holds what was made" if take.stopped
                 else f"done · {format_time(take.seconds)}")
        if take.check is not None:
            state += f" · {take.check.summary}"
        return RunView(status=f"**Take {take.number}** {state}. Download it under *Export*." + command_log(self.lines),
                       strip=StripView(record, reading.kinds, made=take.seconds, status=f"Take {take.number} {state}"),
                       editor=EditorView.of(reading), take=take_view(self.session, take))


def take_view(session: DirectSession, take: Take) -> TakeView:
    return TakeView(take.number, take.path if take.finished else None, session.takes.choices(),
                    format_time(take.seconds / 2))


def command_line(c) -> str:
    """One applied live command as the status line lists it: time, text, how it was read."""
    note = read_note(c.interpretation, Directive(at=c.at, text=c.text or "command"))
    return f"{format_time(c.at)} · “{c.text}” → {note}"


def command_log(lines: list[str]) -> str:
    if not lines:
        return ""
    return "\n\n**Live commands**\n" + "\n".join(f"- {line}" for line in lines[-LOG_LINES:])
