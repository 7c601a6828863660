"""The Direct tab's takes through the session service (what ``app.py --ray`` uses), on the in-process
backend here: the same views as a local take, the clip and live view written from streamed chunks."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import replace

import pytest

from director.commands.reader import RULES_ONLY
from director.run.service.admission import AdmissionPolicy
from director.run.service.in_process import InProcessService
from director.ui.direct.controller import DirectController, DirectError
from director.ui.service_run import ServiceLiveRun, ServiceRuns
from director.ui.sessions import DirectSession


@pytest.fixture
def service():
    s = InProcessService(AdmissionPolicy())
    yield s
    s.close()


@pytest.fixture
def ctl(tmp_path, service) -> DirectController:
    folder = tmp_path / "session"
    folder.mkdir()
    return DirectController(DirectSession("k", folder), reader=RULES_ONLY, runs=ServiceRuns(service))


def _frames(path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_read_frames", "-of", "csv=p=0", str(path)], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


def test_a_take_on_the_service_with_a_live_command(ctl):
    f = replace(ctl.show().fields, size="320x180", duration=3.0, rows=[["0:00.5", "pan left", "1", "", ""]])
    views = iter(ctl.start(f))
    first = next(views)
    run = ctl.session.run
    assert isinstance(run, ServiceLiveRun) and first.status.startswith("**Take 1** starting")
    sent = threading.Event()
    authors = []
    run.observers.append(lambda shown: authors.extend(zip(shown.authors, (c.text for c in shown.commands))))
    rest = []
    for view in views:
        rest.append(view)
        if not sent.is_set() and "rendering · " in (view.status or ""):
            run.send("it starts to rain", author="Guest 1")
            sent.set()
    last = rest[-1]
    assert "**Take 1** done · 0:03.0" in last.status and "it starts to rain" in last.status, last.status
    feed = ctl.feeds.get(first.live)  # the page watched the streamed chunks through this token
    feed.pacer.join(5)  # the view shows what is queued at its time, then its stream ends
    assert feed is not None and feed.frames.latest is not None and feed.frames.latest.index == 71
    assert authors == [("Guest 1", "it starts to rain")]  # the author came back from the service
    rows = last.editor.rows
    live = [r for r in rows if r[1] == "it starts to rain"]
    assert live and live[0][4].startswith("● live") and "rain" in live[0][4]  # in the record, with its reading
    assert last.take.clip is not None and _frames(last.take.clip) == 72
    assert ctl.session.run is None and run.keeper.done and ctl.session.takes.shown is run.take


def test_rewind_and_images_are_refused_with_a_message(ctl):
    f = replace(ctl.show().fields, size="320x180", duration=2.0, rows=[["0:00.5", "pan left", "1", "", ""]])
    list(ctl.start(f))
    with pytest.raises(DirectError, match="Rewinding needs the take's checkpoints"):
        ctl.rewind(f, "0:01")


def test_a_creator_who_waits_for_a_worker_is_told_their_place(tmp_path):
    # One slot: the first creator's take holds it; the second one's status line says they wait, then it runs.
    with InProcessService(AdmissionPolicy(max_per_worker=1, max_total=1)) as service:
        runs = ServiceRuns(service)
        controllers = []
        for key in ("first", "second"):
            folder = tmp_path / key
            folder.mkdir()
            controllers.append(DirectController(DirectSession(key, folder), reader=RULES_ONLY, runs=runs))
        first, second = controllers
        f = replace(first.show().fields, size="160x90", duration=2.0, rows=[["0:00.5", "pan left", "1", "", ""]])
        first_views = iter(first.start(f))
        next(first_views)
        next(v for v in first_views if "rendering · " in (v.status or ""))  # the first take runs: the slot is taken
        waiting = iter(second.start(f))
        next(waiting)  # "starting…"
        told = next(waiting)
        assert told.status == "**Take 1** · you are next: your take starts as soon as a worker is free", told.status
        list(first_views)
        rest = list(waiting)
        assert "**Take 1** done · 0:02.0" in rest[-1].status, rest[-1].status
