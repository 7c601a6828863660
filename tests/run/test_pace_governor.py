"""The live pace policy: fed with chunk timings, it picks the picture size a run can sustain."""

from __future__ import annotations

import pytest

from director.run.pace_governor import LiveLevel, PaceGovernor, PaceMemory, live_levels

CHUNK = 0.5  # seconds of video per chunk


def feed(gov: PaceGovernor, cost_at_full: float, chunks: int) -> list[int]:
    """Make ``chunks`` chunks whose wall time scales with the pixels of the level; the levels used."""
    used = []
    full = gov.levels[0]
    for _ in range(chunks):
        level = gov.level
        used.append(level.index)
        area = level.width * level.height / (full.width * full.height)
        gov.record(CHUNK, cost_at_full * area)
    return used


def test_levels_are_the_proxy_sizes_of_the_run():
    assert [lv.size for lv in live_levels(1280, 720)] == [(1280, 720), (960, 540), (640, 360), (480, 270)]
    assert [lv.size for lv in live_levels(640, 360)] == [(640, 360), (480, 270), (320, 180), (240, 136)]
    small = live_levels(200, 112)
    assert small[0].size == (200, 112) and all(lv.width >= 160 for lv in small)
    assert LiveLevel(0, 1280, 720).full and not LiveLevel(1, 960, 540).full


def test_a_fast_machine_stays_at_full_quality():
    gov = PaceGovernor(1280, 720)
    assert set(feed(gov, 0.2, 40)) == {0}  # 0.4 of real time
    assert not gov.ever_below_full


def test_a_slow_machine_steps_down_until_it_keeps_up_and_stays_there():
    gov = PaceGovernor(1280, 720)
    used = feed(gov, 1.0, 40)  # full size takes 2x real time; 960 wide 1.125x; 640 wide 0.5x
    assert used[0] == 0 and used[1] == 2  # straight to the size that keeps up: each slow chunk is a stall
    assert set(used[5:]) <= {1, 2}
    assert gov.ever_below_full
    # 960 wide would take 1.125x: any try up fails at once and the tries get rarer
    ups = sum(1 for a, b in zip(used, used[1:]) if b < a)
    assert ups <= 3


def test_it_steps_back_up_when_the_load_goes_away():
    gov = PaceGovernor(1280, 720)
    feed(gov, 1.2, 6)
    assert gov.level.index >= 2
    used = feed(gov, 0.15, 40)  # the other job finished
    assert used[-1] == 0


def test_the_slowest_level_is_the_floor():
    gov = PaceGovernor(1280, 720)
    feed(gov, 20.0, 10)
    assert gov.level.index == len(gov.levels) - 1


def test_it_waits_so_the_view_is_never_far_ahead_of_real_time():
    gov = PaceGovernor(1280, 720, lead=1.0)
    gov.record(CHUNK, 0.1)
    assert gov.sleep_before_next() == 0.0  # 0.4 s ahead: within the lead
    for _ in range(4):
        gov.record(CHUNK, 0.1)
    assert gov.sleep_before_next() == pytest.approx(2.5 - 0.5 - 1.0)
    gov.waited(gov.sleep_before_next())
    assert gov.lag == pytest.approx(-1.0)


def test_an_engine_without_proxy_sizes_is_locked_at_full():
    gov = PaceGovernor(1280, 720, lock_full=True)
    assert set(feed(gov, 2.0, 10)) == {0}


def test_history_records_each_chunk():
    gov = PaceGovernor(640, 360)
    feed(gov, 0.3, 3)
    assert [s.level.index for s in gov.history] == [0, 0, 0]
    assert gov.history[-1].lag_s == pytest.approx(0.9 - 1.5)


def test_one_costly_chunk_in_two_is_no_reason_to_step_down():
    gov = PaceGovernor(1280, 720)
    for i in range(20):
        gov.record(CHUNK, 0.55 if i % 2 else 0.15)  # 1.1x and 0.3x of real time: 0.7x per segment
    assert gov.level.index == 0


def test_a_stall_while_ahead_of_real_time_is_absorbed():
    gov = PaceGovernor(1280, 720, lead=1.0)
    for _ in range(6):
        gov.record(CHUNK, 0.1)
    gov.record(CHUNK, 1.0)  # one re-bake, but the run was 2.4 s ahead
    assert gov.level.index == 0
    gov.record(CHUNK, 2.0)
    gov.record(CHUNK, 2.0)  # now it is behind and still slow
    assert gov.level.index > 0


def test_a_slightly_slow_chunk_steps_down_one_level_only():
    gov = PaceGovernor(1280, 720)
    gov.record(CHUNK, 0.5)  # 1.0x real time at full size: 960 wide (0.56x) fits
    assert gov.level.index == 1


def test_the_next_run_starts_at_the_size_this_machine_sustained():
    memory = PaceMemory()
    levels = live_levels(1280, 720)
    assert memory.start_level("previz", levels, 24.0) == 0  # nothing known: full size
    slow = PaceGovernor(1280, 720)
    feed(slow, 1.0, 12)  # settles at 640 wide
    memory.remember("previz", slow, 24.0)
    assert memory.start_level("previz", levels, 24.0) == 2
    assert memory.start_level("previz", live_levels(640, 360), 24.0) == 0  # a smaller take fits at full size
    assert memory.start_level("causal", levels, 24.0) == 0  # another engine: not known
    fast = PaceGovernor(1280, 720)
    feed(fast, 0.1, 12)
    memory.remember("previz", fast, 24.0)  # the machine got faster (another job ended)
    assert memory.start_level("previz", levels, 24.0) == 0
    locked = PaceGovernor(1280, 720, lock_full=True)
    feed(locked, 5.0, 6)
    memory.remember("previz", locked, 24.0)  # an engine without proxies says nothing about proxies
    assert memory.start_level("previz", levels, 24.0) == 0


