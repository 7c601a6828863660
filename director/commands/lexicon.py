"""Word lists the rules read, written in base form (lemma): the grammar words live here; the words
that name camera moves, character kinds, weather and times of day come from ``director.vocabulary``.

Multi-word entries are written with spaces ("push in") and matched on lemmas, so "pushes in" and
"pushing in" match "push in". ``VOCABULARY`` (every single word below) is what ``tokens.lemma``
checks endings against.
"""

from __future__ import annotations

from director.vocabulary.camera_moves import CAMERA_MOVES, CAMERA_VERB_GROUPS, Direction
from director.vocabulary.character_kinds import kind_nouns
from director.vocabulary.times_of_day import time_phrases
from director.vocabulary.weather import weather_words

# --- irregular forms --------------------------------------------------------------------------
IRREGULAR: dict[str, str] = {
    "ran": "run", "went": "go", "gone": "go", "goes": "go", "came": "come", "fell": "fall", "fallen": "fall",
    "rose": "rise", "risen": "rise", "began": "begin", "begun": "begin", "swung": "swing", "drove": "drive",
    "driven": "drive", "flew": "fly", "flies": "fly", "flown": "fly", "grew": "grow", "got": "get", "gotten": "get",
    "broke": "break", "shook": "shake", "stood": "stand", "sat": "sit", "took": "take", "made": "make",
    "lit": "light", "struck": "strike", "blew": "blow", "dove": "dive", "rode": "ride", "ridden": "ride",
    "shone": "shine", "spun": "spin", "hid": "hide", "swam": "swim", "lay": "lie", "lies": "lie", "lying": "lie",
    "leapt": "leap", "crept": "creep", "slid": "slide", "strode": "stride", "sped": "speed", "fled": "flee",
    "stopped": "stop", "stopping": "stop", "children": "child", "people": "person", "men": "man",
    "women": "woman", "geese": "goose", "mice": "mouse", "sheep": "sheep", "fireworks": "firework",
    "lights": "light", "dying": "die", "closeup": "closeup", "close-up": "closeup",
    "closer": "closer", "nearer": "nearer", "further": "further", "farther": "farther",
    "is": "be", "are": "be", "was": "be", "were": "be", "am": "be", "been": "be",
    "has": "have", "had": "have", "does": "do", "did": "do", "us": "us", "its": "its", "this": "this",
    "left": "left", "towards": "toward", "backwards": "backward", "forwards": "forward",
    "upwards": "upward", "downwards": "downward", "news": "news", "bus": "bus", "always": "always",
    "gas": "gas", "canvas": "canvas", "glass": "glass", "grass": "grass", "across": "across",
}

# --- filler and helpers -----------------------------------------------------------------------
FILLER = {
    "then", "now", "suddenly", "meanwhile", "finally", "next", "please", "ok", "okay", "also", "just",
    "immediately", "so", "and", "after", "that", "soon", "eventually", "all", "of", "sudden", "well",
    "right", "away",
}
LEADING_PHRASES = ("all of a sudden", "after that", "at that moment", "right away", "and then", "at once")
START_VERBS = {"start", "begin", "continue", "keep", "try"}  # "starts to rain", "begins walking"
ARTICLES_DEFINITE = {"the", "this", "that", "our", "my", "your", "his", "her", "their"}
ARTICLES_INDEFINITE = {"a", "an", "another", "some", "one"}
NP_LINKS = {"with", "wearing", "in", "carrying", "holding", "who", "that", "from", "on"}  # "a man with a dog"
PREPOSITIONS = {
    "to", "toward", "into", "onto", "at", "on", "near", "by", "beside", "after", "around", "behind",
    "across", "through", "from", "past", "over", "under", "of", "up", "with", "off", "out", "in", "along",
}
ADVERBS = {
    "slowly", "quickly", "fast", "gently", "suddenly", "quietly", "happily", "calmly", "gradually",
    "carefully", "nervously", "excitedly", "playfully", "lazily", "slow", "swiftly", "briskly", "smoothly",
    "then", "also", "now", "finally", "soon", "immediately", "cautiously", "proudly", "curiously",
}
PRONOUNS_FEMALE = {"she", "her", "hers", "herself"}
PRONOUNS_MALE = {"he", "him", "his", "himself"}
PRONOUNS_NEUTRAL = {"it", "they", "them"}
CAMERA_SUBJECTS = ("the camera", "camera", "the view", "the shot", "the lens", "we", "let us", "let", "lets", "you")

