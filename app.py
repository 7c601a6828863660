"""director in the browser: ``python app.py`` serves it at http://127.0.0.1:7860.

This file only builds the UI (``build_demo``) and serves it; nothing heavy is loaded at import.
The app is a FastAPI server with Gradio mounted on it, so tabs that need their own low-latency
routes (the live view's and Wander's MJPEG streams and sound) can add them. On Hugging Face Spaces the same ``__main__`` runs.
"""


import argparse
import logging
import os
from typing import Any

RENDER_CONCURRENCY = 2  # takes rendering at once across all users (each uses a CPU core or a GPU)
QUEUE_MAX_SIZE = 32  # requests waiting beyond this are refused with "queue full"
QUEUE_IDLE_POLL_SECONDS = 0.02  # how often an idle queue looks for new events (gradio: 0.001)
PROGRESS_POLL_SECONDS = 0.1  # how often it looks for progress to send (gradio: 0.01)
MAX_FILE_SIZE = "25mb"  # the largest upload accepted (images, timelines, .world bundles)
TITLE = "director — direct a streaming world"

log = logging.getLogger("director.app")


def build_demo(*, reader: Any = None, store: Any = None, engine_options: dict | None = None,
               service: Any = None):
    """Build the Gradio Blocks: the Direct tab, and the Wander tab when ``director.ui.wander`` exists.
    ``engine_options`` (engine name -> its options dataclass, or a mapping of options, e.g. the neural
    engine's weights) default to ``DIRECTOR_ENGINE_OPTIONS``; either way they are checked here, before
    the app serves anything (see ``director/engines/options.py``). ``service``: a session service
    (``director.run.service``) that runs the Direct tab's takes, e.g. on Ray; None: in this process."""
    import gradio as gr

    from director.run.process_memory import release_free_memory
    from director.security import session_key
    from director.ui.direct.layout import build_direct_tab
    from director.ui.sessions import SessionStore

    from director.commands.reader import RULES_ONLY, WITH_MEANING

    if reader is None:  # how text is read: DIRECTOR_EMBEDDINGS=0 reads by rules only (no model)
        reader = WITH_MEANING if os.environ.get("DIRECTOR_EMBEDDINGS", "1") != "0" else RULES_ONLY
    from director.engines.options import ENV_VAR, engine_options_from, resolve_engine_options

    if engine_options is None:
        engine_options = engine_options_from([], os.environ.get(ENV_VAR))
    engine_options = resolve_engine_options(engine_options)
    # a closed session's memory goes back to the OS (RSS stays flat over sessions), whether its tab
    # closed or the store dropped it for idleness
    store = store or SessionStore(on_close=lambda session: release_free_memory())
    runs = None
    if service is not None:  # the app server holds no engine: takes run where the service puts them
        from director.ui.service_run import ServiceRuns

        runs = ServiceRuns(service)
    with gr.Blocks(title=TITLE, fill_width=True, delete_cache=(1800, 7200)) as demo:
        gr.HTML('<div class="dr-header"><span class="dr-logo">◉</span><div><h1>director</h1>'
                "<p>Direct a streaming world from a timeline of timed directives, live.</p></div></div>")
        with gr.Tabs():
            direct = build_direct_tab(store, reader=reader, render_concurrency=RENDER_CONCURRENCY,
                                      engine_options=engine_options, runs=runs)
            wander = _wander_module()
            if wander is not None:
                wander.build_wander_tab(demo)

        def close_session(request: gr.Request) -> None:
            key = session_key(request)
            direct.shares.forget(key)  # a participant leaving never stops the take they joined
            store.close(key)  # stop its run, delete its files, release its memory

        demo.unload(close_session)
    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=RENDER_CONCURRENCY)
    # gradio's queue polls for work every 1 ms and for progress every 10 ms, even with nobody
    # connected (~5 % of a core idle); 20 ms / 100 ms delay an event's start or a progress bar by
    # at most that, and let the idle app sleep.
    demo._queue.sleep_when_free = QUEUE_IDLE_POLL_SECONDS
    demo._queue.progress_update_sleep_when_free = PROGRESS_POLL_SECONDS
    demo.director_store = store  # for tests and tools: the per-session store behind the tabs
    demo.director_wander = wander
    return demo


def _wander_module():
    try:
        from director.ui import wander
    except ImportError as exc:
        log.info("Wander tab not available: %s", exc)
        return None
    return wander if hasattr(wander, "build_wander_tab") else None


