"""Imports point down the floors: plan and vocabulary are read by everyone and read no one above them;
commands read the vocabulary, never the world; an engine never reads text (no director.commands)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "director"


def _imports(folder: str) -> dict[str, set[str]]:
    """file -> the director modules it imports (at any depth: lazy imports count too)."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("director"):
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names if a.name.startswith("director"))
        found[str(path.relative_to(PACKAGE.parent))] = names
    return found


# folder -> floors it must not import
FORBIDDEN = {
    "vocabulary": ("director.plan", "director.commands", "director.world", "director.run", "director.engines",
                   "director.sinks", "director.ui", "director.check", "director.formats"),
    "commands": ("director.world", "director.run", "director.engines", "director.sinks", "director.ui"),
    "world": ("director.run", "director.engines", "director.sinks", "director.ui"),
    "engines": ("director.commands", "director.sinks", "director.ui"),
}


@pytest.mark.parametrize("folder", list(FORBIDDEN))
def test_imports_point_down(folder: str) -> None:
    bad = [f"{path} imports {name}" for path, names in _imports(folder).items() for name in sorted(names)
           if name.startswith(FORBIDDEN[folder])]
    assert not bad, "\n".join(bad)
