"""Directing together, as the Direct tab does it: share the running take, join it, direct it. No gradio.

The owner's take views (``TakeRun``) pass through ``ShareController.relay``, which publishes each one
to the take's ``Fanout`` once it is shared; a participant's ``join`` streams those views back with
the command list in each author's colour. Commands from the owner or a participant go through the
``SharedTake`` (author, arrival number, rate limit, view-only) to the ``LiveRun``. Refusals raise
``DirectError`` with the ``SharedTake``'s message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Iterator

from director.plan.limits import LimitError
from director.plan.timecode import format_time
from director.plan.timeline import Directive
from director.run.shared_take import AppliedByAuthor, SharedTake, SharedTakes, ShareError
from director.ui.direct.controller import DirectError
from director.ui.direct.table import read_note
from director.ui.direct.views import RunView
from director.ui.live_run import ChunkShown
from director.ui.sessions import DirectSession

TIME_MATCH_S = 1e-3  # a live directive and the applied command it came from share their boundary time
LOG_SHOWN = 12  # the latest applied commands listed under a shared view


@dataclass(frozen=True)
class SharedView:
    """One update of a shared take, as each participant sees it."""

    run: RunView | None  # the owner's live view (None: only the command list or a message changed)
    log_html: str  # the applied commands, each in its author's colour
    message: str = ""  # to this participant: who they are, that the take ended, that they were removed


@dataclass(frozen=True)
class ShareInfo:
    """The owner's share panel."""

    link: str
    message: str
    guests: list[str]
    view_only: bool


SharedTakeRegistry = SharedTakes[SharedView]


class ShareController:
    """One caller (``key``: their server-side session key) and the app's shared takes."""

    def __init__(self, shares: SharedTakeRegistry, session: DirectSession, key: str):
        self.shares = shares
        self.session = session
        self.key = key

    # -- the owner -----------------------------------------------------------------------------------
    def share(self, base_url: str) -> ShareInfo:
        """Share the take rendering now; the link carries the token (the same link while it renders)."""
        run = self.session.run
        if run is None:
            raise DirectError("Start a take first: a take is shared while it renders.")
        fresh = self.shares.owned_by(self.key) is None
        shared = self.shares.share(self.key, run.send, label=f"Take {run.take.number}")
        shared.picture_token = run.live_token
        if fresh:
            run.observers.append(lambda event: _record(shared, event))
        link = f"{base_url.rstrip('/')}/?share={shared.token}"
        return self.info(shared, link, "Shared: anyone with this link sees the live view and can direct it.")

    def info(self, shared: SharedTake, link: str = "", message: str = "") -> ShareInfo:
        return ShareInfo(link, message, [p.name for p in shared.guests], shared.view_only)

    def set_view_only(self, on: bool) -> ShareInfo:
        shared = self._owned("make the take view-only")
        _refused(lambda: shared.set_view_only(self.key, on))
        text = "View-only: participants watch, only you direct." if on else "Participants can direct again."
        self._publish_log(shared)
        return self.info(shared, message=text)

    def remove(self, name: str) -> ShareInfo:
        shared = self._owned("remove a participant")
        gone = _refused(lambda: shared.remove(self.key, str(name or "").strip()))
        self._publish_log(shared)  # their stream ends at this update
        return self.info(shared, message=f"Removed {gone.name}.")

    def relay(self, views: Iterator[RunView]) -> Iterator[tuple[RunView, str | None]]:
        """The owner's views, each also published to the participants once the take is shared; the
        share ends with the take. Yields (view, the command list or None when not shared)."""
        try:
            for view in views:
                shared = self.shares.owned_by(self.key)
                if shared is not None:
                    view = with_authors(view, shared)
                    log = log_html(shared)
                    shared.fanout.publish(SharedView(view, log))
                    yield view, log
                else:
                    yield view, None
        finally:
            shared = self.shares.owned_by(self.key)
            if shared is not None:
                shared.fanout.publish(SharedView(None, log_html(shared), "The take ended: thanks for directing."))
                self.shares.end(shared)

    # -- anyone ----------------------------------------------------------------------------------------
    def joined(self) -> SharedTake | None:
        """The take this caller directs with others: their own once shared, or (while they render
        nothing themselves) one they joined."""
        own = self.shares.owned_by(self.key)
        if own is not None or self.session.run is not None:
            return own
        return self.shares.joined_by(self.key)

    def send(self, text: str) -> str:
        shared = self.joined()
        assert shared is not None
        try:
            command = _refused(lambda: shared.send(self.key, text))
        except LimitError as exc:  # too long a command: the run refused it before it was counted
            raise DirectError(str(exc)) from None
        return (f"Sent “{command.text}” as **{command.author}** (#{command.seq}): "
                "it applies at the next chunk, after the commands sent before it.")

    def guard(self, action: str) -> None:
        """A guest may not ``action`` (stop, rewind) the take they joined."""
        shared = self.shares.joined_by(self.key) if self.session.run is None else None
        if shared is not None:
            _refused(lambda: shared.require_owner(self.key, action))

    # -- a participant -------------------------------------------------------------------------------
    def join(self, token: str) -> Iterator[SharedView]:
        """Join the take behind ``token`` and watch it until it ends, you leave or are removed."""
        shared = _refused(lambda: self.shares.get(token))
        if shared.owner.key == self.key:
            raise DirectError("This is your own take: the link is for the others.")
        me = _refused(lambda: shared.join(self.key))
        subscription = shared.watch(self.key)
        hello = (f"You joined **{shared.label}** as <span style='color:{me.colour}'>**{me.name}**</span>: "
                 "type a command below to direct it with the others.")
        picture = RunView(live=shared.picture_token) if shared.picture_token else None
        yield SharedView(picture, log_html(shared), hello)
        try:
            for update in subscription:  # ends with the take, or at once when they leave or are removed
                if self.key not in shared.members and not shared.ended:
                    break
                yield update
            if self.key in shared.removed:
                yield SharedView(None, log_html(shared), "⚠ The owner removed you from this shared take.")
        finally:
            subscription.close()

    def leave(self) -> str:
        shared = self.shares.joined_by(self.key)
        if shared is None:
            return "You are not in a shared take."
        shared.leave(self.key)
        return f"You left {shared.label}: it goes on without you."

    # -- inside -------------------------------------------------------------------------------------
    def _owned(self, action: str) -> SharedTake:
        """The caller's own shared take; a guest is told only the owner may ``action``."""
        shared = self.shares.owned_by(self.key)
        if shared is not None:
            return shared
        joined = self.shares.joined_by(self.key)
        if joined is not None:
            _refused(lambda: joined.require_owner(self.key, action))
        raise DirectError("Share a rendering take first (Share live session).")

    def _publish_log(self, shared: SharedTake) -> None:
        shared.fanout.publish(SharedView(None, log_html(shared)))


