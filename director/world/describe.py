"""Words for a structured part ("the camera dollies in on the girl", "the cat runs to the girl"),
for prompts, the UI and take notes. Camera moves say what their vocabulary entry's ``prose`` says.
"""

from __future__ import annotations

from director.plan.timeline import CameraMove, CharacterAction, SceneChange
from director.vocabulary.camera_moves import CAMERA_MOVES
from director.world.interpretation import Part
from director.world.time_warp import speed_words

# How each character action reads after its subject.
ACTION_PROSE = {"enter": "enters", "leave": "leaves", "walk": "walks", "run": "runs", "stop": "stops",
                "turn": "turns", "idle": "waits", "cross": "passes by", "wave": "waves", "point": "points",
                "sit": "sits down", "dance": "dances", "jump": "jumps", "fall": "falls"}
TOWARDS_ACTIONS = ("walk", "run", "enter")  # "walks to the girl"; gestures are "at", others "towards"
GESTURES_AT = ("wave", "point")


def describe_part(part: Part) -> str:
    """Words for a structured part (prompts and the UI), e.g. 'the cat runs to the girl'."""
    if isinstance(part, CameraMove):
        bits = ["the camera", CAMERA_MOVES[part.move].prose]
        if part.direction:
            bits.append(part.direction)
        if part.shot:
            bits.append(part.shot.replace("_", " ") + " shot")
        if part.target:
            bits.append(("of the " if part.shot else "the ") + part.target)
        return " ".join(bits)
    if isinstance(part, CharacterAction):
        who = part.text or called(part.name)
        where = ""
        if part.target:
            if part.action in TOWARDS_ACTIONS:
                where = f" to {called(part.target)}"
            elif part.action in GESTURES_AT:
                where = f" at {'the camera' if part.target == 'near' else called(part.target)}"
            else:
                where = f" towards {called(part.target)}"
        return f"{who} {ACTION_PROSE[part.action]}{where}"
    if isinstance(part, SceneChange):
        bits = [w for w in (part.scene, part.weather, part.time_of_day, part.event) if w]
        if part.dissolve and part.scene:
            bits[0] = f"dissolve to {part.scene}"
        if part.fade:
            bits.append("fade to black" if part.fade == "out" else "fade in from black")
        if part.lights is not None:
            bits.append("lights on" if part.lights else "lights off")
        if part.speed is not None:
            bits.append(speed_words(part.speed))
        return ", ".join(bits)
    return part.text or part.preset or ""


def called(name: str) -> str:
    """'girl' -> 'the girl', 'Ana' -> 'Ana' (a name needs no article)."""
    return name if name[:1].isupper() else f"the {name}"
