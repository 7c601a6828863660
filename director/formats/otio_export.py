"""Takes → an OpenTimelineIO timeline (``.otio``), for editors that read OTIO.

One video track per take (the takes of a session are alternates of one shot, stacked), each holding
one clip whose media reference is the take's MP4. Every directive is a marker on the clip at its
time, as long as its transition (at least a frame), named with what was asked; its metadata under
``"director"`` holds how it was read and whether it was a live command. Live commands are red
markers, planned directives green.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from director.formats.take_notes import Take, take_cues

PLANNED_COLOR = otio.schema.MarkerColor.GREEN
LIVE_COLOR = otio.schema.MarkerColor.RED


def _time(seconds: float, fps: float) -> otio.opentime.RationalTime:
    return otio.opentime.from_seconds(seconds, fps).rescaled_to(fps)


def otio_timeline(takes: list[Take], title: str = "") -> otio.schema.Timeline:
    """Build the OTIO timeline for ``takes`` (at least one)."""
    if not takes:
        raise ValueError("nothing to export: no take")
    name = title or takes[0].timeline.title or "director"
    timeline = otio.schema.Timeline(name=name)
    for take in takes:
        record = take.timeline
        fps = record.fps
        duration = _time(record.duration, fps)
        if take.clip is not None:
            media = otio.schema.ExternalReference(
                target_url=Path(take.clip).resolve().as_uri(),
                available_range=otio.opentime.TimeRange(_time(0, fps), duration))
        else:
            media = otio.schema.MissingReference()
        clip = otio.schema.Clip(name=take.name, media_reference=media,
                                source_range=otio.opentime.TimeRange(_time(0, fps), duration))
        clip.metadata["director"] = {"engine": record.engine, "seed": record.seed,
                                     "size": [record.width, record.height]}
        one_frame = otio.opentime.RationalTime(1, fps)
        for cue in take_cues(record):
            length = max(_time(cue.duration, fps), one_frame)
            marker = otio.schema.Marker(
                name=cue.text,
                marked_range=otio.opentime.TimeRange(_time(cue.at, fps), length),
                color=LIVE_COLOR if cue.live else PLANNED_COLOR,
                metadata={"director": {"index": cue.index, "at": cue.at, "duration": cue.duration,
                                       "text": cue.text, "reading": cue.reading,
                                       "source": "live" if cue.live else "timeline"}},
            )
            clip.markers.append(marker)
        track = otio.schema.Track(name=take.name, kind=otio.schema.TrackKind.Video)
        track.append(clip)
        timeline.tracks.append(track)
    return timeline


def write_otio(takes: list[Take], path: str | Path, title: str = "") -> Path:
    """Write ``takes`` as an ``.otio`` file (OTIO's JSON) and return its path."""
    path = Path(path)
    otio.adapters.write_to_file(otio_timeline(takes, title), str(path))
    return path
