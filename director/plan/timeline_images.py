"""The images a timeline names, each with its place ("world.scene_image", "directive 3 (at 0:12.0): image"),
and the check that every one can be read before anything is rendered."""

from __future__ import annotations

from director.plan.assets import Assets
from director.plan.timeline import Timeline, TimelineError


def image_refs(timeline: Timeline) -> list[tuple[str, str]]:
    """(where, key) for every image the timeline names: world, characters, directives, in that order."""
    w = timeline.world
    refs = [(where, key) for where, key in (("world.scene_image", w.scene_image), ("world.style_image", w.style_image))
            if key]
    refs += [(f"character {c.name!r} image", c.image) for c in w.characters if c.image]
    refs += [(f"{d.label(i)}: image", d.image) for i, d in enumerate(timeline.directives) if d.image]
    return refs


def image_keys(timeline: Timeline) -> list[str]:
    """Every image key the timeline names, once each, in the order of ``image_refs``."""
    return list(dict.fromkeys(key for _, key in image_refs(timeline)))


def check_images(timeline: Timeline, assets: Assets) -> None:
    """Raise ``TimelineError`` listing every image that cannot be read, each at its place."""
    problems = assets.check(image_refs(timeline))
    if problems:
        raise TimelineError(problems)
