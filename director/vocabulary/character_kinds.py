"""Every kind of character, defined once: its name, the nouns that name it, its size (what the camera
frames), its walk and run speeds, the figure previz draws for it, and plain phrases for the embedding
matcher.

Read by the command rules (``commands.lexicon.KIND_NOUNS``, ``phrase_bank.KIND_BANK``), the world
(``world.cast.guess_kind``, the rig's framing, ``world.entity_motion`` speeds) and previz
(``figures.canonical_kind``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# A person's measures, also used for kinds that give none of their own.
PERSON_HEIGHT = 1.75  # metres
PERSON_WALK = 1.4  # m/s
PERSON_RUN = 4.0  # m/s
PERSON_STRIDE = 1.5  # metres per walk cycle (two steps)
OTHER_HEIGHT = 1.0  # metres: a subject of unknown size is framed as one metre tall
Figure = str  # what previz draws: 'person', 'cat', 'dog', 'bird', 'horse', 'car' or 'thing'


@dataclass(frozen=True)
class CharacterKindEntry:
    name: str
    description: str
    nouns: tuple[str, ...]  # lemmas that name it ("kitten" is a cat); a newcomer named so gets this kind
    figure: Figure = "thing"
    height: float = OTHER_HEIGHT  # metres: how tall the camera frames it
    framing_size: float = 0.0  # metres: animals are longer than tall; a shot frames max(height, this)
    walk_speed: float = PERSON_WALK  # m/s
    run_speed: float = PERSON_RUN  # m/s
    stride: float = PERSON_STRIDE  # metres per walk cycle
    guess_words: tuple[str, ...] = ()  # words in a declared character's text that make it this kind
    meanings: tuple[str, ...] = ()  # plain phrases for the embedding matcher ("a kitten")


_PEOPLE = (
    "person", "man", "woman", "boy", "girl", "child", "kid", "lady", "gentleman", "guy", "lad", "lass",
    "teenager", "teen", "baby", "toddler", "grandmother", "grandma", "grandpa", "grandfather", "mother",
    "mom", "mum", "father", "dad", "stranger", "figure", "soldier", "officer", "policeman", "policewoman",
    "dancer", "model", "musician", "tourist", "traveler", "traveller", "detective", "king", "queen",
    "princess", "prince", "knight", "wizard", "witch", "farmer", "student", "worker", "runner", "skater",
    "cyclist", "chef", "doctor", "nurse", "pedestrian", "passerby", "friend", "son", "daughter", "sister",
    "brother", "wife", "husband", "bride", "groom", "actor", "actress", "waiter", "waitress", "hero",
    "heroine", "villain", "human", "someone", "somebody", "couple", "schoolgirl",
    "schoolboy", "singer", "artist", "painter", "photographer", "postman", "vendor", "monk", "samurai",
    "ninja", "cowboy", "pirate", "sailor", "pilot", "driver", "hiker", "jogger", "elder", "youth",
    "gardener", "fisherman", "merchant", "beggar", "thief", "guard", "priest", "nun",
)


def _k(name: str, nouns: tuple[str, ...] = (), description: str = "", **measures) -> CharacterKindEntry:
    return CharacterKindEntry(name, description or f"a {name}", nouns or (name,), **measures)


CHARACTER_KINDS: Mapping[str, CharacterKindEntry] = MappingProxyType({e.name: e for e in (
    _k("person", _PEOPLE, "a person (the default kind)", figure="person", height=PERSON_HEIGHT,
       meanings=("a person", "a human", "a man", "a woman", "a child")),
    _k("cat", ("cat", "kitten", "kitty", "tomcat", "kitteh", "moggy"), figure="cat", height=0.3, framing_size=1.0,
       walk_speed=1.0, run_speed=4.5, stride=0.5, guess_words=("cat", "kitten", "kitty"), meanings=("a cat", "a kitten")),
    _k("dog", ("dog", "puppy", "pup", "doggy", "doggo", "hound", "pooch", "mutt", "poodle", "terrier", "retriever",
               "labrador", "shepherd", "corgi", "dachshund", "bulldog"),
       figure="dog", height=0.6, framing_size=1.4, walk_speed=1.6, run_speed=5.5, stride=0.8,
       guess_words=("dog", "puppy", "hound"), meanings=("a dog", "a puppy")),
    _k("bird", ("bird", "sparrow", "pigeon", "crow", "raven", "seagull", "gull", "robin", "parrot", "owl", "eagle",
                "hawk", "dove", "swallow", "finch", "magpie", "hummingbird", "bluebird", "duck", "duckling", "goose",
                "chicken", "hen"),
       figure="bird", height=0.3, framing_size=0.7, walk_speed=3.0, run_speed=9.0, stride=0.4,
       guess_words=("bird", "crow", "pigeon", "seagull"), meanings=("a bird", "a small bird flying")),
    _k("horse", ("horse", "pony", "stallion", "mare", "foal", "steed"), figure="horse", height=1.7, framing_size=3.0,
       walk_speed=1.8, run_speed=8.0, stride=2.6, guess_words=("horse", "pony"), meanings=("a horse", "a pony")),
    _k("car", ("car", "taxi", "cab", "sedan", "jeep", "automobile", "convertible", "van", "suv"), figure="car",
       height=1.5, walk_speed=6.0, run_speed=14.0, stride=3.0, guess_words=("car", "taxi", "truck", "bus"),
       meanings=("a car", "an automobile")),
    _k("bicycle", ("bicycle", "bike", "tricycle"), height=1.1, walk_speed=4.0, run_speed=8.0, stride=2.0,
       guess_words=("bicycle", "bike", "cyclist"), meanings=("a bicycle", "a bike")),
    _k("motorcycle", ("motorcycle", "motorbike", "scooter", "moped"), meanings=("a motorcycle",)),
    _k("bus", ("bus", "tram", "trolley", "streetcar"), figure="car"),
    _k("truck", ("truck", "lorry"), figure="car"),
    _k("boat", ("boat", "ship", "sailboat", "yacht", "canoe", "ferry"), meanings=("a boat", "a ship")),
    _k("train"), _k("cow", figure="horse"), _k("sheep", ("sheep", "lamb")), _k("deer", ("deer", "fawn"), figure="horse"),
    _k("rabbit", ("rabbit", "bunny", "hare")), _k("fox", figure="cat"), _k("bear"), _k("fish"), _k("butterfly"),
    _k("robot", ("robot", "android"), figure="person"), _k("dragon"), _k("squirrel"), _k("mouse", ("mouse", "rat")),
    _k("goat"), _k("pig", ("pig", "piglet")), _k("elephant"), _k("wolf", figure="dog"), _k("monkey"), _k("frog"),
    _k("tiger", figure="cat"), _k("lion", figure="cat"), _k("giraffe"), _k("airplane", ("airplane", "plane")),
    _k("helicopter"), _k("drone"),
)})
CHARACTER_KIND_NAMES: tuple[str, ...] = tuple(CHARACTER_KINDS)
DEFAULT_KIND = "person"
# Kinds guessed from a declared character's words, in registry order (the first named wins; a person
# is what is left, so "a man with a dog" is guessed a dog).
GUESS_ORDER: tuple[str, ...] = tuple(e.name for e in CHARACTER_KINDS.values() if e.guess_words)


def kind_nouns() -> dict[str, str]:
    """Every noun → its kind, as the command rules read them."""
    return {noun: e.name for e in CHARACTER_KINDS.values() for noun in e.nouns}


def character_kind(name: str) -> CharacterKindEntry | None:
    """The entry for a kind name, or None for a kind nobody defined (written freely in a timeline)."""
    return CHARACTER_KINDS.get(name)


def guess_kind(*texts: str | None) -> str:
    """The kind a declared character's words suggest ("a ginger cat" → cat); a person otherwise."""
    words = " ".join(t for t in texts if t).lower()
    for name in GUESS_ORDER:
        if any(f" {n}" in f" {words}" for n in CHARACTER_KINDS[name].guess_words):
            return name
    return DEFAULT_KIND
