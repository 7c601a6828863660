"""The Direct tab's Gradio layout: plan a timeline, press Start, watch it being made, steer it live,
rewind, export.

This file only places components and wires them: each handler finds the caller's session by
``session_key(request)`` (the session hash bound to the browser's server-issued secret, see
``director.security``), builds ``EditorFields`` from the field components, asks the
``DirectController`` and turns its view into component updates. The work is in the controller.
Every handler has a stable ``api_name`` (the API tests call them by name, and read outputs by
component ``elem_id``).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any, Callable

import gradio as gr

from director.commands.reader import RULES_ONLY, WITH_MEANING, Reader
from director.engines import ENGINES, engine_names
from director.engines.options import EngineOptions
from director.security import session_key
from director.ui.direct.controller import DirectController, DirectError
from director.ui.direct.fields import FPS_CHOICES, SIZES, EditorFields, style_choices
from director.ui.direct.images import ATTACH_STYLE, attach_choices
from director.ui.direct.reading import read_timeline
from director.ui.direct.share import ShareController, ShareInfo, SharedTakeRegistry, SharedView
from director.ui.direct.table import HEADERS, NOTE_COLUMN
from director.ui.direct.views import EditorView, FilesView, ImageView, RunView, SelectionView
from director.ui.live_view.component import live_view_component
from director.plan.presets import BUILTIN_NAME, default_timeline, list_presets
from director.run.pace_governor import PaceMemory
from director.run.shared_take import SharedTakes
from director.ui.sessions import SessionStore

WATCH_CONCURRENCY = 16  # participants watching shared takes at once (each holds a stream open, renders nothing)
SHARE_QUERY = "share"  # ?share=TOKEN: the share link's query parameter
SHARE_QUERY_CHARS = 64  # a longer value is not a token (the registry checks the rest)
EDIT_CONCURRENCY = 8  # edits, commands, loads at once across all users (each is quick; bounded text keeps it so)
IMAGE_TYPES = [".png", ".jpg", ".jpeg", ".webp"]
EXPORT_FORMATS = (("otio", "OTIO (all takes)"), ("srt", "SRT"), ("vtt", "VTT"), ("storyboard", "Storyboard PDF"))
TABLE_COMPONENT = "table"  # the component that holds EditorFields.rows (every other field has its own name)

Components = dict[str, Any]  # the tab's components by name


@dataclass
class DirectTab:
    """The components other code (tests, the Wander tab) may want to reach."""

    fields: list[gr.components.Component]
    table: gr.Dataframe
    live: gr.HTML  # the live view (its value: the take's live token)
    strip: gr.HTML
    shares: SharedTakeRegistry  # the running takes shared with others (app.py forgets a closed session's)


def field_components(ui: Components) -> list[Any]:
    """The one place components map to ``EditorFields``: in its order, by its names."""
    return [ui[TABLE_COMPONENT if name == "rows" else name] for name in EditorFields.names()]


def build_direct_tab(store: SessionStore, *, reader: Reader = WITH_MEANING, render_concurrency: int = 2,
                     engine_options: EngineOptions | None = None,
                     shares: SharedTakeRegistry | None = None, runs: Any = None) -> DirectTab:
    """Place the Direct tab's components and wire them to a ``DirectController`` per session.
    ``runs``: what starts takes (None: ``LiveRun`` in this process; ``ServiceRuns`` for ``--ray``)."""
    first = read_timeline(default_timeline(), reader=RULES_ONLY)  # rules only: no model load at build
    ui: Components = {}
    with gr.Tab("Direct", id="direct", elem_id="dr-tab") as ui["tab"]:
        gr.HTML('<div class="dr-steps"><span><b>1</b> Pick a preset or write your scene</span>'
                "<span><b>2</b> Place directives on the timeline</span>"
                "<span><b>3</b> Press Start, then direct it live</span></div>")
        with gr.Row(equal_height=False, elem_classes="dr-top"):
            _stage(ui, EditorView.of(first))
            _plan(ui, first.fields())
        _timeline(ui, first.fields())
        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                _images(ui, attach_choices(first.timeline))
                _takes(ui)
            with gr.Column(min_width=300):
                _files(ui)
    shares = shares if shares is not None else SharedTakes()
    handlers = Handlers(ui, store, reader, dict(engine_options or {}), shares, runs)
    _wire(ui, handlers, render_concurrency)
    _wire_share(ui, handlers, gr.context.Context.root_block)
    return DirectTab(field_components(ui), ui["table"], ui["live"], ui["strip"], shares)


# -- the layout: each part registers its components in ``ui`` -------------------------------------

def _stage(ui: Components, shown: EditorView) -> None:
    """What is being made, and the controls while it is made."""
    with gr.Column(scale=3, min_width=320, elem_classes="dr-stage"):
        ui["live"] = live_view_component(elem_id="dr-live")
        ui["strip"] = gr.HTML(shown.strip.html if shown.strip else "", elem_id="dr-strip")
        with gr.Row(elem_classes="dr-transport"):
            ui["start"] = gr.Button("▶  Start", variant="primary", size="lg", elem_id="dr-start", scale=3)
            ui["stop"] = gr.Button("■  Stop", variant="stop", size="lg", elem_id="dr-stop", scale=1)
        with gr.Row(elem_classes="dr-command-row"):
            ui["command"] = gr.Textbox(show_label=False, container=False, elem_id="dr-command", scale=5,
                                       placeholder="Direct it live: “slow dolly in on the girl”, “it starts to rain”…")
            ui["send"] = gr.Button("Send", elem_id="dr-send", scale=1, min_width=80)
        ui["status"] = gr.Markdown("Ready. Press **Start** to make the clip.", elem_id="dr-status")
        _share(ui)


def _share(ui: Components) -> None:
    """Directing together: the owner shares the rendering take; whoever opens the link joins it."""
    ui["share_msg"] = gr.Markdown(elem_id="dr-share-msg")
    ui["share_log"] = gr.HTML("", elem_id="dr-share-log")
    ui["share_token"] = gr.Textbox("", visible=False, elem_id="dr-share-token")  # from the link's ?share=
    with gr.Accordion("Share live session", open=False, elem_id="dr-share-panel"):
        with gr.Row(equal_height=True):
            ui["share"] = gr.Button("Share live session", elem_id="dr-share", size="sm", min_width=140)
            ui["share_link"] = gr.Textbox(label="Link (while this take renders)", interactive=False,
                                          elem_id="dr-share-link", scale=3)
        with gr.Row(equal_height=True):
            ui["share_view_only"] = gr.Checkbox(False, label="View-only", elem_id="dr-share-view-only",
                                                min_width=100)
            ui["share_guest"] = gr.Dropdown([], label="Participant", elem_id="dr-share-guest",
                                            allow_custom_value=True, min_width=120)
            ui["share_remove"] = gr.Button("Remove", elem_id="dr-share-remove", size="sm", min_width=80)
            ui["share_leave"] = gr.Button("Leave shared take", elem_id="dr-share-leave", size="sm", min_width=120)


def _plan(ui: Components, initial: EditorFields) -> None:
    """The world and the settings."""
    with gr.Column(scale=2, min_width=300, elem_classes="dr-plan"):
        with gr.Row(equal_height=True):
            ui["preset"] = gr.Dropdown([p.name for p in list_presets()], value=BUILTIN_NAME, label="Presets",
                                       elem_id="dr-preset", scale=4)
            ui["load_preset"] = gr.Button("Load", elem_id="dr-load-preset", scale=1, min_width=70)
        ui["scene"] = gr.Textbox(initial.scene, label="Scene", lines=2, elem_id="dr-scene",
                                 placeholder="Where are we? e.g. a rainy harbour at dawn")
        ui["characters"] = gr.Textbox(initial.characters, label="Characters (one per line, name: look)", lines=2,
                                      elem_id="dr-characters", placeholder="girl: A stylish blonde female model")
        ui["style"] = gr.Dropdown(style_choices(), value=initial.style, label="Style", elem_id="dr-style")
        with gr.Accordion("Settings", open=False, elem_id="dr-settings"):
            ui["engine"] = gr.Dropdown(engine_names(), value=initial.engine, label="Engine", elem_id="dr-engine",
                                       info=" · ".join(f"{n}: {ENGINES[n][2]}" for n in engine_names()))
            with gr.Row():
                ui["size"] = gr.Dropdown(SIZES, value=initial.size, label="Size", allow_custom_value=True,
                                         elem_id="dr-size", min_width=110)
                ui["fps"] = gr.Dropdown(FPS_CHOICES, value=int(initial.fps), label="FPS", allow_custom_value=True,
                                        elem_id="dr-fps", min_width=80)
            with gr.Row():
                ui["seed"] = gr.Number(initial.seed, label="Seed", precision=0, elem_id="dr-seed", min_width=80)
                ui["duration"] = gr.Slider(1, 180, value=initial.duration, step=0.5, label="Duration (s)",
                                           elem_id="dr-duration", min_width=160)


def _timeline(ui: Components, initial: EditorFields) -> None:
    """The directive rows, adding one, and the selected row's tools."""
    with gr.Group(elem_classes="dr-timeline"):
        ui["table"] = gr.Dataframe(initial.rows, headers=HEADERS, datatype="str", type="array", interactive=True,
                                   static_columns=[NOTE_COLUMN], wrap=True, label="Timeline · click a cell to edit",
                                   column_widths=["11%", "36%", "11%", "12%", "30%"], elem_id="dr-table",
                                   max_height=360)
        ui["table_msg"] = gr.Markdown(elem_id="dr-table-msg")
        with gr.Row(equal_height=True, elem_classes="dr-add"):
            ui["new_at"] = gr.Textbox(label="At", placeholder="0:10", elem_id="dr-new-at", min_width=70, scale=1)
            ui["new_text"] = gr.Textbox(label="New directive", placeholder="a cute cat runs to the girl",
                                        elem_id="dr-new-text", min_width=200, scale=4)
            ui["new_dur"] = gr.Textbox(label="Duration (s)", placeholder="2", elem_id="dr-new-dur", min_width=70,
                                       scale=1)
            ui["add"] = gr.Button("+ Add", elem_id="dr-add", min_width=70, scale=1)
        with gr.Row(elem_classes="dr-rowtools"):
            ui["selected"] = gr.Textbox("", label="Selected row", elem_id="dr-selected", interactive=False,
                                        placeholder="click a row", min_width=90, scale=1)
            ui["up"] = gr.Button("↑ Earlier", size="sm", elem_id="dr-up", scale=1, min_width=80)
            ui["down"] = gr.Button("↓ Later", size="sm", elem_id="dr-down", scale=1, min_width=80)
            ui["delete"] = gr.Button("✕ Delete", size="sm", elem_id="dr-delete", scale=1, min_width=80)


