"""Prompts reach UMT5 cleaned as Wan cleans them (ftfy, HTML entities twice, whitespace)."""

from __future__ import annotations

import pytest
import torch

from director.engines.causal_wan.prompt_clean import clean_prompt


@pytest.mark.parametrize("raw,clean", [
    ("  a  cat\n\tin the   rain ", "a cat in the rain"),
    ("rock &amp;amp; roll", "rock & roll"),  # unescaped twice, as Wan does
    ("&quot;night falls&quot;", '"night falls"'),
    ("caf\u00c3\u00a9 in paris", "caf\u00e9 in paris"),  # mojibake repaired by ftfy
    ("a\u00a0cat\u2003sleeps", "a cat sleeps"),  # Unicode spaces collapse too
    ("", ""),
])
def test_clean_prompt_matches_wan(raw, clean):
    assert clean_prompt(raw) == clean


def test_encoder_tokenizes_the_cleaned_text_once_per_cleaned_prompt():
    pytest.importorskip("transformers")
    from director.engines.causal_wan.text import PromptEncoder
    from director.engines.causal_wan.tiny import tiny_components

    comps = tiny_components()
    seen = []
    tokenizer = comps.tokenizer

    def spy(texts, **kw):
        seen.extend(texts)
        return tokenizer(texts, **kw)

    enc = PromptEncoder(comps.text_encoder, spy, max_tokens=16)
    with torch.no_grad():
        a = enc("a cat &amp; a girl in the rain")
        b = enc("  a cat & a girl\nin the rain ")
    assert seen == ["a cat & a girl in the rain"]
    assert enc.encoded == 1 and torch.equal(a, b)
