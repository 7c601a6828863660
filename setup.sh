#!/usr/bin/env bash
# Set up director on a fresh Debian-like machine: Debian's ffmpeg (ffprobe for tests, streaming video
# in the app), a virtualenv in .venv with torch's CPU build first, then the rest.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v ffprobe >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq ffmpeg >/dev/null
fi
if [ "${DIRECTOR_BROWSER_TESTS:-0}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
# torch first: the CPU build (a bare "torch" requirement would pull a multi-GB CUDA build).
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -r "${1:-requirements.txt}"