def _images(ui: Components, choices: list[str]) -> None:
    with gr.Accordion("Reference images", open=False, elem_id="dr-images"):
        gr.Markdown("Drop a PNG, JPEG or WebP and choose what it is for: the world’s scene or style, "
                    "a character, or one directive.")
        ui["attach"] = gr.Dropdown(choices, value=ATTACH_STYLE, label="Use it for", elem_id="dr-attach")
        ui["role"] = gr.Radio(["style", "scene", "character"], value="style", label="On a directive, as",
                              elem_id="dr-role")
        ui["image"] = gr.File(label="Drop image", file_types=IMAGE_TYPES, type="filepath", elem_id="dr-image")
        ui["image_msg"] = gr.Markdown(elem_id="dr-image-msg")
        ui["gallery"] = gr.Gallery(label="Images in this world", columns=4, height=140, elem_id="dr-gallery",
                                   interactive=False)


def _takes(ui: Components) -> None:
    with gr.Accordion("Rewind & takes", open=False, elem_id="dr-takes"):
        gr.Markdown("Pick a time, edit the directives after it, and regenerate from there: what came "
                    "before is reused. Every take is kept.")
        with gr.Row(equal_height=True):
            ui["rewind_at"] = gr.Textbox(label="Rewind to", placeholder="0:08", elem_id="dr-rewind-at", min_width=90)
            ui["rewind"] = gr.Button("↺ Regenerate from here", elem_id="dr-rewind", min_width=160)
            ui["retake"] = gr.Button("↺ Re-take failed", elem_id="dr-retake", min_width=140)
        ui["takes"] = gr.Dropdown([], label="Takes", elem_id="dr-take-list", interactive=True)
        ui["take_video"] = gr.Video(label="Take", interactive=False, elem_id="dr-take-video", height=260)


