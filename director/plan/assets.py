"""Reference images: read once, checked, kept by key.

Every image that enters director (an upload in the app, a ``.world`` bundle, a timeline's file) goes
through ``read_image``, which trusts nothing before decoding: the file must be a regular file (a FIFO
would hang the reader) under ``MAX_FILE_BYTES``; its first bytes must say PNG, JPEG or WebP (Pillow 11
still ships decoders with known CVEs for other formats); a PNG's chunks before its pixels are counted
(a million text chunks took 5.4 s to open); the size, aspect and pixel count are checked from the
header; only then is it decoded, with the decompression-bomb guard on, EXIF orientation applied and
every mode turned into RGBA.

Keys are the paths as written in the timeline. They resolve inside ``base_dir`` (the timeline's
folder) or director's own preset images only: a shared timeline must not read the reader's files. ``allow_outside`` lifts that for a
user rendering their own timeline (the CLI's ``--allow-outside-images``).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from director.plan.limits import MAX_PNG_CHUNKS, MAX_PNG_TEXT_BYTES, LimitError, check_image_size, read_input_file

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP")
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Images shipped with director (preset timelines name them as ../images/...): readable from anywhere,
# being part of the program, not the reader's files.
SHIPPED_IMAGES = Path(__file__).resolve().parents[2] / "presets" / "images"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"iCCP"}


class AssetError(ValueError):
    pass


def sniff_format(data: bytes) -> str | None:
    """PNG, JPEG or WEBP from the file's first bytes; None for anything else."""
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def check_png_chunks(data: bytes, name: str) -> None:
    """Walk a PNG's chunks up to its first image data without decompressing anything: refuse
    floods of chunks and oversized text or colour-profile chunks (Pillow inflates those on open)."""
    pos, count, text_bytes = len(_PNG_SIGNATURE), 0, 0
    if data[12:16] == b"IHDR" and len(data) >= 24:  # the size, before Pillow even reads the header
        try:
            check_image_size(*struct.unpack(">II", data[16:24]), name)
        except LimitError as exc:
            raise AssetError(str(exc)) from None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            return
        count += 1
        if count > MAX_PNG_CHUNKS:
            raise AssetError(f"{name}: PNG has more than {MAX_PNG_CHUNKS} chunks before its pixels")
        if kind in _PNG_TEXT_CHUNKS:
            text_bytes += length
            if text_bytes > MAX_PNG_TEXT_BYTES:
                raise AssetError(f"{name}: PNG text/profile chunks exceed {MAX_PNG_TEXT_BYTES // 1024} KB")
        pos += 12 + length
    raise AssetError(f"{name}: PNG has no image data (truncated?)")


def read_image(path: str | Path, *, label: str | None = None) -> np.ndarray:
    """Read an image file into RGBA uint8 [H, W, 4]. Raises ``AssetError`` saying what is wrong."""
    name = label or str(path)
    try:
        data = read_input_file(path, name, MAX_FILE_BYTES)
    except LimitError as exc:
        raise AssetError(str(exc)) from None
    fmt = sniff_format(data)
    if fmt is None:
        raise AssetError(f"{name}: not a PNG, JPEG or WebP image")
    if fmt == "PNG":
        check_png_chunks(data, name)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            check_image_size(img.width, img.height, name)
            if img.width * img.height > MAX_PIXELS:
                raise AssetError(f"{name}: {img.width}x{img.height} is too many pixels (limit {MAX_PIXELS:,})")
            img = ImageOps.exif_transpose(img)
            rgba = img.convert("RGBA")
            return np.asarray(rgba, dtype=np.uint8).copy()
    except AssetError:
        raise
    except LimitError as exc:
        raise AssetError(str(exc)) from None
    except Image.DecompressionBombError:
        raise AssetError(f"{name}: image is too large to open safely") from None
    except Image.UnidentifiedImageError:
        raise AssetError(f"{name}: not a PNG, JPEG or WebP image") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as exc:
        # Pillow reports broken files as any of these (text-chunk bombs: ValueError, bad PNG: SyntaxError)
        raise AssetError(f"{name}: cannot read image ({type(exc).__name__}: {exc})") from None


@dataclass
class Assets:
    """Images by key. ``base_dir`` resolves relative keys (default: the working folder) and confines
    them unless ``allow_outside``; ``preloaded`` holds images given in memory."""

    base_dir: Path | None = None
    preloaded: dict[str, np.ndarray] = field(default_factory=dict)
    allow_outside: bool = False
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def resolve(self, key: str) -> Path:
        """The file ``key`` names: inside ``base_dir`` (symlinks followed) unless ``allow_outside``."""
        if "\x00" in key:
            raise AssetError(f"image {key[:60]!r}: the name holds a NUL byte")
        base = Path(self.base_dir) if self.base_dir is not None else Path.cwd()
        path = base / key  # an absolute key replaces base
        if self.allow_outside:
            return path
        try:
            real, folder = path.resolve(), base.resolve()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
            raise AssetError(f"image {key!r}: cannot resolve its path ({exc})") from None
        if not any(real.is_relative_to(root) for root in (folder, SHIPPED_IMAGES.resolve())):
            raise AssetError(f"image {key!r} is outside the timeline's folder; images are read only from "
                             "there (use --allow-outside-images to read it anyway)")
        return real

    def image(self, key: str) -> np.ndarray:
        """RGBA uint8 [H, W, 4] for ``key`` (cached)."""
        if key in self.preloaded:
            return self.preloaded[key]
        if key not in self._cache:
            self._cache[key] = read_image(self.resolve(key), label=key)
        return self._cache[key]

    def add(self, key: str, rgba: np.ndarray) -> None:
        self.preloaded[key] = rgba

    def check(self, keys: list[tuple[str, str]]) -> list[str]:
        """Try to load each (where, key); return located problems."""
        problems = []
        for where, key in keys:
            try:
                self.image(key)
            except AssetError as exc:
                problems.append(f"{where}: {exc}")
        return problems
