"""Bounds on everything a user (or a hostile client) can hand director, in one place.

Every limit here exists because an input without it cost seconds to minutes of CPU, gigabytes of
memory, or a traceback (see issue 11): free text is parsed at ~10 KB/s, so directives are a sentence,
not a book; a 20000x2 image made the cut-out painter allocate > 5 GB; JSON nested 1000 deep raised
``RecursionError``. Checks raise ``LimitError`` with a message that says what and where.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

# -- text ----------------------------------------------------------------------------------------
MAX_DIRECTIVE_CHARS = 500  # a directive or live command: a sentence or two
MAX_SCENE_CHARS = 2_000  # the world's scene description
MAX_NAME_CHARS = 64  # a character's name, a style preset name, an image key's label
MAX_IMAGE_KEY_CHARS = 255  # an image key / relative path in a timeline (a file name is at most 255 bytes)
MAX_TITLE_CHARS = 200
MAX_DIRECTIVES = 2_000  # rows in one timeline
MAX_CHARACTERS = 32

# -- numbers -------------------------------------------------------------------------------------
MAX_TIMELINE_SECONDS = 4 * 3600.0  # the largest max_duration anyone may set (the CLI's long renders)
APP_MAX_SECONDS = 600.0  # the app renders, shows and bundles clips up to this long
MIN_FPS = 1.0
MIN_CHUNK_SECONDS = 0.02
MAX_SEED = 2**63 - 1

# -- structured input ----------------------------------------------------------------------------
MAX_JSON_DEPTH = 32  # a timeline is ~5 levels deep; anything past this is not one
MAX_JSON_BYTES = 4 * 1024 * 1024

# -- images --------------------------------------------------------------------------------------
MAX_IMAGE_SIDE = 8_192  # pixels, either side
MAX_IMAGE_ASPECT = 16.0  # longer side / shorter side
MAX_PAINTED_PIXELS = 64_000_000  # a resized image (a cut-out sprite in close-up): 256 MB as RGBA
MAX_PNG_CHUNKS = 512  # chunks before the first image data (text, colour profiles...)
MAX_PNG_TEXT_BYTES = 1024 * 1024  # all text/profile chunks together, compressed


class LimitError(ValueError):
    """An input is outside what director accepts; the message says which and what the limit is."""


def check_text(text: str, where: str, limit: int = MAX_DIRECTIVE_CHARS) -> str:
    """``text`` unless it is too long or holds NUL bytes (which no file, prompt or encoder takes)."""
    if "\x00" in text:
        raise LimitError(f"{where}: contains a NUL byte (\\x00)")
    if len(text) > limit:
        raise LimitError(f"{where}: {len(text):,} characters; at most {limit:,} are allowed "
                         "(write a sentence, not a book)")
    return text


def check_app_seconds(seconds: float, where: str) -> None:
    """The app shows, renders and bundles clips up to ``APP_MAX_SECONDS`` (the CLI renders longer)."""
    if seconds > APP_MAX_SECONDS:
        raise LimitError(f"{where}: the clip lasts {seconds:g} s; the app handles up to {APP_MAX_SECONDS:g} s "
                         "(render longer clips with python -m director render)")


def check_image_size(width: int, height: int, where: str) -> None:
    """Refuse images too large on a side or too thin before anything decodes or resizes them."""
    if width < 1 or height < 1:
        raise LimitError(f"{where}: image has no pixels ({width}x{height})")
    if max(width, height) > MAX_IMAGE_SIDE:
        raise LimitError(f"{where}: {width}x{height} is too large; at most {MAX_IMAGE_SIDE} pixels a side")
    aspect = max(width, height) / min(width, height)
    if aspect > MAX_IMAGE_ASPECT:
        raise LimitError(f"{where}: {width}x{height} is too thin (aspect {aspect:.0f}:1); "
                         f"at most {MAX_IMAGE_ASPECT:.0f}:1")


def check_painted_size(width: int, height: int, where: str) -> None:
    """Refuse a resize whose result would exceed ``MAX_PAINTED_PIXELS`` (the cut-out painter scales
    a reference image to a figure's height: a thin image becomes very wide)."""
    if width * height > MAX_PAINTED_PIXELS:
        raise LimitError(f"{where}: resizing to {width}x{height} would need {width * height:,} pixels "
                         f"(limit {MAX_PAINTED_PIXELS:,})")


def read_input_file(path: str | Path, name: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or a ``LimitError`` saying why not
    (missing, a folder, a FIFO or device, a symlink loop, a name too long or with a NUL byte)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    except FileNotFoundError:
        raise LimitError(f"{name}: file not found") from None
    except ValueError:  # embedded NUL byte
        raise LimitError(f"{name}: the file name holds a NUL byte") from None
    except OSError as exc:
        raise LimitError(f"{name}: cannot open file ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LimitError(f"{name}: not a regular file")
        if info.st_size > max_bytes:
            raise LimitError(f"{name}: file is {info.st_size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise LimitError(f"{name}: file grew past the limit of {max_bytes / 1e6:.0f} MB while being read")
        return data
    except OSError as exc:
        raise LimitError(f"{name}: cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def parse_json(text: str | bytes, where: str, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """``json.loads`` with the limits a hostile file needs: size, nesting depth, integer digits.
    Raises ``LimitError`` (too big, too deep) or ``ValueError`` (not JSON) with ``where`` in front."""
    if len(text) > max_bytes:
        raise LimitError(f"{where}: {len(text):,} bytes; at most {max_bytes:,}")
    try:
        data = json.loads(text)
    except RecursionError:
        raise LimitError(f"{where}: nested too deeply (at most {MAX_JSON_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:  # an integer of more than 4300 digits, or bytes that are not UTF-8
        reason = "a number has more than 4300 digits" if "digits" in str(exc) else f"not UTF-8 JSON ({exc})"
        raise LimitError(f"{where}: {reason}") from None
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise LimitError(f"{where}: nested {depth} levels deep; at most {MAX_JSON_DEPTH}")
    return data


def json_depth(data: Any) -> int:
    """Nesting depth of parsed JSON, without recursion (so any depth can be measured)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest
