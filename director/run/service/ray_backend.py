"""The Ray session service: each take runs in a Ray actor holding its Director and engine.

``RayService(address)`` joins a Ray cluster (``"auto"``: the one this machine belongs to, else a new
local one; an address such as ``ray://head:10001`` or ``10.0.0.5:6379``: that cluster). Every take is
a ``TakeActor`` pinned to the node admission chose, asking for one GPU when its engine is neural
(``GPU_ENGINES``) and ``cpus_per_take`` CPUs otherwise. The actor's ``steps`` method is a Ray
streaming generator: events flow back as they are made, at most ``STREAM_AHEAD`` ahead of the
reader, while ``send``/``stop`` arrive on the actor's other thread. The caller holds no engine.

Checkpoints ("object" mode) come back in the stream; the caller keeps the *reference* to that stream
item, which it owns, so the checkpoint outlives the actor that made it and is handed to the next
actor by reference (Ray moves it between nodes). "directory" mode writes them under a shared folder.

Ray is imported only here, and only when a ``RayService`` is made: the in-process service and the
rest of director never need it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Iterator

from director.run.service.admission import Admission, AdmissionPolicy
from director.run.service.protocol import (
    CheckpointSaved, Event, FINAL_EVENTS, LiveCommand, ServiceError, TakeSpec,
)
from director.run.service.service_base import ServiceBase
from director.run.service.session import WorkerGone
from director.run.service.take_runner import Replay

log = logging.getLogger(__name__)

GPU_ENGINES = frozenset({"causal-wan"})  # engines whose take needs a whole GPU
STREAM_AHEAD = 4  # events an actor may run ahead of its reader (Ray generator backpressure)
ACTOR_THREADS = 3  # steps + send + stop may run at once in one actor
CONNECT_TIMEOUT = 5.0  # seconds to reach a cluster's address before saying it is unreachable
INSTALL_HINT = "pip install ray  (director's Ray backend is optional; without --ray takes run in this process)"


def import_ray() -> Any:
    """Ray, or a ``ServiceError`` saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise ServiceError(f"the Ray backend needs Ray, which is not installed: {INSTALL_HINT}") from exc
    return ray


def connect(address: str | None, num_cpus: int | None = None) -> Any:
    """Join (or start) Ray once per process and return the module.

    ``None``/``"local"``: start a local Ray here; ``"auto"``: join this machine's cluster, else start
    a local one; anything else: join that cluster or fail saying so.
    """
    ray = import_ray()
    if ray.is_initialized():
        return ray
    common = dict(include_dashboard=False, log_to_driver=False, runtime_env=worker_env())
    if address in (None, "local"):
        ray.init(num_cpus=num_cpus, **common)
        return ray
    if address == "auto":
        try:
            ray.init(address="auto", **common)
        except ConnectionError:
            log.info("no Ray cluster on this machine: starting a local one")
            ray.init(num_cpus=num_cpus, **common)
        return ray
    _check_reachable(address)
    try:
        ray.init(address=address, **common)
    except Exception as exc:  # ray raises ConnectionError, ValueError or its own errors for bad addresses
        raise ServiceError(f"cannot join the Ray cluster at {address!r}: {exc} "
                           f"(use --ray auto to start a local one)") from exc
    return ray


