"""CameraRig's memo of finished moves (added for Wander's long records) gives exactly the unmemoized fold."""

from __future__ import annotations

import random

from director.world.camera_rig import REST, CameraRig, TimedMove
from director.plan.timeline import CameraMove


def _plain_fold(rig: CameraRig, t: float, position_of=None):
    cam = REST
    for m in rig.moves:
        if m.at > t:
            break
        cam = rig._apply(cam, m, t, position_of)
    return cam


def test_memoized_rig_equals_plain_fold_exactly():
    rng = random.Random(5)
    kinds = [("pan", "right"), ("pan", "left"), ("truck", "left"), ("dolly", "in"), ("dolly", "out"), ("tilt", "up"),
             ("zoom", "in"), ("pedestal", "up"), ("static", None), ("shot", None), ("cut", None)]
    moves, at = [], 0.0
    for i in range(400):
        kind, direction = rng.choice(kinds)
        extra = {"shot": "wide"} if kind in ("shot", "cut") else {"amount": round(rng.uniform(0.1, 20), 3)}
        moves.append(TimedMove(at, rng.choice([0.0, 2 / 24, 1.0, 3.0]), CameraMove(move=kind, direction=direction, **extra), kind))
        at += rng.choice([0.0, 1 / 24, 2 / 24])
    moves.append(TimedMove(at, 2.0, CameraMove(move="shake", amount=0.5), "shake"))  # time-dependent: ends the memo
    moves.append(TimedMove(at + 0.5, 0.5, CameraMove(move="pan", amount=10), "pan"))
    rig = CameraRig(moves, 16 / 9)
    for t in sorted(rng.uniform(0, at + 3) for _ in range(300)) + [0.0, at, at + 2.0, at + 5.0]:
        assert rig.state(t) == _plain_fold(rig, t)
    # Queries out of order (compile asks about earlier instants after later ones) stay exact.
    fresh = CameraRig(moves, 16 / 9)
    for t in [at + 5.0, 1.0, 0.0, at / 2]:
        assert fresh.state(t) == _plain_fold(fresh, t)
