"""Who sees a person's data, in words: the readers :func:`bot.domain.access.readers`
works out from the access policy, named from the catalog and joined as a list the
language's way (CLDR, through Babel: « vous, votre manager et … », "you, your manager,
and …").

Every sentence that tells people who sees their data (help, Home, evidence form, 1:1
brief, welcome, a team Palier is added to) takes its ``{readers}`` from here, so the
words cannot say less — or more — than the rule Palier enforces.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.lists import format_list

from bot.domain.access import Reader
from bot.i18n import Translator
from bot.i18n.rich import Plain


def readers_text(readers: Sequence[Reader], t: Translator, *, of_someone: bool = False) -> Plain:
    """``readers`` named to the person whose data it is (``of_someone``: to others, the
    person in the third person), as one list."""
    section = "welcome_dm.readers_of_someone" if of_someone else "welcome_dm.readers"
    names = [t(f"{section}.{reader.value}") for reader in readers]
    return Plain(format_list(names, locale=str(t.locale).replace("-", "_")))
