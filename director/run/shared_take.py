"""A running take directed together: its owner shares it, others join with an unguessable token.

``SharedTakes`` is the app-wide registry: the owner of a running take calls ``share`` and gets a
``SharedTake`` whose ``token`` (``secrets.token_urlsafe``) goes into a link. Whoever opens the link
``join``\\ s it and becomes a participant with a name and a colour; everyone's live commands go
through ``SharedTake.send``, which checks the sender (a member, not removed, allowed to direct, under
their rate limit), stamps the author and arrival number, and forwards the text to the run (the run
applies commands in that order at chunk boundaries). ``applied`` records what the run applied, with
authors; ``Fanout`` hands every update of the owner's live view to each participant's own stream.

Members are identified by the caller's server-side session key (``director.security.session_key``),
never by anything the browser chooses, and every call checks membership again: a removed participant
is refused at once, a view-only take refuses every command but the owner's. Only the owner may
rewind, stop, make the take view-only or remove someone; a participant leaving never stops the take.
No gradio here.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 bits
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what a token may look like before it is even looked up
MAX_PARTICIPANTS = 16  # guests per shared take (each holds a live-view stream open)
RATE_COMMANDS = 5  # live commands one participant may send ...
RATE_WINDOW_S = 10.0  # ... per this many seconds
FANOUT_BACKLOG = 32  # updates buffered per slow viewer before the oldest is dropped (the view catches up)
OWNER_NAME = "Owner"
# Author colours, owner first: distinct on the dark strip and on white, and for common colour blindness.
COLOURS = ("#6366f1", "#f59e0b", "#10b981", "#ef4444", "#06b6d4", "#d946ef", "#84cc16", "#f97316")

Role = Literal["owner", "guest"]
T = TypeVar("T")


class ShareError(ValueError):
    """A share call refused; the message says why and what to do (shown to the caller as is)."""


@dataclass
class Participant:
    key: str  # the caller's server-side session key
    name: str
    colour: str
    role: Role
    sent: deque[float] = field(default_factory=deque)  # when their recent commands were sent (rate limit)


@dataclass(frozen=True)
class AuthoredCommand:
    """A live command as the shared take received it: ``seq`` is its arrival number."""

    seq: int
    text: str
    author: str
    colour: str


@dataclass(frozen=True)
class AppliedByAuthor:
    """A live command the run applied at ``at`` seconds, with its author (``reading``: how it was read)."""

    seq: int
    text: str
    author: str
    colour: str
    at: float
    reading: str
    accepted: bool = True


class RateLimit:
    """At most ``count`` events per ``window`` seconds (a sliding window over the times kept in ``sent``)."""

    def __init__(self, count: int = RATE_COMMANDS, window: float = RATE_WINDOW_S):
        if count < 1 or window <= 0:
            raise ValueError(f"rate limit: need count >= 1 and window > 0 (got {count}, {window})")
        self.count = count
        self.window = window

    def wait(self, sent: deque[float], now: float) -> float:
        """Seconds to wait before the next event is allowed (0: allowed now); forgets old times."""
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        return 0.0 if len(sent) < self.count else self.window - (now - sent[0])


class Subscription(Generic[T]):
    """One viewer's stream of a ``Fanout``: iterate it (it ends when the fan-out closes or ``close``)."""

    def __init__(self, fanout: Fanout[T], backlog: int):
        self._fanout = fanout
        self._items: deque[T] = deque(maxlen=backlog)
        self._cond = threading.Condition()
        self.closed = False

    def _put(self, item: T) -> None:
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()
        self._fanout._drop(self)

    def get(self, timeout: float | None = None) -> T | None:
        """The next update, or None when closed (or ``timeout`` passed with nothing new)."""
        with self._cond:
            self._cond.wait_for(lambda: self._items or self.closed, timeout)
            return self._items.popleft() if self._items else None

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self.get()
            if item is None:
                return
            yield item


class Fanout(Generic[T]):
    """One producer's updates to many viewers, each with its own bounded backlog: a slow viewer loses
    its oldest updates, never holds the producer back. A viewer that subscribes late gets the latest."""

    def __init__(self, backlog: int = FANOUT_BACKLOG):
        self._backlog = backlog
        self._subs: list[Subscription[T]] = []
        self._lock = threading.Lock()
        self.latest: T | None = None
        self.closed = False

    def subscribe(self) -> Subscription[T]:
        sub = Subscription(self, self._backlog)
        with self._lock:
            if self.latest is not None:
                sub._put(self.latest)
            if self.closed:
                sub.closed = True
            else:
                self._subs.append(sub)
        return sub

    def publish(self, item: T) -> None:
        with self._lock:
            self.latest = item
            subs = list(self._subs)
        for sub in subs:
            sub._put(item)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            subs, self._subs = self._subs, []
        for sub in subs:
            sub.close()

    def _drop(self, sub: Subscription[T]) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    @property
    def viewers(self) -> int:
        with self._lock:
            return len(self._subs)