def test_the_run_keeps_to_the_viewers_clock_not_its_own():
    gov = PaceGovernor(640, 360, lead=1.0)
    gov.record(CHUNK, 3.0)  # a slow first chunk: by its own clock the run is 2.5 s behind...
    gov.align(0.5)  # ...but the view started when that chunk came: the run is 0.5 s ahead of the viewer
    assert gov.lag == pytest.approx(-0.5) and gov.sleep_before_next() == 0.0
    gov.record(CHUNK, 0.1)
    gov.align(1.6)  # the view stalled for a while: the run is now 1.6 s of video past the frame on screen
    assert gov.sleep_before_next() == pytest.approx(0.6)  # wait, or commands show 1.6 s after they apply


def test_below_full_size_it_climbs_no_higher_than_its_ceiling():
    gov = PaceGovernor(1280, 720, start_level=3, ceiling=2)  # a view shown 640 wide
    used = feed(gov, 0.05, 40)  # fast enough for full size, but the clip is re-rendered anyway
    assert used[0] == 3 and 2 in used and min(used) == 2


# -- short chunks (Wander: 2 frames at 24 fps) --------------------------------------------------------
SHORT = 2 / 24


def feed_short(gov: PaceGovernor, cost_at_full: float, chunks: int, first_cost: float | None = None) -> list[int]:
    """Like ``feed`` for 83 ms chunks, on schedule (never ahead: each chunk waits for its due time);
    ``first_cost``: the wall time of the first chunk at each new level (textures painted for it)."""
    used = []
    full = gov.levels[0]
    for _ in range(chunks):
        level = gov.level
        used.append(level.index)
        area = level.width * level.height / (full.width * full.height)
        new = not gov.history or gov.history[-1].level != level
        cost = first_cost if first_cost is not None and new else cost_at_full * area
        gov.record(SHORT, cost)
        gov.waited(-gov.lag)  # the wait for the next chunk's due time (none when behind)
        if gov.lag > 0.25:
            gov.rejoin()  # a Wander that fell this far behind drops its debt
    return used


def test_the_first_chunk_at_a_level_is_not_taken_for_its_pace():
    gov = PaceGovernor(1280, 720, window=6, min_window=6, settle=24, warmup=1)
    used = feed_short(gov, 0.04, 40, first_cost=1.0)  # a 1 s paint, then 0.5x of real time
    assert set(used) == {0}
    cascade = PaceGovernor(1280, 720)  # without warmup the paint alone steps it down
    feed_short(cascade, 0.04, 2, first_cost=1.0)
    assert cascade.level.index > 0


def test_one_slow_short_chunk_is_no_reason_to_step_down_but_a_slow_window_is():
    gov = PaceGovernor(1280, 720, margin=0.75, window=6, min_window=6, settle=24, warmup=1)
    feed_short(gov, 0.03, 10)
    gov.record(SHORT, 0.2)  # a hiccup: 2.4x one chunk
    assert gov.level.index == 0
    used = feed_short(gov, 0.1, 12)  # 1.2x, chunk after chunk
    assert used[-1] > 0 and used.index(1) <= 6  # down within half a second of video


def test_short_chunks_step_down_and_back_up_without_flicker():
    gov = PaceGovernor(1280, 720, margin=0.75, up_margin=0.6, window=6, min_window=6, settle=24, warmup=1,
                       up_ahead=0.0)  # as Wander: never ahead of real time
    used = feed_short(gov, 0.15, 120, first_cost=0.6)  # full size 1.8x real time; 640 wide 0.45x
    assert used[-1] >= 1 and 0 not in used[30:]
    changes = sum(1 for a, b in zip(used, used[1:]) if a != b)
    assert changes <= 6, used  # a failed step up doubles the wait before the next
    used = feed_short(gov, 0.03, 200, first_cost=0.6)  # the load went away
    assert used[-1] == 0


def test_rejoin_forgives_the_lag_given_up():
    gov = PaceGovernor(1280, 720)
    gov.record(CHUNK, 3.0)
    assert gov.lag == pytest.approx(2.5)
    gov.rejoin()
    assert gov.lag == 0.0
    gov.record(CHUNK, 0.1)
    gov.rejoin()  # ahead of real time: nothing to forgive
    assert gov.lag == pytest.approx(-0.4)


def test_short_chunk_settings_are_checked():
    with pytest.raises(ValueError, match="min_window"):
        PaceGovernor(1280, 720, window=2, min_window=3)
    with pytest.raises(ValueError, match="warmup"):
        PaceGovernor(1280, 720, warmup=-1)


def test_a_pictures_size_names_its_level():
    gov = PaceGovernor(1280, 720)
    assert gov.level_of(640, 360).index == 2 and gov.level_of(1280, 720).full
    assert gov.level_of(333, 111).index == 0  # not one of its sizes: taken as full size
