"""The Direct tab's Gradio layout, built without a server: every handler has a stable api_name, its
outputs are addressable by name, and the handlers stay thin (the work is in the controller)."""

from __future__ import annotations

import inspect

import pytest

from director.commands.reader import RULES_ONLY
from director.ui.direct.fields import EditorFields
from director.ui.direct.layout import Handlers, field_components
from tests.app_server import endpoint_names

MAX_HANDLER_LINES = 15  # a handler turns fields into a controller call and a view into updates, no more


@pytest.fixture(scope="module")
def demo():
    import app

    return app.build_demo(reader=RULES_ONLY)


def _direct_fns(demo):
    return [fn for fn in demo.fns.values() if any(getattr(c, "elem_id", "") and c.elem_id.startswith("dr-")
                                                 for c in [*fn.inputs, *fn.outputs])]


def test_every_direct_handler_has_a_stable_api_name(demo):
    fns = _direct_fns(demo)
    assert len(fns) >= 30
    names = [fn.api_name for fn in fns]
    assert all(isinstance(n, str) and n for n in names), names
    assert len(set(names)) == len(names)
    assert {"load_preset", "edit_timeline", "add_directive", "start", "send_command", "save_timeline"} <= set(names)


def test_outputs_are_addressable_by_name(demo):
    endpoints = endpoint_names(demo.get_config_file())
    start = endpoints["start"]
    assert start.outputs[:9] == ("scene", "characters", "style", "engine", "size", "fps", "seed", "duration", "table")
    assert {"status", "mp4", "strip", "take_list", "rewind_at"} <= set(start.outputs)
    for name, ep in endpoints.items():
        assert len(set(ep.outputs)) == len(ep.outputs), f"{name}: two outputs share a name {ep.outputs}"
    assert endpoints["rewind"].inputs == ("rewind_at", *start.inputs)


def test_the_fields_map_to_components_in_one_place():
    ui = {name: type("C", (), {"name": name})() for name in [*EditorFields.names(), "table"]}
    assert [c.name for c in field_components(ui)] == [*EditorFields.names()[:-1], "table"]


def test_handlers_are_thin():
    for name, fn in inspect.getmembers(Handlers, inspect.isfunction):
        lines = len(inspect.getsource(fn).splitlines())
        assert lines <= MAX_HANDLER_LINES, f"Handlers.{name} has {lines} lines"
