"""The card of every view a flow's effect or a delivery carries: one table for all front
ends.

A flow's effects (:mod:`bot.app.outcome`) and the tick's messages
(:mod:`bot.delivery.views`) carry views — a prompt in its new state, the summary of what
was just rated, a review's notice, a weekly digest … — that a front end shows as a message.
:func:`card_of` gives each one's neutral card (:mod:`bot.views`), so that Slack and Teams
render the same card and neither keeps its own list of what each view looks like.
This module sits above the flows and the delivery, which it reads, and below the
composition root.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.app.checkin import PromptState, PromptView, RatedSummary, UnstoredCheckin
from bot.app.evidence import EvidenceSaved
from bot.app.review import ReviewNotice
from bot.delivery.views import (
    EarlierPrompt,
    MissedPrompt,
    PromptMessage,
    ReminderMessage,
    ScheduledBrief,
    SnoozeReturned,
    WeeklyReview,
    WelcomeMessage,
)
from bot.i18n import Translator
from bot.i18n.rich import Mention
from bot.views import checkin, prompt, review, vae_share
from bot.views.cards import Card
from bot.views.checkin_edit import with_edit
from bot.views.evidence import saved_card
from bot.views.one_on_one import brief_card
from bot.views.summary import summary_card
from bot.views.vae_share import LivretAsked, LivretNotice
from bot.views.welcome import greeting_card


def _prompt_state(view: PromptView, t: Translator) -> Card:
    if view.state is PromptState.DONE:
        return prompt.done_card(view.form, t)
    if view.state is PromptState.SKIPPED:
        return prompt.skipped_card(view.form, view.timezone, t, snooze=view.snooze)
    assert view.until is not None  # a snoozed prompt always says when it comes back
    return prompt.snoozed_card(view.form, view.until, view.timezone, t, snooze=view.snooze)


def _review_notice(notice: ReviewNotice, t: Translator) -> Card:
    # In the report's own language (the notice's), not that of the manager who acted.
    own = t.in_locale(notice.locale)
    manager = Mention(notice.manager_user_id, notice.manager_name)
    return review.notice_card(manager, notice.referentiel, notice.reviewed, notice.comment, own)


def _rated_summary(view: RatedSummary, t: Translator) -> Card:
    card = summary_card(view.summary, t, only=view.rated)
    offer = view.edit
    return with_edit(
        card,
        view.summary.referentiel,
        t,
        offer=(offer.prompt_id, offer.closes_at, offer.timezone) if offer else None,
        edited=view.edited,
        reopened=view.reopened,
    )


CARDS: dict[type, Callable[[Any, Translator], Card]] = {
    PromptMessage: lambda view, t: prompt.prompt_card(
        view.form, view.timezone, t, snooze=view.snooze
    ),
    ReminderMessage: lambda view, t: prompt.reminder_card(
        view.form, view.timezone, t, after_snooze=view.after_snooze, snooze=view.snooze
    ),
    SnoozeReturned: lambda view, t: prompt.came_back_card(view.form, view.until, view.timezone, t),
    MissedPrompt: lambda view, t: prompt.missed_card(view.form, t),
    EarlierPrompt: lambda view, t: prompt.earlier_card(view.form, t),
    WeeklyReview: lambda view, t: review.digest_card(view.digest, t),
    ScheduledBrief: lambda view, t: brief_card(
        view.brief, view.timezone, t, meeting_at=view.meeting_at
    ),
    PromptView: _prompt_state,
    RatedSummary: _rated_summary,
    UnstoredCheckin: lambda view, t: checkin.unstored_card(
        view.submission, view.referentiel, view.reason, t
    ),
    EvidenceSaved: lambda view, t: saved_card(view.competency, view.link, t, view.happened_on),
    ReviewNotice: _review_notice,
    WelcomeMessage: lambda view, t: greeting_card(view.greeting, t),
    LivretAsked: vae_share.request_card,
    LivretNotice: vae_share.notice_card,
}


def card_of(view: object, t: Translator) -> Card:
    """The card that shows ``view`` (TypeError for a view no card is registered for)."""
    build = CARDS.get(type(view))
    if build is None:
        raise TypeError(f"no card for {type(view).__name__}")
    return build(view, t)
