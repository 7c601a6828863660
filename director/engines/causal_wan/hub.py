"""Weights by Hugging Face Hub reference, as users write them, resolved into the hub's own cache.

- a model (a diffusers-layout repo): ``owner/name`` or ``owner/name@revision``, e.g.
  ``Wan-AI/Wan2.1-T2V-1.3B-Diffusers``. Only the four subfolders the engine loads are fetched.
- a file (checkpoint, LoRA, tiny decoder): ``owner/name:path/in/repo`` or ``owner/name@revision:path``, e.g.
  ``gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt``.

Anything that exists on disk, or starts with ``/``, ``.`` or ``~``, is a local path and is used as it is.
Downloads go through ``huggingface_hub`` (``hf_hub_download`` / ``snapshot_download``) into its cache
(``HF_HOME`` / ``HF_HUB_CACHE``), so they happen once per machine; with ``HF_HUB_OFFLINE=1`` only the cache
is read. Failures become ``EngineError``s saying which reference, what is missing, and what to do.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from director.engines.protocol import EngineError

# owner/name, optionally @revision (a branch, tag or commit; no ':' in it)
_REPO = r"(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+)(?:@(?P<revision>[^:@\s]+))?"
_HUB_REPO = re.compile(rf"^{_REPO}$")
_HUB_FILE = re.compile(rf"^{_REPO}:(?P<path>[^:\s][^:]*)$")
# what the engine loads from a diffusers Wan repo (load_components); the rest (e.g. scheduler/) is not fetched
MODEL_PATTERNS = ("model_index.json", "transformer/*", "vae/*", "text_encoder/*", "tokenizer/*")


@dataclass(frozen=True)
class HubRef:
    repo_id: str
    revision: str | None
    filename: str | None  # None for a whole model repo

    def __str__(self) -> str:
        rev = f"@{self.revision}" if self.revision else ""
        return f"{self.repo_id}{rev}" + (f":{self.filename}" if self.filename else "")


def _is_local(ref: str) -> bool:
    return ref.startswith(("/", ".", "~")) or Path(ref).expanduser().exists()


def parse_hub_file(ref: str) -> HubRef | None:
    """``owner/name[@rev]:path`` -> HubRef; None for a local path."""
    if _is_local(ref):
        return None
    m = _HUB_FILE.match(ref.strip())
    return HubRef(m["repo"], m["revision"], m["path"]) if m else None


def parse_hub_model(ref: str) -> HubRef | None:
    """``owner/name[@rev]`` -> HubRef; None for a local folder."""
    if _is_local(ref):
        return None
    m = _HUB_REPO.match(ref.strip())
    return HubRef(m["repo"], m["revision"], None) if m else None


def hub_offline() -> bool:
    """``HF_HUB_OFFLINE`` as huggingface_hub reads it, looked up now (its own constant is read at import)."""
    from huggingface_hub import constants

    value = os.environ.get("HF_HUB_OFFLINE")
    if value is not None:
        return value.strip().lower() in ("1", "on", "yes", "true")
    return bool(constants.HF_HUB_OFFLINE)


def resolve_file(ref: str, what: str = "file") -> Path:
    """A local path for ``ref``: itself if local (checked), else the cached download of the hub file."""
    hub = parse_hub_file(ref)
    if hub is None:
        path = Path(ref).expanduser()
        if not path.is_file():
            hint = " (a hub file is written owner/name:path/in/repo)" if "/" in ref and not _is_local(ref) else ""
            raise EngineError(f"{what} not found: {path}{hint}")
        return path
    from huggingface_hub import hf_hub_download

    with _hub_errors(hub, what):
        return Path(hf_hub_download(hub.repo_id, hub.filename, revision=hub.revision, local_files_only=hub_offline()))


def resolve_model(ref: str) -> Path:
    """A local diffusers folder for ``ref``: itself if local, else the cached snapshot of the hub repo
    (only ``MODEL_PATTERNS``)."""
    hub = parse_hub_model(ref)
    if hub is None:
        return Path(ref).expanduser()
    from huggingface_hub import snapshot_download

    with _hub_errors(hub, "model"):
        folder = Path(snapshot_download(hub.repo_id, revision=hub.revision, allow_patterns=list(MODEL_PATTERNS),
                                        local_files_only=hub_offline()))
    return folder


@contextmanager
def _hub_errors(ref: HubRef, what: str):
    """Turn huggingface_hub's exceptions into one clear ``EngineError`` for ``ref``."""
    from huggingface_hub import errors

    try:
        yield
    except (errors.EntryNotFoundError, errors.RepositoryNotFoundError, errors.RevisionNotFoundError,
            errors.HfHubHTTPError, OSError, ValueError) as exc:
        where = f"{what} {str(ref)!r} on the Hugging Face Hub"
        if isinstance(exc, errors.LocalEntryNotFoundError):  # before EntryNotFoundError: it is a subclass
            if hub_offline():
                msg = (f"{where} is not in the local hub cache and HF_HUB_OFFLINE is set: download it once "
                       "with network access (or unset HF_HUB_OFFLINE)")
            else:
                msg = (f"{where}: cannot reach the hub and it is not in the local cache (no network?): "
                       "connect once, or give a local path")
        elif isinstance(exc, errors.RepositoryNotFoundError):
            msg = f"{where}: no repository {ref.repo_id!r} (or it is private/gated: log in or set HF_TOKEN)"
        elif isinstance(exc, errors.RevisionNotFoundError):
            msg = f"{where}: repository {ref.repo_id!r} has no revision {ref.revision!r}"
        elif isinstance(exc, errors.EntryNotFoundError):
            msg = f"{where}: repository {ref.repo_id!r} has no file {ref.filename!r}"
        else:
            msg = f"{where}: download failed ({type(exc).__name__}: {exc})"
        raise EngineError(msg) from exc
