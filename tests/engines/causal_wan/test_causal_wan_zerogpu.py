"""ZeroGPU slicing on the CPU: ``spaces.GPU`` replaced by a pass-through that pickles what would cross the
process boundary (the call's arguments and every item it yields), as ZeroGPU's forked worker does."""

from __future__ import annotations

import pickle
import sys
import types

import numpy as np
import pytest

pytest.importorskip("diffusers")

from director.engines.causal_wan.engine import CausalWanEngine  # noqa: E402
from director.engines.causal_wan.config import CausalWanConfig  # noqa: E402
from director.engines.causal_wan.tiny import tiny_components  # noqa: E402
from director.engines.causal_wan.zerogpu import gpu_call, on_zerogpu  # noqa: E402


@pytest.fixture(scope="module")
def comps():
    return tiny_components(rope_max_seq_len=64)


@pytest.fixture
def fake_spaces(monkeypatch):
    """A ``spaces`` module whose GPU decorator records each call and round-trips it through pickle."""
    calls = []

    def GPU(duration=None):
        def wrap(fn):
            def call(recipe, state, feed, max_chunks):
                calls.append(duration)
                recipe, state = pickle.loads(pickle.dumps((recipe, state)))
                for item in fn(recipe, state, feed, max_chunks):
                    yield pickle.loads(pickle.dumps(item))
            return call
        return wrap

    monkeypatch.setitem(sys.modules, "spaces", types.SimpleNamespace(GPU=GPU))
    return calls


def _timeline():
    from director.plan.timeline import timeline_from_data

    return timeline_from_data({"duration": 3.0, "width": 32, "height": 32, "fps": 16, "engine": "causal-wan",
                               "world": {"scene": "a quiet street"}})


def _run(comps, live_at: int | None, rewind_to: float | None = None, **options):
    """Frames of a run (a live command after chunk ``live_at``), then of a rewind and re-run if asked."""
    from director.run.director import Director

    engine = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0,), sound="silence", **options),
                             components=comps)
    frames, again = [], []
    with Director(_timeline(), engine=engine, use_embeddings=False, checkpoint_interval=2) as d:
        for chunk in d.run():
            frames.append(chunk.frames)
            if chunk.index == live_at:
                d.send("it starts to rain")
        if rewind_to is not None:
            d.rewind(rewind_to)
            d.send("night falls")
            again = [c.frames for c in d.run()]
    return frames, again, engine


@pytest.mark.slow  # ~8 s alone, ~25 s on 2 busy cores
def test_sliced_run_equals_the_plain_run(comps, fake_spaces):
    plain, plain_again, _ = _run(comps, live_at=0, rewind_to=1.5)
    sliced, sliced_again, engine = _run(comps, live_at=0, rewind_to=1.5, zerogpu=True, gpu_slice_chunks=2,
                                        gpu_slice_seconds=45)
    assert len(plain) == len(sliced) == 4 and len(plain_again) == len(sliced_again) == 2
    assert all(np.array_equal(a, b) for a, b in zip(plain, sliced))  # live command at chunk 1 included
    assert all(np.array_equal(a, b) for a, b in zip(plain_again, sliced_again))  # restored from a slice's state
    assert not np.array_equal(plain[1], plain_again[0]) or not np.array_equal(plain[3], plain_again[1])
    assert fake_spaces == [45, 45, 45]  # 4 chunks in slices of 2, then the 2 after the rewind: one call each


def test_zerogpu_is_detected_and_uses_a_queue_the_worker_can_reach(comps, fake_spaces, monkeypatch):
    from director.plan.assets import Assets
    from director.engines.protocol import RenderSettings
    from tests.engines.causal_wan.test_causal_wan_engine import requests, world

    monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    assert on_zerogpu()
    eng = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0,), sound="silence",
                                          gpu_slice_chunks=3), components=comps)
    eng.open(RenderSettings(32, 32, 16.0, seed=1), world(0.0), Assets())
    try:
        assert eng._slices is not None
        chunks = [eng.render(r) for r in requests(eng, world, 2, fps=16.0)]
        state = eng.snapshot()  # ends the slice early: its state comes back, on the CPU
        assert state.data != "zerogpu-fresh" and len(fake_spaces) == 1
        pickle.dumps(state)
        assert chunks[1].info.notes[-1] == "zerogpu: GPU call 1, chunk 2 of its slice"
        assert type(eng._slices._manager).__name__ == "SyncManager"
    finally:
        eng.close()