def _files(ui: Components) -> None:
    with gr.Accordion("Export & files", open=True, elem_id="dr-export"):
        ui["mp4"] = gr.File(label="Clip (MP4 with sound)", interactive=False, elem_id="dr-mp4", visible=False)
        gr.Markdown("The finished clip appears here after **Start**.", elem_classes="dr-hint")
        with gr.Row():
            ui["export_world"] = gr.Button("Export .world bundle", elem_id="dr-export-world", size="sm")
            ui["save_json"] = gr.Button("Save timeline JSON", elem_id="dr-save-json", size="sm")
        with gr.Row():  # other tools' formats (director.formats): the shown take, or every take (OTIO)
            for kind, label in EXPORT_FORMATS:
                ui[f"export_{kind}"] = gr.Button(label, elem_id=f"dr-export-{kind}", size="sm")
        ui["out_file"] = gr.File(label="Timeline / bundle", interactive=False, elem_id="dr-out-file", visible=False)
        # A drop zone (click to choose too): director timelines, Deforum settings, Parseq renders.
        ui["json_in"] = gr.File(label="Load timeline: drop a JSON, Deforum or Parseq file",
                                file_types=[".json", ".txt"], file_count="single", type="filepath",
                                height=90, elem_id="dr-load-json")
        with gr.Row():
            ui["world_in"] = gr.UploadButton("Load .world bundle", file_types=[".world"], elem_id="dr-load-world",
                                             size="sm")
        ui["files_msg"] = gr.Markdown(elem_id="dr-files-msg")


