"""OpenCV's idle worker threads are made to wait passively by the entry points (before cv2 is imported)."""

import subprocess
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])

CODE = """
import os, sys
os.environ.pop("OPENCV_THREAD_POOL_ACTIVE_WAIT_WORKER", None)
os.environ["OPENCV_THREAD_POOL_ACTIVE_WAIT_MAIN"] = "7"  # the user's own setting
from director.run.opencv_threads import PASSIVE_WAIT, opencv_threads_wait_passively
first = opencv_threads_wait_passively()
import cv2
late = opencv_threads_wait_passively()
print(first, late, os.environ["OPENCV_THREAD_POOL_ACTIVE_WAIT_WORKER"], os.environ["OPENCV_THREAD_POOL_ACTIVE_WAIT_MAIN"])
"""

CLI_CODE = """
import os, sys
from director.cli import main
main(["engines"])
print("cv2" in sys.modules, os.environ.get("OPENCV_THREAD_POOL_ACTIVE_WAIT_WORKER"))
"""


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={"PYTHONPATH": ROOT}).stdout.strip().splitlines()[-1]


def test_set_before_cv2_is_imported_and_the_users_value_wins():
    assert _run(CODE) == "True False 0 7"


def test_the_cli_sets_it_before_importing_cv2():
    assert _run(CLI_CODE) == "False 0"
