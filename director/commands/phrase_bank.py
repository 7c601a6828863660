"""Canonical phrases the embedding matcher compares unknown wording with, one list per meaning.

Labels read "camera:<move>[:<direction>]", "scene:<field>[:<value>]", an action name, or a kind.
Phrases are short and plain: the model (all-MiniLM-L6-v2) compares meanings, so "the camera
swivels to the left" lands near "swing the view sideways" without the rules knowing "swivel".
"""

from __future__ import annotations

# Camera and scene commands without a character subject.
WORLD_BANK: dict[str, tuple[str, ...]] = {
    "camera:pan": ("pan the camera sideways", "swing the view sideways", "turn the camera to the side",
                   "sweep across the scene", "rotate the view horizontally"),
    "camera:tilt:up": ("tilt the camera up", "look upward", "point the camera at the sky"),
    "camera:tilt:down": ("tilt the camera down", "look downward", "point the camera at the ground"),
    "camera:zoom:in": ("zoom in", "magnify the image", "enlarge the picture", "zoom closer"),
    "camera:zoom:out": ("zoom out", "shrink the image", "widen the field of view"),
    "camera:dolly:in": ("move the camera closer", "push the camera forward", "advance toward the subject",
                        "approach the subject"),
    "camera:dolly:out": ("move the camera back", "pull the camera away", "withdraw from the subject"),
    "camera:truck": ("slide the camera sideways", "move the camera sideways", "track sideways"),
    "camera:pedestal:up": ("raise the camera higher", "lift the camera up", "the camera rises"),
    "camera:pedestal:down": ("lower the camera", "the camera sinks down", "bring the camera lower"),
    "camera:orbit": ("circle around the subject", "orbit around", "revolve around the subject"),
    "camera:shake": ("shake the camera", "shaky handheld camera", "the picture trembles", "camera jolts"),
    "camera:static": ("hold the camera still", "keep the camera steady", "the camera stops moving"),
    "camera:roll": ("roll the camera", "tilt the horizon", "dutch angle"),
    "camera:follow": ("follow the subject", "keep the subject in view while it moves"),
    "scene:weather:rain": ("it rains", "rain falls from the sky", "raindrops start falling", "wet rainy weather"),
    "scene:weather:snow": ("it snows", "snowflakes fall", "snowy winter weather"),
    "scene:weather:fog": ("fog rolls in", "thick mist covers everything", "foggy weather"),
    "scene:weather:wind": ("the wind blows", "a strong breeze", "windy weather"),
    "scene:weather:storm": ("a storm arrives", "a violent thunderstorm", "stormy weather"),
    "scene:weather:clear": ("the sky clears", "sunny clear weather", "the clouds go away"),
    "scene:time_of_day:dawn": ("the sun rises", "dawn breaks", "early morning light"),
    "scene:time_of_day:day": ("bright daytime", "midday sunshine", "it is the middle of the day"),
    "scene:time_of_day:dusk": ("the sun sets", "evening comes", "twilight"),
    "scene:time_of_day:night": ("night falls", "it becomes dark", "darkness at night"),
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
KIND_BANK: dict[str, tuple[str, ...]] = {
    "person": ("a person", "a human", "a man", "a woman", "a child"),
    "cat": ("a cat", "a kitten"),
    "dog": ("a dog", "a puppy"),
    "bird": ("a bird", "a small bird flying"),
    "horse": ("a horse", "a pony"),
    "car": ("a car", "an automobile"),
    "bicycle": ("a bicycle", "a bike"),
    "motorcycle": ("a motorcycle",),
    "boat": ("a boat", "a ship"),
}
