"""The neural engine on a ZeroGPU Space: chunks generated in slices, one GPU call per slice.

On ZeroGPU (``SPACES_ZERO_GPU=true``) a GPU exists only inside functions decorated with
``@spaces.GPU(duration=...)``; each call runs in a forked worker process that may sit on another GPU, and is
time-limited. Whatever such a call changes in memory stays in that worker. So the engine's state crosses
every call explicitly:

    main process (Director, live view)                  GPU call (one slice of up to N chunks)
    render(request) ── puts the request in the feed ──▶ restore(state) once, then per request:
                   ◀── the chunk, streamed at once ──── render(request) -> yield chunk
    (after N chunks, snapshot() or close())         ──▶ yield snapshot() on the CPU, end the call

Requests go one at a time through a feed (a ``multiprocessing.Manager`` queue on ZeroGPU, a plain queue
when the call runs in this process), so the Director builds each request after applying live commands,
and each chunk comes back as soon as it is made: the live view and live commands work at every chunk
boundary, across slices. The engine state returned at a slice's end is a CPU snapshot; it is also what
``snapshot()`` hands the Director for rewind (a run snapshots every ``snapshot_policy.every_chunks`` chunks,
the default slice length, so that costs no extra call).

Weights are loaded once per process (read-only, shared by every run of that process): in the main process
before the first call, so forked workers inherit them, and in a worker only if it was forked earlier.

Off ZeroGPU nothing here runs unless ``zerogpu=True`` is set, and then ``spaces.GPU`` (or, without the
``spaces`` package, nothing) is a pass-through: the same slicing runs in this process, which is how the
tests drive it on the CPU.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from director.plan.assets import Assets
from director.engines.protocol import Chunk, ChunkRequest, EngineError, EngineState, RenderSettings
from director.engines.causal_wan.checkpoint import WanComponents
from director.engines.causal_wan.config import CausalWanConfig
from director.world.state import WorldState

FRESH = "zerogpu-fresh"  # snapshot of a run that has made nothing yet (no GPU call needed to take it)
_run_ids = itertools.count()

# Per process, read-only: weights by what they were loaded from, so a worker forked after the main process
# loaded them inherits them, and a reused worker keeps them on its GPU between calls.
_PROCESS_COMPONENTS: dict[tuple, WanComponents] = {}
# Per worker process, by run: the engines of runs between two slices (kept to skip re-opening; each slice
# restores its own run's state, and a new run closes the idle ones). Several runs share one process when
# the calls run in it (zerogpu=True off ZeroGPU), hence the lock.
_WORKER_ENGINES: dict[str, Any] = {}
_WORKER_LOCK = threading.Lock()


def on_zerogpu() -> bool:
    """True on a ZeroGPU Space (the variable ``spaces`` itself reads)."""
    return os.environ.get("SPACES_ZERO_GPU", "").strip().lower() in ("1", "t", "true")


def _spaces_module():
    """The ``spaces`` package, or None where it is missing off ZeroGPU; missing on ZeroGPU is an error."""
    try:
        import spaces
    except ImportError:
        if on_zerogpu():
            raise EngineError("SPACES_ZERO_GPU is set but the `spaces` package is missing: add `spaces` to the "
                              "Space's requirements.txt") from None
        return None
    return spaces


def import_spaces_first() -> None:
    """On ZeroGPU, import ``spaces`` now: it must come before anything initialises CUDA, and refuses after.
    The app calls this first thing; off ZeroGPU it does nothing."""
    if on_zerogpu():
        _spaces_module()


def gpu_call(fn: Callable, duration: int) -> Callable:
    """``fn`` as ``@spaces.GPU(duration=duration)`` makes it, or ``fn`` itself without the ``spaces`` package
    (``spaces.GPU`` is a pass-through off ZeroGPU too)."""
    spaces = _spaces_module()
    return fn if spaces is None else spaces.GPU(duration=duration)(fn)


@dataclass(frozen=True)
class SliceRecipe:
    """What a GPU call needs to (re)build this run's engine: pickled into the worker, so no weights."""

    run_id: str
    config: CausalWanConfig  # zerogpu off, snapshots on the CPU
    weights_key: tuple
    settings: RenderSettings
    world: WorldState
    assets: Assets
    idle_seconds: float  # a slice waiting this long for the next request ends (frees the GPU)


def weights_key(config: CausalWanConfig) -> tuple:
    return (config.model, config.checkpoint, config.use_ema, config.dtype)


def remember_components(key: tuple, components: WanComponents) -> None:
    _PROCESS_COMPONENTS[key] = components


def _components(recipe: SliceRecipe) -> WanComponents:
    comps = _PROCESS_COMPONENTS.get(recipe.weights_key)
    if comps is None:
        cfg = recipe.config
        if not cfg.model:
            raise EngineError("this GPU worker has no weights for the run and no model= to load them from")
        import torch

        from director.engines.causal_wan.checkpoint import load_components

        comps = load_components(cfg.model, cfg.checkpoint, cfg.use_ema, torch.device("cpu"), _cpu_dtype(cfg))
        _PROCESS_COMPONENTS[recipe.weights_key] = comps
    return comps


def _cpu_dtype(cfg: CausalWanConfig):
    import torch

    return {"float16": torch.float16, "float32": torch.float32}.get(cfg.dtype, torch.bfloat16)


