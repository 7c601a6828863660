"""How a character's words say it looks: hair colour and length, garments and their colours, build,
age and sex for people; size for animals. Read once per description by ``figures.draw_figure``.

"A stylish blonde female model in a red coat" → blonde long hair, a red knee-length coat;
"an old man in a grey coat and a hat" → grey hair, a grey coat, a hat; "a little girl in a red scarf"
→ a child's size, long hair, a red scarf. Words previz cannot draw stay words for neural engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

Color = tuple[int, int, int]

HAIR_COLORS: dict[str, Color] = {
    "blonde": (228, 196, 112), "blond": (228, 196, 112), "golden": (215, 175, 80), "fair": (220, 190, 120),
    "brown": (100, 62, 36), "brunette": (90, 55, 32), "chestnut": (120, 66, 36), "black": (28, 24, 24),
    "dark": (40, 30, 26), "red": (168, 58, 28), "ginger": (190, 90, 40), "auburn": (140, 55, 30),
    "grey": (175, 175, 178), "gray": (175, 175, 178), "silver": (200, 200, 205), "white": (232, 232, 232),
    "pink": (235, 140, 170), "blue": (60, 90, 200), "green": (60, 150, 80), "purple": (130, 70, 160),
}
GARMENT_COLORS: dict[str, Color] = {
    "red": (200, 40, 40), "blue": (50, 80, 190), "navy": (30, 40, 90), "green": (50, 140, 60),
    "yellow": (230, 200, 40), "white": (235, 235, 235), "black": (35, 35, 38), "orange": (230, 130, 40),
    "purple": (120, 60, 150), "pink": (235, 140, 170), "brown": (120, 80, 50), "grey": (128, 128, 132),
    "gray": (128, 128, 132), "beige": (205, 185, 150), "tan": (190, 150, 100), "khaki": (170, 160, 110),
    "golden": (210, 170, 70), "silver": (190, 195, 200), "cream": (235, 225, 200), "teal": (40, 130, 130),
    "maroon": (110, 30, 40), "denim": (60, 85, 130),
}
TOPS = ("coat", "jacket", "shirt", "dress", "sweater", "jumper", "hoodie", "blouse", "top", "raincoat",
        "robe", "wetsuit", "pyjamas", "pajamas", "suit", "uniform", "cloak", "overcoat", "parka", "cardigan",
        "vest", "t-shirt", "tshirt", "kimono", "gown", "apron", "poncho", "skirt")
LONG_TOPS = ("coat", "raincoat", "overcoat", "parka", "trench")  # reach the knees
FULL_LENGTH = ("robe", "gown", "kimono", "cloak")
WHOLE_BODY = ("wetsuit", "pyjamas", "pajamas", "overalls", "suit", "uniform", "jumpsuit")  # legs match the top
LEGS = ("trousers", "jeans", "pants", "shorts", "leggings")
HATS = ("hat", "cap", "beret", "beanie", "bonnet", "helmet", "hood", "fedora", "top hat")
FEMALE = ("woman", "girl", "lady", "female", "she", "her", "mother", "mom", "mum", "grandma", "grandmother",
          "princess", "witch", "queen", "actress", "bride", "daughter", "sister", "aunt", "model")
MALE = ("man", "boy", "male", "he", "his", "father", "dad", "grandpa", "grandfather", "king", "prince",
        "wizard", "guy", "gentleman", "son", "brother", "uncle", "farmer", "sailor")
CHILD = ("child", "kid", "toddler", "boy", "little girl", "little boy", "young girl", "schoolgirl",
         "schoolboy", "baby", "daughter", "son")
OLD = ("old", "elderly", "aged", "grandpa", "grandma", "grandfather", "grandmother", "granny", "senior")
HEAVY = ("stout", "fat", "heavy", "plump", "chubby", "burly", "big", "broad", "muscular")
SLIM = ("slim", "thin", "skinny", "slender", "lanky")
SMALL = ("small", "little", "tiny", "puppy", "kitten", "kitty", "baby", "young", "cub", "foal")
LARGE = ("big", "large", "huge", "giant", "enormous", "great")
DEFAULT_TOP: Color = (60, 110, 170)
DEFAULT_LEGS: Color = (45, 50, 75)
DEFAULT_HAIR: Color = (60, 40, 30)
JEANS: Color = (55, 75, 125)


@dataclass(frozen=True)
class PersonLooks:
    hair: Color | None  # None = bald
    long_hair: bool
    top: Color
    legs: Color
    top_kind: str  # shirt | coat | dress | robe
    hat: Color | None
    scarf: Color | None
    beard: Color | None
    scale: float  # height relative to an adult
    width: float  # torso width relative to an average build
    stoop: float  # forward lean of an old body, radians


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z\-]*", text.lower())


def _has(words: list[str], text: str, options) -> bool:
    return any((" " in o and o in text) or o in words for o in options)


def _colour_before(words: list[str], nouns, palette: dict[str, Color], reach: int = 3) -> Color | None:
    """The colour word just before one of ``nouns`` ("a red wool coat" → red for coat)."""
    for i, w in enumerate(words):
        if w in nouns or w.rstrip("s") in nouns:
            for j in range(i - 1, max(-1, i - 1 - reach), -1):
                if words[j] in palette:
                    return palette[words[j]]
                if words[j] in ("and", "with", "in", "a", "an", "the", "wearing"):
                    break
    return None


@lru_cache(maxsize=256)
def person_looks(description: str) -> PersonLooks:
    """Read a person's looks from words; what is not said keeps a neutral default."""
    text = description.lower()
    words = _words(text)
    female = _has(words, text, FEMALE) and not _has(words, text, ("man", "boy", "male", "he"))
    old = _has(words, text, OLD)
    child = _has(words, text, CHILD) and not old
    hair = _colour_before(words, ("hair", "haired", "curls", "ponytail", "braids", "pigtails"), HAIR_COLORS)
    if hair is None:
        for w in words:  # "a blonde woman", "a redhead"
            if w in ("blonde", "blond", "brunette", "redhead", "ginger"):
                hair = HAIR_COLORS.get(w, HAIR_COLORS["red"])
                break
    if hair is None:
        hair = HAIR_COLORS["grey"] if old else DEFAULT_HAIR
    if "bald" in words:
        hair = None
    long_hair = ("long" in words and any(w.startswith("hair") for w in words)) or \
        any(w in words for w in ("ponytail", "braids", "pigtails", "curls")) or \
        (female and not ("short" in words and "hair" in words))
    top = _colour_before(words, TOPS, GARMENT_COLORS, reach=4)
    top_kind = "shirt"
    for w in words:
        w = w.rstrip("s") if w not in ("dress",) else w
        if w in LONG_TOPS or w == "trench":
            top_kind = "coat"
            break
        if w in ("dress", "skirt", "gown"):
            top_kind = "dress"
            break
        if w in FULL_LENGTH:
            top_kind = "robe"
            break
    if top is None:  # the first colour word not said of hair, hat, scarf, legs or eyes
        taken = ("hair", "haired", "hat", "cap", "scarf", "eyes", "beard", *LEGS, *HATS)
        for i, w in enumerate(words):
            if w in GARMENT_COLORS and w not in ("blonde",) and not (i + 1 < len(words) and words[i + 1] in taken):
                if w in HAIR_COLORS and i + 1 < len(words) and words[i + 1] in ("hair", "haired"):
                    continue
                top = GARMENT_COLORS[w]
                break
    top = top or DEFAULT_TOP
    legs = _colour_before(words, LEGS, GARMENT_COLORS)
    if legs is None:
        legs = JEANS if "jeans" in words else (top if _has(words, text, WHOLE_BODY) else DEFAULT_LEGS)
    hat = None
    if _has(words, text, HATS):
        hat = _colour_before(words, HATS, GARMENT_COLORS) or (40, 38, 42)
    scarf = _colour_before(words, ("scarf",), GARMENT_COLORS) or ((180, 40, 40) if "scarf" in words else None)
    beard = None
    if "beard" in words or "bearded" in words:
        beard = _colour_before(words, ("beard",), HAIR_COLORS) or (hair if hair is not None else HAIR_COLORS["grey"])
    scale = 0.62 if child else (1.07 if "tall" in words else 0.93 if "short" in words and "hair" not in words else 1.0)
    width = 1.3 if _has(words, text, HEAVY) else 0.85 if _has(words, text, SLIM) else 1.0
    return PersonLooks(hair, long_hair, top, legs, top_kind, hat, scarf, beard, scale, width, 0.12 if old else 0.0)


def animal_scale(description: str) -> float:
    """An animal's size from words: "a tiny kitten" is smaller than "a cat", "a huge dog" bigger."""
    words = _words(description)
    if any(w in SMALL for w in words):
        return 0.65
    if any(w in LARGE for w in words):
        return 1.3
    return 1.0