def test_gpu_call_without_spaces(monkeypatch):
    monkeypatch.setitem(sys.modules, "spaces", None)  # import spaces -> ImportError
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)

    def f():
        return 1

    assert gpu_call(f, 60) is f
    monkeypatch.setenv("SPACES_ZERO_GPU", "1")
    from director.engines.protocol import EngineError

    with pytest.raises(EngineError, match="`spaces` package is missing"):
        gpu_call(f, 60)


def test_a_call_that_ended_idle_hands_back_its_state_and_the_run_goes_on(comps, fake_spaces):
    """A slice whose worker stopped waiting (idle) returns its state; the next request opens a new call and
    the chunks are the ones an uninterrupted run makes."""
    import queue

    from director.plan.assets import Assets
    from director.engines.protocol import RenderSettings
    from director.engines.causal_wan.zerogpu import render_slice
    from tests.engines.causal_wan.test_causal_wan_engine import requests, world

    def engine(**kw):
        eng = CausalWanEngine(CausalWanConfig(max_text_tokens=24, timesteps=(1000.0,), sound="silence", **kw),
                              components=comps)
        eng.open(RenderSettings(32, 32, 16.0, seed=2), world(0.0), Assets())
        return eng

    reqs = list(requests(engine(), world, 3, fps=16.0))
    plain = engine()
    expected = [plain.render(r).frames for r in reqs]
    sliced = engine(zerogpu=True, gpu_slice_chunks=8)
    first = sliced.render(reqs[0]).frames
    sliced._slices._slice.feed.put(None)  # what the worker does when no request comes within idle_seconds
    rest = [sliced.render(r).frames for r in reqs[1:]]
    assert all(np.array_equal(a, b) for a, b in zip(expected, [first] + rest))
    assert fake_spaces == [60, 60]
    # the idle end itself: an empty feed ends the call with the state and no chunk
    recipe = sliced._slices.recipe
    items = list(render_slice(type(recipe)(**{**recipe.__dict__, "idle_seconds": 0.01}), None, queue.Queue(), 8))
    assert [kind for kind, _ in items] == ["state"]
    sliced.close()
    plain.close()


def test_the_app_imports_spaces_before_it_builds_anything_on_zerogpu(monkeypatch):
    import app

    order = []

    class Spaces(types.ModuleType):
        def __init__(self):
            super().__init__("spaces")
            order.append("spaces imported")

    class Finder:  # a meta-path hook that "finds" spaces, recording when it is imported
        def find_spec(self, name, path=None, target=None):
            if name != "spaces":
                return None
            import importlib.machinery

            loader = types.SimpleNamespace(create_module=lambda spec: Spaces(), exec_module=lambda m: None)
            return importlib.machinery.ModuleSpec("spaces", loader)

    monkeypatch.delitem(sys.modules, "spaces", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    monkeypatch.setenv("SPACES_ZERO_GPU", "true")

    def stop_here(*args, **kwargs):
        order.append("demo built")
        raise SystemExit(0)

    import director.run.process_memory as process_memory

    monkeypatch.setattr(app, "build_demo", stop_here)
    for tuning in ("keep_rss_near_live_memory", "limit_malloc_arenas"):  # leave this process's malloc alone
        monkeypatch.setattr(process_memory, tuning, lambda: None)
    with pytest.raises(SystemExit):
        app.main([])
    assert order == ["spaces imported", "demo built"]


def test_the_app_needs_no_spaces_off_zerogpu(monkeypatch):
    from director.engines.causal_wan.zerogpu import import_spaces_first

    monkeypatch.setitem(sys.modules, "spaces", None)
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    import_spaces_first()  # no error, nothing imported
    monkeypatch.setenv("SPACES_ZERO_GPU", "1")
    from director.engines.protocol import EngineError

    with pytest.raises(EngineError, match="`spaces` package is missing"):
        import_spaces_first()