# --- pace and amounts -------------------------------------------------------------------------
SLOW_WORDS = {
    "slow", "slowly", "gentle", "gently", "gradual", "gradually", "smooth", "smoothly", "leisurely",
    "lazy", "lazily", "subtle", "subtly", "steadily", "creep",
}
FAST_WORDS = {
    "fast", "quick", "quickly", "rapid", "rapidly", "swift", "swiftly", "whip", "snap", "crash",
    "speedy", "brisk", "briskly", "abrupt", "abruptly", "sudden", "suddenly", "hard",
}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fortyfive": 45, "sixty": 60,
    "ninety": 90, "hundred": 100, "twice": 2, "double": 2, "triple": 3, "half": 0.5,
}
DEGREE_UNITS = {"degree", "deg", "degrees"}
ZOOM_UNITS = {"x", "time", "times"}
METRE_UNITS = {"metre": 1.0, "meter": 1.0, "m": 1.0, "foot": 0.3048, "feet": 0.3048, "ft": 0.3048,
               "step": 0.7, "pace": 0.7, "yard": 0.9144}

# --- camera -----------------------------------------------------------------------------------
# Camera verbs: lemma (or phrase) → (move, implied direction), from the vocabulary's camera moves
# and verb groups. Group "move" means "decided by the direction": in/out → dolly, left/right → truck,
# up/down → pedestal. "look" and "turn" are read by the rules (tilt for up/down, pan for left/right,
# focus for "look at X").
CAMERA_VERBS: dict[str, tuple[str, Direction | None]] = {
    phrase: (entry.name, implied)
    for entry in (*CAMERA_MOVES.values(), *CAMERA_VERB_GROUPS.values())
    for phrase, implied in entry.verbs.items()
}
DIRECTION_WORDS: dict[str, Direction] = {
    "left": "left", "right": "right", "up": "up", "down": "down", "in": "in", "out": "out",
    "forward": "in", "closer": "in", "nearer": "in", "inward": "in", "inwards": "in", "ahead": "in",
    "back": "out", "backward": "out", "away": "out", "farther": "out", "further": "out", "outward": "out",
    "upward": "up", "skyward": "up", "skywards": "up", "overhead": "up", "heaven": "up", "heavens": "up",
    "downward": "down", "clockwise": "right", "counterclockwise": "left", "anticlockwise": "left",
    "leftward": "left", "rightward": "right", "sideways": "right",
}
# Nouns that imply a direction when looked at: "look up at the sky", "tilt down to the floor".
UP_NOUNS = {"sky", "ceiling", "moon", "star", "stars", "cloud", "clouds", "sun", "roof", "treetop", "top"}
DOWN_NOUNS = {"ground", "floor", "feet", "foot", "street", "road", "water", "bottom", "shoe", "shoes", "grass"}
# Phrases whose "in"/"out"/"up" are not camera directions.
SHOT_SIZES: dict[str, str] = {
    "extreme close up": "extreme_close", "extreme closeup": "extreme_close", "extreme close": "extreme_close",
    "very close": "extreme_close", "ecu": "extreme_close", "macro": "extreme_close", "macro shot": "extreme_close",
    "close up": "close", "closeup": "close", "close shot": "close", "tight shot": "close", "tight": "close",
    "medium close up": "close", "medium shot": "medium", "mid shot": "medium", "medium": "medium",
    "waist shot": "medium", "cowboy shot": "medium", "two shot": "medium", "midshot": "medium",
    "full shot": "wide", "long shot": "wide", "wide shot": "wide", "wide angle": "wide", "wide": "wide",
    "full body": "wide", "extreme wide": "extreme_wide", "extreme wide shot": "extreme_wide",
    "extreme long shot": "extreme_wide", "very wide": "extreme_wide", "establishing shot": "extreme_wide",
    "establish shot": "extreme_wide", "panorama": "extreme_wide", "panoramic": "extreme_wide",
    "aerial shot": "extreme_wide", "bird eye view": "extreme_wide",
}
SHAKE_STRENGTH: dict[str, float] = {
    "slight": 0.25, "slightly": 0.25, "gentle": 0.25, "gently": 0.25, "little": 0.25, "subtle": 0.25,
    "light": 0.25, "strong": 0.8, "strongly": 0.8, "violent": 1.0, "violently": 1.0, "hard": 0.8,
    "heavy": 0.8, "wild": 0.9, "wildly": 0.9, "intense": 0.9, "earthquake": 1.0,
}

