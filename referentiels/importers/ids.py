"""Palier's ids for what an import finds: stable slugs of the source's own words."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str, limit: int = 64) -> str:
    """``Intermédiaire`` → ``intermediaire``: lower case ASCII, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:limit].strip("-") or "x"


def unique(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2`` … when a previous item already has it."""
    value, n = candidate, 2
    while value in taken:
        value = f"{candidate}-{n}"
        n += 1
    taken.add(value)
    return value
