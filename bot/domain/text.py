"""User text as Palier stores it: control characters removed, everything else kept.

Evidence, check-in evidence, 1:1 topics and notes and review comments are typed by
people and shown back to others. A NUL character cannot be stored at all
(PostgreSQL refuses it in text), and the other C0/C1 control characters are
invisible noise at best. They are stripped rather than refused: the person meant
the rest of the text, and an inline error about a character they cannot see would
not help them. Newlines and tabs are text, and stay; a carriage return is a line
break typed or pasted on another system (``\r\n``, a lone ``\r``), so it becomes a
newline rather than vanishing and gluing two lines together.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# C0 controls but tab (\x09) and newline (\x0a), DEL, and the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """``text`` with its line breaks as newlines, without control characters (tabs
    kept), then trimmed."""
    return CONTROL.sub("", LINE_BREAK.sub("\n", text)).strip()


# A pydantic field of user text: cleaned as it is parsed.
CleanText = Annotated[str, AfterValidator(clean_text)]
