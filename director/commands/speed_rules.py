"""Rules for the world's speed: slow motion, time-lapse, back to normal.

"slow motion", "in slow-mo", "everything slows down", "super slow motion", "time-lapse of the clouds",
"speed up time", "fast forward", "back to normal speed", "real time". Read as a ``SceneChange`` with
``speed`` (world seconds per video second, see ``director.world.time_warp``). "The girl slows down" is
not one of them: a speed phrase must name the film's motion or the world (time, everything, the
scene), never one character.
"""

from __future__ import annotations

import re

from director.commands.clauses import Clause
from director.commands.result import ClauseReading
from director.plan.timeline import SceneChange

SLOW_MOTION = 0.25  # "slow motion": a quarter of real speed, as 96 fps played at 24
VERY_SLOW_MOTION = 0.1  # "super/extreme slow motion"
TIME_LAPSE = 10.0  # "time-lapse": clouds visibly race, people hurry about
NORMAL = 1.0

_WORLD = r"(?:everything|time|the\s+world|the\s+scene|the\s+action|it\s+all|all|things|the\s+whole\s+scene)"
_VERY = r"(?:super|extreme(?:ly)?|very|ultra|really)[\s-]+"
_RULES: tuple[tuple[re.Pattern[str], float], ...] = tuple((re.compile(p, re.IGNORECASE), rate) for p, rate in (
    (r"\b(?:back\s+to|return(?:s|ing)?\s+to|resume(?:s)?)\s+(?:normal|regular|real)[\s-]*(?:speed|time|motion|pace)\b"
     r"|\b(?:normal|regular)\s+speed\b|\breal[\s-]?time\b|\b(?:time|everything)\s+(?:returns?|goes\s+back)\s+to\s+normal\b"
     r"|\b(?:end|stop)\s+(?:the\s+)?(?:slow[\s-]*mo(?:tion)?|time[\s-]?lapse)\b", NORMAL),
    (_VERY + r"slow[\s-]*mo(?:tion)?\b", VERY_SLOW_MOTION),
    (r"\bslow[\s-]*mo(?:tion)?\b|\bslo[\s-]?mo\b|\b" + _WORLD + r"\s+(?:slows?|slowing|slowed)\s+(?:down|to\s+a\s+crawl)\b"
     r"|\bslow(?:s|ing)?\s+(?:down\s+)?(?:time|everything|the\s+(?:action|world|scene))(?:\s+down)?\b", SLOW_MOTION),
    (r"\btime[\s-]?lapse\b|\bspeed(?:s|ing)?\s+up\s+(?:time|everything|the\s+(?:action|world|scene))\b"
     r"|\b" + _WORLD + r"\s+(?:speeds?|sped|speeding)\s+up\b|\bfast[\s-]*(?:forward|motion)\b|\bhyper[\s-]?lapse\b", TIME_LAPSE),
))


def read_speed(clause: Clause) -> ClauseReading | None:
    """A change of the world's speed, or None when the clause says nothing of the kind."""
    for pattern, rate in _RULES:
        if pattern.search(clause.text):
            words = {NORMAL: "normal speed", TIME_LAPSE: "time-lapse"}.get(rate, "slow motion")
            return ClauseReading((SceneChange(speed=rate),), "rules", (f"'{clause.text}' read as {words} (x{rate:g})",))
    return None
