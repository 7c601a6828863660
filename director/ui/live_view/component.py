"""The live view as a gradio component: a gr.HTML whose value is the take's live token."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"

TEMPLATE = """
<div class="dr-live-view" data-token="${value}">
  <canvas width="640" height="360" aria-label="live view of the take"></canvas>
  <div class="dr-live-hint">Press Start: the take plays here while it is made.</div>
  <button class="dr-live-sound" type="button" aria-pressed="false" title="play the take's sound">♪ Sound off</button>
</div>
"""


def live_lib_script() -> str:
    """The page's stream reader, frame drawer and sound player (``window.__liveLib``), shared with Wander."""
    return (STATIC / "live_lib.js").read_text() + "\n"


def live_view_script() -> str:
    """The page's code for the live view (the shared helpers first)."""
    return live_lib_script() + (STATIC / "live_view.js").read_text()


def live_view_component(**kwargs):
    """The gr.HTML of the live view; ``kwargs`` go to gr.HTML (elem_id, label…)."""
    import gradio as gr

    return gr.HTML(value="", html_template=TEMPLATE, css_template=(STATIC / "live_view.css").read_text(),
                   js_on_load=live_view_script(), **kwargs)
