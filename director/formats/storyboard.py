"""A printable storyboard PDF (written with ``reportlab``): one panel per directive, or per shot.

Each panel shows the previz frame where the directive has taken effect (the end of its transition),
its number and time code, what was asked, the shot size the camera has there and the camera move,
and how director read it; live commands are marked. A4 landscape, six panels a page.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas

from director.commands.reader import RULES_ONLY
from director.world.camera_framing import SHOT_FOV
from director.sinks.contact_sheet import render_instants
from director.formats.take_notes import Cue, camera_words, take_cues
from director.world import compile_timeline
from director.plan.timecode import format_time
from director.plan.timeline import Timeline

Per = Literal["directive", "shot"]
COLUMNS, ROWS = 3, 2
MARGIN, GAP = 28.0, 14.0  # points
FRAME_SIZE = (480, 270)  # pixels rendered per panel (16:9; other aspects keep theirs)
FONT, BOLD = "Vera", "VeraBd"  # TrueType fonts shipped inside reportlab: more than Latin-1, embedded in the PDF


@dataclass(frozen=True)
class Panel:
    number: int
    start: float
    end: float  # the next panel's time (per shot) or the transition's end (per directive)
    frame_at: float
    text: str
    reading: str
    live: bool
    shot: str = ""
    camera: str = ""


def storyboard_panels(timeline: Timeline, per: Per = "directive") -> list[Panel]:
    """The panels of ``timeline``'s storyboard (no pictures yet): one per directive, or per shot (a new
    panel at the start and at every cut, shot size or new place)."""
    cues = take_cues(timeline)
    last = max(0.0, timeline.duration - 1.0 / timeline.fps)
    if per == "shot":
        groups: list[list[Cue]] = []
        for cue in cues:
            if not groups or cue.new_shot:
                groups.append([cue])
            else:
                groups[-1].append(cue)
        starts = [g[0].at for g in groups] + [timeline.duration]
        panels = []
        for i, group in enumerate(groups):
            head = group[0]
            panels.append(Panel(i + 1, head.at, starts[i + 1], min(head.end, last),
                                " · ".join(c.text for c in group), head.reading, any(c.live for c in group)))
        return _with_camera(timeline, panels)
    panels = [Panel(i + 1, c.at, c.end, min(c.end, last), c.text, c.reading, c.live) for i, c in enumerate(cues)]
    return _with_camera(timeline, panels)


def _with_camera(timeline: Timeline, panels: list[Panel]) -> list[Panel]:
    """Add the shot size (the named size nearest the camera's field of view) and the camera move in words."""
    script = compile_timeline(timeline, reader=RULES_ONLY)
    out = []
    for p in panels:
        cam = script.state_at(p.frame_at).camera
        shot = _shot_size(script.rig.moves, p.frame_at, cam.fov)
        moves = [m for m in script.rig.moves if p.start <= m.at <= max(p.start, p.end - 1e-6)
                 and m.at < timeline.duration]
        words = "; ".join(dict.fromkeys(camera_words(m.move).removeprefix("the camera ") for m in moves)) or "static"
        out.append(Panel(p.number, p.start, p.end, p.frame_at, p.text, p.reading, p.live,
                         f"{shot} (fov {cam.fov:.0f}°)", words))
    return out


def _shot_size(moves, t: float, fov: float) -> str:
    """The shot size last asked for (unless a zoom or dolly changed it since), else the named size
    whose field of view is nearest the camera's ("≈ wide")."""
    for m in reversed([m for m in moves if m.at <= t]):
        if m.move.shot:
            return m.move.shot.replace("_", " ")
        if m.move.move in ("zoom", "dolly", "cut"):
            break
    return "≈ " + min(SHOT_FOV, key=lambda name: abs(SHOT_FOV[name] - fov)).replace("_", " ")


def write_storyboard(timeline: Timeline, path: str | Path, *, per: Per = "directive", base_dir=None, assets=None,
                     frame_size: tuple[int, int] = FRAME_SIZE) -> Path:
    """Render the panels' frames with previz and lay them out in a PDF at ``path``. Returns the path.

    ``base_dir``/``assets``: where the timeline's images come from (as for ``render_instants``)."""
    path = Path(path)
    panels = storyboard_panels(timeline, per)
    if not panels:
        raise ValueError("the timeline has no directives: nothing to storyboard")
    # 1. frames, at the timeline's aspect ratio
    aspect = timeline.width / timeline.height
    size = (frame_size[0], 2 * round(frame_size[0] / aspect / 2))
    previz = timeline.with_settings(engine="previz")
    frames = render_instants(previz, [p.frame_at for p in panels], size, base_dir=base_dir, assets=assets)
    # 2. pages
    _register_fonts()
    page_w, page_h = landscape(A4)
    pdf = pdf_canvas.Canvas(str(path), pagesize=(page_w, page_h))
    title = timeline.title or "director storyboard"
    pdf.setTitle(title)
    pdf.setCreator("director")
    per_page = COLUMNS * ROWS
    pages = math.ceil(len(panels) / per_page)
    cell_w = (page_w - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS
    cell_h = (page_h - 2 * MARGIN - 24 - (ROWS - 1) * GAP) / ROWS
    for page in range(pages):
        pdf.setFont(BOLD, 13)
        pdf.drawString(MARGIN, page_h - MARGIN - 10, title)
        pdf.setFont(FONT, 9)
        info = (f"{format_time(timeline.duration)} · {timeline.width}x{timeline.height} · {timeline.fps:g} fps · "
                f"page {page + 1}/{pages}")
        pdf.drawRightString(page_w - MARGIN, page_h - MARGIN - 10, info)
        for slot, i in enumerate(range(page * per_page, min(len(panels), (page + 1) * per_page))):
            r, c = divmod(slot, COLUMNS)
            x = MARGIN + c * (cell_w + GAP)
            top = page_h - MARGIN - 24 - r * (cell_h + GAP)
            _panel(pdf, panels[i], frames[i], x, top, cell_w, cell_h)
        pdf.showPage()
    pdf.save()
    return path


def _panel(pdf, panel: Panel, frame, x: float, top: float, w: float, h: float) -> None:
    image = Image.fromarray(frame)
    img_h = w * image.height / image.width
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=88)  # embedded as JPEG: a tenth of the size of raw pixels
    jpeg.seek(0)
    pdf.drawImage(ImageReader(jpeg), x, top - img_h, w, img_h)
    pdf.setLineWidth(0.6)
    pdf.rect(x, top - img_h, w, img_h)
    y = top - img_h - 12
    pdf.setFont(BOLD, 9.5)
    code = f"{panel.number}  ·  {format_time(panel.start)}"
    if panel.end > panel.start:
        code += f" – {format_time(panel.end)}"
    if panel.live:
        code += "  ·  LIVE"
    pdf.drawString(x, y, code)
    pdf.setFont(FONT, 7)
    pdf.drawRightString(x + w, y, f"frame at {format_time(panel.frame_at)}")
    lines: list[tuple[str, str, float]] = [(line, FONT, 9) for line in simpleSplit(panel.text, FONT, 9, w)[:3]]
    lines += [(line, FONT, 7.5) for line in simpleSplit(f"shot: {panel.shot}  ·  camera: {panel.camera}", FONT, 7.5, w)[:2]]
    lines += [(line, FONT, 7) for line in simpleSplit(f"read as: {panel.reading}", FONT, 7, w)[:2]]
    bottom = top - h
    for text, font, size in lines:
        y -= size + 3
        if y < bottom:
            break
        pdf.setFont(font, size)
        pdf.setFillGray(0.0 if size >= 9 else 0.3)
        pdf.drawString(x, y, text)
    pdf.setFillGray(0.0)


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
