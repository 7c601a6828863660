"""The timeline strip: directives placed on the time axis, their transitions as bars, and a playhead
with the part already made shaded while a take renders. Plain HTML positioned in percent, so it
scales from a phone to a wide screen; no script."""

from __future__ import annotations

import html
from typing import Iterable, Sequence

from director.world import Interpretation
from director.plan.timecode import format_time
from director.plan.timeline import CameraMove, CharacterAction, SceneChange, StyleChange, Timeline

KIND_OF_PART = {CameraMove: "camera", CharacterAction: "character", SceneChange: "scene", StyleChange: "style"}
LANES = 3
_LABEL_CHARS = 26  # labels are cut to this many characters
_LABEL_SHARE = 0.16  # fraction of the strip one label is assumed to need, to pick lanes


def kinds_for(timeline: Timeline, interpretations: Iterable[Interpretation] | None) -> list[str]:
    """The colour class of each directive: camera, character, scene, style, or prompt."""
    kinds = []
    interps = list(interpretations or [])
    for i, d in enumerate(timeline.directives):
        parts = interps[i].parts if i < len(interps) else ()
        if not parts:
            parts = tuple(p for p in (d.camera, d.character, d.scene, d.style) if p)
        kinds.append(KIND_OF_PART.get(type(parts[0]), "prompt") if parts else ("image" if d.image else "prompt"))
    return kinds


def _ticks(duration: float) -> list[float]:
    step = next((s for s in (1, 2, 5, 10, 15, 30, 60) if duration / s <= 10), 60 * -(-duration // 600))
    n = int(duration // step)
    return [i * step for i in range(n + 1)]


def strip_html(timeline: Timeline, kinds: list[str] | None = None, *, made: float | None = None,
               status: str = "", authors: Sequence[str | None] = ()) -> str:
    """``made``: seconds already rendered (draws the playhead), None when idle; ``authors``: per
    directive, the colour of who sent it live (a shared take rings its mark in that colour)."""
    total = max(timeline.duration, 1e-6)
    kinds = kinds or kinds_for(timeline, None)
    pct = lambda t: f"{100 * min(max(t, 0.0), total) / total:.3f}%"  # noqa: E731
    out = ['<div class="dr-strip" role="img" aria-label="timeline">', '<div class="dr-lanes">']
    lane_end = [-1.0] * LANES
    for i, d in enumerate(timeline.directives):
        x = d.at / total
        lane = next((k for k in range(LANES) if lane_end[k] <= x), min(range(LANES), key=lambda k: lane_end[k]))
        lane_end[lane] = x + _LABEL_SHARE
        kind = kinds[i] if i < len(kinds) else "prompt"
        label = d.text or d.prompt or kind
        if len(label) > _LABEL_CHARS:
            label = label[: _LABEL_CHARS - 1] + "…"
        live = " dr-live" if d.source == "live" else ""
        by = authors[i] if i < len(authors) else None
        by_style = f";--dr-by:{html.escape(by, quote=True)}" if by else ""
        title = html.escape(f"{format_time(d.at)} · {d.text or d.prompt or kind}", quote=True)
        top = f"{lane * 34}px"
        if d.duration:
            out.append(f'<div class="dr-bar dr-{kind}" style="left:{pct(d.at)};width:{pct(d.duration)};top:{top}"></div>')
        out.append(
            f'<div class="dr-mark dr-{kind}{live}" style="left:{pct(d.at)};top:{top}{by_style}" title="{title}">'
            f'<span class="dr-dot"></span><span class="dr-label">{html.escape(label)}</span></div>'
        )
    if made is not None:
        out.append(f'<div class="dr-made" style="width:{pct(made)}"></div>')
        out.append(f'<div class="dr-playhead" style="left:{pct(made)}"></div>')
    out.append("</div><div class=\"dr-axis\">")
    for t in _ticks(total):
        out.append(f'<span class="dr-tick" style="left:{pct(t)}">{format_time(t).removesuffix(".0")}</span>')
    out.append("</div>")
    if status:
        out.append(f'<div class="dr-status">{html.escape(status)}</div>')
    out.append("</div>")
    return "".join(out)


STRIP_CSS = """
.dr-strip { position: relative; padding: 6px 4px 2px; user-select: none; }
.dr-lanes { position: relative; height: 104px; border-radius: 10px; overflow: hidden;
  background: repeating-linear-gradient(90deg, var(--block-background-fill) 0 calc(10% - 1px), var(--border-color-primary) calc(10% - 1px) 10%);
  border: 1px solid var(--border-color-primary); }
.dr-mark { position: absolute; margin-top: 8px; display: flex; align-items: center; gap: 5px; white-space: nowrap;
  font-size: 12px; line-height: 20px; z-index: 2; transform: translateX(-6px); max-width: 40%; }
.dr-dot { width: 12px; height: 12px; border-radius: 50%; flex: none; background: var(--dr-c); box-shadow: 0 0 0 2px var(--block-background-fill); }
.dr-label { overflow: hidden; text-overflow: ellipsis; padding: 0 6px; border-radius: 6px;
  background: color-mix(in srgb, var(--dr-c) 18%, transparent); color: var(--body-text-color); }
.dr-live .dr-dot { box-shadow: 0 0 0 2px var(--block-background-fill), 0 0 0 4px var(--dr-by, #ef4444); }
.dr-bar { position: absolute; height: 6px; margin-top: 26px; border-radius: 3px; background: var(--dr-c); opacity: .45; z-index: 1; }
.dr-camera { --dr-c: #3b82f6; } .dr-character { --dr-c: #f59e0b; } .dr-scene { --dr-c: #10b981; }
.dr-style { --dr-c: #a855f7; } .dr-prompt { --dr-c: #94a3b8; } .dr-image { --dr-c: #ec4899; }
.dr-made { position: absolute; left: 0; top: 0; bottom: 0; background: color-mix(in srgb, #6366f1 14%, transparent); z-index: 0; }
.dr-playhead { position: absolute; top: 0; bottom: 0; width: 2px; background: #6366f1; z-index: 3; box-shadow: 0 0 6px #6366f1; }
.dr-axis { position: relative; height: 18px; font-size: 11px; color: var(--body-text-color-subdued); }
.dr-tick { position: absolute; transform: translateX(-50%); }
.dr-tick:first-child { transform: none; }
.dr-status { margin-top: 4px; font-size: 13px; font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); }
"""