# -- handlers: session → controller → view → component updates ------------------------------------

def shows_errors(fn: Callable) -> Callable:
    """``DirectError`` (something the creator must do first) shown as gradio's error message."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except DirectError as exc:
                raise gr.Error(str(exc)) from None
        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DirectError as exc:
            raise gr.Error(str(exc)) from None
    return call


def _shown(path) -> dict:
    """A file output that appears once it holds a file."""
    return gr.update(value=str(path) if path else None, visible=bool(path))


class Handlers:
    """The tab's event handlers; gradio passes ``request`` first, then the inputs as wired."""

    def __init__(self, ui: Components, store: SessionStore, reader: Reader, engine_options: dict,
                 shares: SharedTakeRegistry, runs: Any = None):
        self.ui = ui
        self.runs = runs
        self.store = store
        self.reader = reader
        self.engine_options = engine_options
        self.shares = shares
        self.pace_memory = PaceMemory()  # what this machine sustained live: the next take starts there

    def controller(self, request: gr.Request) -> DirectController:
        session = self.store.get(session_key(request))  # the session hash bound to this browser's secret
        extra = {} if self.runs is None else {"runs": self.runs}
        return DirectController(session, reader=self.reader, engine_options=self.engine_options,
                                pace_memory=self.pace_memory, **extra)

    def sharer(self, request: gr.Request) -> ShareController:
        key = session_key(request)
        return ShareController(self.shares, self.store.get(key), key)

    # -- views → updates ---------------------------------------------------------------------------
    def editor(self, view: EditorView | None) -> dict:
        if view is None:
            return {}
        ui = self.ui
        out = {ui["table"]: view.rows, ui["table_msg"]: view.message}
        if view.fields is not None:
            out |= dict(zip(field_components(ui), view.fields.values()))
        if view.strip is not None:
            out[ui["strip"]] = view.strip.html
        if view.attach_choices is not None:
            out[ui["attach"]] = gr.update(choices=view.attach_choices)
        if view.gallery is not None:
            out[ui["gallery"]] = view.gallery
        return out

    def files(self, view: FilesView | None, upload: str | None = None) -> dict:
        if view is None:
            return {}
        out = self.editor(view.editor) | {self.ui["files_msg"]: view.message}
        if view.file is not None:
            out[self.ui["out_file"]] = _shown(view.file)
        if view.clear_upload and upload:
            out[self.ui[upload]] = None
        return out

    def run(self, view: RunView) -> dict:
        ui, take = self.ui, view.take
        out = self.editor(view.editor)
        out |= {ui[k]: v for k, v in (("table", view.rows), ("status", view.status)) if v is not None}
        if view.strip is not None:
            out[ui["strip"]] = view.strip.html
        if view.live is not None:
            out[ui["live"]] = view.live
        if view.clear_clip:
            out[ui["mp4"]] = None
        if take is not None:
            out |= {ui["mp4"]: _shown(take.clip), ui["takes"]: gr.update(choices=take.choices, value=take.number),
                    ui["take_video"]: str(take.clip) if take.clip else None, ui["rewind_at"]: take.rewind_at}
        return out

    def selection(self, view: SelectionView) -> dict:
        return self.editor(view.editor) | {self.ui["selected"]: view.selected}

    # -- events --------------------------------------------------------------------------------------
    def show(self, request: gr.Request):
        return self.editor(self.controller(request).show())

    def load_preset(self, request: gr.Request, name: str):
        return self.editor(self.controller(request).load_preset(name))

    def edit(self, request: gr.Request, *fields):
        return self.editor(self.controller(request).edit(EditorFields.from_values(fields)))

    def add(self, request: gr.Request, at: str, text: str, duration: str, *fields):
        view = self.controller(request).add(EditorFields.from_values(fields), at, text, duration)
        cleared = {self.ui[k]: "" for k in ("new_at", "new_text", "new_dur")} if view.valid else {}
        return self.editor(view) | cleared

    def select_row(self, evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return str(int(index) + 1)

    def mover(self, delta: int) -> Callable:
        def move(request: gr.Request, selected: str, *fields):
            return self.selection(self.controller(request).move(EditorFields.from_values(fields), selected, delta))
        return move

    def delete(self, request: gr.Request, selected: str, *fields):
        return self.selection(self.controller(request).delete(EditorFields.from_values(fields), selected))

    def start(self, request: gr.Request, *fields):
        yield from self.relayed(request, self.controller(request).start(EditorFields.from_values(fields)))

    def rewind(self, request: gr.Request, at: str, *fields):
        self.sharer(request).guard("rewind the take")
        yield from self.relayed(request, self.controller(request).rewind(EditorFields.from_values(fields), at))

    def retake(self, request: gr.Request, *fields):
        self.sharer(request).guard("rewind the take")
        yield from self.relayed(request, self.controller(request).retake(EditorFields.from_values(fields)))

    def relayed(self, request: gr.Request, views):
        """The owner's take views, also to the participants once shared (with the command list)."""
        for view, log in self.sharer(request).relay(views):
            yield self.run(view) | ({} if log is None else {self.ui["share_log"]: log})

    def send(self, request: gr.Request, text: str):
        sharer = self.sharer(request)
        if sharer.joined() is not None and (text or "").strip():  # a shared take: author, order, rate limit
            return "", sharer.send(text.strip())
        return "", self.controller(request).send(text)

    def stop(self, request: gr.Request):
        self.sharer(request).guard("stop the take")
        return self.controller(request).stop()

    # -- directing together ------------------------------------------------------------------------
    def share_panel(self, info: ShareInfo) -> dict:
        ui = self.ui
        out = {ui["share_msg"]: info.message, ui["share_view_only"]: info.view_only,
               ui["share_guest"]: gr.update(choices=info.guests, value=info.guests[0] if info.guests else None)}
        if info.link:
            out[ui["share_link"]] = info.link
        return out

    def share(self, request: gr.Request):
        return self.share_panel(self.sharer(request).share(str(request.base_url)))

    def share_view_only(self, request: gr.Request, on: bool):
        return self.share_panel(self.sharer(request).set_view_only(bool(on)))

    def share_remove(self, request: gr.Request, name: str):
        return self.share_panel(self.sharer(request).remove(str(name or "")))

    def share_leave(self, request: gr.Request):
        return self.sharer(request).leave()

    def share_link_token(self, request: gr.Request) -> str:
        """The ``?share=`` of the page's address (checked when it is used to join)."""
        value = request.query_params.get(SHARE_QUERY, "") if request is not None else ""
        return str(value)[:SHARE_QUERY_CHARS]

    def join_shared(self, request: gr.Request, token: str):
        if not (token or "").strip():
            return  # an ordinary visit: no share link
        for update in self.sharer(request).join(str(token)[:SHARE_QUERY_CHARS]):
            yield self.watched(update)

    def watched(self, update: SharedView) -> dict:
        ui, view = self.ui, update.run
        out = {ui["share_log"]: update.log_html}
        if update.message:
            out[ui["share_msg"]] = update.message
        if view is not None:
            if view.status is not None:
                out[ui["status"]] = view.status
            if view.strip is not None:
                out[ui["strip"]] = view.strip.html
            if view.live is not None:
                out[ui["live"]] = view.live
        return out

    def switch_take(self, request: gr.Request, number):
        view = self.controller(request).switch_take(number)
        if view is None:
            return {}
        return self.editor(view.editor) | {self.ui["take_video"]: str(view.clip) if view.clip else None,
                                           self.ui["mp4"]: _shown(view.clip)}

    def add_image(self, request: gr.Request, path, target: str, role: str, *fields):
        fields_in = EditorFields.from_values(fields)
        view: ImageView | None = self.controller(request).add_image(path, target, role, fields_in)
        if view is None:
            return {}
        return self.editor(view.editor) | {self.ui["image_msg"]: view.message, self.ui["image"]: None}

    def save_timeline(self, request: gr.Request, *fields):
        return self.files(self.controller(request).save_timeline(EditorFields.from_values(fields)))

    def export_world(self, request: gr.Request, *fields):
        return self.files(self.controller(request).export_world(EditorFields.from_values(fields)))

    def exporter(self, kind: str) -> Callable:
        def export(request: gr.Request):
            return self.files(self.controller(request).export_format(kind))
        return export

    def load_timeline(self, request: gr.Request, path):
        return self.files(self.controller(request).load_timeline(path), "json_in")

    def load_world(self, request: gr.Request, path):
        return self.files(self.controller(request).load_world(path), "world_in")


# -- wiring: every event with a stable api_name ------------------------------------------------------

def _wire(ui: Components, h: Handlers, render_concurrency: int) -> None:
    light = dict(concurrency_limit=EDIT_CONCURRENCY, concurrency_id="edit")  # never wait behind a render
    # A take's own status line and strip say how it goes: gradio's loading overlay on every output
    # (timers and shimmer redrawn each animation frame) would cost the browser a share of the two cores
    # the live view needs (benchmarks/README.md, issue 13).
    heavy = dict(concurrency_limit=render_concurrency, concurrency_id="render", show_progress="hidden")
    fields = field_components(ui)
    c = lambda *names: [ui[n] for n in names]  # noqa: E731
    editor_out = [*fields, *c("strip", "table_msg", "attach")]
    edit_out = c("table", "table_msg", "strip", "attach")
    run_out = [*editor_out, *c("live", "status", "mp4", "takes", "take_video", "rewind_at", "share_log")]
    on = lambda event, fn, inputs, outputs, name, limits=light: event(  # noqa: E731
        shows_errors(fn), inputs, outputs, api_name=name, **limits)

    on(ui["load_preset"].click, h.load_preset, c("preset"), [*editor_out, ui["gallery"]], "load_preset")
    on(ui["tab"].select, h.show, None, [*editor_out, ui["gallery"]], "show_direct")
    for name, component in zip(EditorFields.names(), fields):
        on(component.input, h.edit, fields, edit_out, "edit_timeline" if component is ui["table"] else f"edit_{name}")
    on(ui["table"].select, h.select_row, None, ui["selected"], "select_row")
    new_row = c("new_at", "new_text", "new_dur")
    on(ui["add"].click, h.add, [*new_row, *fields], [*edit_out, *new_row], "add_directive")
    for button, fn, name in (("up", h.mover(-1), "move_up"), ("down", h.mover(1), "move_down"),
                             ("delete", h.delete, "delete_row")):
        on(ui[button].click, fn, [ui["selected"], *fields], [*edit_out, ui["selected"]], name)
    on(ui["start"].click, h.start, fields, run_out, "start", heavy)
    on(ui["rewind"].click, h.rewind, [ui["rewind_at"], *fields], run_out, "rewind", heavy)
    on(ui["retake"].click, h.retake, fields, run_out, "retake_failed", heavy)
    on(ui["send"].click, h.send, c("command"), c("command", "status"), "send_command")
    on(ui["command"].submit, h.send, c("command"), c("command", "status"), "submit_command")
    on(ui["stop"].click, h.stop, None, ui["status"], "stop")
    on(ui["takes"].input, h.switch_take, c("takes"), [*editor_out, *c("take_video", "mp4")], "switch_take")
    on(ui["image"].upload, h.add_image, [*c("image", "attach", "role"), *fields],
       [*editor_out, *c("image_msg", "image", "gallery")], "add_image")
    files_out = c("table", "table_msg", "out_file", "files_msg")
    on(ui["save_json"].click, h.save_timeline, fields, files_out, "save_timeline")
    on(ui["export_world"].click, h.export_world, fields, files_out, "export_world")
    on(ui["json_in"].upload, h.load_timeline, c("json_in"), [*editor_out, *c("files_msg", "json_in")], "load_timeline")
    for kind, _ in EXPORT_FORMATS:
        on(ui[f"export_{kind}"].click, h.exporter(kind), None, c("out_file", "files_msg"), f"export_{kind}")
    on(ui["world_in"].upload, h.load_world, c("world_in"), [*editor_out, *c("files_msg", "world_in", "gallery")],
       "load_world")


def _wire_share(ui: Components, h: Handlers, root: gr.Blocks | None) -> None:
    """Directing together: the owner's share panel; a share link joins on page load."""
    light = dict(concurrency_limit=EDIT_CONCURRENCY, concurrency_id="edit")
    watch = dict(concurrency_limit=WATCH_CONCURRENCY, concurrency_id="watch", show_progress="hidden")  # as a take
    c = lambda *names: [ui[n] for n in names]  # noqa: E731
    panel = c("share_msg", "share_view_only", "share_guest", "share_link")
    ui["share"].click(shows_errors(h.share), None, panel, api_name="share_take", **light)
    ui["share_view_only"].input(shows_errors(h.share_view_only), c("share_view_only"), panel,
                                api_name="share_view_only", **light)
    ui["share_remove"].click(shows_errors(h.share_remove), c("share_guest"), panel, api_name="share_remove",
                             **light)
    ui["share_leave"].click(shows_errors(h.share_leave), None, c("share_msg"), api_name="share_leave", **light)
    watched = c("live", "strip", "status", "share_log", "share_msg")
    join = dict(fn=shows_errors(h.join_shared), inputs=c("share_token"), outputs=watched, **watch)
    if root is not None:  # the page's address may carry a share link
        root.load(h.share_link_token, None, c("share_token"), api_name="share_link_token", **light).then(
            api_name="join_shared_link", **join)
    ui["share_token"].submit(api_name="join_shared", **join)