def render_slice(recipe: SliceRecipe, state: EngineState | None, feed, max_chunks: int) -> Iterator[tuple[str, Any]]:
    """The body of one GPU call: ("chunk", Chunk) per request taken from ``feed`` (None ends the slice early),
    then ("state", EngineState on the CPU)."""
    from director.engines.causal_wan.engine import CausalWanEngine

    with _WORKER_LOCK:  # take this run's engine out: no other slice can touch it while this one runs
        engine = None if state is None else _WORKER_ENGINES.pop(recipe.run_id, None)
        if engine is None:  # a new run, or one that starts again from nothing (rewind to 0:00)
            idle = list(_WORKER_ENGINES.values())  # engines of runs between slices (those in a slice are out)
            _WORKER_ENGINES.clear()
    if engine is None:
        for old in idle:  # they restore their state into a new engine at their next slice
            old.close()
        engine = CausalWanEngine(recipe.config, components=_components(recipe))
        engine.open(recipe.settings, recipe.world, recipe.assets)
    try:
        if state is not None:
            engine.restore(state)
        for _ in range(max_chunks):
            try:
                request = feed.get(timeout=recipe.idle_seconds)
            except queue.Empty:
                break
            if request is None:
                break
            yield "chunk", engine.render(request)
        yield "state", engine.snapshot()
    finally:
        with _WORKER_LOCK:
            _WORKER_ENGINES[recipe.run_id] = engine


@dataclass
class _Slice:
    feed: Any
    results: Iterator[tuple[str, Any]]
    made: int = 0
    ended: bool = False  # the worker has stopped taking requests


class GpuSlices:
    """The main-process side of a sliced run: the ``Engine`` methods ``CausalWanEngine`` hands over to it."""

    def __init__(self, config: CausalWanConfig, components: WanComponents | None) -> None:
        self.slice_chunks = config.gpu_slice_chunks
        self.config = replace(config, zerogpu=False, snapshot_on_device=False)
        self._given = components
        self._call = gpu_call(render_slice, config.gpu_slice_seconds)
        self._manager = None
        self._slice: _Slice | None = None
        self._state: EngineState | None = None
        self.recipe: SliceRecipe | None = None
        self.calls = 0  # GPU calls made (tests, notes)

    def open(self, settings: RenderSettings, world: WorldState, assets: Assets) -> None:
        key = weights_key(self.config) if self._given is None else ("given", id(self._given))
        if self._given is not None:
            remember_components(key, self._given)
        elif key not in _PROCESS_COMPONENTS and self.config.model:
            import torch

            from director.engines.causal_wan.checkpoint import load_components

            cfg = self.config  # load here, on the CPU, so that workers forked from now on inherit the weights
            remember_components(key, load_components(cfg.model, cfg.checkpoint, cfg.use_ema, torch.device("cpu"),
                                                     _cpu_dtype(cfg)))
        run_id = f"{os.getpid()}-{next(_run_ids)}"
        self.recipe = SliceRecipe(run_id, self.config, key, settings, world, assets, idle_seconds=5.0)
        self._state = None

    def render(self, request: ChunkRequest) -> Chunk:
        if self._slice is None or self._slice.ended:
            self._start()
        sl = self._slice
        sl.feed.put(request)
        kind, value = self._next()
        if kind == "state":  # the call ended while idle: keep its state and go on in a new call
            self._state, self._slice = value, None
            return self.render(request)
        sl.made += 1
        if sl.made >= self.slice_chunks:
            self._finish()
        value.info.notes.append(f"zerogpu: GPU call {self.calls}, chunk {sl.made} of its slice")
        return value

    def snapshot(self) -> EngineState:
        self._finish()
        return self._state if self._state is not None else EngineState("causal-wan", FRESH)

    def restore(self, state: EngineState) -> None:
        self._abandon()
        self._state = None if state.data == FRESH else state

    def close(self) -> None:
        self._abandon()
        self._state = None
        if self._manager is not None:
            self._manager.shutdown()
            self._manager = None

    # -- slices ---------------------------------------------------------------------------------
    def _start(self) -> None:
        feed = self._feed()
        self.calls += 1
        self._slice = _Slice(feed, iter(self._call(self.recipe, self._state, feed, self.slice_chunks)))

    def _feed(self):
        if not on_zerogpu():
            return queue.Queue()
        if self._manager is None:  # a queue the forked GPU worker can reach from its pickled arguments
            import multiprocessing

            self._manager = multiprocessing.Manager()
        return self._manager.Queue()

    def _next(self) -> tuple[str, Any]:
        try:
            return next(self._slice.results)
        except BaseException:
            self._slice = None
            raise

    def _finish(self) -> None:
        """End the slice in progress and keep the state it returns."""
        sl = self._slice
        if sl is None:
            return
        if sl.made < self.slice_chunks:
            sl.feed.put(None)
        kind, value = self._next()
        if kind != "state":
            raise EngineError(f"zerogpu: the GPU call returned a {kind} where its state was expected")
        self._state = value
        for _ in sl.results:  # let the call finish
            pass
        self._slice = None

    def _abandon(self) -> None:
        """End the slice in progress, dropping its state (restore/close replace it)."""
        if self._slice is not None:
            try:
                self._finish()
            finally:
                self._slice = None