def launch_kwargs() -> dict[str, Any]:
    """Options that gradio 6 takes at launch/mount time rather than in ``gr.Blocks``."""
    import gradio as gr

    from director.ui.direct.css import DIRECT_CSS

    theme = gr.themes.Soft(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate",
                           font=[gr.themes.GoogleFont("Inter"), "system-ui", "sans-serif"])
    return dict(theme=theme, css=DIRECT_CSS + APP_CSS, max_file_size=MAX_FILE_SIZE, footer_links=["api"])


APP_CSS = """
.dr-header { display: flex; align-items: center; gap: 12px; padding: 4px 2px 0; }
.dr-header h1 { margin: 0; font-size: 26px; letter-spacing: -0.02em; }
.dr-header p { margin: 0; color: var(--body-text-color-subdued); }
.dr-logo { font-size: 30px; color: var(--color-accent); }
"""


def create_app(demo=None):
    """The FastAPI app: Gradio at ``/`` plus any routes the tabs register."""
    import gradio as gr
    from fastapi import FastAPI

    demo = demo or build_demo()
    app = FastAPI(title="director")
    from director.ui.live_view.routes import register_routes as register_live_view

    register_live_view(app)  # the Direct tab's live view: the take's frames and sound
    wander = getattr(demo, "director_wander", None)
    if wander is not None and hasattr(wander, "register_routes"):
        wander.register_routes(app)
    kwargs = launch_kwargs()
    kwargs.pop("footer_links", None)
    # show_error=False: only gr.Error messages (written for users) reach the browser; any other
    # exception shows as a bare "Error" (its text could name server paths), the log keeps the detail.
    app = gr.mount_gradio_app(app, demo, path="/", show_error=False, **kwargs)
    # gradio's launch() marks a demo launched; mount_gradio_app does not, and until it is marked,
    # processing_utils._check_allowed lets any client-sent FileData path ("/etc/passwd") be copied
    # into the cache and served back. Marking it makes gradio accept only files uploaded to it.
    demo.has_launched = True
    # A server-issued secret per browser: sessions, event streams, live video and cached files are
    # served only to the browser that made them (gradio's session hash is chosen by the client).
    from director.security import install

    install(app)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve director in the browser.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--engine-option", action="append", default=[], metavar="ENGINE:KEY=VALUE",
                        help="an option for one engine, repeatable, over DIRECTOR_ENGINE_OPTIONS (JSON), e.g. "
                             "--engine-option causal-wan:model=/models/Wan2.1-T2V-1.3B-Diffusers")
    parser.add_argument("--ray", metavar="ADDRESS", default=None,
                        help="run the Direct tab's takes on Ray: 'auto' joins this machine's cluster or starts "
                             "a local one, else a cluster address; the app server then holds no engine "
                             "(needs `pip install ray`; default: takes run in this process)")
    args = parser.parse_args(argv)
    from director.run.opencv_threads import opencv_threads_wait_passively

    opencv_threads_wait_passively()  # before anything imports cv2: idle OpenCV threads leave the cores to the rest
    from director.engines.causal_wan.zerogpu import import_spaces_first

    import_spaces_first()  # ZeroGPU: `spaces` must patch torch before anything touches CUDA
    from director.engines.options import ENV_VAR, EngineOptionError, engine_options_from, resolve_engine_options

    try:  # every engine's options checked now, each error naming its flag or DIRECTOR_ENGINE_OPTIONS
        engine_options = resolve_engine_options(engine_options_from(args.engine_option, os.environ.get(ENV_VAR)))
    except EngineOptionError as exc:
        parser.error(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if os.environ.get("SPACE_ID") and "GRADIO_SERVER_NAME" not in os.environ:
        args.host = "0.0.0.0"  # Hugging Face Spaces reaches the app from outside the container

    import uvicorn

    from director.run.process_memory import keep_rss_near_live_memory, limit_malloc_arenas

    keep_rss_near_live_memory()  # long renders and wanders: RSS stays near live memory
    limit_malloc_arenas()  # worker threads share two heaps, so a finished session's memory can be returned
    service = None
    if args.ray is not None:
        from director.run.service import ServiceError, open_service

        try:
            service = open_service(args.ray)
        except ServiceError as exc:
            parser.error(str(exc))
        print(f"director: takes run on {service!r}", flush=True)
    app = create_app(build_demo(engine_options=engine_options, service=service))
    print(f"director: open http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
