"""The manager's review in Block Kit: the list of reports awaiting it, the review modal,
the weekly digest, the report's notice.

The words, the pages and the buttons are the core's views (:mod:`bot.views.review`);
this is their Slack rendering. A page of the list or of the digest holds within a
message's 50 blocks; Previous/Next redraw the message in place with the page asked
for, recomputed for whoever clicked (see ``handlers/slack/review_commands.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.review import Digest, ReportReview
from bot.i18n import Translator
from bot.views import review
from handlers.slack.render import card_blocks, card_text, form_view


def pending_message(
    reviews: Sequence[ReportReview], t: Translator, page: int = 0
) -> tuple[str, list[Block]]:
    """One page of the reports with self-ratings awaiting review (ephemeral)."""
    card = review.pending_card(reviews, t, page)
    return card_text(card), card_blocks(card)


def review_modal(report: ReportReview, t: Translator) -> View:
    """One report's pending self-ratings: confirm each (preselected) or set another level."""
    return form_view(review.review_form(report, t))


def digest_message(digest: Digest, t: Translator, page: int = 0) -> tuple[str, list[Block]]:
    """The manager's weekly review, one page of reports, with the buttons to the others."""
    card = review.digest_card(digest, t, page)
    return card_text(card), card_blocks(card)
