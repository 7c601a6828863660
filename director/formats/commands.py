"""``python -m director import|export|storyboard``: the formats on the command line.

``import deforum|parseq FILE -o timeline.json`` · ``export otio|srt|vtt|deforum|parseq TIMELINE... -o OUT``
· ``storyboard TIMELINE -o board.pdf``. Notes about what a format cannot carry go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_format_commands(sub) -> None:
    """Add the three subcommands to ``python -m director``'s subparsers."""
    i = sub.add_parser("import", help="turn a Deforum settings file or a Parseq render into a timeline")
    i.add_argument("format", choices=["deforum", "parseq"])
    i.add_argument("file", type=Path)
    i.add_argument("-o", "--output", type=Path, required=True, help="the timeline JSON to write")
    i.add_argument("--mode", choices=["2D", "3D"], help="parseq: Deforum's animation mode (default: 3D if 3D fields move)")
    i.add_argument("--size", type=_canvas_size,
                   help="parseq: the Deforum canvas WIDTHxHEIGHT its 2D pixels refer to (default 512x512)")
    i.add_argument("--segment", type=float, default=0.5, help="seconds per linear camera move (default 0.5)")
    i.add_argument("--metres-per-unit", type=float, default=1.0, help="metres per Deforum 3D scene unit (default 1)")
    e = sub.add_parser("export", help="write a take as OTIO, subtitles, or Deforum/Parseq schedules")
    e.add_argument("format", choices=["otio", "srt", "vtt", "deforum", "parseq"])
    e.add_argument("timeline", type=Path, nargs="+", help="timeline or session record JSON; several = takes (otio)")
    e.add_argument("-o", "--output", type=Path, required=True)
    e.add_argument("--clip", type=Path, action="append", default=[], help="otio: the take's MP4 (repeat per take)")
    e.add_argument("--mode", choices=["2D", "3D"], help="deforum/parseq: animation mode (default: chosen from the motion)")
    e.add_argument("--fps", type=float, help="deforum/parseq: frames per second of the schedules (default: the timeline's)")
    s = sub.add_parser("storyboard", help="a printable PDF: one panel per directive (or per shot)")
    s.add_argument("timeline", type=Path)
    s.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    s.add_argument("--per", choices=["directive", "shot"], default="directive")


def _canvas_size(text: str) -> tuple[int, int]:
    from director.cli import _size  # the CLI's WIDTHxHEIGHT reader (imported late: the CLI imports us)

    return _size(text)


def cmd_import(args: argparse.Namespace) -> int:
    from director.formats.detect import import_file

    options = {"segment_seconds": args.segment, "metres_per_unit": args.metres_per_unit}
    if args.format == "parseq":
        options["mode"] = args.mode
        if args.size:
            options["width"], options["height"] = args.size
    result = import_file(args.file, args.format, **options)
    args.output.write_text(result.timeline.to_json(), encoding="utf-8")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.output} — {result.summary()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from director.plan.timeline import load_timeline

    timelines = [load_timeline(p) for p in args.timeline]
    notes: list[str] = []
    if args.format == "otio":
        from director.formats.otio_export import write_otio
        from director.formats.take_notes import Take

        if len(args.clip) not in (0, len(timelines)):
            print(f"error: {len(args.clip)} --clip for {len(timelines)} timelines (give one per take, or none)",
                  file=sys.stderr)
            return 2
        clips = args.clip or [None] * len(timelines)
        takes = [Take(t, c, f"Take {i + 1}") for i, (t, c) in enumerate(zip(timelines, clips))]
        write_otio(takes, args.output)
    else:
        if len(timelines) > 1:
            print(f"error: {args.format} takes one timeline", file=sys.stderr)
            return 2
        timeline = timelines[0]
        if args.format in ("srt", "vtt"):
            from director.formats.subtitles import write_subtitles

            write_subtitles(timeline, args.output, args.format)
        elif args.format == "deforum":
            from director.formats.deforum import save_deforum

            notes = save_deforum(timeline, args.output, mode=args.mode, fps=args.fps)
        else:
            from director.formats.parseq import save_parseq

            notes = save_parseq(timeline, args.output, mode=args.mode, fps=args.fps)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.output}")
    return 0


def cmd_storyboard(args: argparse.Namespace) -> int:
    from director.formats.storyboard import write_storyboard
    from director.plan.timeline import load_timeline

    timeline = load_timeline(args.timeline)
    write_storyboard(timeline, args.output, per=args.per, base_dir=args.timeline.parent)
    print(f"wrote {args.output}")
    return 0


HANDLERS = {"import": cmd_import, "export": cmd_export, "storyboard": cmd_storyboard}
