"""``python -m director``: render, validate, check a clip, list engines; import/export other tools' formats,
storyboards.

Exit codes: 0 success, 1 the timeline or its render failed (message on stderr), 2 usage error,
3 ``check`` found directives whose effect was not seen, 130 interrupted (the ``.part`` and
checkpoints stay: ``--resume`` continues).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

from director.engines.options import EngineOptionError, GivenOption, command_line_option

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_SEEN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
NAME_COLUMN = 12  # width of the engine-name column of ``engines``
MIN_WALL_SECONDS = 1e-9  # a render too fast to time still reports a finite speed



def _reader(args: argparse.Namespace):
    """How free text is read: by rules only with ``--no-embeddings``, else by rules then by meaning."""
    from director.commands.reader import RULES_ONLY, WITH_MEANING

    return RULES_ONLY if args.no_embeddings else WITH_MEANING

def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _option(text: str) -> tuple[str, GivenOption]:
    try:
        return command_line_option(text)
    except EngineOptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m director", description="Direct a world-model video from a timeline.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="render a timeline to an MP4 with sound (several: in parallel, into a folder)")
    r.add_argument("timelines", type=Path, nargs="+", metavar="timeline", help="timeline JSON file(s)")
    r.add_argument("-o", "--output", type=Path, required=True,
                   help="the MP4 to write; with several timelines, the folder to write NAME.mp4 into")
    r.add_argument("--ray", metavar="ADDRESS",
                   help="render through a Ray session service: 'auto' joins this machine's Ray or starts one, "
                        "else the cluster address (needs `pip install ray`)")
    r.add_argument("--jobs", type=int, default=None,
                   help="takes rendered at once per worker (default: 1 in this process; with --ray, by the "
                        "worker's CPUs or GPUs)")
    r.add_argument("--duration", type=float, help="seconds (overrides the timeline)")
    r.add_argument("--engine", help="engine name (default: the timeline's, usually previz)")
    r.add_argument("--engine-option", action="append", default=[], type=_option, metavar="KEY=VALUE",
                   help="engine setting, repeatable; VALUE is read as JSON when it can be "
                        "(e.g. --engine-option model=/models/wan --engine-option window_frames=12)")
    r.add_argument("--seed", type=int)
    r.add_argument("--size", type=_size, help="WIDTHxHEIGHT, e.g. 1280x720")
    r.add_argument("--fps", type=float)
    r.add_argument("--resume", action="store_true", help="continue an interrupted render of the same output")
    r.add_argument("--no-embeddings", action="store_true", help="read directives with rules only (faster start)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.add_argument("--allow-outside-images", action="store_true",
                   help="read images the timeline names outside its own folder (absolute paths, ../, symlinks)")
    v = sub.add_parser("validate", help="check a timeline and show how each directive is read")
    v.add_argument("timeline", type=Path)
    v.add_argument("--no-embeddings", action="store_true")
    v.add_argument("--allow-outside-images", action="store_true",
                   help="read images the timeline names outside its own folder (absolute paths, ../, symlinks)")
    c = sub.add_parser("check", help="measure on a clip whether every directive of its timeline did what it said")
    c.add_argument("clip", type=Path, help="the rendered MP4 (any engine)")
    c.add_argument("timeline", type=Path, help="the timeline it was rendered from")
    c.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    c.add_argument("--no-embeddings", action="store_true", help="read directives with rules only (as rendered with it)")
    sub.add_parser("engines", help="list the engines")
    from director.formats.commands import add_format_commands

    add_format_commands(sub)  # import deforum|parseq, export otio|srt|vtt|deforum|parseq, storyboard
    return p


def _load(path: Path, args: argparse.Namespace):
    from director.plan.timeline import load_timeline

    timeline = load_timeline(path)
    changes = {}
    for key in ("duration", "seed", "fps", "engine"):
        value = getattr(args, key, None)
        if value is not None:
            changes[key] = value
    if getattr(args, "size", None):
        changes["width"], changes["height"] = args.size
    if changes:
        from director.plan.timeline import TimelineError
        from pydantic import ValidationError

        try:
            timeline = timeline.with_settings(**changes)
        except ValidationError as exc:
            raise TimelineError([f"{'.'.join(map(str, e['loc'])) or 'option'}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()], "command line") from None
    return timeline


def _assets(args: argparse.Namespace):
    """Images resolve in the timeline's folder; outside it only with ``--allow-outside-images``."""
    from director.plan.assets import Assets

    return Assets(base_dir=args.timeline.parent, allow_outside=args.allow_outside_images)


def cmd_validate(args: argparse.Namespace) -> int:
    """Compile the timeline and print how each directive is read. No Director, no engine: only the
    plan (schema, images) and the world it compiles to are checked."""
    from director.plan.timeline_images import check_images
    from director.world.script import compile_timeline

    timeline = _load(args.timeline, args)
    script = compile_timeline(timeline, reader=_reader(args))
    check_images(timeline, _assets(args))
    for interp in script.interpretations:
        print(interp.describe())
    unknown = script.unknown
    print(f"{args.timeline}: valid — {len(timeline.directives)} directives, {timeline.duration:g} s at "
          f"{timeline.width}x{timeline.height} {timeline.fps:g} fps" + (f"; {len(unknown)} kept as prompts" if unknown else ""))
    return EXIT_OK


def _engine_options(args: argparse.Namespace, engine: str):
    """The render's engine options from ``--engine-option`` (and ``--no-embeddings`` for previz), read
    into the engine's options dataclass; ``EngineOptionError`` names a bad one and the flag it came from."""
    from director.engines.options import resolve_options

    given = dict(args.engine_option)
    if args.no_embeddings and engine == "previz":
        # previz also matches unknown scene words by embedding
        given.setdefault("embeddings", GivenOption(False, "command line --no-embeddings"))
    return resolve_options(engine, given)


