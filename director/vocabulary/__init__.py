"""The vocabulary: each camera move, character kind, weather, time of day and scene kind defined ONCE.

Every other floor reads these registries instead of keeping its own table: the timeline schema's
allowed names, the command rules' verbs and phrases, the rig, the prose, previz figures and sounds.
Data only: this package imports nothing from ``director`` (so even ``plan`` may build its schema
from it). Functions that realise an entry and need world types live in ``world/`` keyed by the
entry's name (``world.rig_moves.RIG_MOVES``, ``world.environment.WEATHER_EFFECTS``).
"""

from director.vocabulary.camera_moves import CAMERA_MOVE_NAMES, CAMERA_MOVES, CameraMoveEntry, camera_move
from director.vocabulary.character_kinds import CHARACTER_KIND_NAMES, CHARACTER_KINDS, CharacterKindEntry
from director.vocabulary.scene_kinds import SCENE_DETAILS, SCENE_KIND_NAMES, SCENE_KINDS
from director.vocabulary.times_of_day import HOUR_OF, TIME_OF_DAY_NAMES, TIMES_OF_DAY
from director.vocabulary.weather import WEATHER_NAMES, WEATHERS

__all__ = [
    "CAMERA_MOVES", "CAMERA_MOVE_NAMES", "CameraMoveEntry", "camera_move",
    "CHARACTER_KINDS", "CHARACTER_KIND_NAMES", "CharacterKindEntry",
    "SCENE_KINDS", "SCENE_KIND_NAMES", "SCENE_DETAILS",
    "TIMES_OF_DAY", "TIME_OF_DAY_NAMES", "HOUR_OF",
    "WEATHERS", "WEATHER_NAMES",
]