# --- characters -------------------------------------------------------------------------------
# Noun → kind, from the vocabulary's character kinds. People are kind "person"; the noun itself
# becomes a newcomer's name.
KIND_NOUNS: dict[str, str] = kind_nouns()
FEMALE_WORDS = {
    "woman", "girl", "lady", "mother", "mom", "mum", "grandma", "grandmother", "princess", "queen", "witch",
    "lass", "daughter", "sister", "wife", "bride", "actress", "waitress", "heroine", "schoolgirl", "policewoman",
    "nun", "she", "her",
}
MALE_WORDS = {
    "man", "boy", "guy", "gentleman", "lad", "father", "dad", "grandpa", "grandfather", "king", "prince",
    "son", "brother", "husband", "groom", "actor", "waiter", "policeman", "schoolboy", "monk", "he", "him",
    "fisherman", "cowboy", "priest", "postman",
}
# Place words → CharacterAction.target places.
PLACES: dict[str, str] = {
    "left": "left", "right": "right", "center": "center", "centre": "center", "middle": "center",
    "camera": "near", "us": "near", "viewer": "near", "foreground": "near", "front": "near", "lens": "near",
    "closer": "near", "nearer": "near", "near": "near", "audience": "near",
    "distance": "far", "background": "far", "horizon": "far", "back": "far", "far": "far", "farther": "far",
    "away": "away",
}
SIDES: dict[str, str] = {"left": "left", "right": "right", "back": "back", "behind": "back",
                         "background": "back", "front": "front", "foreground": "front", "camera": "front"}
FRAME_NOUNS = {"frame", "view", "shot", "scene", "picture", "screen", "sight", "stage"}

# Character verbs: lemma (or phrase) → action. "leave" and "enter" also come from particles:
# any motion verb + "off" leaves, + "in"/"into the frame" enters, + "out of the frame" leaves.
CHARACTER_VERBS: dict[str, str] = {
    **{w: "enter" for w in (
        "enter", "appear", "arrive", "emerge", "come in", "step in", "show up", "pop up", "pop in",
        "come into view", "come out", "reappear", "walk in", "run in", "turn up", "burst in",
    )},
    **{w: "leave" for w in (
        "leave", "exit", "depart", "disappear", "vanish", "go away", "wander off", "walk off", "run off",
        "head off", "go off", "step out", "take off", "fly off", "drive off", "drive away", "fly away",
        "leave the frame", "make an exit", "make her exit", "make his exit", "make its exit",
    )},
    **{w: "walk" for w in (
        "walk", "stroll", "wander", "amble", "saunter", "go", "move", "head", "approach", "come", "step",
        "stride", "march", "pace", "tiptoe", "creep", "sneak", "drift", "waddle", "limp", "trudge", "stagger",
        "drive", "ride", "fly", "swim", "glide", "cross", "follow", "join", "return", "wade", "float", "crawl",
        "climb", "hop", "skip", "trot", "travel", "roam", "meander", "shuffle", "hike", "plod", "slink",
        "prowl", "cycle", "pedal", "sail", "make way", "make her way", "make his way", "make its way",
        "make their way", "get closer", "get close", "come closer", "walk over",
        "head over", "go over", "wander over", "stroll over", "come over", "stumble", "skate", "pass",
    )},
    **{w: "run" for w in (
        "run", "dash", "sprint", "race", "rush", "hurry", "dart", "bolt", "charge", "scamper", "scurry",
        "zoom", "gallop", "jog", "chase", "flee", "speed", "leap", "bound", "pounce", "scramble", "hurtle",
        "zip", "whiz", "lunge", "run over", "dash over", "bolt off",
    )},
    **{w: "stop" for w in (
        "stop", "halt", "freeze", "pause", "stand still", "come to a stop", "come to a halt", "stop move",
        "stop walk", "stop run", "stay still", "keep still",
    )},
    **{w: "turn" for w in (
        "turn", "face", "spin", "pivot", "look", "turn around", "turn back", "glance", "look back", "rotate",
        "whirl", "look around", "turn round", "spin around",
    )},
    **{w: "idle" for w in (
        "wait", "rest", "sleep", "lie", "stand", "idle", "relax", "linger", "loiter", "stay", "remain",
        "nap", "lie down", "stand around", "curl up", "stand there", "wait there", "get up", "stand up",
    )},
    # A crowd gathers: its members come in and stop together (around someone, if named).
    **{w: "gather" for w in ("gather", "gather around", "gather round", "assemble", "congregate", "crowd around",
                             "huddle", "huddle together", "form a crowd", "mill around")},
    # Gestures and poses, done in place.
    **{w: "sit" for w in ("sit", "sit down", "sit on the ground", "perch")},
    **{w: "wave" for w in ("wave", "wave hello", "wave goodbye", "wave her hand", "wave his hand", "wave their hand")},
    **{w: "point" for w in ("point", "gesture", "point out")},
    **{w: "dance" for w in ("dance", "boogie", "twirl", "sway to the music")},
    **{w: "jump" for w in ("jump", "jump up", "jump up and down", "hop up and down", "jump for joy")},
    **{w: "fall" for w in ("fall", "fall down", "fall over", "trip", "trip over", "collapse", "tumble", "faint",
                           "drop to the ground", "keel over")},
}

