"""Control characters in text from outside: found, so every input can refuse them.

Pure (no Django): the API schemas, the web forms and the intake service share it. A single
line allows none; a multi-line text allows tab, line feed and carriage return, as a typed
paragraph has them. DEL and the C1 range count too: no keyboard types them, and a terminal or
a spreadsheet may act on them.
"""

from __future__ import annotations

import re

_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def first_control_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """(1-based position, the character) of the first control character, or None."""
    found = (_IN_TEXT if multiline else _IN_LINE).search(text)
    if found is None:
        return None
    return found.start() + 1, found.group()


def code_point(character: str) -> str:
    """U+001B: how a message names a character that cannot be shown."""
    return f"U+{ord(character):04X}"