def worker_env() -> dict[str, Any]:
    """The ``runtime_env`` that lets Ray workers import director from this checkout (a local
    cluster; a remote cluster needs director installed on its nodes, see README "Scaling out")."""
    root = str(Path(__file__).resolve().parents[3])
    return {"env_vars": {"PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}}


def _check_reachable(address: str) -> None:
    """Fail fast with a clear message when nothing listens at ``address`` (``ray.init`` would retry
    for minutes before giving up)."""
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ServiceError(f"--ray {address!r}: expected 'auto', HOST:PORT (e.g. 10.0.0.5:6379) or "
                           f"ray://HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise ServiceError(f"cannot reach the Ray cluster at {address!r}: {exc.strerror or exc} (is `ray start "
                           f"--head` running there? --ray auto starts a local Ray instead)") from None


def _actor_class(ray: Any) -> Any:
    """``TakeActor`` as a Ray actor class (defined on first use so that importing needs no Ray)."""
    global _TAKE_ACTOR
    if _TAKE_ACTOR is None:
        _TAKE_ACTOR = ray.remote(max_concurrency=ACTOR_THREADS, max_restarts=0)(TakeActor)
    return _TAKE_ACTOR


_TAKE_ACTOR = None


class TakeActor:
    """Runs one ``TakeRunner`` (the seam to the library's ``Run``) inside a Ray worker process.

    The runner is built in ``steps``, not in ``__init__``: a take that cannot start (a bad engine
    option, a missing image) then fails as a task error carrying its own exception, which the caller
    reports, instead of as a dead actor, which the caller would take for a lost worker and retry."""

    def __init__(self, spec: TakeSpec, session_id: str, worker: str, checkpoint: CheckpointSaved | None,
                 replay: Replay, pending: list[LiveCommand]) -> None:
        self._start = (spec, session_id, worker, checkpoint, replay)
        self._early = list(pending)  # commands that arrive before the runner exists
        self._stop_early = False
        self._lock = threading.Lock()
        self.runner = None

    def steps(self) -> Iterator[Event]:
        from director.run.service.take_runner import TakeRunner, load_checkpoint

        spec, session_id, worker, checkpoint, replay = self._start
        runner = TakeRunner(spec, session_id, worker, resume=load_checkpoint(spec, session_id, checkpoint),
                            replay=replay)
        with self._lock:
            for command in self._early:
                runner.send(command)
            if self._stop_early:
                runner.stop()
            self.runner = runner
        yield from runner.steps()

    def send(self, command: LiveCommand) -> None:
        with self._lock:
            if self.runner is None:
                self._early.append(command)
            else:
                self.runner.send(command)

    def stop(self) -> None:
        with self._lock:
            self._stop_early = True
            if self.runner is not None:
                self.runner.stop()

    def pid(self) -> int:
        return os.getpid()


class _ActorWorker:
    """A take running in one actor, read through its streaming generator."""

    def __init__(self, ray: Any, actor: Any) -> None:
        self.ray = ray
        self.actor = actor
        self._stream = actor.steps.options(_generator_backpressure_num_objects=STREAM_AHEAD).remote()

    def events(self) -> Iterator[Event]:
        ray = self.ray
        try:
            for ref in self._stream:
                event = ray.get(ref)
                if isinstance(event, CheckpointSaved) and event.payload is not None:
                    # Keep the caller-owned stream item, not the value: the checkpoint stays in the
                    # object store (surviving this actor) and the next actor receives it by reference.
                    event = CheckpointSaved(event.chunk_index, event.frame, ref)
                yield event
                if isinstance(event, FINAL_EVENTS):
                    break
        except ray.exceptions.RayActorError as exc:
            raise WorkerGone(f"actor lost: {type(exc).__name__}") from exc
        except ray.exceptions.RayTaskError as exc:  # the take itself failed: its own error, not Ray's wrapper
            cause = exc.cause if isinstance(getattr(exc, "cause", None), BaseException) else None
            if cause is not None:
                raise cause from None
            raise
        finally:
            self._kill_quietly()

    def send(self, command: LiveCommand) -> None:
        self.actor.send.remote(command)  # ordered: Ray runs one caller's calls to an actor in order

    def stop(self) -> None:
        self.actor.stop.remote()

    def kill(self) -> None:
        self.ray.kill(self.actor, no_restart=True)

    def _kill_quietly(self) -> None:
        try:
            self.ray.kill(self.actor, no_restart=True)  # frees its CPU/GPU at once
        except Exception:  # already gone
            pass


class _RayBackend:
    def __init__(self, ray: Any, cpus_per_take: float) -> None:
        self.ray = ray
        self.cpus_per_take = cpus_per_take

    def resources(self, spec: TakeSpec) -> dict[str, float]:
        if spec.engine in GPU_ENGINES:
            return {"num_gpus": 1, "num_cpus": 1}
        return {"num_cpus": self.cpus_per_take}

    def start(self, spec: TakeSpec, session_id: str, worker: str, checkpoint: CheckpointSaved | None,
              replay: Replay, pending: list[LiveCommand]) -> _ActorWorker:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        # An object-mode checkpoint is a reference to a stream item (a CheckpointSaved with its
        # payload); passed at top level, Ray resolves it in the new actor.
        arg = checkpoint.payload if checkpoint is not None and checkpoint.payload is not None else checkpoint
        actor = _actor_class(self.ray).options(
            **self.resources(spec),
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id=worker, soft=False),
        ).remote(spec, session_id, worker, arg, replay, pending)
        return _ActorWorker(self.ray, actor)

    def workers(self) -> dict[str, int]:
        """Alive nodes and how many takes each can hold: its GPUs if it has any, else CPUs / cpus_per_take."""
        slots = {}
        for node in self.ray.nodes():
            if not node.get("Alive"):
                continue
            res = node.get("Resources", {})
            gpus = int(res.get("GPU", 0))
            slots[node["NodeID"]] = gpus if gpus else int(res.get("CPU", 0) / self.cpus_per_take)
        return slots


class RayService(ServiceBase):
    """Takes as Ray actors across a cluster's nodes, admitted by ``policy``."""

    def __init__(self, address: str | None = "auto", policy: AdmissionPolicy | None = None,
                 cpus_per_take: float = 1.0, num_cpus: int | None = None) -> None:
        if cpus_per_take <= 0:
            raise ValueError(f"cpus_per_take must be > 0, got {cpus_per_take}")
        ray = connect(address, num_cpus=num_cpus)
        backend = _RayBackend(ray, cpus_per_take)
        workers = backend.workers()
        if not workers:
            raise ServiceError(f"the Ray cluster at {address!r} has no node with room for a take "
                               f"({cpus_per_take} CPU or 1 GPU)")
        super().__init__(backend, Admission(policy or AdmissionPolicy(), workers))

    def refresh_workers(self) -> None:
        """Re-read the cluster's nodes (call when nodes join or leave)."""
        self.admission.set_workers(self.backend.workers())

    def __repr__(self) -> str:
        return f"RayService({self.admission.policy}, workers={len(self.backend.workers())})"
