"""The virtual camera at time t, folded from timed camera moves.

Each move is realised by its vocabulary entry's rig function (``world.rig_moves``); this module only
orders, memoises and folds them.

Relative moves (pan 30° left, dolly 3 m in) add their eased share to whatever the camera is doing
already, so overlapping moves compose. Framing moves (shot sizes, focus, follow, orbit about a
character) need characters' positions: ``CameraRig.state(t, position_of)`` takes them; with
``position_of=None`` it gives the *base* camera (moves without aiming), which is what decides
where a newcomer enters from.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace

from director.plan.timeline import CameraMove
from director.vocabulary.camera_moves import CAMERA_MOVES
from director.world.camera_framing import REST, PositionOf, aim_height, look
from director.world.easing import linear_progress, progress
from director.world.rig_moves import RIG_MOVES, MoveStep
from director.world.state import CameraState


@dataclass(frozen=True)
class TimedMove:
    at: float
    duration: float
    move: CameraMove
    text: str


def default_duration(move: CameraMove) -> float:
    """Seconds a move takes when its directive gives none: its pace's (a cut takes none)."""
    return CAMERA_MOVES[move.move].duration(move.pace)


class CameraRig:
    def __init__(self, moves: list[TimedMove], aspect: float):
        self.moves = sorted(moves, key=lambda m: m.at)
        self._starts = [m.at for m in self.moves]
        self.aspect = aspect
        # Memo of the leading moves that have all finished: (end time, camera after them). A live
        # session (Wander) records hundreds of short moves; folding all of them for every frame and
        # for every character action made compiling quadratic. Same operations, same floats.
        self._settled: list[tuple[float, CameraState]] = []
        self._settled_open = True  # False once a move whose result stays time-dependent is reached

    def adopt_settled(self, other: CameraRig) -> None:
        """Take over ``other``'s memo of settled leading moves as far as both rigs' moves are the same
        (a recompile after a live command appends moves: the settled past is unchanged)."""
        if other.aspect != self.aspect or self._settled:
            return
        n = 0
        for (a, b) in zip(self.moves[: len(other._settled)], other.moves):
            if not (a.at == b.at and a.duration == b.duration and (a.move is b.move or a.move == b.move)):
                break
            n += 1
        self._settled = other._settled[:n]

    def phrase(self, t: float) -> str:
        """The move under way at ``t`` in words, or the standing one (following someone).

        The latest move that says something wins: one still running or a standing follow/focus gives
        its words, a finished framing move ends any earlier phrase; others (a finished shake) are passed over.
        """
        for m in reversed(self.moves[: bisect_right(self._starts, t)]):
            entry = CAMERA_MOVES[m.move.move]
            if t < m.at + m.duration or entry.standing:
                return m.text
            if entry.ends_phrase:
                return ""
        return ""

    def _settle_until(self, t: float) -> None:
        """Extend the memo over leading moves finished at or before ``t``."""
        while self._settled_open and len(self._settled) < len(self.moves):
            m = self.moves[len(self._settled)]
            if not CAMERA_MOVES[m.move.move].settles or m.move.target:
                self._settled_open = False
                break
            end = max(self._settled[-1][0] if self._settled else -math.inf, m.at + m.duration)
            if end > t:
                break
            cam = self._settled[-1][1] if self._settled else REST
            self._settled.append((end, self._apply(cam, m, end, None)))

    def state(self, t: float, position_of: PositionOf | None = None) -> CameraState:
        self._settle_until(t)
        done = bisect_right(self._settled, t, key=lambda e: e[0])  # leading moves all finished by t
        cam = self._settled[done - 1][1] if done else REST
        for m in self.moves[done:]:
            if m.at > t:
                break
            cam = self._apply(cam, m, t, position_of)
        if cam.target and position_of is not None:
            found = position_of(cam.target, t)
            if found is not None:
                (point, kind) = found
                yaw, pitch, _ = look(cam, point, aim_height(kind, "medium"))
                cam = replace(cam, yaw=yaw, pitch=pitch)
        return cam

    def _apply(self, cam: CameraState, m: TimedMove, t: float, position_of: PositionOf | None) -> CameraState:
        """``cam`` after move ``m`` at ``t``: the entry's rig function at the move's eased progress."""
        mv = m.move
        entry = CAMERA_MOVES[mv.move]
        p = (linear_progress if mv.ease == "linear" else progress)(t, m.at, m.duration)
        amount = mv.amount if mv.amount is not None else (entry.default_amount or 0.0)
        return RIG_MOVES[entry.realiser](MoveStep(cam, mv, m.at, m.duration, t, p, amount, self.aspect, position_of))
