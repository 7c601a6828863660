"""The in-process session service (the default): each take runs in a thread of this process.

Same admission, events, live commands and failover as the Ray backend, with one worker ("local")
holding ``policy.max_per_worker`` takes. A lost worker here is a take thread dropped by
``kill_worker`` (what a crash of a Ray worker looks like to the caller); the take resumes from its
last checkpoint in a new thread. No Ray is imported.
"""

from __future__ import annotations

import threading
from contextlib import closing
from typing import Iterator

from director.run.service.admission import Admission, AdmissionPolicy
from director.run.service.protocol import CheckpointSaved, Event, FINAL_EVENTS, LiveCommand, ServiceError, TakeSpec
from director.run.service.service_base import ServiceBase
from director.run.service.session import MAILBOX_EVENTS, WorkerGone, Mailbox
from director.run.service.take_runner import Replay, TakeRunner, WorkerLost, load_checkpoint

LOCAL_WORKER = "local"


class _ThreadWorker:
    """One take in one thread; its events pass through a bounded mailbox (backpressure)."""

    def __init__(self, runner: TakeRunner) -> None:
        self.runner = runner
        self._mailbox = Mailbox(MAILBOX_EVENTS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"take-{runner.session_id}", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            with closing(self.runner.steps()) as steps:  # closing the steps closes the engine
                for event in steps:
                    if not self._mailbox.put(event):
                        break  # killed while the reader was behind
            if self.runner.lost:
                raise WorkerLost(f"take {self.runner.session_id} dropped by its worker")
        except BaseException as exc:  # handed to the reader's thread, which decides: fail over or fail
            self._error = exc
        finally:
            self._mailbox.put(_END, force=True)

    def events(self) -> Iterator[Event]:
        while True:
            event = self._mailbox.get(None)
            if event is _END:
                if isinstance(self._error, WorkerLost):
                    raise WorkerGone(str(self._error))
                if self._error is not None:
                    raise self._error
                return
            yield event
            if isinstance(event, FINAL_EVENTS):
                return

    def send(self, command: LiveCommand) -> None:
        self.runner.send(command)

    def stop(self) -> None:
        self.runner.stop()

    def kill(self) -> None:
        self.runner.lose()
        self._mailbox.close()  # a thread blocked on a full mailbox ends now, releasing its engine


_END = object()  # type: ignore[assignment]  # the worker thread ended (after its final event, or on an error)


class _ThreadBackend:
    def start(self, spec: TakeSpec, session_id: str, worker: str, checkpoint: CheckpointSaved | None,
              replay: Replay, pending: list[LiveCommand]) -> _ThreadWorker:
        runner = TakeRunner(spec, session_id, worker, resume=load_checkpoint(spec, session_id, checkpoint),
                            replay=replay)
        for command in pending:
            runner.send(command)
        return _ThreadWorker(runner)


class InProcessService(ServiceBase):
    """Runs takes in threads of this process, ``policy.max_per_worker`` at a time."""

    def __init__(self, policy: AdmissionPolicy | None = None) -> None:
        policy = policy or AdmissionPolicy()
        super().__init__(_ThreadBackend(), Admission(policy, {LOCAL_WORKER: policy.max_per_worker}))

    def __repr__(self) -> str:
        return f"InProcessService({self.admission.policy})"


__all__ = ["InProcessService", "ServiceError"]
