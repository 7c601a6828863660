"""Contact sheets: a grid of frames, each labelled with its time, as one PIL image.

``contact_sheet(frames_with_times)`` lays out frames you already have; ``contact_sheet_for(timeline,
times)`` renders just those instants through a ``Director`` (previz frames are pure functions of the
world state, so only the asked-for frames are drawn; other engines run from the start and keep the
frames nearest each time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from director.commands.reader import RULES_ONLY, Reader
from director.engines.protocol import ChunkRequest, Engine, sample_index
from director.run.events import ChunkReady, Ending, Failed
from director.world.prompt import compose_prompt
from director.plan.timecode import format_time
from director.plan.timeline import Timeline

GAP = 4  # pixels between frames and around the sheet
BACKGROUND = (18, 18, 20)
STATELESS_ENGINES = frozenset({"previz"})  # frames depend only on (state, seed, size): render instants directly


def contact_sheet(frames_with_times: Iterable[tuple[np.ndarray, float]], columns: int = 3, *,
                  labels: Sequence[str] | None = None) -> Image.Image:
    """A grid of ``frames_with_times`` (RGB uint8 [H, W, 3] and seconds), ``columns`` wide, each frame
    stamped with its time as m:ss.s (plus ``labels[i]`` when given). Frames of other sizes are
    resized to the first one's."""
    items = list(frames_with_times)
    if not items:
        raise ValueError("contact_sheet needs at least one frame")
    if columns < 1:
        raise ValueError(f"columns must be >= 1, got {columns}")
    if labels is not None and len(labels) != len(items):
        raise ValueError(f"{len(labels)} labels for {len(items)} frames")
    h, w = np.asarray(items[0][0]).shape[:2]
    cols = min(columns, len(items))
    rows = -(-len(items) // cols)
    sheet = Image.new("RGB", (cols * w + (cols + 1) * GAP, rows * h + (rows + 1) * GAP), BACKGROUND)
    font = _font(max(10, h // 14))
    for i, (frame, t) in enumerate(items):
        arr = np.asarray(frame)
        if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8:
            raise ValueError(f"frame {i}: expected RGB uint8 [H, W, 3], got {arr.dtype} {arr.shape}")
        tile = Image.fromarray(arr)
        if tile.size != (w, h):
            tile = tile.resize((w, h), Image.BILINEAR)
        text = format_time(t) + (f"  {labels[i]}" if labels is not None and labels[i] else "")
        _stamp(tile, text, font)
        r, c = divmod(i, cols)
        sheet.paste(tile, (GAP + c * (w + GAP), GAP + r * (h + GAP)))
    return sheet


def contact_sheet_for(timeline: Timeline, times: Sequence[float], size: tuple[int, int] | None = (320, 180), *,
                      columns: int = 3, base_dir: str | Path | None = None, engine: Engine | str | None = None,
                      reader: Reader = RULES_ONLY) -> Image.Image:
    """Render ``timeline`` at ``times`` (seconds) at ``size`` (width, height; None keeps the
    timeline's) and lay the frames out with ``contact_sheet``. ``base_dir`` resolves image paths."""
    frames = render_instants(timeline, times, size, base_dir=base_dir, engine=engine, reader=reader)
    return contact_sheet(list(zip(frames, times)), columns)


def render_instants(timeline: Timeline, times: Sequence[float], size: tuple[int, int] | None = (320, 180), *,
                    base_dir: str | Path | None = None, engine: Engine | str | None = None,
                    reader: Reader = RULES_ONLY, assets=None) -> list[np.ndarray]:
    """One RGB uint8 [H, W, 3] frame per time in ``times`` (each clamped to the clip). ``assets``: images
    already loaded (the app's session images), else they are read from ``base_dir``."""
    from director.run.director import Director

    if size is not None:
        timeline = timeline.with_settings(width=size[0], height=size[1])
    fps = timeline.fps
    last = max(0, round(timeline.duration * fps) - 1)
    wanted = [min(last, max(0, round(t * fps))) for t in times]
    with Director(timeline, engine=engine, base_dir=base_dir, reader=reader, assets=assets) as d:
        if d.engine.name in STATELESS_ENGINES:
            return _instants(d, wanted)
        return _run_until(d, wanted)


def _instants(d, wanted: list[int]) -> list[np.ndarray]:
    # 1. open the engine on the world at 0 (what Director.run does first)
    d.engine.open(d.settings, d.state_at(0.0), d.assets)
    # 2. one single-frame request per instant
    out = []
    for i, frame in enumerate(wanted):
        t = frame / d.fps
        state = d.state_at(t)
        request = ChunkRequest(index=i, start_frame=frame, frame_times=(t,), states=(state,),
                               prompt=compose_prompt(state, ""), changed=frozenset(),
                               sample_start=sample_index(frame, d.fps, d.settings.sample_rate),
                               sample_end=sample_index(frame + 1, d.fps, d.settings.sample_rate))
        out.append(d.engine.render(request).frames[0].copy())
    d.engine.close()
    return out


def _run_until(d, wanted: list[int]) -> list[np.ndarray]:
    """Stateful engines: generate from the start and keep each wanted frame as it passes."""
    from director.run.run import Run

    sheet = ContactSheetSink(wanted)
    run = Run(d, [sheet], until_frame=max(wanted) + 1)
    ending = run.run()
    if isinstance(ending, Failed):
        raise ending.error
    return sheet.frames()


class ContactSheetSink:
    """Keep a copy of each wanted frame (clip frame indices) as the chunks holding it pass; the run
    can end once ``complete``."""

    def __init__(self, wanted: Sequence[int]) -> None:
        self.wanted = list(wanted)
        self._needed = set(self.wanted)
        self._found: dict[int, np.ndarray] = {}

    @property
    def complete(self) -> bool:
        return not self._needed

    def write(self, ready: ChunkReady) -> None:
        chunk = ready.chunk
        for frame in self._needed & set(range(chunk.start_frame, chunk.start_frame + chunk.num_frames)):
            self._found[frame] = chunk.frames[frame - chunk.start_frame].copy()
        self._needed -= set(self._found)

    def close(self, ending: Ending) -> None:
        """Nothing to release: the frames kept are in memory."""

    def frames(self) -> list[np.ndarray]:
        """One frame per wanted index, in the order asked ("KeyError" names any the run never reached)."""
        missing = sorted(self._needed)
        if missing:
            raise KeyError(f"contact sheet: frames {missing} were never made (the run ended before them)")
        return [self._found[f] for f in self.wanted]


def _font(px: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _stamp(tile: Image.Image, text: str, font: ImageFont.ImageFont) -> None:
    """Draw ``text`` on a dark box in the tile's top-left corner."""
    draw = ImageDraw.Draw(tile)
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = max(2, (y1 - y0) // 4)
    draw.rectangle((0, 0, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), fill=(0, 0, 0))
    draw.text((pad - x0, pad - y0), text, fill=(255, 255, 255), font=font)
