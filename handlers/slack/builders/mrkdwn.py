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
    """A matrix cell, quoted: its aspects, their outcomes and the expected result."""
    lines = []
    for aspect in descriptor.aspects:
        text = escape(aspect.text)
        if aspect.name:
            text = t("common.label_value", label=f"*{escape(aspect.name)}*", value=text)
        lines.append(f"• {text}")
        if aspect.outcome:
            lines.append(f"    ⇒ {escape(aspect.outcome)}")
    if descriptor.expected_result:
        label = t("slack.modal.expected_result")
        lines.append(
            "⇒ " + t("common.label_value", label=label, value=escape(descriptor.expected_result))
        )
    return lines


def criteria_lines(competency: Competency) -> list[str]:
    """A certification competency's evaluation criteria, quoted."""
    lines = []
    for criterion in competency.criteria:
        code = f"{escape(criterion.code)} " if criterion.code else ""
        lines.append(f"• {code}{escape(criterion.text)}")
        lines.extend(f"    – {escape(item)}" for item in criterion.items)
        if criterion.conclusion:
            lines.append(f"    {escape(criterion.conclusion)}")
    return lines
