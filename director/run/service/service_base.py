"""What both session services share: submitting takes, the idle reaper, closing."""

from __future__ import annotations

import logging
import threading

from director.run.service.admission import Admission
from director.run.service.protocol import ServiceError, TakeSpec
from director.run.service.session import Backend, ServiceSession

log = logging.getLogger(__name__)

IDLE_CHECKS_PER_TIMEOUT = 4  # the reaper looks this often per idle timeout (stops within 1.25x of it)


class ServiceBase:
    def __init__(self, backend: Backend, admission: Admission) -> None:
        self.backend = backend
        self.admission = admission
        self.sessions: dict[str, ServiceSession] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="session-idle-reaper", daemon=True)
        self._reaper.start()

    def submit(self, spec: TakeSpec) -> ServiceSession:
        """Queue a take; read its events from the returned session."""
        if self._closed.is_set():
            raise ServiceError("the session service is closed")
        session = ServiceSession(spec, self.backend, self.admission, on_end=self._ended)
        with self._lock:
            self.sessions[session.id] = session
        return session

    def _ended(self, session: ServiceSession) -> None:
        with self._lock:
            self.sessions.pop(session.id, None)

    def _reap(self) -> None:
        timeout = self.admission.policy.idle_timeout
        while not self._closed.wait(timeout / IDLE_CHECKS_PER_TIMEOUT):
            with self._lock:
                idle = [s for s in self.sessions.values() if not s.ended and s.idle_for() > timeout]
            for session in idle:
                log.info("stopping idle session %s (%.0f s without activity)", session.id, session.idle_for())
                session.stop_idle(timeout)

    def close(self) -> None:
        """Stop every session and refuse new ones."""
        self._closed.set()
        with self._lock:
            sessions = list(self.sessions.values())
        for session in sessions:
            session.stop("the service closed")
        self.admission.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
