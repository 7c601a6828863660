"""The Wander tab: describe or drop a world, enter it, walk with the keys, record, export.

Only builds components and wires them to ``WanderRegistry`` (per browser session) and the library.
The picture does not go through gradio: the view reads ``/wander/{token}/stream`` (see ``routes``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import gradio as gr

from director.plan.assets import AssetError
from director.plan.limits import LimitError
from director.security import session_key
from director.ui.live_view.component import live_lib_script
from director.ui.wander.record import export_mp4, save_timeline
from director.ui.wander.registry import TooManyWorlds, WanderRegistry
from director.ui.wander.world import WanderConfig, WanderWorld

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SIZES = {"1280x720": (1280, 720), "640x360 (preview)": (640, 360)}
_FILLER = {"a", "an", "the", "little", "young", "old", "cute", "small", "big", "tall", "tiny", "my", "one"}

VIEW_TEMPLATE = """
<div class="wander-view" data-token="${value}">
  <canvas width="1280" height="720" tabindex="0"></canvas>
  <div class="wander-hint">Enter a world to start.</div>
  <button class="wander-sound" type="button" aria-pressed="false" title="play the world's sound">♪ Sound off</button>
  <div class="wander-pad">
    <button data-action="turn_left" title="turn left (Q)">⟲</button>
    <button data-action="forward" title="forward (W)">▲</button>
    <button data-action="turn_right" title="turn right (E)">⟳</button>
    <button data-action="left" title="left (A)">◀</button>
    <button data-action="back" title="back (S)">▼</button>
    <button data-action="right" title="right (D)">▶</button>
  </div>
