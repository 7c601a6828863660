"""Free-text commands → structured directive parts.

    >>> from director.commands import parse_command
    >>> parse_command("slow dolly in on the girl", [Character(name="girl")]).parts
    (CameraMove(move='dolly', direction='in', target='girl', pace='slow'),)

Deterministic rules first (``lexicon``, ``*_rules``); wording they miss goes to an offline
embedding matcher (``semantic``), unless ``use_embeddings=False``. See ``parse_command``; a
``Reader`` carries that choice down the floors as one object.
"""

from director.commands.parser import parse_command
from director.commands.reader import RULES_ONLY, WITH_MEANING, Reader
from director.commands.result import CommandParse

__all__ = ["CommandParse", "parse_command", "Reader", "RULES_ONLY", "WITH_MEANING"]
