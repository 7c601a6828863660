"""``TimeWarp``: the world clock under slow motion and time-lapse (piecewise-linear rate, integrated)."""

from __future__ import annotations

import pytest

from director.world.time_warp import TimeWarp


def test_no_speed_directive_is_the_identity():
    warp = TimeWarp.of([])
    assert warp.is_identity and warp.world(3.7) == 3.7 and warp.video(3.7) == 3.7 and warp.rate(9.0) == 1.0


def test_sudden_slow_motion_then_back_to_normal():
    warp = TimeWarp.of([(2.0, 0.0, 0.25), (6.0, 0.0, 1.0)])
    assert warp.world(1.0) == 1.0 and warp.world(2.0) == 2.0  # nothing changes before the directive
    assert warp.rate(1.99) == 1.0 and warp.rate(2.0) == 0.25 and warp.rate(7.0) == 1.0
    assert warp.world(6.0) == pytest.approx(3.0)  # 4 video seconds are 1 world second
    assert warp.world(8.0) == pytest.approx(5.0)


def test_a_ramp_integrates_its_average_rate():
    warp = TimeWarp.of([(1.0, 2.0, 5.0)])  # speeds up from 1x to 5x between 1 s and 3 s
    assert warp.rate(2.0) == pytest.approx(3.0)
    assert warp.world(3.0) == pytest.approx(1.0 + 2.0 * 3.0)
    assert warp.world(4.0) == pytest.approx(7.0 + 5.0)


@pytest.mark.parametrize("steps", [[(2.0, 0.0, 0.25)], [(1.0, 2.0, 8.0), (4.0, 1.0, 0.5)], [(0.0, 0.0, 10.0)],
                                   [(1.0, 4.0, 0.2), (2.0, 0.0, 3.0)]])
def test_video_inverts_world_and_both_grow(steps):
    warp = TimeWarp.of(steps)
    ts = [k * 0.1 for k in range(100)]
    worlds = [warp.world(t) for t in ts]
    assert all(b > a for a, b in zip(worlds, worlds[1:]))
    assert all(warp.video(w) == pytest.approx(t, abs=1e-9) for t, w in zip(ts, worlds))


def test_a_later_directive_cuts_an_earlier_ramp_short():
    warp = TimeWarp.of([(1.0, 4.0, 0.2), (2.0, 0.0, 3.0)])
    assert warp.rate(1.5) == pytest.approx(0.9) and warp.rate(2.5) == 3.0


def test_a_rate_out_of_range_says_where():
    with pytest.raises(ValueError, match="at 3 s: rate 0"):
        TimeWarp.of([(3.0, 0.0, 0.0)])
