"""Neutral views (:mod:`bot.views`) as Block Kit: the Slack renderer.

Text: the catalog's neutral markup becomes mrkdwn (:func:`handlers.slack.markup.to_mrkdwn`)
and each value is escaped for what it is — quoted text escaped (``&``, ``<``, ``>``),
a person's words also made never to be formatting (:func:`builders.mrkdwn.user_text`),
a mention a name or ``<@id>``. Blocks: Slack's limits live here only — a header's
150 characters, a section's 3,000 (split at line ends), a message's 50 blocks.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from bot.views.cards import Actions, Button, Card, Divider, Heading, Note, Paragraph
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import SECTION_LIMIT, from_rich, sections

HEADER_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50


def _button(button: Button) -> ButtonElement:
    confirm = button.confirm
    return ButtonElement(
        text=button.label.plain(),
        action_id=ids.ACTION_IDS[button.action],
        value=button.value,
        style="primary" if button.primary else None,
        confirm=ConfirmObject(
            title=confirm.title.plain(),
            text=from_rich(confirm.text),
            confirm=confirm.yes.plain(),
            deny=confirm.no.plain(),
        )
        if confirm is not None
        else None,
    )


def _actions(row: Actions) -> ActionsBlock:
    return ActionsBlock(
        block_id=ids.BLOCK_IDS.get(row.name), elements=[_button(b) for b in row.buttons]
    )


def card_text(card: Card) -> str:
    """A message's top-level text (notifications). Slack reads it as mrkdwn too, so it
    is rendered like the blocks: a person's name or words never become a mention."""
    return from_rich(card.fallback)


def card_blocks(card: Card) -> list[Block]:
    blocks: list[Block] = []
    for block in card.blocks:
        if isinstance(block, Heading):
            blocks.append(HeaderBlock(text=block.text.plain()[:HEADER_LIMIT]))
        elif isinstance(block, Paragraph):
            blocks.extend(sections("\n".join(from_rich(line) for line in block.lines)))
        elif isinstance(block, Note):
            note = (
                PlainTextObject(text=block.text.plain())
                if block.literal
                else MarkdownTextObject(text=from_rich(block.text)[:SECTION_LIMIT])
            )
            blocks.append(ContextBlock(elements=[note]))
        elif isinstance(block, Actions):
            blocks.append(_actions(block))
        elif isinstance(block, Divider):
            blocks.append(DividerBlock())
    if len(blocks) > MESSAGE_BLOCK_LIMIT:  # only with absurdly long texts: keep the essentials
        kept = card.keep_last
        blocks = blocks[: MESSAGE_BLOCK_LIMIT - kept] + (blocks[-kept:] if kept else [])
    return blocks