class SharedTake(Generic[T]):
    """One running take shared by its owner. ``forward(text, author)`` hands a command to the run."""

    def __init__(self, owner_key: str, forward: Callable[[str, str], None], *, label: str = "",
                 limit: RateLimit | None = None, max_participants: int = MAX_PARTICIPANTS):
        self.token = secrets.token_urlsafe(TOKEN_BYTES)
        self.label = label
        self.picture_token: str | None = None  # the surface's token for the live picture (participants watch it)
        self.view_only = False
        self.ended = False
        self.limit = limit or RateLimit()
        self.max_participants = max_participants
        self.fanout: Fanout[T] = Fanout()
        self.applied: list[AppliedByAuthor] = []
        self._forward = forward
        self._lock = threading.RLock()
        self._seq = 0
        self._guests_joined = 0
        self._pending: deque[AuthoredCommand] = deque()  # sent, not applied yet, in arrival order
        self.owner = Participant(owner_key, OWNER_NAME, COLOURS[0], "owner")
        self.members: dict[str, Participant] = {owner_key: self.owner}
        self.removed: set[str] = set()
        self._watching: dict[str, Subscription[T]] = {}  # each member's live-view stream

    # -- who ---------------------------------------------------------------------------------------
    def member(self, key: str) -> Participant:
        """The caller as a member; ``ShareError`` if removed, never joined, or the take ended."""
        with self._lock:
            if key in self.removed:
                raise ShareError("The owner removed you from this shared take.")
            if self.ended:
                raise ShareError("This shared take has ended.")
            participant = self.members.get(key)
            if participant is None:
                raise ShareError("Open the share link first to join this take.")
            return participant

    def require_owner(self, key: str, action: str) -> None:
        if self.member(key).role != "owner":
            raise ShareError(f"Only the take's owner can {action}.")

    def join(self, key: str) -> Participant:
        """Add the caller (again: the same name and colour); refused when removed, ended or full."""
        with self._lock:
            if key in self.removed:
                raise ShareError("The owner removed you from this shared take.")
            if self.ended:
                raise ShareError("This shared take has ended.")
            if key in self.members:
                return self.members[key]
            if len(self.members) > self.max_participants:
                raise ShareError(f"This shared take is full ({self.max_participants} participants).")
            self._guests_joined += 1
            n = self._guests_joined
            participant = Participant(key, f"Guest {n}", COLOURS[n % len(COLOURS)], "guest")
            self.members[key] = participant
            return participant

    def watch(self, key: str) -> Subscription[T]:
        """The member's stream of the live view (a new one ends the one they had: one per member)."""
        self.member(key)
        sub = self.fanout.subscribe()
        with self._lock:
            old, self._watching[key] = self._watching.get(key), sub
        if old is not None:
            old.close()
        return sub

    def _unwatch(self, key: str) -> None:
        with self._lock:
            sub = self._watching.pop(key, None)
        if sub is not None:
            sub.close()

    def leave(self, key: str) -> None:
        """A guest goes (the take goes on); the owner leaving is the run's business, not ours."""
        with self._lock:
            participant = self.members.get(key)
            if participant is None or participant.role != "guest":
                return
            del self.members[key]
        self._unwatch(key)

    def remove(self, owner_key: str, name: str) -> Participant:
        """The owner removes the guest called ``name``: refused from now on, also if they re-join."""
        self.require_owner(owner_key, "remove a participant")
        with self._lock:
            found = next((p for p in self.members.values() if p.name == name and p.role == "guest"), None)
            if found is None:
                raise ShareError(f"No participant called “{name}” in this take.")
            del self.members[found.key]
            self.removed.add(found.key)
        self._unwatch(found.key)  # their stream ends now
        return found

    def set_view_only(self, owner_key: str, on: bool) -> None:
        self.require_owner(owner_key, "make the take view-only")
        with self._lock:
            self.view_only = bool(on)

    @property
    def guests(self) -> list[Participant]:
        with self._lock:
            return [p for p in self.members.values() if p.role == "guest"]

    def colour_of(self, author: str) -> str:
        with self._lock:
            return next((p.colour for p in self.members.values() if p.name == author), COLOURS[0])

    # -- commands ----------------------------------------------------------------------------------
    def send(self, key: str, text: str, now: float | None = None) -> AuthoredCommand:
        """Stamp the caller's command and hand it to the run (applied at the next chunk boundary, in
        arrival order). Refused for a view-only take (except the owner) and past the rate limit."""
        now = time.monotonic() if now is None else now
        with self._lock:  # one arrival order: stamping and forwarding happen together
            participant = self.member(key)
            if self.view_only and participant.role != "owner":
                raise ShareError("The owner made this take view-only: you can watch, not direct.")
            wait = self.limit.wait(participant.sent, now)
            if wait > 0:
                raise ShareError(f"Slow down: at most {self.limit.count} commands every "
                                 f"{self.limit.window:g} s per person. Try again in {wait:.0f} s.")
            command = AuthoredCommand(self._seq + 1, text, participant.name, participant.colour)
            self._forward(text, participant.name)  # may refuse (too long...): then nothing is counted
            self._seq = command.seq
            participant.sent.append(now)
            self._pending.append(command)
            return command

    def record_applied(self, commands: list[tuple[str, str | None, float, str, bool]]) -> list[AppliedByAuthor]:
        """What the run applied at one boundary, in order: (text, author, at, reading, accepted) each.
        Commands this take stamped are matched in arrival order and keep their number and colour; one
        the owner sent before sharing has no author (it is the owner's)."""
        out = []
        with self._lock:
            for text, author, at, reading, accepted in commands:
                # every command with an author came through ``send``, in this order (the run keeps it)
                stamped = self._pending.popleft() if author is not None and self._pending else None
                seq = stamped.seq if stamped else 0
                name = author or OWNER_NAME
                colour = stamped.colour if stamped else self.colour_of(name)
                out.append(AppliedByAuthor(seq, text, name, colour, at, reading, accepted))
            self.applied.extend(out)
        return out

    # -- the end -----------------------------------------------------------------------------------
    def end(self) -> None:
        """The take ended: every viewer's stream ends, further calls are refused."""
        with self._lock:
            self.ended = True
        self.fanout.close()


