"""The Direct tab: plan a timeline, press Start, watch it being made, steer it live, rewind, export.

Every handler finds the caller's ``DirectSession`` by ``session_key(request)`` (the session hash bound
to the browser's server-issued secret, see ``director.security``); nothing a user does
is kept in module globals. Handlers are thin: the work is in the library (Director, ClipWriter) and
in the small modules beside this one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from director.plan.assets import AssetError
from director.engines.protocol import EngineError
from director.engines.options import EngineOptions
from director.engines import ENGINES, engine_names
from director.plan.limits import LimitError, check_app_seconds, parse_json, read_input_file
from director.security import session_key
from director.plan.timecode import format_time, parse_time
from director.formats.detect import timeline_from_any
from director.formats.session_export import export_takes
from director.formats.take_notes import Take as FormatTake
from director.plan.timeline import TimelineError
from director.ui.bundle import BundleError, read_bundle, write_bundle
from director.ui.editor import (
    FPS_CHOICES, SIZES, Fields, fields_from_timeline, read_fields, rows_value, style_choices,
)
from director.ui.live_run import ChunkShown, ExportProgress, LiveRun, RewindError, RunDone, RunFailed
from director.plan.presets import BUILTIN_NAME, list_presets, load_preset_and_images
from director.ui.session_assets import SessionAssets, add_upload
from director.ui.sessions import DirectSession, SessionStore
from director.ui.take_check import check_take, notes_with_verdicts, retake_time
from director.ui.timeline_strip import STRIP_CSS, kinds_for, strip_html
from director.ui.timeline_table import HEADERS, NOTE_COLUMN, notes_for

log = logging.getLogger(__name__)

MAX_JSON_UPLOAD = 16 * 1024 * 1024  # Parseq renders of long clips run to megabytes
EDIT_CONCURRENCY = 8  # edits, commands, loads at once across all users (each is quick; bounded text keeps it so)
IMAGE_TYPES = [".png", ".jpg", ".jpeg", ".webp"]
ATTACH_SCENE, ATTACH_STYLE, ATTACH_LIBRARY = "World · scene image", "World · style image", "Library only"


@dataclass
class DirectTab:
    """The components other code (tests, the Wander tab) may want to reach."""

    fields: list[gr.components.Component]
    table: gr.Dataframe
    video: gr.Video
    strip: gr.HTML


def build_direct_tab(store: SessionStore, *, use_embeddings: bool = True, render_concurrency: int = 2,
                     engine_options: EngineOptions | None = None) -> DirectTab:
    first = _default_session_timeline()
    initial = fields_from_timeline(first, use_embeddings=False)  # rules only: no model load at build
    first_strip = strip_html(first, _kinds(first, use_embeddings=False))

    with gr.Tab("Direct", id="direct", elem_id="dr-tab") as direct_tab:
        gr.HTML(
            '<div class="dr-steps"><span><b>1</b> Pick a preset or write your scene</span>'
            "<span><b>2</b> Place directives on the timeline</span>"
            "<span><b>3</b> Press Start, then direct it live</span></div>"
        )
        with gr.Row(equal_height=False, elem_classes="dr-top"):
            # -- the stage: what is being made, and the controls while it is made ----------------
            with gr.Column(scale=3, min_width=320, elem_classes="dr-stage"):
                video = gr.Video(label="Live view", streaming=True, autoplay=True, interactive=False,
                                 elem_id="dr-live", height=400)
                strip = gr.HTML(first_strip, elem_id="dr-strip")
                with gr.Row(elem_classes="dr-transport"):
                    start = gr.Button("▶  Start", variant="primary", size="lg", elem_id="dr-start", scale=3)
                    stop = gr.Button("■  Stop", variant="stop", size="lg", elem_id="dr-stop", scale=1)
                with gr.Row(elem_classes="dr-command-row"):
                    command = gr.Textbox(show_label=False, container=False, elem_id="dr-command", scale=5,
                                         placeholder="Direct it live: “slow dolly in on the girl”, “it starts to rain”…")
                    send = gr.Button("Send", elem_id="dr-send", scale=1, min_width=80)
                status = gr.Markdown("Ready. Press **Start** to make the clip.", elem_id="dr-status")
            # -- the plan: world and settings -------------------------------------------------------
            with gr.Column(scale=2, min_width=300, elem_classes="dr-plan"):
                with gr.Row(equal_height=True):
                    preset = gr.Dropdown([p.name for p in list_presets()], value=BUILTIN_NAME, label="Presets",
                                         elem_id="dr-preset", scale=4)
                    load_btn = gr.Button("Load", elem_id="dr-load-preset", scale=1, min_width=70)
                scene = gr.Textbox(initial.scene, label="Scene", lines=2, elem_id="dr-scene",
                                   placeholder="Where are we? e.g. a rainy harbour at dawn")
                characters = gr.Textbox(initial.characters, label="Characters (one per line, name: look)", lines=2,
                                        elem_id="dr-characters", placeholder="girl: A stylish blonde female model")
                style = gr.Dropdown(style_choices(), value=initial.style, label="Style", elem_id="dr-style")
                with gr.Accordion("Settings", open=False, elem_id="dr-settings"):
                    engine = gr.Dropdown(engine_names(), value=initial.engine, label="Engine", elem_id="dr-engine",
                                         info=" · ".join(f"{n}: {ENGINES[n][2]}" for n in engine_names()))
                    with gr.Row():
                        size = gr.Dropdown(SIZES, value=initial.size, label="Size", allow_custom_value=True,
                                           elem_id="dr-size", min_width=110)
                        fps = gr.Dropdown(FPS_CHOICES, value=int(initial.fps), label="FPS", allow_custom_value=True,
                                          elem_id="dr-fps", min_width=80)
                    with gr.Row():
                        seed = gr.Number(initial.seed, label="Seed", precision=0, elem_id="dr-seed", min_width=80)
                        duration = gr.Slider(1, 180, value=initial.duration, step=0.5, label="Duration (s)",
                                             elem_id="dr-duration", min_width=160)

        # -- the timeline ----------------------------------------------------------------------------
        with gr.Group(elem_classes="dr-timeline"):
            table = gr.Dataframe(initial.rows, headers=HEADERS, datatype="str", type="array", interactive=True,
                                 static_columns=[NOTE_COLUMN], wrap=True, label="Timeline · click a cell to edit",
                                 column_widths=["11%", "36%", "11%", "12%", "30%"], elem_id="dr-table",
                                 max_height=360)
            table_msg = gr.Markdown(elem_id="dr-table-msg")
            with gr.Row(equal_height=True, elem_classes="dr-add"):
                new_at = gr.Textbox(label="At", placeholder="0:10", elem_id="dr-new-at", min_width=70, scale=1)
                new_text = gr.Textbox(label="New directive", placeholder="a cute cat runs to the girl",
                                      elem_id="dr-new-text", min_width=200, scale=4)
                new_dur = gr.Textbox(label="Duration (s)", placeholder="2", elem_id="dr-new-dur", min_width=70, scale=1)
                add_btn = gr.Button("+ Add", elem_id="dr-add", min_width=70, scale=1)
            with gr.Row(elem_classes="dr-rowtools"):
                selected = gr.Textbox("", label="Selected row", elem_id="dr-selected", interactive=False,
                                      placeholder="click a row", min_width=90, scale=1)
                up_btn = gr.Button("↑ Earlier", size="sm", elem_id="dr-up", scale=1, min_width=80)
                down_btn = gr.Button("↓ Later", size="sm", elem_id="dr-down", scale=1, min_width=80)
                del_btn = gr.Button("✕ Delete", size="sm", elem_id="dr-delete", scale=1, min_width=80)

        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                with gr.Accordion("Reference images", open=False, elem_id="dr-images"):
                    gr.Markdown("Drop a PNG, JPEG or WebP and choose what it is for: the world’s scene or style, "
                                "a character, or one directive.")
                    attach = gr.Dropdown(_attach_choices(_default_session_timeline()), value=ATTACH_STYLE,
                                         label="Use it for", elem_id="dr-attach")
                    role = gr.Radio(["style", "scene", "character"], value="style", label="On a directive, as",
                                    elem_id="dr-role")
                    image = gr.File(label="Drop image", file_types=IMAGE_TYPES, type="filepath", elem_id="dr-image")
                    image_msg = gr.Markdown(elem_id="dr-image-msg")
                    gallery = gr.Gallery(label="Images in this world", columns=4, height=140, elem_id="dr-gallery",
                                         interactive=False)
                with gr.Accordion("Rewind & takes", open=False, elem_id="dr-takes"):
                    gr.Markdown("Pick a time, edit the directives after it, and regenerate from there: what came "
                                "before is reused. Every take is kept.")
                    with gr.Row(equal_height=True):
                        rewind_at = gr.Textbox(label="Rewind to", placeholder="0:08", elem_id="dr-rewind-at",
                                               min_width=90)
                        rewind_btn = gr.Button("↺ Regenerate from here", elem_id="dr-rewind", min_width=160)
                        retake_btn = gr.Button("↺ Re-take failed", elem_id="dr-retake", min_width=140)
                    takes = gr.Dropdown([], label="Takes", elem_id="dr-take-list", interactive=True)
                    take_video = gr.Video(label="Take", interactive=False, elem_id="dr-take-video", height=260)
            with gr.Column(min_width=300):
                with gr.Accordion("Export & files", open=True, elem_id="dr-export"):
                    mp4 = gr.File(label="Clip (MP4 with sound)", interactive=False, elem_id="dr-mp4", visible=False)
                    gr.Markdown("The finished clip appears here after **Start**.", elem_classes="dr-hint")
                    with gr.Row():
                        world_btn = gr.Button("Export .world bundle", elem_id="dr-export-world", size="sm")
                        json_btn = gr.Button("Save timeline JSON", elem_id="dr-save-json", size="sm")
                    with gr.Row():  # other tools' formats (director.formats): the shown take, or every take (OTIO)
                        format_btns = {kind: gr.Button(label, elem_id=f"dr-export-{kind}", size="sm") for kind, label in
                                       (("otio", "OTIO (all takes)"), ("srt", "SRT"), ("vtt", "VTT"),
                                        ("storyboard", "Storyboard PDF"))}
                    out_file = gr.File(label="Timeline / bundle", interactive=False, elem_id="dr-out-file", visible=False)
                    # A drop zone (click to choose too): director timelines, Deforum settings, Parseq renders.
                    json_in = gr.File(label="Load timeline: drop a JSON, Deforum or Parseq file",
                                      file_types=[".json", ".txt"], file_count="single", type="filepath",
                                      height=90, elem_id="dr-load-json")
                    with gr.Row():
                        world_in = gr.UploadButton("Load .world bundle", file_types=[".world"],
                                                   elem_id="dr-load-world", size="sm")
                    files_msg = gr.Markdown(elem_id="dr-files-msg")

    fields = [scene, characters, style, engine, size, fps, seed, duration, table]
    editor_out = [*fields, strip, table_msg, attach]

    # -- helpers bound to this tab's components --------------------------------------------------------
    def session_of(request: gr.Request) -> DirectSession:
        return store.get(session_key(request))  # the session hash bound to this browser's server-issued secret

    def editor_update(session: DirectSession, message: str = "", notes: list[str] | None = None,
                      timeline=None) -> list[Any]:
        t = timeline or session.timeline
        f = fields_from_timeline(t, use_embeddings=use_embeddings, notes=notes)
        kinds = _kinds(t, use_embeddings)
        return [*f.values(), strip_html(t, kinds), message, gr.update(choices=_attach_choices(t))]

    def read_editor(session: DirectSession, values: list[Any]):
        f = Fields(*values[:8], rows_value(values[8]))
        return read_fields(f, session.timeline, session.assets.keys(), use_embeddings=use_embeddings)

    def invalid_update(reading) -> dict:
        msg = "**Fix the rows marked ⚠ first.**" if any(r[NOTE_COLUMN].startswith("⚠") for r in reading.rows) else ""
        if reading.problems:
            msg += "\n" + "\n".join(f"- ⚠ {p}" for p in reading.problems)
        return {table: reading.rows, table_msg: msg or "⚠ The timeline is not valid."}

    # -- handlers --------------------------------------------------------------------------------------
    def on_load_preset(name: str, request: gr.Request):
        session = session_of(request)
        try:
            timeline, images = load_preset_and_images(name)
        except TimelineError as exc:
            raise gr.Error(str(exc)) from None
        with session.lock:
            _ensure_idle(session)
            assets = SessionAssets()
            for key, rgba in images.items():
                assets.add(key, rgba)
            session.assets, session.timeline = assets, timeline
        return [*editor_update(session, f"Loaded **{name}**. Press **Start**, or edit it first."),
                _gallery(session)]

    def on_edit(scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
        session = session_of(request)
        reading = read_editor(session, [scene, characters, style, engine, size, fps, seed, duration, rows])
        if not reading.ok:
            return invalid_update(reading)
        with session.lock:
            session.timeline = reading.timeline
        return {table: reading.rows, table_msg: "", strip: strip_html(reading.timeline, _kinds(reading.timeline, use_embeddings)),
                attach: gr.update(choices=_attach_choices(reading.timeline))}

    def on_add(at: str, text: str, dur: str, scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
        values = [scene, characters, style, engine, size, fps, seed, duration, rows]
        rows = rows_value(rows)
        if not (text or "").strip():
            raise gr.Error("Write the directive first, e.g. “it starts to rain”.")
        rows = [r for r in rows if any(str(c).strip() for c in r[:4])] + [[at or "0", text, dur or "", "", ""]]
        result = on_edit(*values[:8], rows, request=request)
        if not result.get(table_msg):
            result.update({new_at: "", new_text: "", new_dur: ""})
        return result

    def on_select(evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return str(int(index) + 1)

    def on_move(delta: int):
        def handler(index, scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
            values = [scene, characters, style, engine, size, fps, seed, duration, rows]
            rows = [list(r) for r in rows_value(values[8])]
            if not str(index or "").strip().isdigit() or not 1 <= int(index) <= len(rows):
                raise gr.Error("Click a row of the timeline first.")
            i = int(index) - 1
            j = i + delta
            if delta == 0:
                del rows[i]
                new_index = ""
            elif 0 <= j < len(rows):
                rows[i][0], rows[j][0] = rows[j][0], rows[i][0]  # swap times: the directive moves
                rows[i], rows[j] = rows[j], rows[i]
                new_index = str(j + 1)
            else:
                return {selected: str(i + 1)}
            result = on_edit(*values[:8], rows, request=request)
            result[selected] = new_index
            return result
        return handler

    def on_start(scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request) -> Iterator[dict]:
        yield from run_take([scene, characters, style, engine, size, fps, seed, duration, rows], None, request)

    def on_rewind(at: str, scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request) -> Iterator[dict]:
        values = [scene, characters, style, engine, size, fps, seed, duration, rows]
        try:
            t = parse_time(at)
        except ValueError as exc:
            raise gr.Error(f"Rewind to: {exc}") from None
        yield from run_take(values, t, request)

    def on_retake(scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request) -> Iterator[dict]:
        shown = session_of(request).takes.shown()
        t = retake_time(shown.check if shown is not None else None)
        if t is None:
            raise gr.Error("No failed directive in the take shown: nothing to re-take.")
        yield from run_take([scene, characters, style, engine, size, fps, seed, duration, rows], t if t > 0 else None, request)

    def run_take(values, rewind_to: float | None, request: gr.Request) -> Iterator[dict]:
        session = session_of(request)
        reading = read_editor(session, list(values))
        if not reading.ok:
            yield invalid_update(reading)
            return
        timeline = reading.timeline
        with session.lock:
            if session.run is not None:
                raise gr.Error("A take is already rendering: Stop it first.")
            try:
                run = LiveRun.start(session.folder, timeline, session.assets, session.takes, rewind_to=rewind_to,
                                    use_embeddings=use_embeddings,
                                    engine_options=(engine_options or {}).get(timeline.engine))
            except (RewindError, TimelineError, AssetError, EngineError) as exc:
                raise gr.Error(str(exc)) from None
            session.timeline = timeline
            session.run = run
        take = run.take
        kinds = kinds_for(timeline, run.director.script.interpretations)
        where = f" from {format_time(take.from_time)}" if take.from_time else ""
        yield {table: reading.rows, table_msg: "", mp4: None,
               status: f"**Take {take.number}** starting{where}…",
               strip: strip_html(timeline, kinds, made=take.from_time, status="starting…")}
        lines: list[str] = []
        try:
            for event in run.events():
                if isinstance(event, ChunkShown):
                    out: dict = {}
                    if event.segment is not None:
                        out[video] = str(event.segment)
                    record = run.director.record
                    if event.commands:
                        kinds = kinds_for(record, run.director.script.interpretations)
                        out[table] = fields_from_timeline(
                            record, notes=notes_for(record, run.director.script.interpretations)).rows
                        lines += [_command_line(c) for c in event.commands]
                    fps_text = f" · {event.fps:.0f} fps" if event.fps else ""
                    live_text = f" · {event.live.describe()}" if event.live else ""
                    progress = f"{format_time(event.seconds)} / {format_time(event.total)}{fps_text}{live_text}"
                    out[strip] = strip_html(record, kinds, made=event.seconds, status=progress)
                    out[status] = f"**Take {take.number}** · rendering · {progress}" + _log(lines)
                    yield out
                elif isinstance(event, ExportProgress):
                    p = event.progress
                    text = (f"live part done ({format_time(event.live_seconds)}); rendering the full-quality clip "
                            f"{p.fraction:.0%}")
                    yield {status: f"**Take {take.number}** · {text}…" + _log(lines),
                           strip: strip_html(run.director.record, kinds, made=event.live_seconds, status=text)}
                elif isinstance(event, RunDone):
                    if event.take.finished and not event.take.stopped:  # the check decodes the whole take
                        yield {status: f"**Take {take.number}** rendered · checking that it did what the rows say…" + _log(lines)}
                    done = finished(session, event.take, lines)
                    if run.export is not None:
                        done[status] = "✓ Full-quality clip ready. " + done[status]
                    yield done
                elif isinstance(event, RunFailed):
                    done = finished(session, event.take, lines) if event.take else {}
                    done[status] = f"⚠ **Take {take.number} failed:** {event.message}"
                    record = run.director.record  # the strip says so too (not "starting…" or "done")
                    done[strip] = strip_html(record, kinds_for(record, run.director.script.interpretations),
                                             made=run.director.time, status=f"Take {take.number} failed")
                    yield done
        finally:
            with session.lock:
                if session.run is run:
                    session.run = None

    def finished(session: DirectSession, take, lines: list[str]) -> dict:
        record = take.director.record
        with session.lock:
            session.timeline = record  # live commands join the plan at their times
        if take.finished and not take.stopped and take.check is None:
            take.check = check_take(take)  # did it do what the rows said? verdicts beside each row
        notes = notes_with_verdicts(notes_for(record, take.director.script.interpretations), take.check)
        state = (f"stopped at {format_time(take.seconds)}: the clip holds what was made" if take.stopped
                 else f"done · {format_time(take.seconds)}")
        if take.check is not None:
            state += f" · {take.check.summary}"
        return {
            **dict(zip(editor_out, editor_update(session, "", notes=notes, timeline=record))),
            strip: strip_html(record, kinds_for(record, take.director.script.interpretations), made=take.seconds,
                              status=f"Take {take.number} {state}"),
            status: f"**Take {take.number}** {state}. Download it under *Export*." + _log(lines),
            mp4: _shown(take.path if take.finished else None),
            takes: gr.update(choices=session.takes.choices(), value=take.number),
            take_video: str(take.path) if take.finished else None,
            rewind_at: rewind_at_default(take),
        }

    def rewind_at_default(take) -> str:
        return format_time(take.seconds / 2)

    def on_send(text: str, request: gr.Request):
        session = session_of(request)
        text = (text or "").strip()
        if not text:
            raise gr.Error("Type a command first, e.g. “pan left” or “night falls”.")
        run = session.run
        if run is None:
            raise gr.Error("Live commands work while a take renders: press Start first "
                           "(or add it to the timeline below).")
        try:
            run.send(text)
        except LimitError as exc:
            raise gr.Error(str(exc)) from None
        return "", f"Sent “{text}”: it applies at the next chunk (≈ {format_time(run.director.time)})."

    def on_stop(request: gr.Request):
        session = session_of(request)
        if session.run is None:
            return "Nothing is rendering."
        session.run.stop()
        return "Stopping after this chunk… the clip made so far will be ready to download."

    def on_switch(number, request: gr.Request):
        session = session_of(request)
        if number is None:
            return {}
        with session.lock:
            _ensure_idle(session)
            take = session.takes.select(int(number))
            record = take.director.record
            session.timeline = record
        notes = notes_with_verdicts(notes_for(record, take.director.script.interpretations), take.check)
        return {**dict(zip(editor_out, editor_update(session, f"Showing take {take.number}.", notes=notes))),
                take_video: str(take.path) if take.finished else None,
                mp4: _shown(take.path if take.finished else None)}

    def on_image(path: str | None, target: str, role_value: str, scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
        values = [scene, characters, style, engine, size, fps, seed, duration, rows]
        session = session_of(request)
        if not path:
            return {}
        reading = read_editor(session, list(values))
        base = reading.timeline or session.timeline
        try:
            added = add_upload(session.assets, path)
        except AssetError as exc:
            return {image_msg: f"⚠ {exc}. Use a PNG, JPEG or WebP image under 25 MB.", image: None}
        timeline = _attach_image(base, target, added.key, role_value)
        with session.lock:
            session.timeline = timeline
        return {**dict(zip(editor_out, editor_update(session))),
                image_msg: f"Added **{added.key}** ({added.width}×{added.height}) to {target.lower()}.",
                image: None, gallery: _gallery(session)}

    def on_save_json(scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
        values = [scene, characters, style, engine, size, fps, seed, duration, rows]
        session = session_of(request)
        reading = read_editor(session, list(values))
        if not reading.ok:
            return invalid_update(reading) | {files_msg: "⚠ Fix the timeline before saving it."}
        path = session.folder / "timeline.json"
        path.write_text(reading.timeline.to_json(), encoding="utf-8")
        return {out_file: _shown(path), files_msg: "Timeline saved: download it above."}

    def on_export_world(scene, characters, style, engine, size, fps, seed, duration, rows, request: gr.Request):
        values = [scene, characters, style, engine, size, fps, seed, duration, rows]
        session = session_of(request)
        reading = read_editor(session, list(values))
        if not reading.ok:
            return invalid_update(reading) | {files_msg: "⚠ Fix the timeline before exporting it."}
        take = session.takes.shown
        record = take.director.record if take is not None else None
        name = _slug(reading.timeline.title or "world")
        path = write_bundle(session.folder / f"{name}.world", reading.timeline, record, session.assets.preloaded)
        return {out_file: _shown(path), files_msg: "World bundle ready: it holds the timeline, the session record "
                                                "(live commands included), the images and the seed."}

    def on_load_json(path: str | None, request: gr.Request):
        session = session_of(request)
        if not path:
            return {}
        try:
            raw = read_input_file(Path(path), "file", MAX_JSON_UPLOAD)  # size checked before reading, as elsewhere
            data = parse_json(raw, "file", max_bytes=MAX_JSON_UPLOAD)
            timeline, imported = timeline_from_any(data, "uploaded timeline")  # Deforum/Parseq files too
            check_app_seconds(timeline.duration, "timeline")
        except (ValueError, TimelineError, OSError) as exc:
            problems = (exc.problems if isinstance(exc, TimelineError) else  # never the upload's server path:
                        ["cannot read the file"] if isinstance(exc, OSError) else [str(exc)])
            return {files_msg: "⚠ This timeline cannot be loaded:\n" + "\n".join(f"- {p}" for p in problems),
                    json_in: None}
        with session.lock:
            _ensure_idle(session)
            session.timeline = timeline
        missing = [k for k in _keys(timeline) if k not in session.assets.preloaded]
        msg = "Timeline loaded." + (f" Drop its images under Reference images: {', '.join(missing)}." if missing else "")
        notes = "".join(f"\n- {line}" for line in imported)  # an import's notes: under Export & files only
        return {**dict(zip(editor_out, editor_update(session, msg))), files_msg: msg + notes, json_in: None}

    def on_export_format(kind: str):
        def handler(request: gr.Request):
            session = session_of(request)
            takes = [FormatTake(t.director.record, t.path if t.finished else None, f"Take {t.number}")
                     for t in session.takes.items]
            shown = next((x for x, t in zip(takes, session.takes.items) if t is session.takes.shown), None)
            try:
                path = export_takes(kind, session.folder, takes, shown, fallback=session.timeline, assets=session.assets)
            except (TimelineError, AssetError, ValueError) as exc:
                return {files_msg: f"⚠ {exc}"}
            return {out_file: _shown(path), files_msg: f"{kind.upper()} ready: download it above."}
        return handler

    def on_load_world(path: str | None, request: gr.Request):
        session = session_of(request)
        if not path:
            return {}
        try:
            bundle = read_bundle(Path(path), session.folder)
        except BundleError as exc:
            return {files_msg: f"⚠ {exc}", world_in: None}
        with session.lock:
            _ensure_idle(session)
            assets = SessionAssets()
            for key, rgba in bundle.images.items():
                assets.add(key, rgba)
            session.assets, session.timeline = assets, bundle.record
        msg = "World loaded: press **Start** to replay it (same seed, same directives, live commands included)."
        return {**dict(zip(editor_out, editor_update(session, msg))), files_msg: msg, world_in: None,
                gallery: _gallery(session)}

    # -- wiring ----------------------------------------------------------------------------------------
    light = dict(concurrency_limit=EDIT_CONCURRENCY, concurrency_id="edit")  # never wait behind a render
    def on_show(request: gr.Request):
        """Coming back to the tab shows the session's timeline as it is now (the Wander tab's
        "Open in Direct" replaces it)."""
        session = session_of(request)
        with session.lock:
            return [*editor_update(session), _gallery(session)]

    load_btn.click(on_load_preset, [preset], [*editor_out, gallery], api_name="load_preset", **light)
    direct_tab.select(on_show, None, [*editor_out, gallery], api_name="show_direct", **light)
    for component in (scene, characters, style, engine, size, fps, seed, duration):
        component.input(on_edit, fields, [table, table_msg, strip, attach], api_name=False, **light)
    table.input(on_edit, fields, [table, table_msg, strip, attach], api_name="edit_timeline", **light)
    table.select(on_select, None, selected, api_name=False, **light)
    add_btn.click(on_add, [new_at, new_text, new_dur, *fields],
                  [table, table_msg, strip, attach, new_at, new_text, new_dur], api_name="add_directive", **light)
    for button, delta, name in ((up_btn, -1, "move_up"), (down_btn, 1, "move_down"), (del_btn, 0, "delete_row")):
        button.click(on_move(delta), [selected, *fields], [table, table_msg, strip, attach, selected],
                     api_name=name, **light)

    run_outputs = [*editor_out, video, status, mp4, takes, take_video, rewind_at]
    render = dict(concurrency_limit=render_concurrency, concurrency_id="render")
    start_event = start.click(on_start, fields, run_outputs, api_name="start", **render)
    rewind_event = rewind_btn.click(on_rewind, [rewind_at, *fields], run_outputs, api_name="rewind", **render)
    retake_btn.click(on_retake, fields, run_outputs, api_name="retake_failed", **render)
    del start_event, rewind_event
    send.click(on_send, [command], [command, status], api_name="send_command", **light)
    command.submit(on_send, [command], [command, status], api_name=False, **light)
    stop.click(on_stop, None, status, api_name="stop", **light)
    takes.input(on_switch, [takes], [*editor_out, take_video, mp4], api_name="switch_take", **light)
    image.upload(on_image, [image, attach, role, *fields], [*editor_out, image_msg, image, gallery],
                 api_name="add_image", **light)
    json_btn.click(on_save_json, fields, [table, table_msg, out_file, files_msg], api_name="save_timeline", **light)
    world_btn.click(on_export_world, fields, [table, table_msg, out_file, files_msg], api_name="export_world", **light)
    json_in.upload(on_load_json, [json_in], [*editor_out, files_msg, json_in], api_name="load_timeline", **light)
    for kind, button in format_btns.items():
        button.click(on_export_format(kind), None, [out_file, files_msg], api_name=f"export_{kind}", **light)
    world_in.upload(on_load_world, [world_in], [*editor_out, files_msg, world_in, gallery], api_name="load_world",
                    **light)
    return DirectTab(fields, table, video, strip)


# -- small pure helpers ------------------------------------------------------------------------------

def _default_session_timeline():
    from director.plan.presets import default_timeline

    return default_timeline()


def _shown(path) -> dict:
    """A file output that appears once it holds a file."""
    return gr.update(value=str(path) if path else None, visible=bool(path))


def _kinds(timeline, use_embeddings: bool) -> list[str]:
    from director.world.script import compile_timeline

    try:
        return kinds_for(timeline, compile_timeline(timeline, use_embeddings=use_embeddings).interpretations)
    except TimelineError:
        return kinds_for(timeline, None)


def _ensure_idle(session: DirectSession) -> None:
    if session.run is not None:
        raise gr.Error("A take is rendering: Stop it first.")


def _attach_choices(timeline) -> list[str]:
    choices = [ATTACH_SCENE, ATTACH_STYLE]
    choices += [f"Character · {c.name}" for c in timeline.world.characters]
    for i, d in enumerate(timeline.directives):
        text = d.text or d.prompt or "directive"
        choices.append(f"Directive {i + 1} · {format_time(d.at)} · {text[:30]}")
    return [*choices, ATTACH_LIBRARY]


def _attach_image(timeline, target: str, key: str, role: str):
    world = timeline.world
    if target == ATTACH_SCENE:
        return timeline.model_copy(update={"world": world.model_copy(update={"scene_image": key})})
    if target == ATTACH_STYLE:
        return timeline.model_copy(update={"world": world.model_copy(update={"style_image": key})})
    if target.startswith("Character · "):
        name = target.removeprefix("Character · ")
        chars = [c.model_copy(update={"image": key}) if c.name == name else c for c in world.characters]
        return timeline.model_copy(update={"world": world.model_copy(update={"characters": chars})})
    if target.startswith("Directive "):
        try:
            index = int(target.split(" ")[1]) - 1
            d = timeline.directives[index]
        except (ValueError, IndexError):
            raise gr.Error("That directive is gone: pick it again in “Use it for”.") from None
        items = list(timeline.directives)
        items[index] = d.model_copy(update={"image": key, "image_role": role or "style"})
        return timeline.model_copy(update={"directives": items})
    return timeline


def _gallery(session: DirectSession) -> list[tuple[Any, str]]:
    return [(rgba, key) for key, rgba in session.assets.preloaded.items()]


def _keys(timeline) -> list[str]:
    from director.plan.timeline_images import image_keys

    return image_keys(timeline)


def _command_line(c) -> str:
    from director.ui.timeline_table import read_note
    from director.plan.timeline import Directive

    note = read_note(c.interpretation, Directive(at=c.at, text=c.text or "command"))
    return f"{format_time(c.at)} · “{c.text}” → {note}"


def _log(lines: list[str]) -> str:
    if not lines:
        return ""
    return "\n\n**Live commands**\n" + "\n".join(f"- {line}" for line in lines[-8:])


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "world"


DIRECT_CSS = STRIP_CSS + """
.dr-steps { display: flex; flex-wrap: wrap; gap: 8px 18px; font-size: 14px; color: var(--body-text-color-subdued); padding: 2px 2px 6px; }
.dr-steps b { display: inline-grid; place-items: center; width: 22px; height: 22px; margin-right: 6px; border-radius: 50%;
  background: var(--color-accent); color: white; font-size: 12px; }
#dr-live { background: #0b0d12; }
#dr-start { font-size: 17px; font-weight: 700; }
#dr-status { min-height: 2.2em; font-variant-numeric: tabular-nums; }
#dr-table-msg p, #dr-table-msg li { color: #dc2626; }
.dr-add { align-items: end; }
#dr-mp4, #dr-out-file { min-height: 0; }
@media (max-width: 640px) {
  .dr-steps { font-size: 13px; }
  #dr-live, #dr-live > div, #dr-live .wrap, #dr-live video { height: auto !important; max-height: none !important; }
  #dr-live video, #dr-live .wrap { aspect-ratio: 16 / 9; width: 100%; }
  #dr-table table { min-width: 620px; }
  #dr-table .table-wrap, #dr-table .table-container { overflow-x: auto; }
  .dr-tick:nth-child(even) { display: none; }
  .dr-label { max-width: 92px; }
  .dr-mark { max-width: 45%; }
}
"""
