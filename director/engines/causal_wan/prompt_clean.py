"""Prompt text cleaned as Wan cleans it before UMT5 tokenizes it.

Wan's tokenizer wrapper (``wan/modules/tokenizers.py``, used with ``clean='whitespace'`` by Self-Forcing
and LongLive) repairs mojibake with ``ftfy.fix_text``, unescapes HTML entities twice (so ``&amp;amp;``
becomes ``&``), collapses every run of whitespace to one space and strips the ends. The model was trained
on prompts cleaned that way, so a prompt written with ``&quot;``, a non-breaking space or a line break
must reach the tokenizer the same way.
"""

from __future__ import annotations

import html

import ftfy
import regex  # transformers' own dependency; Wan uses it, and its \s is Unicode White_Space

_WHITESPACE = regex.compile(r"\s+")


def clean_prompt(text: str) -> str:
    """``text`` as Wan's ``whitespace_clean(basic_clean(text))`` returns it."""
    text = ftfy.fix_text(text)
    text = html.unescape(html.unescape(text)).strip()
    return _WHITESPACE.sub(" ", text).strip()
