"""The team summary (``/palier team``) as Slack messages.

The words, the tables and the files are the core's (:mod:`bot.views.team`,
:mod:`bot.views.team_files`); this is their Block Kit, and where Slack takes a table.

Where a table may go. Slack's table block reference
(https://docs.slack.dev/reference/block-kit/blocks/table-block) has a table sent
in the ``attachments`` field of ``chat.postMessage``, one table per message, up
to 100 rows of 20 cells; it names no other way (not a message's top-level
``blocks``, not a ``response_url`` or ephemeral answer, not a modal). So each
table goes to the asker's own DM with Palier by ``chat.postMessage``, in
:attr:`TeamMessage.attachments`, the text above it in the message's blocks — private
to the asker like the ephemeral answer it replaces, never in a channel.

Not the newer ``data_table`` block (its reference: pagination, sorting, up to
100 rows plus a header): the reference says nothing of where it may be sent,
caps a table's cells at 10,000 characters in all (96 rows of eight cells with
certification competency names can go over it), and its 100 rows would not lift
the limit that matters here — a team past 100 report × competency rows is
already the CSV and heatmap. One table per référentiel in ``attachments``
is what the reference documents.

One message per référentiel (one card each), at most :data:`MESSAGES_MAX` of them
(chat.postMessage takes about one message a second in a channel). When a team does
not fit (more référentiels, or a table over 100 rows, e.g. 60 reports), the answer is
the core's summary card and the detail goes to the asker's DM as files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, TableBlock

from bot.domain.team import ReportOverview, TeamOverview
from bot.i18n import Translator
from bot.views import team
from bot.views.cards import Card
from handlers.slack.render import card_blocks, card_tables, card_text

TABLE_ROWS_MAX = 100  # Slack's table block: 100 rows of at most 20 cells
MESSAGES_MAX = 4  # one DM message per référentiel; past that, the summary and the files


@dataclass(frozen=True)
class TeamMessage:
    """One message: its notification text, its blocks, and its table if it has one."""

    text: str
    blocks: list[Block]
    table: TableBlock | None = None

    def attachments(self) -> list[dict[str, Any]] | None:
        """``chat.postMessage``'s ``attachments``: where Slack takes a table, alone."""
        return None if self.table is None else [{"blocks": [self.table.to_dict()]}]


def table_rows(reports: Sequence[ReportOverview]) -> int:
    """Rows a table of these reports needs: a header, then one per report × competency."""
    return 1 + sum(len(report.competencies) for report in reports)


def fits_in_messages(
    overview: TeamOverview, *, rows_max: int = TABLE_ROWS_MAX, messages_max: int = MESSAGES_MAX
) -> bool:
    """Whether the team shows as tables in Slack (one message per référentiel)."""
    groups = overview.groups()
    return len(groups) <= messages_max and all(
        table_rows(reports) <= rows_max for _, reports in groups
    )


def _message(card: Card) -> TeamMessage:
    tables = card_tables(card)  # a team card has one table at most: Slack takes one a message
    return TeamMessage(card_text(card), card_blocks(card), tables[0] if tables else None)


def team_messages(overview: TeamOverview, t: Translator) -> list[TeamMessage]:
    """The team as tables: one message per référentiel (see :func:`fits_in_messages`)."""
    return [_message(card) for card in team.team_cards(overview, t)]


def team_summary(overview: TeamOverview, t: Translator) -> TeamMessage:
    """The summary of a team too large for tables (the files go with it)."""
    return _message(team.summary_card(overview, t))
