"""Sessions as services: takes run by an in-process pool (default) or by Ray actors (``--ray``).

``open_service(None)`` gives the in-process service; ``open_service("auto")`` or an address gives
the Ray one (Ray imported only then). See ``protocol`` for the events a session streams.
"""

from __future__ import annotations

from director.run.service.admission import AdmissionPolicy
from director.run.service.protocol import ServiceError, Session, SessionService, TakeSpec


def open_service(ray_address: str | None = None, policy: AdmissionPolicy | None = None, **ray_options) -> SessionService:
    """The in-process service when ``ray_address`` is None, else a ``RayService`` joined to it."""
    if ray_address is None:
        from director.run.service.in_process import InProcessService

        return InProcessService(policy)
    from director.run.service.ray_backend import RayService

    return RayService(ray_address, policy, **ray_options)


__all__ = ["AdmissionPolicy", "ServiceError", "Session", "SessionService", "TakeSpec", "open_service"]
