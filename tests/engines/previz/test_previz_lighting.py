"""A ``Light``'s colours: worked out once per light value, shared read-only."""

from __future__ import annotations

import numpy as np
import pytest

from director.engines.previz.lighting import Light
from director.world.state import Environment


def test_a_lights_colours_are_worked_out_once_and_shared_read_only():
    """A frame asks a ``Light`` for the same colours many times (bakes, ground, figures, sky, probes): they are
    worked out once per light value and handed out read-only, so no caller can change another's."""
    dusk = Light.from_environment(Environment(hour=19.6))
    again = Light.from_environment(Environment(hour=19.6))  # another instance of the same light
    night = Light.from_environment(Environment(hour=23.0))
    assert dusk is not again and dusk == again
    for ask in (lambda li: li.ambient(), lambda li: li.fog_color(), lambda li: li.sky_colors()[1],
                lambda li: li.figure_fill(0.5), lambda li: li.rim(0.5)[0], lambda li: li.lamp_fill(0.5)):
        first = ask(dusk)
        assert ask(again) is first
        assert not first.flags.writeable
        with pytest.raises(ValueError):
            first += 1.0
    assert not np.allclose(night.ambient(), dusk.ambient())
    assert night.figure_fill(0.5) is not night.figure_fill(1.0)
    assert np.array_equal(dusk.lamp_fill(lamps=0.5), dusk.lamp_fill(0.5))  # called as the methods always were
