"""The ``.world`` bundle: a zip with everything needed to replay, wander or re-direct a world.

Layout (version 1)::

    manifest.json   {"format": "director.world", "version": 1, "seed", "engine", "width", "height",
                     "fps", "duration", "images": {key: "assets/NN.png"}}
    timeline.json   the timeline as planned (directives as the creator wrote them)
    record.json     the session record: the timeline as played, live commands at their times.
                    Rendering it again gives the same clip.
    assets/NN.png   reference images, by the keys the timeline uses

Reading a bundle trusts nothing in it: only these names are read, sizes are bounded before
decompressing (and while: a member that inflates past its stated size is refused), encrypted or
oddly compressed members and bad checksums are named, JSON goes through ``limits.parse_json`` and the
timeline validator, clips are at most ``limits.APP_MAX_SECONDS`` long, images go through ``read_image``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from director.plan import limits
from director.plan.assets import MAX_FILE_BYTES, AssetError, read_image
from director.plan.timeline import Timeline, TimelineError, timeline_from_data
from director.plan.timeline_images import image_keys

FORMAT = "director.world"
VERSION = 1
MAX_MEMBERS = 64
MAX_JSON_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # uncompressed
_ASSET_NAME = re.compile(r"^assets/\d{2,3}\.png$")


class BundleError(ValueError):
    pass


@dataclass
class Bundle:
    timeline: Timeline  # as planned
    record: Timeline  # as played: what to render to get the same clip
    images: dict[str, np.ndarray]  # key -> RGBA uint8 [H, W, 4]


def write_bundle(path: Path, timeline: Timeline, record: Timeline | None, images: dict[str, np.ndarray]) -> Path:
    """Write a ``.world`` zip at ``path`` with the images both timelines use."""
    record = record or timeline
    keys = list(dict.fromkeys(image_keys(timeline) + image_keys(record)))
    names = {key: f"assets/{i:02d}.png" for i, key in enumerate(keys)}
    manifest = {
        "format": FORMAT, "version": VERSION, "title": record.title, "seed": record.seed, "engine": record.engine,
        "width": record.width, "height": record.height, "fps": record.fps, "duration": record.duration,
        "images": names,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=2))
        z.writestr("timeline.json", timeline.to_json())
        z.writestr("record.json", record.to_json())
        for key, name in names.items():
            buf = io.BytesIO()
            Image.fromarray(images[key], "RGBA").save(buf, format="PNG")
            z.writestr(name, buf.getvalue(), compress_type=zipfile.ZIP_STORED)
    return path


def read_bundle(path: Path, scratch: Path) -> Bundle:
    """Read and check a ``.world`` file. ``scratch`` is a private folder for decoding images."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise BundleError("not a .world bundle (it is not a zip file)") from None
    with z:
        infos = {i.filename: i for i in z.infolist()}
        if len(infos) > MAX_MEMBERS:
            raise BundleError(f"bundle has {len(infos)} files; at most {MAX_MEMBERS} are allowed")
        if sum(i.file_size for i in infos.values()) > MAX_TOTAL_BYTES:
            raise BundleError("bundle is too large once unpacked")
        manifest = _json(z, infos, "manifest.json")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BundleError("manifest.json does not describe a director world")
        if manifest.get("version") != VERSION:
            raise BundleError(f"bundle version {manifest.get('version')!r} is not supported (expected {VERSION})")
        try:
            timeline = timeline_from_data(_json(z, infos, "timeline.json"), "timeline.json")
            record = timeline_from_data(_json(z, infos, "record.json"), "record.json")
            limits.check_app_seconds(record.duration, "record.json")
            limits.check_app_seconds(timeline.duration, "timeline.json")
        except (TimelineError, limits.LimitError) as exc:
            raise BundleError(str(exc)) from None
        names = manifest.get("images") or {}
        if not isinstance(names, dict):
            raise BundleError("manifest.json: images must map keys to files")
        images: dict[str, np.ndarray] = {}
        for key, name in names.items():
            if not isinstance(key, str) or not isinstance(name, str) or not _ASSET_NAME.match(name) or name not in infos:
                raise BundleError(f"manifest.json: image {key!r} points to a missing or odd file {name!r}")
            if infos[name].file_size > MAX_FILE_BYTES:
                raise BundleError(f"{name}: image file too large")
            tmp = scratch / f"bundle-image-{len(images)}.png"
            tmp.write_bytes(_read_member(z, infos[name], MAX_FILE_BYTES))
            try:
                images[key] = read_image(tmp, label=f"{name} ({key})")
            except AssetError as exc:
                raise BundleError(str(exc)) from None
            finally:
                tmp.unlink(missing_ok=True)
    missing = [k for k in image_keys(record) + image_keys(timeline) if k not in images]
    if missing:
        raise BundleError(f"bundle lacks the images {', '.join(sorted(set(missing)))}")
    return Bundle(timeline, record, images)


def _json(z: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], name: str) -> object:
    info = infos.get(name)
    if info is None:
        raise BundleError(f"bundle has no {name}")
    try:
        return limits.parse_json(_read_member(z, info, MAX_JSON_BYTES), name)
    except ValueError as exc:  # invalid JSON, too deep, too many digits
        raise BundleError(str(exc)) from None


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, at most ``limit`` whatever its header claims, with every way a zip can be
    broken or hostile turned into a ``BundleError`` naming the member."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise BundleError(f"{name}: the member is encrypted; bundles are never encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BundleError(f"{name}: compression method {info.compress_type} is not supported (only stored or deflated)")
    if info.file_size > limit:
        raise BundleError(f"{name} is too large ({info.file_size:,} bytes; at most {limit:,})")
    try:
        with z.open(info) as f:
            data = f.read(limit + 1)
    except zipfile.BadZipFile as exc:  # bad CRC, a header that lies about the member
        raise BundleError(f"{name}: the bundle is damaged ({exc})") from None
    except (RuntimeError, NotImplementedError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BundleError(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from None
    if len(data) > limit:
        raise BundleError(f"{name} unpacks to more than its stated size; the bundle is damaged or hostile")
    return data