# --- scene ------------------------------------------------------------------------------------
# Weather nouns/verbs/adjectives → (weather, implied intensity or None), from the vocabulary.
WEATHER_WORDS: dict[str, tuple[str, float | None]] = weather_words()
CLEAR_PHRASES = (
    "clear sky", "clear skies", "sky clear", "weather clear", "sun come out", "sunny", "sunshine",
    "blue sky", "clear up", "clear weather", "fair weather", "clear",
)
STOP_WORDS_WEATHER = {"stop", "end", "cease", "lift", "clear", "pass", "die", "fade", "disappear", "no", "dissipate"}
INTENSITY_WORDS: dict[str, float] = {
    "light": 0.3, "lightly": 0.3, "gentle": 0.3, "gently": 0.3, "slight": 0.3, "slightly": 0.3, "soft": 0.3,
    "little": 0.3, "bit": 0.3, "thin": 0.3, "faint": 0.3, "moderate": 0.6, "steady": 0.6, "steadily": 0.6,
    "heavy": 0.9, "heavily": 0.9, "hard": 0.9, "strong": 0.9, "strongly": 0.9, "torrential": 1.0,
    "dense": 0.9, "thick": 0.9, "intense": 0.9, "fierce": 0.9, "violent": 1.0,
    "huge": 0.9, "big": 0.8, "massive": 1.0,
}
TIME_PHRASES: dict[str, str] = time_phrases()  # phrase → time of day, from the vocabulary
LIGHT_NOUNS = {"light", "lamp", "streetlight", "streetlamp", "lantern", "neon", "bulb", "headlight"}
LIGHTS_ON_PHRASES = ("turn on", "switch on", "flick on", "come on", "light up", "go on", "flicker on", "on")
LIGHTS_OFF_PHRASES = ("turn off", "switch off", "flick off", "go out", "go off", "shut off", "off", "out",
                      "blackout", "power cut", "power go out", "kill")
EVENT_WORDS: dict[str, str] = {
    "lightning": "lightning", "lightening": "lightning", "bolt": "lightning", "thunder": "thunder",
    "thunderclap": "thunder", "rumble": "thunder", "explosion": "explosion", "explode": "explosion",
    "blast": "explosion", "blow up": "explosion", "detonate": "explosion", "boom": "explosion",
    "firework": "fireworks", "fireworks": "fireworks", "pyrotechnic": "fireworks",
}
# "we are now in a forest", "the scene changes to a beach", "cut to a desert"...
SETTING_PATTERNS = (
    r"^(?:and\s+)?(?:now\s+)?we(?:\s+are|'re|\s+find\s+ourselves)\s+(?:now\s+)?(?:in|at|on|inside)\s+(?P<x>.+)$",
    r"^(?:now\s+)?we\s+(?:arrive|land)\s+(?:in|at|on)\s+(?P<x>.+)$",
    r"^(?:the\s+)?(?:scene|setting|location|place|world|background)\s+(?:now\s+)?(?:changes|shifts|moves|cuts|switches|turns|transforms|becomes|is now|is)\s+(?:in)?to\s+(?P<x>.+)$",
    r"^(?:the\s+)?(?:scene|setting|location|background)\s+(?:is\s+)?(?:now\s+)?(?:is\s+)?(?P<x>(?:a|an|the)\s+.+)$",
    r"^(?:(?:hard|jump|smash|slow|slowly)\s+)?(?:cut|switch|change|move|jump|transition|teleport|go|travel|fade|dissolve|cross-?\s?fade|mix)\s+(?:the\s+scene\s+)?(?:over\s+)?to\s+(?P<x>.+)$",
    r"^(?:meanwhile\s+)?(?:meanwhile|elsewhere|later),?\s+(?:in|at|on)\s+(?P<x>.+)$",
    r"^welcome\s+to\s+(?P<x>.+)$",
    r"^(?:now\s+)?(?:we\s+are\s+)?(?:suddenly\s+)?(?:inside|in|at)\s+(?P<x>(?:a|an|the)\s+.+)$",
)

