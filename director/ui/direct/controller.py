"""The Direct tab without gradio: one creator's session in, typed views out.

``DirectController`` takes the editor's fields (``EditorFields``) and returns views (``views.py``):
every edit is read once (one compile, ``reading.read_editor``), and nothing is lost when the input is
wrong (the rows come back as typed, each problem beside its row). The Gradio layout (``layout.py``)
only turns components into fields and views into component updates; this is what the tests drive.
Problems the creator must fix first raise ``DirectError`` (the layout shows them as a message).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from director.commands.reader import WITH_MEANING, Reader
from director.engines.protocol import EngineError
from director.formats.detect import timeline_from_any
from director.formats.session_export import export_takes
from director.formats.take_notes import Take as FormatTake
from director.plan.assets import AssetError
from director.plan.limits import LimitError, check_app_seconds, parse_json, read_input_file
from director.plan.timecode import format_time, parse_time
from director.plan.timeline import Timeline, TimelineError
from director.ui.bundle import BundleError, read_bundle, write_bundle
from director.ui.direct.fields import EditorFields
from director.ui.direct.images import GoneTarget, attach_image
from director.ui.direct.reading import Reading, editor_timeline, read_editor, read_timeline, reading_of
from director.ui.direct.table import notes_for
from director.ui.direct.take_check import notes_with_verdicts, retake_time
from director.ui.direct.take_run import TakeRun
from director.ui.direct.views import EditorView, FilesView, ImageView, RunView, SelectionView, SwitchView
from director.run.pace_governor import PaceMemory
from director.ui.export_rerender import RerenderProgress
from director.ui.live_run import LiveRun, RewindError
from director.ui.live_view.feeds import LiveFeeds, default_feeds
from director.plan.presets import load_preset_and_images
from director.plan.timeline_images import image_keys
from director.ui.session_assets import SessionAssets, add_upload
from director.ui.sessions import DirectSession

MAX_JSON_UPLOAD = 16 * 1024 * 1024  # Parseq renders of long clips run to megabytes
SLUG_CHARS = 40  # a bundle's file name is cut to this


class DirectError(ValueError):
    """Something the creator must do first (the message says what); nothing was changed."""


class DirectController:
    """One session's Direct tab. ``engine_options``: the app's options per engine name; ``runs``: what
    starts a take (``LiveRun`` in this process, or ``director.ui.service_run.ServiceRuns``); ``feeds``:
    where a take's live feed is registered for the page to watch (the server's, by default);
    ``pace_memory``: the app's record of what this machine sustained live (a take's first size)."""

    def __init__(self, session: DirectSession, *, reader: Reader = WITH_MEANING,
                 engine_options: dict[str, dict] | None = None, runs: Any = LiveRun,
                 feeds: LiveFeeds | None = None, pace_memory: PaceMemory | None = None):
        self.session = session
        self.reader = reader  # how the editor's and the live commands' text is read
        self.engine_options = engine_options or {}
        self.runs = runs
        self.feeds = feeds if feeds is not None else default_feeds()
        self.pace_memory = pace_memory

    # -- reading -----------------------------------------------------------------------------------
    def read(self, fields: EditorFields) -> Reading:
        """The editor read against the session's timeline: one compile."""
        s = self.session
        return read_editor(fields, s.timeline, s.assets.keys(), reader=self.reader)

    def show(self) -> EditorView:
        """The session's timeline as it is now (the Wander tab's "Open in Direct" replaces it)."""
        with self.session.lock:
            timeline = self.session.timeline
        return self._whole(timeline, gallery=True)

    # -- edits -------------------------------------------------------------------------------------
    def edit(self, fields: EditorFields) -> EditorView:
        """Any change in the editor: a valid one becomes the session's timeline."""
        reading = self.read(fields)
        if not reading.ok:
            return EditorView.invalid(reading)
        with self.session.lock:
            self.session.timeline = reading.timeline
        return EditorView.of(reading, whole=False)

    def add(self, fields: EditorFields, at: str, text: str, duration: str) -> EditorView:
        """A new directive row (at ``at``, default 0:00), then the edit is read as any other."""
        if not (text or "").strip():
            raise DirectError("Write the directive first, e.g. “it starts to rain”.")
        rows = [r for r in fields.rows if any(str(c).strip() for c in r[:4])]
        return self.edit(fields.with_rows([*rows, [at or "0", text, duration or "", "", ""]]))

    def move(self, fields: EditorFields, selected: str, delta: int) -> SelectionView:
        """Move the selected row ``delta`` places (its time swaps with the row it passes)."""
        rows = [list(r) for r in fields.rows]
        i = _row_index(selected, len(rows))
        j = i + delta
        if not 0 <= j < len(rows):
            return SelectionView(None, str(i + 1))
        rows[i][0], rows[j][0] = rows[j][0], rows[i][0]  # swap times: the directive moves
        rows[i], rows[j] = rows[j], rows[i]
        return SelectionView(self.edit(fields.with_rows(rows)), str(j + 1))

    def delete(self, fields: EditorFields, selected: str) -> SelectionView:
        rows = [list(r) for r in fields.rows]
        del rows[_row_index(selected, len(rows))]
        return SelectionView(self.edit(fields.with_rows(rows)), "")

    def add_image(self, path: str | None, target: str, role: str, fields: EditorFields) -> ImageView | None:
        """Keep a dropped image in the session and use it for ``target`` (see ``images.attach_choices``)."""
        if not path:
            return None
        s = self.session
        base = editor_timeline(fields, s.timeline, s.assets.keys()) or s.timeline
        try:
            added = add_upload(s.assets, path)
        except AssetError as exc:
            return ImageView(f"⚠ {exc}. Use a PNG, JPEG or WebP image under 25 MB.")
        target = target or ""
        try:
            timeline = attach_image(base, target, added.key, role)
        except GoneTarget as exc:
            raise DirectError(str(exc)) from None
        with s.lock:
            s.timeline = timeline
        return ImageView(f"Added **{added.key}** ({added.width}×{added.height}) to {target.lower()}.",
                         self._whole(timeline, gallery=True))

    # -- loads ---------------------------------------------------------------------------------------
    def load_preset(self, name: str) -> EditorView:
        try:
            timeline, images = load_preset_and_images(name)
        except TimelineError as exc:
            raise DirectError(str(exc)) from None
        self._replace(timeline, images)
        return self._whole(timeline, f"Loaded **{name}**. Press **Start**, or edit it first.", gallery=True)

    def load_timeline(self, path: str | None) -> FilesView | None:
        """A dropped timeline: director JSON, a Deforum settings file or a Parseq render."""
        if not path:
            return None
        try:
            raw = read_input_file(Path(path), "file", MAX_JSON_UPLOAD)  # size checked before reading, as elsewhere
            data = parse_json(raw, "file", max_bytes=MAX_JSON_UPLOAD)
            timeline, imported = timeline_from_any(data, "uploaded timeline")  # Deforum/Parseq files too
            check_app_seconds(timeline.duration, "timeline")
        except (ValueError, TimelineError, OSError) as exc:
            problems = (exc.problems if isinstance(exc, TimelineError) else  # never the upload's server path:
                        ["cannot read the file"] if isinstance(exc, OSError) else [str(exc)])
            return FilesView("⚠ This timeline cannot be loaded:\n" + "\n".join(f"- {p}" for p in problems),
                             clear_upload=True)
        with self.session.lock:
            _ensure_idle(self.session)
            self.session.timeline = timeline
        missing = [k for k in image_keys(timeline) if k not in self.session.assets.preloaded]
        msg = "Timeline loaded." + (f" Drop its images under Reference images: {', '.join(missing)}." if missing else "")
        notes = "".join(f"\n- {line}" for line in imported)  # an import's notes: under Export & files only
        return FilesView(msg + notes, clear_upload=True, editor=self._whole(timeline, msg))

    def load_world(self, path: str | None) -> FilesView | None:
        if not path:
            return None
        try:
            bundle = read_bundle(Path(path), self.session.folder)
        except BundleError as exc:
            return FilesView(f"⚠ {exc}", clear_upload=True)
        self._replace(bundle.record, bundle.images)
        msg = "World loaded: press **Start** to replay it (same seed, same directives, live commands included)."
        return FilesView(msg, clear_upload=True, editor=self._whole(bundle.record, msg, gallery=True))

    # -- files -----------------------------------------------------------------------------------------
    def save_timeline(self, fields: EditorFields) -> FilesView:
        reading = self.read(fields)
        if not reading.ok:
            return FilesView("⚠ Fix the timeline before saving it.", editor=EditorView.invalid(reading))
        path = self.session.folder / "timeline.json"
        path.write_text(reading.timeline.to_json(), encoding="utf-8")
        return FilesView("Timeline saved: download it above.", path)

    def export_world(self, fields: EditorFields) -> FilesView:
        """A .world bundle: the timeline, the shown take's session record, the images and the seed."""
        reading = self.read(fields)
        if not reading.ok:
            return FilesView("⚠ Fix the timeline before exporting it.", editor=EditorView.invalid(reading))
        take = self.session.takes.shown
        record = take.record if take is not None else None
        name = slug(reading.timeline.title or "world")
        path = write_bundle(self.session.folder / f"{name}.world", reading.timeline, record,
                            self.session.assets.preloaded)
        return FilesView("World bundle ready: it holds the timeline, the session record "
                         "(live commands included), the images and the seed.", path)

    def export_format(self, kind: str) -> FilesView:
        """The shown take (or every take, for OTIO) in another tool's format (``director.formats``)."""
        s = self.session
        takes = [FormatTake(t.record, t.path if t.finished else None, f"Take {t.number}")
                 for t in s.takes.items]
        shown = next((x for x, t in zip(takes, s.takes.items) if t is s.takes.shown), None)
        try:
            path = export_takes(kind, s.folder, takes, shown, fallback=s.timeline, assets=s.assets)
        except (TimelineError, AssetError, ValueError) as exc:
            return FilesView(f"⚠ {exc}")
        return FilesView(f"{kind.upper()} ready: download it above.", path)

    # -- takes -----------------------------------------------------------------------------------------
    def start(self, fields: EditorFields) -> Iterator[RunView]:
        """Make a new take of the editor's timeline from the start."""
        return self._make_take(fields, None)

    def rewind(self, fields: EditorFields, at: str) -> Iterator[RunView]:
        """A new take branching from the shown one at ``at`` (what came before is reused)."""
        try:
            t = parse_time(at)
        except ValueError as exc:
            raise DirectError(f"Rewind to: {exc}") from None
        return self._make_take(fields, t)

    def retake(self, fields: EditorFields) -> Iterator[RunView]:
        """A new take from the earliest directive the shown take's check did not see."""
        shown = self.session.takes.shown
        t = retake_time(shown.check if shown is not None else None)
        if t is None:
            raise DirectError("No failed directive in the take shown: nothing to re-take.")
        return self._make_take(fields, t if t > 0 else None)

    def send(self, text: str) -> str:
        """A live command for the take rendering; returns the status line."""
        text = (text or "").strip()
        if not text:
            raise DirectError("Type a command first, e.g. “pan left” or “night falls”.")
        run = self.session.run
        if run is None:
            raise DirectError("Live commands work while a take renders: press Start first "
                              "(or add it to the timeline below).")
        try:
            run.send(text)
        except LimitError as exc:
            raise DirectError(str(exc)) from None
        return f"Sent “{text}”: it applies at the next chunk (≈ {format_time(run.seconds_made)})."

    def stop(self) -> str:
        run = self.session.run
        if run is None:
            return "Nothing is rendering."
        exporting = _exporting(run)
        if exporting is not None:  # stopped already: the export finishes what was shown
            return f"The live part is over; the full-quality clip is {exporting.fraction:.0%} rendered."
        run.stop()
        return "Stopping after this chunk… the clip made so far will be ready to download."

    def switch_take(self, number: Any) -> SwitchView | None:
        """Show take ``number``: its plan (live commands included) with its verdicts, and its clip."""
        if number is None:
            return None
        with self.session.lock:
            _ensure_idle(self.session)
            try:
                take = self.session.takes.select(int(number))
            except KeyError as exc:
                raise DirectError(str(exc).strip("'")) from None
            record = take.record
            self.session.timeline = record
        notes = notes_with_verdicts(notes_for(record, take.interpretations), take.check)
        reading = reading_of(record, take.interpretations, notes)
        return SwitchView(EditorView.of(reading, f"Showing take {take.number}."),
                          take.path if take.finished else None)

    # -- inside ----------------------------------------------------------------------------------------
    def _make_take(self, fields: EditorFields, rewind_to: float | None) -> Iterator[RunView]:
        # Read now, so that a problem is raised before the first update (not when it is iterated)
        reading = self.read(fields)
        if not reading.ok:
            return iter([RunView(editor=EditorView.invalid(reading))])
        return self._run(reading, self._start_run(reading.timeline, rewind_to))

    def _start_run(self, timeline: Timeline, rewind_to: float | None) -> LiveRun:
        s = self.session
        with s.lock:
            if s.run is not None:
                raise DirectError(_busy(s.run))
            try:
                run = self.runs.start(s.folder, timeline, s.assets, s.takes, rewind_to=rewind_to,
                                      reader=self.reader, engine_options=self.engine_options.get(timeline.engine),
                                      pace_memory=self.pace_memory)
            except (RewindError, TimelineError, AssetError, EngineError) as exc:
                raise DirectError(str(exc)) from None
            s.timeline = timeline
            s.run = run
        run.live_token = self.feeds.add(run.feed)  # the capability the page watches the take with
        return run

    def _run(self, reading: Reading, run: LiveRun) -> Iterator[RunView]:
        try:
            yield from TakeRun(self.session, run, reading).views()
        finally:
            with self.session.lock:
                if self.session.run is run:
                    self.session.run = None

    def _replace(self, timeline: Timeline, images: dict[str, Any]) -> None:
        """A loaded plan and its images replace the session's (only while nothing renders)."""
        with self.session.lock:
            _ensure_idle(self.session)
            assets = SessionAssets()
            for key, rgba in images.items():
                assets.add(key, rgba)
            self.session.assets, self.session.timeline = assets, timeline

    def _whole(self, timeline: Timeline, message: str = "", *, gallery: bool = False) -> EditorView:
        """Every field showing ``timeline``, read once."""
        return EditorView.of(read_timeline(timeline, reader=self.reader), message,
                             gallery=self.gallery() if gallery else None)

    def gallery(self) -> list[tuple[Any, str]]:
        """The session's images with their keys, for "Images in this world"."""
        return [(rgba, key) for key, rgba in self.session.assets.preloaded.items()]


def _exporting(run: Any) -> RerenderProgress | None:
    """The progress of ``run``'s full-quality re-render while it is under way (None: not rendering one)."""
    export = getattr(run, "export", None)  # a service run has none
    return export.progress if export is not None and not export.progress.done else None


def _busy(run: Any) -> str:
    """Why a new take cannot start yet: the take renders live, or its full-quality clip is being made."""
    exporting = _exporting(run)
    if exporting is None:
        return "A take is already rendering: Stop it first."
    return (f"Take {run.take.number}'s full-quality clip is being rendered ({exporting.fraction:.0%}): "
            "Start again once it is ready (the status line says so).")


def _ensure_idle(session: DirectSession) -> None:
    if session.run is not None:
        raise DirectError(_busy(session.run))


def _row_index(selected: str, n: int) -> int:
    """The 0-based index of the selected row (shown 1-based); raises DirectError when none is."""
    text = str(selected or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= n:
        raise DirectError("Click a row of the timeline first.")
    return int(text) - 1


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_CHARS] or "world"
