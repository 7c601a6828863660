"""Does previz do what a creator types? A phrase suite of our own, rendered and scored by ``director check``.

Each case is a short timeline: a scene written as a user would, maybe a set-up directive, and the
phrase under test. The clip is rendered with previz (rules only, no embeddings: what CI runs) and every
effect of every directive is measured by ``director.check.check_clip``. A phrase the rules did not
understand counts as a failure (kind ``understood``): the creator's words were not obeyed.

    .venv/bin/python benchmarks/directive_check.py                  # all cases at 640x360
    .venv/bin/python benchmarks/directive_check.py --size 320x180 --fast   # the CI subset
    .venv/bin/python benchmarks/directive_check.py --only beach -v          # one scene kind, every line

Prints each failure, then a table of pass rates per directive kind.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from director.check import CheckReport, check_clip  # noqa: E402
from director.check.expectations import effect_words  # noqa: E402
from director.run.render import render  # noqa: E402
from director.world import compile_timeline  # noqa: E402
from director.plan.timeline import Timeline  # noqa: E402

CITY = ("A busy street in Paris with cafes", [{"name": "woman", "text": "a tall woman with long red hair in a green dress"}])
FARM = ("an old farmhouse among wheat fields in the countryside",
        [{"name": "farmer", "text": "an old man in a grey coat and a hat"}, {"name": "dog", "text": "a black sheepdog", "kind": "dog"}])
FOREST = ("a misty pine forest", [{"name": "hiker", "text": "a young hiker with a yellow jacket and a backpack"}])
BEACH = ("a sandy beach with big waves and distant cliffs", [{"name": "surfer", "text": "a blonde surfer girl in a black wetsuit"}])
MOUNTAIN = ("a high mountain valley with snowy peaks", [{"name": "rider", "text": "a rider on a brown horse"}])
VILLAGE = ("a snowy village at dusk", [{"name": "girl", "text": "a little girl in a red scarf"},
                                       {"name": "grandpa", "text": "an old man with a white beard"}])
ROOM = ("a cosy living room with a sofa and a window", [{"name": "boy", "text": "a boy in blue pyjamas"}])
DESERT = ("a desert road between sand dunes", [{"name": "driver", "text": "a traveller in a white robe"}])


@dataclass(frozen=True)
class Case:
    scene: tuple
    phrase: str
    setup: tuple[str, ...] = ()  # directives at 0 s before the phrase
    duration: float | None = None  # the phrase's own duration (None = its default)
    at: float = 1.5
    length: float = 6.0
    fast: bool = False  # in the CI subset
    tags: tuple[str, ...] = field(default_factory=tuple)


TOM = ("a quiet street with a house and a garden", [{"name": "Tom", "text": "a man in a blue coat"}])

CASES: list[Case] = [
    # gestures and poses (issue 14)
    Case(CITY, "the woman waves at the camera", tags=("gesture",)),
    Case(TOM, "Tom points at the house", tags=("gesture",)),
    Case(CITY, "she sits down", fast=True, tags=("gesture",)),
    Case(VILLAGE, "they dance", tags=("gesture",)),
    Case(FARM, "the farmer jumps for joy", tags=("gesture",)),
    Case(FOREST, "he jumps", tags=("gesture",)),
    Case(CITY, "she falls", tags=("gesture",)),
    Case(ROOM, "the boy trips and falls", tags=("gesture",)),
    # crowds and dissolves (issue 14)
    Case(CITY, "a crowd gathers", length=7.0, tags=("crowd",)),
    Case(FARM, "a group of people walks in", length=7.0, tags=("crowd",)),
    Case(CITY, "dissolve to a beach at night", fast=True, tags=("dissolve",)),
    Case(FOREST, "slowly dissolve to a snowy village", duration=2, tags=("dissolve",)),
    Case(ROOM, "cross-fade to a desert road", tags=("dissolve",)),
    # speed: the world runs slower or faster behind a video that plays at its rate (issue 14)
    Case(CITY, "slow motion", setup=("she walks to the right",), fast=True, tags=("speed",)),
    Case(FARM, "everything slows down", setup=("it snows",), tags=("speed",)),
    Case(MOUNTAIN, "in slow-mo", setup=("heavy snow",), tags=("speed",)),
    Case(BEACH, "the waves crash in slow motion", setup=("the surfer walks towards the camera",), length=7.0, tags=("speed",)),
    Case(VILLAGE, "speed up time", setup=("it snows",), tags=("speed",)),
    Case(FARM, "time-lapse of the clouds", tags=("speed",)),
    Case(FOREST, "back to normal speed", setup=("slow motion", "the hiker walks to the right"), tags=("speed",)),
    Case(ROOM, "the scene plays out in super slow motion", setup=("the boy walks to the left",), tags=("speed",)),
    # city
    Case(CITY, "slowly get closer to her", duration=3, fast=True),
    Case(CITY, "swing the camera over to the right", fast=True),
    Case(CITY, "look up towards the rooftops"),
    Case(CITY, "zoom in a bit on her"),
    Case(CITY, "pull out to show the whole street"),
    Case(CITY, "the camera slides sideways to the left"),
    Case(CITY, "it starts pouring", fast=True),
    Case(CITY, "the street lights come on", setup=("evening",)),
    Case(CITY, "she walks off to the left"),
    Case(CITY, "night comes", fast=True),
    Case(CITY, "make it black and white"),
    Case(CITY, "shaky handheld camera"),
    Case(CITY, "a car drives past"),
    # farm / countryside
    Case(FARM, "the wind picks up", fast=True),
    Case(FARM, "pan slowly to the left", fast=True),
    Case(FARM, "the dog runs over to the farmer", fast=True),
    Case(FARM, "a storm rolls in", length=7.0),
    Case(FARM, "the sun goes down"),
    Case(FARM, "crane up slowly"),
    Case(FARM, "tilt down to the ground"),
    Case(FARM, "a thick fog comes in"),
    Case(FARM, "cut to a close-up of the farmer"),
    Case(FARM, "thunder rumbles in the distance"),
    Case(FARM, "the farmer walks to the right"),
    Case(FARM, "birds fly overhead", fast=True),
    # forest
    Case(FOREST, "the fog lifts", setup=("thick fog",)),
    Case(FOREST, "the hiker walks toward the camera", length=7.0),
    Case(FOREST, "circle around the hiker", fast=True),
    Case(FOREST, "tilt the camera to a dutch angle"),
    Case(FOREST, "it begins to snow"),
    Case(FOREST, "quick pan to the right"),
    Case(FOREST, "it gets dark"),
    Case(FOREST, "a dog comes in from the right"),
    Case(FOREST, "zoom out slowly"),
    Case(FOREST, "a gentle breeze starts blowing"),
    # beach
    Case(BEACH, "the sky clears up", setup=("heavy rain",)),
    Case(BEACH, "lightning strikes", fast=True),
    Case(BEACH, "pan across the sea to the right"),
    Case(BEACH, "push in on the surfer"),
    Case(BEACH, "rain starts falling gently"),
    Case(BEACH, "golden hour look"),
    Case(BEACH, "she runs off to the left"),
    Case(BEACH, "fireworks over the sea", setup=("night",)),
    Case(BEACH, "a storm is coming", length=7.0),
    Case(BEACH, "slowly fade to black", fast=True),
    # mountains
    Case(MOUNTAIN, "light snow begins to fall"),
    Case(MOUNTAIN, "raise the camera up"),
    Case(MOUNTAIN, "the rider gallops off to the right"),
    Case(MOUNTAIN, "zoom in 3x"),
    Case(MOUNTAIN, "tilt up to the peaks"),
    Case(MOUNTAIN, "dawn breaks", setup=("night",), length=7.0),
    Case(MOUNTAIN, "the wind howls"),
    Case(MOUNTAIN, "move the camera to the right"),
    # snowy village
    Case(VILLAGE, "turn the lamps on", fast=True),
    Case(VILLAGE, "the snow stops", setup=("heavy snow",)),
    Case(VILLAGE, "a puppy trots in from the left"),
    Case(VILLAGE, "orbit left around the girl"),
    Case(VILLAGE, "roll the camera to the right"),
    Case(VILLAGE, "zoom in slowly"),
    Case(VILLAGE, "steady the camera", setup=("handheld",)),
    Case(VILLAGE, "the girl runs to grandpa"),
    # interior
    Case(ROOM, "the lights go out", setup=("evening", "lights on")),
    Case(ROOM, "a kitten walks over to the boy"),
    Case(ROOM, "cut to a wide shot", setup=("close-up on the boy",), at=3.5, length=7.0),
    Case(ROOM, "ghibli style", fast=True),
    Case(ROOM, "camera moves in slowly"),
    Case(ROOM, "pan to the left"),
    Case(ROOM, "thunder outside"),
    Case(ROOM, "fade in from black", setup=("fade out",)),
    # desert
    Case(DESERT, "the sun sets over the dunes"),
    Case(DESERT, "truck right"),
    Case(DESERT, "the traveller walks away from the camera", length=8.0),
    Case(DESERT, "the camera tilts up to the sky"),
    Case(DESERT, "film noir"),
    Case(DESERT, "the camera rises"),
]


MEANS = {  # what each phrase means (a piece of how it must be read), written with the phrase
    'slowly get closer to her': 'dolly in',
    'swing the camera over to the right': 'pan right',
    'look up towards the rooftops': 'tilt up',
    'zoom in a bit on her': 'zoom in',
    'pull out to show the whole street': 'dolly out',
    'the camera slides sideways to the left': 'truck left',
    'it starts pouring': 'rain',
    'the street lights come on': 'lights on',
    'she walks off to the left': 'leaves',
    'night comes': 'night',
    'make it black and white': 'black and white',
    'shaky handheld camera': 'shake',
    'a car drives past': 'car passes by',
    'the wind picks up': 'wind',
    'pan slowly to the left': 'pan left',
    'the dog runs over to the farmer': 'dog runs to the farmer',
    'a storm rolls in': 'storm',
    'the sun goes down': 'dusk',
    'crane up slowly': 'pedestal up',
    'tilt down to the ground': 'tilt down',
    'a thick fog comes in': 'fog',
    'cut to a close-up of the farmer': 'cut close on farmer',
    'thunder rumbles in the distance': 'thunder',
    'the farmer walks to the right': 'walks to the right',
    'birds fly overhead': 'passes by',
    'the fog lifts': 'clear',
    'the hiker walks toward the camera': 'walks to the near',
    'circle around the hiker': 'orbit',
    'tilt the camera to a dutch angle': 'roll',
    'it begins to snow': 'snow',
    'quick pan to the right': 'pan right',
    'it gets dark': 'night',
    'a dog comes in from the right': 'enters',
    'zoom out slowly': 'zoom out',
    'a gentle breeze starts blowing': 'wind',
    'the sky clears up': 'clear',
    'lightning strikes': 'lightning',
    'pan across the sea to the right': 'pan right',
    'push in on the surfer': 'dolly in',
    'rain starts falling gently': 'rain',
    'golden hour look': 'golden hour',
    'she runs off to the left': 'leaves',
    'fireworks over the sea': 'fireworks',
    'a storm is coming': 'storm',
    'slowly fade to black': 'fade to black',
    'light snow begins to fall': 'snow',
    'raise the camera up': 'pedestal up',
    'the rider gallops off to the right': 'leaves',
    'zoom in 3x': 'zoom in',
    'tilt up to the peaks': 'tilt up',
    'dawn breaks': 'dawn',
    'the wind howls': 'wind',
    'move the camera to the right': 'truck right',
    'turn the lamps on': 'lights on',
    'the snow stops': 'clear',
    'a puppy trots in from the left': 'enters',
    'orbit left around the girl': 'orbit left',
    'roll the camera to the right': 'roll right',
    'zoom in slowly': 'zoom in',
    'steady the camera': 'static',
    'the girl runs to grandpa': 'runs to',
    'the lights go out': 'lights off',
    'a kitten walks over to the boy': 'walks to the boy',
    'cut to a wide shot': 'cut wide',
    'ghibli style': 'ghibli',
    'camera moves in slowly': 'dolly in',
    'pan to the left': 'pan left',
    'thunder outside': 'thunder',
    'fade in from black': 'fade in',
    'the sun sets over the dunes': 'dusk',
    'truck right': 'truck right',
    'the traveller walks away from the camera': 'away',
    'the camera tilts up to the sky': 'tilt up',
    'film noir': 'noir',
    'the camera rises': 'pedestal up',
    'a crowd gathers': 'enters',
    'a group of people walks in': 'enters',
    'dissolve to a beach at night': 'dissolve to',
    'slowly dissolve to a snowy village': 'dissolve to',
    'cross-fade to a desert road': 'dissolve to',
    'the woman waves at the camera': 'waves',
    'Tom points at the house': 'points',
    'she sits down': 'sits',
    'they dance': 'dances',
    'the farmer jumps for joy': 'jumps',
    'he jumps': 'jumps',
    'she falls': 'falls',
    'the boy trips and falls': 'falls',
    'slow motion': 'slow motion',
    'everything slows down': 'slow motion',
    'in slow-mo': 'slow motion',
    'the waves crash in slow motion': 'slow motion',
    'speed up time': 'time-lapse',
    'time-lapse of the clouds': 'time-lapse',
    'back to normal speed': 'normal speed',
    'the scene plays out in super slow motion': 'slow motion (x0.1)',
}


def timeline_for(case: Case, width: int, height: int) -> Timeline:
    scene, cast = case.scene
    directives = [{"at": 0, "text": s, "duration": 0} for s in case.setup]
    d = {"at": case.at, "text": case.phrase}
    if case.duration is not None:
        d["duration"] = case.duration
    directives.append(d)
    return Timeline.model_validate({"duration": case.length, "width": width, "height": height, "fps": 24, "seed": 3,
                                    "world": {"scene": scene, "characters": cast}, "directives": directives})


@dataclass
class Scored:
    case: Case
    report: CheckReport
    understood: bool
    reading: str  # how the phrase was read, in effect words ("dolly out")

    @property
    def read_as_meant(self) -> bool:
        return self.understood and MEANS.get(self.case.phrase, "") in self.reading


def run_case(case: Case, width: int, height: int, folder: Path) -> Scored:
    timeline = timeline_for(case, width, height)
    script = compile_timeline(timeline, use_embeddings=False)
    out = folder / f"case_{abs(hash(case.phrase)) % 10**8}.mp4"
    render(timeline, out, use_embeddings=False, engine_options={"embeddings": False})
    report = check_clip(out, timeline, script=script)
    last = script.interpretations[-1]
    reading = "; ".join(effect_words(p) for p in last.parts)
    return Scored(case, report, last.understood, reading)


def tally(results: list[Scored]) -> dict[str, tuple[int, int]]:
    counts: Counter = Counter()
    for r in results:
        counts["understood", "total"] += 1
        counts["understood", "pass"] += r.understood
        counts["read as meant", "total"] += 1
        counts["read as meant", "pass"] += r.read_as_meant
        phrase_index = len(r.case.setup)
        for v in r.report.verdicts:
            if v.index != phrase_index or v.status == "not_checkable":
                continue
            counts[v.kind, "total"] += 1
            counts[v.kind, "pass"] += v.status == "pass"
            for tag in r.case.tags:  # phrase families (gesture, crowd, dissolve) get rows of their own
                counts[f"({tag})", "total"] += 1
                counts[f"({tag})", "pass"] += v.status == "pass"
    kinds = sorted({k for k, _ in counts})
    return {k: (counts[k, "pass"], counts[k, "total"]) for k in kinds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--fast", action="store_true", help="only the CI subset")
    ap.add_argument("--only", help="only cases whose scene text contains this word")
    ap.add_argument("--tag", help="only cases with this tag (gesture, crowd, dissolve, speed)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every verdict")
    args = ap.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    cases = [c for c in CASES if (c.fast or not args.fast) and (not args.only or args.only in c.scene[0])
             and (not args.tag or args.tag in c.tags)]
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            r = run_case(case, width, height, Path(tmp))
            results.append(r)
            phrase_index = len(case.setup)
            for v in r.report.verdicts:
                if v.index == phrase_index and (args.verbose or v.status == "fail"):
                    print(f"[{case.scene[0][:24]}] {v.line()}")
            if not r.understood:
                print(f"[{case.scene[0][:24]}] NOT UNDERSTOOD: {case.phrase!r}")
            elif not r.read_as_meant:
                print(f"[{case.scene[0][:24]}] MISREAD: {case.phrase!r} read as {r.reading!r}, meant {MEANS.get(case.phrase)!r}")
    table = tally(results)
    scenes = len({c.scene[0] for c in cases})
    print(f"\n{len(cases)} cases, {scenes} scene kinds, {args.size}, {time.perf_counter() - started:.0f} s")
    print("| kind | passed | checked | rate |\n|---|---|---|---|")
    total_p = total_n = 0
    for kind, (p, n) in table.items():
        print(f"| {kind} | {p} | {n} | {p / n * 100:.0f} % |")
        if kind not in ("understood", "read as meant") and not kind.startswith("("):
            total_p += p
            total_n += n
    print(f"| **all effects** | {total_p} | {total_n} | {total_p / max(total_n, 1) * 100:.0f} % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