</div>
"""


def character_name(text: str) -> str:
    """A short name to command a character by: 'a girl in a red coat' → 'girl'."""
    for word in re.findall(r"[A-Za-z][A-Za-z'-]*", text.lower()):
        if word not in _FILLER:
            return word[:24]
    return "walker"


def _session_key(request: gr.Request | None) -> str:
    key = session_key(request) if request is not None else None  # bound to the browser's server-issued secret
    if not key:
        raise gr.Error("No browser session: open the app in a browser.")
    return key


def build_wander_tab(demo: gr.Blocks, registry: WanderRegistry | None = None, direct_sessions: Any | None = None) -> None:
    """Build the Wander tab inside the current ``gr.Blocks`` (inside a ``gr.Tab`` if the caller opened
    one, else in a new "Wander" tab). ``direct_sessions``: the Direct tab's ``SessionStore``; when given,
    "Open in Direct" puts the wander's timeline (and images) into that session (default: ``demo.director_store``,
    which ``app.build_demo`` sets)."""
    if registry is None:
        from director.ui.wander import default_registry

        registry = default_registry()
    from gradio.context import Context

    if isinstance(Context.block, gr.Tab):
        _build(demo, registry, direct_sessions)
    else:
        with gr.Tab("Wander", id="wander", elem_id="wander-tab"):
            _build(demo, registry, direct_sessions)


def _build(demo: gr.Blocks, registry: WanderRegistry, direct_sessions: Any | None) -> None:
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            scene = gr.Textbox(label="Scene", value="a quiet street in Paris", elem_id="wander-scene", lines=2)
            character = gr.Textbox(label="Character (optional: third person)", placeholder="a girl in a red coat",
                                   elem_id="wander-character")
            # A file, not gr.Image: gr.Image decodes any format Pillow knows before our checks run.
            image = gr.File(label="Scene image (optional: PNG, JPEG, WebP)", type="filepath",
                            file_types=[".png", ".jpg", ".jpeg", ".webp"], height=140, elem_id="wander-image")
            size = gr.Radio(list(SIZES), value="1280x720", label="Stream size", elem_id="wander-size")
            with gr.Row():
                enter = gr.Button("Enter world", variant="primary", elem_id="wander-enter")
                leave = gr.Button("Leave", elem_id="wander-leave")
            status = gr.Markdown("", elem_id="wander-status")
        with gr.Column(scale=3):
            view = gr.HTML(value="", html_template=VIEW_TEMPLATE, css_template=(STATIC / "wander.css").read_text(),
                           js_on_load=live_lib_script() + (STATIC / "wander.js").read_text(), elem_id="wander-view")
            with gr.Row():
                command = gr.Textbox(label="Tell the world", placeholder="it starts to rain · night falls · a cat runs in",
                                     elem_id="wander-command", scale=4)
                say = gr.Button("Send", elem_id="wander-say", scale=1)
            heard = gr.Markdown("", elem_id="wander-heard")
            with gr.Row():
                save = gr.Button("Save as timeline", elem_id="wander-save")
                to_direct = gr.Button("Open in Direct", elem_id="wander-open-direct")
                export = gr.Button("Export MP4", elem_id="wander-export")
            timeline_file = gr.File(label="Timeline (JSON)", elem_id="wander-timeline-file")
            video = gr.Video(label="Exported clip", elem_id="wander-video")
    timer = gr.Timer(1.0, active=False)

    def on_enter(scene_text: str, character_text: str, image_path: str | None, size_name: str, request: gr.Request):
        key = _session_key(request)
        from director.ui.session_assets import SessionAssets, add_upload

        assets = SessionAssets()
        scene_image = None
        if image_path:
            try:
                scene_image = add_upload(assets, image_path).key
            except AssetError as exc:
                raise gr.Error(str(exc)) from None
        text = (scene_text or "").strip() or ("the place in the picture" if scene_image else "")
        if not text:
            raise gr.Error("Describe a scene or drop an image first.")
        who = (character_text or "").strip() or None
        width, height = SIZES.get(size_name, (1280, 720))
        config = WanderConfig(scene=text, character=who, character_name=character_name(who) if who else "walker",
                              scene_image=scene_image, width=width, height=height)
        try:
            world = WanderWorld(config, assets=assets)
            token = registry.open_world(key, world)
        except TooManyWorlds as exc:
            raise gr.Error(str(exc)) from None
        except Exception as exc:
            log.exception("cannot enter world")
            raise gr.Error(f"Cannot enter this world: {exc}") from None
        mode = f"third person: you walk **{config.character_name}**" if who else "first person"
        return token, f"In the world ({mode}). Click the view, then W/A/S/D.", gr.Timer(active=True)

    def on_leave(request: gr.Request):
        registry.leave(_session_key(request))
        return "", "Left the world. Its record can still be saved.", gr.Timer(active=False)

    def on_say(text: str, request: gr.Request):
        s = registry.peek(_session_key(request))
        if s is None or s.world is None or not s.world.alive:
            raise gr.Error("Enter a world first.")
        text = (text or "").strip()
        if not text:
            return gr.update(), ""
        try:
            s.world.send_text(text)
        except LimitError as exc:
            raise gr.Error(str(exc)) from None
        return "", f"Heard at {s.world.time:.1f} s: *{text}*"

    def on_tick(request: gr.Request):
        s = registry.peek(session_key(request))
        w = s.world if s else None
        if w is None:
            return gr.update()
        if w.state == "failed":
            return f"The world stopped: {w.error}"
        return (f"{w.time:.1f} s walked · {w.live.describe()} · "
                f"render {w.render_seconds * 1e3:.0f} ms/chunk · shown {w.delay * 1e3:.0f} ms after due · {w.state}")

    def _record(request: gr.Request):
        key = _session_key(request)
        s = registry.peek(key)
        if s is None or s.world is None:
            if s is not None and s.saved is not None:
                return s, s.saved
            raise gr.Error("Enter a world and walk a little first.")
        s.saved = s.world.record()
        return s, s.saved

    def on_save(request: gr.Request):
        s, record = _record(request)
        path = save_timeline(record, s.folder, "wander")
        return str(path), f"Saved {record.duration:.1f} s, {len(record.directives)} directives."

    def on_to_direct(request: gr.Request):
        s, record = _record(request)
        store = direct_sessions if direct_sessions is not None else getattr(demo, "director_store", None)  # set by app.build_demo
        if store is not None:
            ds = store.get(s.key)
            with ds.lock:
                ds.timeline = record
                world = s.world
                if world is not None:
                    for k, img in world.assets.preloaded.items():
                        ds.assets.add(k, img)
            return "Sent to the Direct tab: open it to edit the wander's timeline."
        return "Saved for the Direct tab (its session store takes it from here)."

    def on_export(request: gr.Request, progress=gr.Progress()):
        s, record = _record(request)
        assets = s.world.assets if s.world is not None else None
        out = s.folder / "wander.mp4"

        def tick(p) -> None:
            progress(p.fraction, desc=f"rendering {p.frames_done}/{p.total_frames} frames")

        result = export_mp4(record, out, assets=assets, on_progress=tick)
        if result.path is None:
            raise gr.Error("Nothing to export yet.")
        return str(result.path), f"Exported {result.duration:.1f} s in {result.wall_seconds:.0f} s."

    enter.click(on_enter, [scene, character, image, size], [view, status, timer], api_name="wander_enter")
    leave.click(on_leave, None, [view, status, timer], api_name="wander_leave")
    say.click(on_say, [command], [command, heard], api_name="wander_say")
    command.submit(on_say, [command], [command, heard])
    timer.tick(on_tick, None, [status], show_progress="hidden")
    save.click(on_save, None, [timeline_file, heard], api_name="wander_save")
    to_direct.click(on_to_direct, None, [heard], api_name="wander_open_direct")
    export.click(on_export, None, [video, heard], api_name="wander_export")
    def on_unload(request: gr.Request) -> None:
        registry.close(session_key(request))

    demo.unload(on_unload)
