"""Reference images: read once, checked, kept by key.

Only PNG, JPEG and WebP are opened (Pillow 11 still ships decoders with known CVEs for other
formats), with the decompression-bomb guard on, EXIF orientation applied and every mode turned
into RGBA. Keys are the paths as written in the timeline; files resolve against ``base_dir``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP")
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000


class AssetError(ValueError):
    pass


def read_image(path: str | Path, *, label: str | None = None) -> np.ndarray:
    """Read an image file into RGBA uint8 [H, W, 4]. Raises ``AssetError`` saying what is wrong."""
    path = Path(path)
    name = label or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise AssetError(f"{name}: file not found") from None
    if size > MAX_FILE_BYTES:
        raise AssetError(f"{name}: file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB")
    try:
        with Image.open(path, formats=list(ALLOWED_FORMATS)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise AssetError(f"{name}: {img.width}x{img.height} is too many pixels (limit {MAX_PIXELS:,})")
            img = ImageOps.exif_transpose(img)
            rgba = img.convert("RGBA")
            return np.asarray(rgba, dtype=np.uint8).copy()
    except AssetError:
        raise
    except Image.DecompressionBombError:
        raise AssetError(f"{name}: image is too large to open safely") from None
    except Image.UnidentifiedImageError:
        raise AssetError(f"{name}: not a PNG, JPEG or WebP image") from None
    except OSError as exc:
        raise AssetError(f"{name}: cannot read image: {exc}") from None


@dataclass
class Assets:
    """Images by key. ``base_dir`` resolves relative keys; ``preloaded`` holds images given in memory."""

    base_dir: Path | None = None
    preloaded: dict[str, np.ndarray] = field(default_factory=dict)
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def resolve(self, key: str) -> Path:
        path = Path(key)
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        return path

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
