"""The caller's ledger of one take, which makes a lost worker recoverable.

The caller (not the worker) remembers what it has received: how many frames, the newest failover
checkpoint, every live command it sent and the boundary each was applied at. From that alone a new
worker can continue exactly: restore the checkpoint, re-apply the commands applied after it at
their frames, skip the frames already delivered, then apply the commands still pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from director.run.service.protocol import (
    ChunkReady, CheckpointSaved, CommandApplied, Event, LiveCommand, Started,
)
from director.run.service.take_runner import AppliedAt, Replay

MAX_FAILOVERS = 3  # per take: a take that keeps killing its workers is failed rather than retried forever


@dataclass
class TakeLedger:
    fps: float = 0.0
    delivered: int = 0  # frames received so far (the next chunk starts here)
    checkpoint: CheckpointSaved | None = None
    sent: dict[int, LiveCommand] = field(default_factory=dict)  # seq -> command, not yet applied
    applied: list[AppliedAt] = field(default_factory=list)  # in application order
    failovers: int = 0

    def record_sent(self, command: LiveCommand) -> None:
        self.sent[command.seq] = command

    def observe(self, event: Event) -> None:
        """Account for one event from the worker (call for every event, in order)."""
        if isinstance(event, Started):
            self.fps = event.fps
        elif isinstance(event, ChunkReady):
            self.delivered = event.start_frame + event.num_frames
        elif isinstance(event, CheckpointSaved):
            self.checkpoint = event
        elif isinstance(event, CommandApplied):
            command = self.sent.pop(event.seq, None)
            if command is not None:
                self.applied.append(AppliedAt(int(round(event.at * self.fps)), command))

    def replay(self) -> tuple[Replay, list[LiveCommand]]:
        """What a new worker must redo after the checkpoint, and the commands still to apply."""
        since = self.checkpoint.frame if self.checkpoint is not None else 0
        redo = [a for a in self.applied if a.frame >= since]
        pending = [self.sent[s] for s in sorted(self.sent)]
        return Replay(redo, self.delivered), pending
