"""Every way an image can be hostile is refused by ``read_image`` quickly, before decoding, with a
message naming the image; the cut-out painter refuses resizes that would need gigabytes."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from director.plan.assets import AssetError, read_image
from director.engines.previz.cutout import cutout_sprite
from director.plan.limits import LimitError
from tests.robustness import hostile_images as hi

QUICK = 1.0  # seconds: every refusal comes before any costly decode


def _refused(tmp_path, name: str, data: bytes, expect: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(AssetError) as err:
        read_image(path, label=name)
    assert time.perf_counter() - started < QUICK, f"{name} took too long to refuse"
    message = str(err.value)
    assert message.startswith(name) and expect in message, message
    return message


@pytest.mark.parametrize("fmt", ["TIFF", "BMP", "PCX", "TGA", "GIF", "PPM", "ICO"])
def test_formats_outside_the_allowlist_are_refused_before_decoding(tmp_path, fmt):
    _refused(tmp_path, f"image.{fmt.lower()}", hi.in_format(fmt), "not a PNG, JPEG or WebP")


@pytest.mark.parametrize("size, expect", [((20000, 2), "too large"), ((4000, 2), "too thin"), ((40000, 1), "too large"),
                                          ((13000, 13000), "too large"), ((2, 3000), "too thin")])
def test_huge_or_thin_images_are_refused_from_the_header(tmp_path, size, expect):
    _refused(tmp_path, "thin.png", hi.png_header_only(*size), expect)


def test_a_real_20000x2_png_is_refused(tmp_path):
    _refused(tmp_path, "real-thin.png", hi.png(20000, 2), "too large")


@pytest.mark.parametrize("kind", ["zTXt", "iTXt", "iCCP"])
def test_text_chunk_bombs_are_a_clear_error(tmp_path, kind):
    message = _refused(tmp_path, f"bomb-{kind}.png", hi.png_text_bomb(kind), "")
    assert "cannot read image" in message or "exceed" in message


def test_a_flood_of_text_chunks_is_refused_fast(tmp_path):
    _refused(tmp_path, "chunks.png", hi.png_with_text_chunks(200_000), "more than")


@pytest.mark.parametrize("name, data, expect", [
    ("empty.png", b"", "not a PNG"), ("text.png", b"hello world", "not a PNG"),
    ("truncated.png", hi.png(64, 64)[:40], "PNG has no image data"),
    ("junk-after-header.png", hi.png(8, 8)[:33] + os.urandom(200), ""),
])
def test_broken_files_are_a_clear_error(tmp_path, name, data, expect):
    _refused(tmp_path, name, data, expect)


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(AssetError, match="not a regular file"):
        read_image(fifo, label="pipe.png")
    assert time.perf_counter() - started < QUICK


@pytest.mark.parametrize("make, expect", [
    (lambda d: (d / "loop.png").symlink_to(d / "loop.png") or d / "loop.png", "cannot open file"),
    (lambda d: d / ("x" * 300 + ".png"), "cannot open file"),
    (lambda d: str(d / "nul\x00.png"), "NUL byte"),
    (lambda d: d, "not a regular file"),
    (lambda d: d / "missing.png", "file not found"),
])
def test_odd_paths_are_a_clear_error(tmp_path, make, expect):
    with pytest.raises(AssetError, match=expect):
        read_image(make(tmp_path), label="the image")


def test_good_images_still_read(tmp_path):
    for fmt, ext in (("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")):
        path = tmp_path / f"ok.{ext}"
        path.write_bytes(hi.in_format(fmt))
        rgba = read_image(path)
        assert rgba.shape == (8, 8, 4) and rgba.dtype == np.uint8


def test_the_cutout_painter_refuses_a_thin_visible_part():
    line = np.zeros((400, 400, 4), np.uint8)
    line[200, :, :] = 255  # one opaque row on a transparent canvas: its visible part is 400x1
    with pytest.raises(LimitError, match="too thin"):
        cutout_sprite(line, 720, flip=False)


def test_the_cutout_painter_bounds_the_pixels_after_resizing():
    wide = np.full((100, 1600, 4), 255, np.uint8)  # 16:1, allowed; at 2400 px tall it would be 38400x2400
    wide[0, 0, 3] = 0  # has its own alpha: no keying, the whole picture is the figure
    with pytest.raises(LimitError, match="pixels"):
        cutout_sprite(wide, 2400, flip=False)
    assert cutout_sprite(wide, 100, flip=False).shape == (100, 1600, 4)
