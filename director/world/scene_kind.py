"""Which scene kind a scene text asks for, resolved above the engines (an engine never reads text).

``choose_scene(text)`` picks a kind of the vocabulary (``vocabulary.scene_kinds``) and says how:

1. keywords — whole words and phrases of a kind's keywords ("a rainy street in Paris" → city), no model;
   multi-word phrases weigh more;
2. embedding — words nobody planned for ("an Alpine pass") go to the kind whose description is nearest
   in meaning (all-MiniLM-L6-v2, offline, shared with the command parser: ``director.commands.semantic``
   loads it once per process, lazily), if at least ``EMBEDDING_MIN_SCORE`` similar;
3. default — the countryside, for empty or meaningless text.

It also lists the scenery details the text names ("a beach with cliffs": cliffs). The Script resolves
every scene text of a timeline when it is compiled and hands engines the ``SceneChoice`` in
``WorldState.scene_kind``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from director.vocabulary.scene_kinds import DEFAULT_SCENE_KIND, SCENE_DETAILS, SCENE_KINDS

log = logging.getLogger(__name__)

EMBEDDING_MIN_SCORE = 0.3  # cosine similarity; meaningless text ("zzz") scores below ~0.2
CHOICES_KEPT = 256  # scene texts remembered per process (a live session names a few; a test suite more)

SceneMethod = Literal["keywords", "embedding", "default"]


@dataclass(frozen=True)
class SceneChoice:
    """Which scene kind a text chose, how, and how strongly, plus the details it names.

    ``score``: for keywords the matched weight (1 per word, +1 per extra word of a phrase); for the
    embedding the cosine similarity with the nearest description; 0 for the default.
    """

    kind: str
    method: SceneMethod
    score: float
    text: str = ""
    nearest: str = ""  # the description or keyword that decided
    details: tuple[str, ...] = ()  # names of ``SCENE_DETAILS`` the text asks for, in registry order


def _details(text: str) -> tuple[str, ...]:
    words = set(re.findall(r"[a-z]+", (text or "").lower()))
    return tuple(d.name for d in SCENE_DETAILS.values() if words & set(d.words))


def _keywords(text: str) -> SceneChoice | None:
    low = text.lower()
    best: SceneChoice | None = None
    for kind in SCENE_KINDS.values():
        score, hits = 0.0, []
        for w in kind.keywords:
            if re.search(r"\b" + re.escape(w) + r"\b", low):
                score += 1.0 + w.count(" ")
                hits.append(w)
        if score > 0 and (best is None or score > best.score):
            best = SceneChoice(kind.name, "keywords", score, text, ", ".join(hits))
    return best


@lru_cache(maxsize=CHOICES_KEPT)
def choose_scene(text: str, use_embeddings: bool = True) -> SceneChoice:
    """The scene kind for ``text``: keywords, else the nearest description by embedding, else the default.

    The first embedding lookup of a process loads the model (seconds); later ones take milliseconds.
    """
    text = text or ""
    details = _details(text)
    found = _keywords(text)
    if found is not None:
        return _with(found, details)
    if use_embeddings and re.search(r"[^\W\d_]{2,}", text):
        try:
            from director.commands.semantic import PhraseMatcher

            near = PhraseMatcher({k.name: k.descriptions for k in SCENE_KINDS.values()}).nearest(text)
        except (ImportError, OSError, RuntimeError) as exc:  # no model here: say so, fall back
            log.warning("scene %r: embedding match unavailable (%s); using the default scene", text, exc)
        else:
            if near.score >= EMBEDDING_MIN_SCORE:
                return _with(SceneChoice(near.label, "embedding", round(near.score, 4), text, near.phrase), details)
    return _with(SceneChoice(DEFAULT_SCENE_KIND, "default", 0.0, text), details)


def _with(choice: SceneChoice, details: tuple[str, ...]) -> SceneChoice:
    return choice if not details else SceneChoice(choice.kind, choice.method, choice.score, choice.text,
                                                  choice.nearest, details)
