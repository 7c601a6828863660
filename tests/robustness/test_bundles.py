"""Broken and hostile ``.world`` bundles are refused with a message that says what is wrong."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np
import pytest

from director.plan.timeline import timeline_from_data
from director.ui.bundle import BundleError, read_bundle, write_bundle

TIMELINE = timeline_from_data({"duration": 2, "width": 64, "height": 36, "world": {"scene": "a street", "style_image": "s.png"},
                               "directives": [{"at": 1, "text": "it starts to rain"}]})


@pytest.fixture
def good(tmp_path):
    image = np.zeros((8, 8, 4), np.uint8)
    return write_bundle(tmp_path / "good.world", TIMELINE, None, {"s.png": image}).read_bytes()


def _local_header_offset(data: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.getinfo(name).header_offset


def _patch(data: bytes, offset: int, fmt: str, value) -> bytes:
    size = struct.calcsize(fmt)
    return data[:offset] + struct.pack(fmt, value) + data[offset + size:]


def _central_offset(data: bytes, name: str) -> int:
    """Where ``name``'s central-directory entry starts (its flags, method and sizes are read from there)."""
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        if data[i + 46:i + 46 + len(name)] == name.encode():
            return i
        i = data.find(b"PK\x01\x02", i + 1)
    raise KeyError(name)


def _read(tmp_path, data: bytes) -> str:
    path = tmp_path / "x.world"
    path.write_bytes(data)
    with pytest.raises(BundleError) as err:
        read_bundle(path, tmp_path)
    return str(err.value)


def test_the_good_bundle_reads(tmp_path, good):
    path = tmp_path / "ok.world"
    path.write_bytes(good)
    assert read_bundle(path, tmp_path).record.duration == 2


def test_bad_crc(tmp_path, good):
    at = _local_header_offset(good, "assets/00.png")
    data = bytearray(good)
    data[at + 30 + len("assets/00.png") + 20] ^= 0xFF  # a byte of the stored PNG
    message = _read(tmp_path, bytes(data))
    assert "assets/00.png" in message and "damaged" in message


def test_a_size_that_lies(tmp_path, good):
    central = _central_offset(good, "timeline.json")
    data = _patch(good, central + 24, "<I", 10)  # uncompressed size: 10 bytes (it is more)
    message = _read(tmp_path, data)
    assert "timeline.json" in message


def test_an_encrypted_member(tmp_path, good):
    central = _central_offset(good, "manifest.json")
    data = _patch(good, central + 8, "<H", 0x1)
    assert "encrypted" in _read(tmp_path, data)


def test_unsupported_compression(tmp_path, good):
    central = _central_offset(good, "manifest.json")
    data = _patch(good, central + 10, "<H", 99)
    assert "compression method 99" in _read(tmp_path, data)


def test_a_clip_over_600_seconds(tmp_path):
    long = TIMELINE.model_copy(update={"duration": 700.0, "max_duration": 800.0})
    path = write_bundle(tmp_path / "long.world", long, None, {"s.png": np.zeros((8, 8, 4), np.uint8)})
    message = _read(tmp_path, path.read_bytes())
    assert "700 s" in message and "600 s" in message


@pytest.mark.parametrize("member, content, expect", [
    ("timeline.json", "[" * 5000 + "]" * 5000, "nested"),
    ("timeline.json", '{"seed": ' + "1" * 5000 + "}", "4300 digits"),
    ("record.json", json.dumps({"directives": [{"at": 0, "text": "x" * 10_000}]}), "at most 500"),
])
def test_hostile_json_inside(tmp_path, good, member, content, expect):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info.filename))
    assert expect in _read(tmp_path, out.getvalue())


def test_not_a_zip(tmp_path):
    assert "not a zip" in _read(tmp_path, b"PK\x03\x04garbage")