# Collective nouns: "a flock of birds" is about the birds.
COLLECTIVES = {"flock", "group", "herd", "pack", "crowd", "couple", "pair", "swarm", "gang", "family", "bunch",
               "team", "school", "troop", "litter"}

# --- style ------------------------------------------------------------------------------------
STYLE_PATTERNS = (
    r"^(?:make|render|draw|paint|show|turn)\s+(?:it|this|everything|the\s+(?:video|scene|image|world|clip|film|shot))\s+(?:look\s+)?(?:like|as|in|into)\s+(?P<x>.+)$",
    r"^(?:make|render)\s+(?:it|this|everything|the\s+(?:video|scene|image|world|clip|film|shot))\s+look\s+(?P<x>.+)$",
    r"^(?:(?:switch|change|go|set)\s+(?:the\s+)?(?:style\s+)?to\s+)?(?:in\s+)?the\s+style\s+of\s+(?P<x>.+)$",
    r"^(?:in\s+)?(?:the\s+)?style\s+of\s+(?P<x>.+)$",
    r"^(?:switch|change|set)\s+(?:the\s+)?(?:style|look)\s+to\s+(?P<x>.+)$",
    r"^(?:use\s+)?(?:the\s+)?style\s*:?\s+(?P<x>.+)$",
    r"^(?:use|apply)\s+(?:the\s+)?(?P<x>.+?)\s+(?:preset|style|look|filter|grade)$",
    r"^(?:switch|change|go)\s+to\s+(?:a\s+|an\s+)?(?P<x>.+?)\s+(?:style|look|preset)$",
    r"^(?P<x>.+?)\s+(?:style|aesthetic|preset)$",
)
# Weak style phrases, read only when no scene word matched: "make it black and white" (but
# "make it rain" is weather).
STYLE_WORDS = {
    "black", "white", "monochrome", "sepia", "grayscale", "greyscale", "colorful", "colourful", "vintage", "retro",
    "noir", "cinematic", "dreamy", "painterly", "cartoon", "cartoonish", "anime", "pixel", "watercolor",
    "watercolour", "grainy", "vhs", "film", "pastel", "neon", "psychedelic", "surreal", "realistic",
    "photorealistic", "sketch", "comic", "oil", "painting", "claymation", "3d", "2d", "old", "faded", "moody",
    "saturated", "desaturated", "warm", "cold", "cool", "gritty", "epic", "whimsical", "gothic", "minimalist",
}
WEAK_STYLE_PATTERNS = (
    r"^(?:make|render)\s+(?:it|this|everything|the\s+(?:video|scene|image|world|clip|film|shot))\s+(?P<x>.+)$",
)


def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    tables: list[object] = [
        CAMERA_VERBS, DIRECTION_WORDS, SHOT_SIZES, KIND_NOUNS, PLACES, CHARACTER_VERBS, WEATHER_WORDS,
        TIME_PHRASES, EVENT_WORDS, INTENSITY_WORDS, NUMBER_WORDS, SHAKE_STRENGTH,
    ]
    for table in tables:
        for key in table:  # type: ignore[attr-defined]
            words.update(str(key).split())
    for group in (FILLER, START_VERBS, SLOW_WORDS, FAST_WORDS, LIGHT_NOUNS, STOP_WORDS_WEATHER, FRAME_NOUNS,
                  UP_NOUNS, DOWN_NOUNS, DEGREE_UNITS, ZOOM_UNITS, set(METRE_UNITS)):
        words.update(group)
    for phrase in (*CLEAR_PHRASES, *LIGHTS_ON_PHRASES, *LIGHTS_OFF_PHRASES):
        words.update(phrase.split())
    words.update({"make", "look", "like", "style", "shot", "sun", "moon", "sky", "star", "cloud", "fall",
                  "set", "rise", "come", "change", "switch", "begin", "start", "turn", "grow", "get", "be",
                  "kill", "strike", "flash", "crack", "roll", "burst", "go", "light", "clear", "power"})
    return frozenset(words)


VOCABULARY: frozenset[str] = _vocabulary()
