"""The notebooks run top to bottom on CPU (executed with nbclient in this virtualenv's python3 kernel)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BUDGET_S = {"quickstart.ipynb": 180, "timeline_from_code.ipynb": 120}


def _execute(path: Path) -> tuple[nbformat.NotebookNode, float]:
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager

    # "python3" resolves to the running interpreter (ipykernel's native spec), i.e. this .venv,
    # unless a user-level kernelspec of that name shadows it: then say so instead of using another python.
    spec = KernelSpecManager().get_kernel_spec(NATIVE_KERNEL_NAME)
    if Path(spec.argv[0]).resolve() != Path(sys.executable).resolve() and spec.argv[0] != "python":
        pytest.skip(f"kernel {NATIVE_KERNEL_NAME!r} runs {spec.argv[0]}, not {sys.executable}")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=NATIVE_KERNEL_NAME, timeout=BUDGET_S[path.name],
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BUDGET_S))
def test_notebook_runs_top_to_bottom(name: str) -> None:
    nb, seconds = _execute(NOTEBOOKS / name)
    assert seconds < BUDGET_S[name]
    errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    html = [o for cell in nb.cells for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]
    images = [o for cell in nb.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert html and "base64" in html[-1]["data"]["text/html"]  # an embedded video
    assert images  # frames or a contact sheet shown inline
    assert (NOTEBOOKS / "out").is_dir()
