"""A take's directives as subtitles (SRT and WebVTT, written with ``webvtt-py``), so a reviewer sees
what was asked while the clip plays: the words, then how director read them; live commands say so.

Each cue starts at its directive and stays for its transition, at least ``CUE_SECONDS``, never past
the clip's end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from webvtt import Caption, WebVTT

from director.formats.take_notes import CUE_SECONDS, take_cues
from director.plan.timeline import Timeline

SubtitleFormat = Literal["srt", "vtt"]


def _stamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def subtitle_track(timeline: Timeline) -> WebVTT:
    """The cues of ``timeline`` as a ``webvtt.WebVTT`` (save it as .vtt, or with ``save_as_srt``)."""
    vtt = WebVTT()
    for cue in take_cues(timeline):
        start = min(cue.at, timeline.duration)
        end = min(timeline.duration, cue.at + max(cue.duration, CUE_SECONDS))
        if end <= start:  # a directive on the very last instant still gets a frame
            start = max(0.0, end - 1.0 / timeline.fps)
        said = ("[live] " if cue.live else "") + cue.text
        vtt.captions.append(Caption(_stamp(start), _stamp(end), [said, f"→ {cue.reading}"]))
    return vtt


def write_subtitles(timeline: Timeline, path: str | Path, fmt: SubtitleFormat | None = None) -> Path:
    """Write the directives of ``timeline`` as subtitles; ``fmt`` from the suffix when None."""
    path = Path(path)
    fmt = fmt or ("srt" if path.suffix.lower() == ".srt" else "vtt")
    track = subtitle_track(timeline)
    if fmt == "srt":
        track.save_as_srt(str(path))
    else:
        track.save(str(path))
    return path
