"""Reference images in the Direct tab: what a dropped image can be used for, and attaching it there."""

from __future__ import annotations

from director.plan.timecode import format_time
from director.plan.timeline import Timeline

ATTACH_SCENE, ATTACH_STYLE, ATTACH_LIBRARY = "World · scene image", "World · style image", "Library only"
CHARACTER_PREFIX, DIRECTIVE_PREFIX = "Character · ", "Directive "
LABEL_CHARS = 30  # a directive's text is cut to this in the menu


class GoneTarget(ValueError):
    """The directive an image was meant for is no longer in the timeline."""


def attach_choices(timeline: Timeline) -> list[str]:
    """The "Use it for" menu: the world's scene and style, each character, each directive, the library."""
    choices = [ATTACH_SCENE, ATTACH_STYLE]
    choices += [f"{CHARACTER_PREFIX}{c.name}" for c in timeline.world.characters]
    for i, d in enumerate(timeline.directives):
        text = d.text or d.prompt or "directive"
        choices.append(f"{DIRECTIVE_PREFIX}{i + 1} · {format_time(d.at)} · {text[:LABEL_CHARS]}")
    return [*choices, ATTACH_LIBRARY]


def attach_image(timeline: Timeline, target: str, key: str, role: str) -> Timeline:
    """``timeline`` with image ``key`` used for ``target`` (one of ``attach_choices``); on a directive
    as ``role`` (style, scene or character). Raises ``GoneTarget`` for a directive no longer there."""
    world = timeline.world
    if target == ATTACH_SCENE:
        return timeline.model_copy(update={"world": world.model_copy(update={"scene_image": key})})
    if target == ATTACH_STYLE:
        return timeline.model_copy(update={"world": world.model_copy(update={"style_image": key})})
    if target.startswith(CHARACTER_PREFIX):
        name = target.removeprefix(CHARACTER_PREFIX)
        chars = [c.model_copy(update={"image": key}) if c.name == name else c for c in world.characters]
        return timeline.model_copy(update={"world": world.model_copy(update={"characters": chars})})
    if target.startswith(DIRECTIVE_PREFIX):
        try:
            index = int(target.split(" ")[1]) - 1
            d = timeline.directives[index]
        except (ValueError, IndexError):
            raise GoneTarget("That directive is gone: pick it again in “Use it for”.") from None
        items = list(timeline.directives)
        items[index] = d.model_copy(update={"image": key, "image_role": role or "style"})
        return timeline.model_copy(update={"directives": items})
    return timeline