def _refused(call):
    try:
        return call()
    except ShareError as exc:
        raise DirectError(str(exc)) from None


def _record(shared: SharedTake, event: ChunkShown) -> None:
    """The run applied ``event.commands`` (on the run's thread): kept with their authors."""
    rows = []
    for command, author in zip(event.commands, event.authors or (None,) * len(event.commands)):
        note = read_note(command.interpretation, Directive(at=command.at, text=command.text or "command"))
        rows.append((command.text, author, command.at, note, command.interpretation.method != "rejected"))
    shared.record_applied(rows)


def with_authors(view: RunView, shared: SharedTake) -> RunView:
    """The view with each live directive on its strip ringed in its author's colour."""
    if view.strip is None or not shared.applied:
        return view
    waiting = list(shared.applied)  # matched in order: the same text at the same boundary is the same command
    colours: list[str | None] = []
    for d in view.strip.timeline.directives:
        found = next((a for a in waiting if d.source == "live" and a.text == (d.text or "")
                      and abs(a.at - d.at) < TIME_MATCH_S), None)
        if found is not None:
            waiting.remove(found)
        colours.append(found.colour if found else None)
    return replace(view, strip=replace(view.strip, authors=tuple(colours)))


def log_html(shared: SharedTake) -> str:
    """The applied commands, latest last, each with its author in the author's colour."""
    people = [shared.owner, *shared.guests]
    who = " ".join(f"<span class='dr-who' style='color:{p.colour}'>● {html.escape(p.name)}</span>" for p in people)
    mode = " · <b>view-only</b>" if shared.view_only else ""
    items = "".join(_item(a) for a in shared.applied[-LOG_SHOWN:])
    body = f"<ol class='dr-share-cmds'>{items}</ol>" if items else "<p class='dr-hint'>No live command yet.</p>"
    return f"<div class='dr-share-log'><div>{who}{mode}</div>{body}</div>"


def _item(a: AppliedByAuthor) -> str:
    mark = "" if a.accepted else " ⚠"
    return (f"<li data-seq='{a.seq}' data-author='{html.escape(a.author)}' style='border-left:4px solid {a.colour};"
            f"padding-left:6px'><b style='color:{a.colour}'>{html.escape(a.author)}</b> · {format_time(a.at)} · "
            f"“{html.escape(a.text)}”{mark} <small>{html.escape(a.reading)}</small></li>")


__all__ = ["ShareController", "ShareInfo", "SharedView", "SharedTakeRegistry", "log_html"]
