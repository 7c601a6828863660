"""What the Direct tab's controller hands the layout: typed views, no gradio.

A field left ``None`` means "leave that part of the screen as it is" (an invalid edit keeps the last
good strip; an edit of the rows leaves the world and settings as the creator is typing them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from director.plan.timeline import Timeline
from director.ui.direct.fields import EditorFields
from director.ui.direct.images import attach_choices
from director.ui.direct.reading import Reading
from director.ui.direct.strip import strip_html


@dataclass(frozen=True)
class StripView:
    """The timeline strip: each directive in its colour (``kinds``), the part ``made`` shaded while a
    take renders (None when idle), and a caption."""

    timeline: Timeline
    kinds: list[str]
    made: float | None = None
    status: str = ""
    authors: tuple[str | None, ...] = ()  # a shared take: per directive, its live author's colour

    @property
    def html(self) -> str:
        return strip_html(self.timeline, self.kinds, made=self.made, status=self.status, authors=self.authors)


@dataclass(frozen=True)
class EditorView:
    """The editor after an edit or a load: the table (with how each row was read, or what is wrong)
    and the message under it; the whole editor after a load."""

    rows: list[list[str]]
    message: str = ""  # under the table: what to fix ("" when the timeline is valid)
    fields: EditorFields | None = None  # every field (a load, a take's end); None: the rest stays as typed
    strip: StripView | None = None
    attach_choices: list[str] | None = None  # the reference images' "Use it for" menu
    gallery: list[tuple[Any, str]] | None = None  # the session's images (RGBA arrays) by key
    valid: bool = True  # False: the rows hold problems (nothing was taken from them)

    @classmethod
    def invalid(cls, reading: Reading) -> EditorView:
        """The rows as typed, each problem beside its row, the rest under the table."""
        return cls(reading.rows, reading.message, valid=False)

    @classmethod
    def of(cls, reading: Reading, message: str = "", *, whole: bool = True,
           gallery: list[tuple[Any, str]] | None = None) -> EditorView:
        """A valid reading shown: its rows, strip and "Use it for" menu; with every field when ``whole``."""
        timeline = reading.timeline
        assert timeline is not None, "an invalid reading is shown with EditorView.invalid"
        return cls(reading.rows, message, reading.fields() if whole else None, StripView(timeline, reading.kinds),
                   attach_choices(timeline), gallery)


@dataclass(frozen=True)
class FilesView:
    """Export & files: a file to download, a message, and whether to clear the upload that led here."""

    message: str
    file: Path | None = None
    clear_upload: bool = False
    editor: EditorView | None = None  # a load shows the new timeline; an invalid save shows its rows


@dataclass(frozen=True)
class ImageView:
    """After an image was dropped: the message beside it, and the editor when it was attached."""

    message: str
    editor: EditorView | None = None


@dataclass(frozen=True)
class TakeView:
    """The take shown: its clip (None until finished), the takes menu, where a rewind starts."""

    number: int
    clip: Path | None
    choices: list[tuple[str, int]]
    rewind_at: str


@dataclass(frozen=True)
class RunView:
    """One update while a take is made (Start, rewind, re-take): only the parts that changed."""

    status: str | None = None  # the line under Start (markdown)
    strip: StripView | None = None
    live: str | None = None  # the token of a new take's live feed (the live view connects to it)
    rows: list[list[str]] | None = None  # the table (live commands join it)
    editor: EditorView | None = None  # the whole editor (an invalid start, the take's end)
    take: TakeView | None = None  # the take's end
    clear_clip: bool = False  # a new take starts: the last clip's download goes


@dataclass(frozen=True)
class SwitchView:
    """Another take shown: its plan and verdicts, its clip."""

    editor: EditorView
    clip: Path | None


@dataclass(frozen=True)
class SelectionView:
    """After a row moved or was deleted: the editor (None: nothing changed) and the row now selected."""

    editor: EditorView | None
    selected: str  # 1-based row number as shown, "" for none
