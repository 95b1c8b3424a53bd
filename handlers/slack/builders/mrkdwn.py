"""Small helpers to put référentiel text and people's own words into Slack mrkdwn safely.

Slack reads ``&``, ``<`` and ``>`` as control characters (``<!channel>``,
``<https://…|label>``), so :func:`escape` turns them into the entities its docs
give. What people type or are called (display names, evidence, comments, 1:1
topics and notes) goes through :func:`user_text` instead, wherever others read it,
in blocks and in a message's top-level ``text`` alike: Slack has no escape for
``*``, ``_``, ``~`` and backticks (a backslash shows as is), so each becomes a
look-alike Slack never reads as formatting, and a name such as ``*Boss*`` shows as
typed, never bold.
"""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.i18n import Translator
from bot.i18n.rich import Mention, Param, Plain, Rich, Typed
from bot.views import referentiel as referentiel_view
from handlers.slack.markup import to_mrkdwn
from referentiels.models import Competency, LevelDescriptor

SECTION_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Each formatting character and its look-alike: ∗ (asterisk operator), ＿ (full-width low
# line), ∼ (tilde operator), ˋ (modifier letter grave accent).
_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"})


def user_text(text: str) -> str:
    """What a person wrote or is called, for mrkdwn: escaped, and never formatting."""
    return escape(text).translate(_LOOKALIKES)


def name_text(name: str | None, user_id: str) -> str:
    """A person in mrkdwn: their display name as :func:`user_text`, else a mention."""
    return user_text(name) if name else f"<@{user_id}>"


def _value(param: Param) -> str:
    if isinstance(param, Rich):
        return from_rich(param)
    if isinstance(param, Typed):
        return user_text(param.text)
    if isinstance(param, Mention):
        return name_text(param.name, param.user_id)
    if isinstance(param, Plain):
        return escape(param.text)
    return str(param)


def from_rich(text: Rich) -> str:
    """A neutral text (:mod:`bot.i18n.rich`) in mrkdwn: the catalog's markup rewritten,
    quoted text escaped, a person's words never formatting, a mention a name or ``<@id>``."""
    return text.render(to_mrkdwn, _value)


def sections(text: str, limit: int = SECTION_LIMIT) -> list[SectionBlock]:
    """``text`` as as many section blocks as Slack's 3,000-character limit needs.

    Cuts at line ends, so a quoted sentence is never split unless a single line is
    itself over the limit.
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks if chunk.strip()]


def descriptor_lines(descriptor: LevelDescriptor, t: Translator) -> list[str]:
    """A matrix cell, quoted (the core's :func:`bot.views.referentiel.descriptor_lines`)."""
    return [from_rich(line) for line in referentiel_view.descriptor_lines(descriptor, t)]


def criteria_lines(competency: Competency) -> list[str]:
    """A certification competency's evaluation criteria, quoted."""
    return [from_rich(line) for line in referentiel_view.criteria_lines(competency)]
