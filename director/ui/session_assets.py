"""Reference images a session may use: only what the user uploaded (after checks) or a preset shipped.

The timeline names images by key ("cat.png"). In the app a key never becomes a path: the Director
gets a ``SessionAssets`` that answers only keys already loaded in memory, so a timeline written by a
user cannot make the server read ``/etc/passwd`` or anything else on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from director.plan.assets import AssetError, Assets, read_image

MAX_IMAGES = 32  # per session; each is held decoded in memory
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class SessionAssets(Assets):
    """``Assets`` that never touches the file system: unknown keys are an error, not a path."""

    def image(self, key: str) -> np.ndarray:
        if key in self.preloaded:
            return self.preloaded[key]
        raise AssetError(f"image {key!r} is not uploaded: drop it under Reference images")

    def resolve(self, key: str) -> Path:  # pragma: no cover - guard
        raise AssetError(f"image {key!r}: images are not read from paths in the app")

    def keys(self) -> list[str]:
        return list(self.preloaded)


@dataclass(frozen=True)
class AddedImage:
    key: str
    width: int
    height: int


def safe_key(name: str, taken: set[str]) -> str:
    """A short key from an uploaded file's name, unique in ``taken`` (names are labels, never paths)."""
    stem = _SAFE.sub("-", Path(name).name).strip("-.") or "image"
    stem = stem[:40]
    base, dot, ext = stem.rpartition(".")
    if not dot:
        base, ext = stem, "png"
    key, n = f"{base}.{ext}", 2
    while key in taken:
        key, n = f"{base}-{n}.{ext}", n + 1
    return key


def add_upload(assets: SessionAssets, upload: str | Path, original_name: str | None = None) -> AddedImage:
    """Check an uploaded file (PNG/JPEG/WebP only, size, pixel count, EXIF orientation) and keep it.

    ``upload`` is the temporary file gradio saved for this request. Raises ``AssetError`` with a
    message for the user.
    """
    if len(assets.preloaded) >= MAX_IMAGES:
        raise AssetError(f"at most {MAX_IMAGES} images per session; remove one first")
    name = original_name or Path(upload).name
    rgba = read_image(upload, label=Path(name).name)
    key = safe_key(name, set(assets.preloaded))
    assets.add(key, rgba)
    return AddedImage(key, rgba.shape[1], rgba.shape[0])
