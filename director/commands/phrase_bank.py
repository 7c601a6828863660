"""Canonical phrases the embedding matcher compares unknown wording with, one list per meaning.

Labels read "camera:<move>[:<direction>]", "scene:<field>[:<value>]", an action name, or a kind.
Phrases are short and plain: the model (all-MiniLM-L6-v2) compares meanings, so "the camera
swivels to the left" lands near "swing the view sideways" without the rules knowing "swivel".
"""

from __future__ import annotations

from director.vocabulary.camera_moves import CAMERA_MOVES
from director.vocabulary.character_kinds import CHARACTER_KINDS
from director.vocabulary.times_of_day import TIMES_OF_DAY
from director.vocabulary.weather import WEATHERS



def _meaning_label(kind: str, name: str, direction: str) -> str:
    return f"{kind}:{name}" + (f":{direction}" if direction else "")


# Camera and scene commands without a character subject: moves, weather and times of day from the
# vocabulary; lights and events here.
WORLD_BANK: dict[str, tuple[str, ...]] = {
    **{_meaning_label("camera", e.name, d): phrases for e in CAMERA_MOVES.values() for d, phrases in e.meanings.items()},
    **{f"scene:weather:{e.name}": e.meanings for e in WEATHERS.values() if e.meanings},
    **{f"scene:time_of_day:{e.name}": e.meanings for e in TIMES_OF_DAY.values() if e.meanings},
    "scene:lights:on": ("turn on the lights", "the lamps light up", "switch the lights on"),
    "scene:lights:off": ("turn off the lights", "the lights go out", "switch the lights off"),
    "scene:event:lightning": ("lightning strikes", "a flash of lightning"),
    "scene:event:thunder": ("thunder rumbles", "a clap of thunder"),
    "scene:event:explosion": ("something explodes", "a huge explosion", "a bomb goes off"),
    "scene:event:fireworks": ("fireworks burst in the sky", "a fireworks display"),
}

# What a character does: compared with "someone <verb phrase>".
ACTION_BANK: dict[str, tuple[str, ...]] = {
    "walk": ("someone walks", "someone strolls along", "someone moves along slowly", "someone goes somewhere"),
    "run": ("someone runs", "someone sprints", "someone rushes quickly", "someone races fast"),
    "enter": ("someone enters", "someone appears", "someone arrives", "someone comes into view"),
    "leave": ("someone leaves", "someone disappears", "someone goes away", "someone exits"),
    "stop": ("someone stops", "someone halts", "someone stands still", "someone stops moving"),
    "turn": ("someone turns around", "someone looks back", "someone spins around", "someone faces the other way"),
    "idle": ("someone waits", "someone rests", "someone lies down", "someone stands around"),
    "sit": ("someone sits down", "someone takes a seat", "someone sits on a chair"),
    "wave": ("someone waves", "someone waves hello", "someone raises a hand in greeting"),
    "point": ("someone points at something", "someone points a finger", "someone indicates something"),
    "dance": ("someone dances", "someone dances happily", "someone moves to the music"),
    "jump": ("someone jumps", "someone jumps up and down", "someone leaps in the air"),
    "fall": ("someone falls down", "someone trips and falls", "someone collapses to the ground"),
}

# What a newcomer is: compared with "a <noun>".
KIND_BANK: dict[str, tuple[str, ...]] = {e.name: e.meanings for e in CHARACTER_KINDS.values() if e.meanings}
