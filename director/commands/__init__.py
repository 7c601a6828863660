"""Free-text commands → structured directive parts.

    >>> from director.commands import parse_command
    >>> parse_command("slow dolly in on the girl", [Character(name="girl")]).parts
    (CameraMove(move='dolly', direction='in', target='girl', pace='slow'),)

Deterministic rules first (``lexicon``, ``*_rules``); wording they miss goes to an offline
embedding matcher (``semantic``), unless ``use_embeddings=False``. See ``parse_command``.
"""

from director.commands.parser import parse_command
from director.commands.result import CommandParse

__all__ = ["CommandParse", "parse_command"]
