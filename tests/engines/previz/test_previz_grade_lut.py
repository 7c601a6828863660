"""The tone curve through a one-channel LUT (styles with one curve for all channels) gives the same bytes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from director.engines.previz.grade import Grade
from director.plan.styles import STYLES, get_style


@pytest.mark.parametrize("name", sorted(STYLES))
def test_grade_applies_the_per_channel_curve(name):
    grade = Grade(get_style(name))
    img = np.random.default_rng(2).integers(0, 256, (37, 53, 3), np.uint8)
    saturation = grade.style.saturation
    ref = img
    if abs(saturation - 1.0) > 1e-3:
        grey = cv2.cvtColor(cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        ref = cv2.addWeighted(ref, saturation, grey, 1.0 - saturation, 0.0)
    ref = cv2.LUT(ref, grade._tone)  # the per-channel curve [256, 1, 3]
    assert np.array_equal(grade.apply(img), ref)


def test_natural_uses_the_one_channel_lut():
    assert Grade(get_style("natural"))._tone_cv.shape == (256, 1, 1)  # the fast path is taken where it can be


@pytest.mark.parametrize("name", ["natural", "noir"])
def test_a_grade_that_skips_its_curve_still_returns_a_new_array(name):
    """natural's curve is the identity (skipped); noir's runs on the grey channel: callers own the result."""
    img = np.random.default_rng(3).integers(0, 256, (5, 7, 3), np.uint8)
    out = Grade(get_style(name)).apply(img)
    assert not np.may_share_memory(out, img) and out.shape == img.shape
    if name == "natural":
        assert Grade(get_style(name))._tone_identity and np.array_equal(out, img)


@pytest.mark.parametrize("style", ["natural", "noir", "1980s film", "cyberpunk"])
def test_a_temporary_given_up_is_graded_without_a_copy_only_where_the_grade_changes_nothing(style):
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (40, 30, 3), np.uint8)
    grade = Grade(get_style(style))
    expected = grade.apply(rgb)
    assert expected is not rgb and not np.shares_memory(expected, rgb)  # the caller's array is never handed back
    given_up = rgb.copy()
    got = grade.apply(given_up, own=True)
    assert np.array_equal(got, expected)
    assert (got is given_up) == (style == "natural")  # the natural grade changes nothing: no copy
    column_block = rgb.copy()[:, 5:20]  # a non-contiguous block of a texture (a sky's columns)
    assert np.array_equal(grade.apply(column_block, own=True), grade.apply(rgb[:, 5:20]))
