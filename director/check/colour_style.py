"""Style changes judged by colour statistics (Lab mean and spread); a black-and-white style by chroma."""

from __future__ import annotations

import math

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words
from director.check.picture_stats import before_after
from director.check.verdict import Verdict
from director.plan.timeline import StyleChange

COLOUR_SHIFT = 3.0  # Lab units of mean or spread change that a style change must make
GREY_CHROMA = 6.0  # mean chroma below this reads as black and white
MONOCHROME = ("noir", "black and white", "black-and-white", "monochrome", "b&w")


def check_style(e: Expectation, clip: DecodedClip) -> Verdict:
    st = e.part
    assert isinstance(st, StyleChange)
    words = effect_words(st)
    if e.first_directive_at_start:
        return Verdict(e.index, e.at, e.text, "style", words, "the opening look", "not_checkable",
                       "the clip starts with it: nothing before to compare")
    before, after = before_after(clip, e.start, max(e.end, e.start + 2.0 / clip.fps))
    shift = math.dist(before.lab_mean, after.lab_mean) + math.dist(before.lab_std, after.lab_std)
    said = " ".join(w for w in (st.preset, st.text, e.text) if w).lower()
    if any(m in said for m in MONOCHROME):
        return Verdict(e.index, e.at, e.text, "style", words, "the colour drains to black and white",
                       "pass" if after.chroma <= GREY_CHROMA else "fail",
                       f"chroma {before.chroma:.0f} → {after.chroma:.0f}", round(after.chroma, 3), "chroma")
    if not st.preset:
        return Verdict(e.index, e.at, e.text, "style", words, "style words for neural engines", "not_checkable",
                       f"colours moved {shift:.1f} Lab units; free style words are not judged", round(shift, 3), "Lab")
    return Verdict(e.index, e.at, e.text, "style", words, "the colours change", "pass" if shift >= COLOUR_SHIFT else "fail",
                   f"colour statistics moved {shift:.1f} Lab units", round(shift, 3), "Lab")
