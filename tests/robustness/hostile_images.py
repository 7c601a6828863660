"""Hostile image files, made by the tests (nothing checked in): thin, huge, wrong format, bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin


def png(width: int, height: int, mode: str = "L") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height)).save(buf, "PNG")
    return buf.getvalue()


def in_format(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, fmt)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_text_chunks(count: int) -> bytes:
    """A 1x1 PNG with ``count`` tEXt chunks before its pixels (Pillow reads them all on open)."""
    base = png(1, 1)
    ihdr_end = 8 + 8 + 13 + 4
    text = _chunk(b"tEXt", b"k\x00v")
    return base[:ihdr_end] + text * count + base[ihdr_end:]


def png_text_bomb(kind: str = "zTXt") -> bytes:
    """A PNG whose compressed text inflates to 64 MB (Pillow raises ValueError past its 1 MB limit)."""
    info = PngImagePlugin.PngInfo()
    payload = b"A" * (64 * 1024 * 1024)
    if kind == "zTXt":
        info.add(b"zTXt", b"bomb\x00\x00" + zlib.compress(payload, 9))
    elif kind == "iTXt":
        info.add(b"iTXt", b"bomb\x00\x01\x00\x00\x00" + zlib.compress(payload, 9))
    else:  # iCCP: a colour profile, which Pillow compresses when saving
        buf = io.BytesIO()
        Image.new("L", (2, 2)).save(buf, "PNG", icc_profile=payload)
        return buf.getvalue()
    buf = io.BytesIO()
    Image.new("L", (2, 2)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` with almost no data (a decoder would allocate it)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
