"""The one small door every sink goes through: ``write`` each chunk, ``close`` once at the end.

A ``Run`` hands each chunk to its sinks in the order given, then emits ``ChunkReady``; whatever ends
the run (the last frame, a stop, an error, the listener going away) it calls every sink's ``close``
exactly once with the ending, before emitting that ending. A sink decides there what the ending
means for it (finish a clip, keep a ``.part`` for resume, finish showing the live frames queued).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from director.run.events import ChunkReady, Ending


@runtime_checkable
class Sink(Protocol):
    def write(self, ready: ChunkReady) -> None:
        """Take one chunk (``ready.chunk``: frames uint8 [n, H, W, 3], audio float32 [samples, 2])."""
        ...

    def close(self, ending: Ending) -> None:
        """The run ended (``Finished``, ``Stopped`` or ``Failed``): release or publish what was made.
        May raise; the run then reports ``Failed`` (other sinks are still closed)."""
        ...