def cmd_render(args: argparse.Namespace) -> int:
    if len(args.timelines) > 1 or args.ray:
        return _render_service(args)
    args.timeline = args.timelines[0]
    from tqdm import tqdm

    from director.run.render import render

    timeline = _load(args.timeline, args)
    options = _engine_options(args, timeline.engine)  # checked before anything is opened or written
    total = round(timeline.duration * timeline.fps)
    bar = tqdm(total=total, unit="frame", disable=args.quiet, desc=args.output.name, dynamic_ncols=True)
    done = [0]

    def progress(p) -> None:
        bar.update(p.frames_done - done[0])
        done[0] = p.frames_done
        bar.set_postfix_str(f"{p.frames_done / timeline.fps:.1f}/{timeline.duration:g}s {p.fps:.0f} fps")

    try:
        result = render(timeline, args.output, assets=_assets(args), resume=args.resume,
                        on_progress=progress, reader=_reader(args), engine_options=options)
    finally:
        bar.close()
    for interp in result.unknown:
        print(f"note: {interp.describe()}", file=sys.stderr)
    speed = result.duration / max(result.wall_seconds, MIN_WALL_SECONDS)
    print(f"wrote {result.path} — {result.frames} frames, {result.duration:.1f} s in {result.wall_seconds:.1f} s ({speed:.2f}x real time)")
    return EXIT_OK


def _render_service(args: argparse.Namespace) -> int:
    """Render one timeline through Ray, or a batch through the session service (in this process or
    Ray), each take's clip written here from its streamed chunks."""
    from director.run.service import AdmissionPolicy, ServiceError, TakeSpec, open_service
    from director.run.service.clips import render_batch
    from director.run.service.protocol import Notice, Queued, Started

    if args.resume:
        raise ServiceError("--resume continues one interrupted render in this process: use it without --ray "
                           "and with one timeline")
    if args.jobs is not None and args.jobs < 1:
        raise ServiceError(f"--jobs must be >= 1, got {args.jobs}")
    batch = len(args.timelines) > 1
    if batch:
        stems = [t.stem for t in args.timelines]
        twice = sorted({s for s in stems if stems.count(s) > 1})
        if twice:
            raise ServiceError(f"several timelines would write the same clip in {args.output}: {', '.join(twice)}.mp4")
        if args.output.suffix.lower() == ".mp4":
            raise ServiceError(f"-o {args.output}: with several timelines, -o names a folder (each clip is NAME.mp4)")
        args.output.mkdir(parents=True, exist_ok=True)
    jobs = []
    for path in args.timelines:
        args.timeline = path  # _load and _assets read it
        timeline = _load(path, args)
        options = _engine_options(args, timeline.engine)  # checked before any worker starts
        spec = TakeSpec.from_timeline(timeline, base_dir=str(path.parent), allow_outside_images=args.allow_outside_images,
                                      engine_options=options, use_embeddings=not args.no_embeddings, label=path.name)
        jobs.append((spec, args.output / f"{path.stem}.mp4" if batch else args.output))
    per_worker = args.jobs or (1 if args.ray is None else 64)  # with Ray, the node's resources bound it
    policy = AdmissionPolicy(max_per_worker=per_worker, max_total=max(per_worker, len(jobs)))
    service = open_service(args.ray, policy)

    def say(label: str, event) -> None:
        if args.quiet:
            return
        if isinstance(event, Queued):
            print(f"{label}: {event.message}", file=sys.stderr)
        elif isinstance(event, Started):
            print(f"{label}: rendering on {event.worker[:12]} ({event.total_frames} frames)", file=sys.stderr)
        elif isinstance(event, Notice):
            print(f"{label}: {event.text}", file=sys.stderr)

    try:
        results = render_batch(service, jobs, say)
    finally:
        service.close()
    failed = 0
    for r in results:
        if r.error:
            failed += 1
            print(f"error: {r.label}: {r.error}", file=sys.stderr)
        else:
            print(f"wrote {r.path} — {r.frames} frames, {r.duration:.1f} s in {r.wall_seconds:.1f} s")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from director.check import ClipError, check_clip  # the measuring tools (scipy) load only for `check`

    timeline = _load(args.timeline, args)
    try:
        report = check_clip(args.clip, timeline, reader=_reader(args))
    except ClipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(report.to_json())
    else:
        for verdict in report.verdicts:
            print(verdict.line())
        print(f"{args.clip}: {report.summary()}")
    return EXIT_NOT_SEEN if report.failed else EXIT_OK


def cmd_engines(args: argparse.Namespace) -> int:
    from director.engines import ENGINES

    for name, entry in ENGINES.items():
        print(f"{name:{NAME_COLUMN}s} {entry.description}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    from director.run.opencv_threads import opencv_threads_wait_passively
    from director.run.process_memory import keep_rss_near_live_memory

    opencv_threads_wait_passively()  # before anything imports cv2: OpenCV reads it once, on import
    keep_rss_near_live_memory()
    from director.plan.assets import AssetError
    from director.sinks.clip_writer import ClipWriterError
    from director.engines.protocol import EngineError
    from director.plan.limits import LimitError
    from director.run.render import ResumeError
    from director.plan.timeline import TimelineError
    from director.run.service.protocol import ServiceError
    from director.formats.commands import HANDLERS as FORMAT_HANDLERS

    handlers = {"render": cmd_render, "validate": cmd_validate, "check": cmd_check, "engines": cmd_engines,
                **FORMAT_HANDLERS}
    try:
        return handlers[args.command](args)
    except TimelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (AssetError, ClipWriterError, EngineError, ResumeError, LimitError, ServiceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\ninterrupted; run the same command with --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