class SharedTakes(Generic[T]):
    """The app's shared takes, by token and by owner key."""

    def __init__(self, limit: RateLimit | None = None):
        self.limit = limit
        self._by_token: dict[str, SharedTake[T]] = {}
        self._lock = threading.Lock()

    def share(self, owner_key: str, forward: Callable[[str, str], None], label: str = "") -> SharedTake[T]:
        """The owner's shared take (the same one when already shared and running)."""
        with self._lock:
            current = self._owned(owner_key)
            if current is not None:
                return current
            shared: SharedTake[T] = SharedTake(owner_key, forward, label=label, limit=self.limit)
            self._by_token[shared.token] = shared
            return shared

    def get(self, token: str) -> SharedTake[T]:
        """The shared take behind ``token``; ``ShareError`` for a malformed, unknown or ended one."""
        token = (token or "").strip()
        if not TOKEN_RE.fullmatch(token):
            raise ShareError("This share link is not valid: ask the owner for a new one.")
        with self._lock:
            shared = self._by_token.get(token)
        if shared is None or shared.ended:
            raise ShareError("This share link has expired: the take it shared has ended.")
        return shared

    def owned_by(self, key: str) -> SharedTake[T] | None:
        with self._lock:
            return self._owned(key)

    def joined_by(self, key: str) -> SharedTake[T] | None:
        """The take ``key`` joined as a guest (or was removed from), if any is running."""
        with self._lock:
            return next((s for s in self._by_token.values() if not s.ended and key != s.owner.key
                         and (key in s.members or key in s.removed)), None)

    def end(self, shared: SharedTake[T]) -> None:
        shared.end()
        with self._lock:
            self._by_token.pop(shared.token, None)

    def forget(self, key: str) -> None:
        """A browser session closed: it leaves every take it joined (its own take ends with its run)."""
        with self._lock:
            takes = list(self._by_token.values())
        for shared in takes:
            shared.leave(key)

    def _owned(self, key: str) -> SharedTake[T] | None:
        return next((s for s in self._by_token.values() if s.owner.key == key and not s.ended), None)
