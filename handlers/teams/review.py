"""A manager's review of their reports' self-ratings, in Teams.

``revue`` (``review``) answers with the list of reports awaiting review, a page at a
time: Previous/Next are ``Action.Execute``, answered by the page asked for in place of
the one shown. Each report's **Review** opens a dialog with the core's review form
(``task/fetch``); the weekly digest the tick sends has the same buttons, and its own
pages. The form, once submitted, is stored (keyed by the activity, so Teams delivering it
twice stores it once), the report is told in their own chat and language, and the card
the form was opened from shows its page again, as it now stands; problems bring the form
back as it was filled in, each beside its field. Who may review whom is the review
flow's decision (:mod:`bot.app.review`); a refusal is the same words for anything gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx

from bot.app.outcome import Outcome
from bot.app.review import (
    GONE,
    NOT_MANAGER,
    DigestPage,
    OpenReview,
    PendingReviews,
    SubmitReview,
)
from bot.delivery.views import WeeklyReview
from bot.domain.commands import Command, Parsed
from bot.domain.review import ReportReview
from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.presenters import card_of
from bot.views import actions
from bot.views import review as views
from bot.views.cards import Card, Form
from bot.views.forms import refilled
from bot.views.notice import notice_card
from handlers.teams.checkin import FORM_KEYS, clicked_message
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref, conversation_of
from handlers.teams.effects import carry_out, update_card
from handlers.teams.refs import MessageRef
from handlers.teams.render import Renderer
from handlers.teams.replies import dialog, new_card, reply, said
from handlers.teams.wording import teams_t

log = logging.getLogger(__name__)

MAX_ROW_ID = 2**31 - 1
# Reports a page shows in Teams: a Teams message holds less than a Slack one (the
# renderer's CARD_BYTES_LIMIT), and a digest's report can run to several changes each
# with its evidence; a page that still overflows keeps its page buttons.
LIST_PAGE = 25
DIGEST_PAGE = 6


def row_id(value: object) -> int | None:
    """A row id written in ASCII digits, within an INTEGER column's range; else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value) if len(value) <= 10 else 0
    return number if 1 <= number <= MAX_ROW_ID else None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def card_for(view: object, t: Translator) -> Card:
    """The card of a view the tick delivers, as Teams shows it: the weekly digest's first
    page at Teams' size; any other as every front end does."""
    if isinstance(view, WeeklyReview):
        return views.digest_card(view.digest, t, size=DIGEST_PAGE)
    return card_of(view, t)


# -- the list --------------------------------------------------------------------------


def _list_card(outcome: Outcome[PendingReviews], page: int) -> Card:
    """The list at ``page``, or why there is none (not a manager, nothing to review)."""
    t = teams_t(outcome)
    if outcome.view is None:
        return notice_card(views.refusal_text(outcome.refusal or NOT_MANAGER, t))
    if not outcome.view.reports:
        return notice_card(views.nothing_text(t))
    return views.pending_card(outcome.view.reports, t, page, size=LIST_PAGE)


async def handle_review(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``revue``: the reports whose self-ratings await the manager's review."""
    await post_review_list(deps, ctx)


async def post_review_list(deps: TeamsDeps, ctx: Any) -> None:
    """The list in the acting person's chat (typed, or from their page)."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.review.pending, actor_ref(activity), ActivityDirectory(activity)
    )
    await reply(deps, ctx, _list_card(outcome, 0))


async def turn_list_page(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Previous/Next on the list: the clicker's own list, at that page, in its place."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.review.pending, actor_ref(activity), ActivityDirectory(activity)
    )
    return new_card(deps, _list_card(outcome, views.page_of(_text(data, "value"))))


async def turn_digest_page(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Previous/Next on the weekly digest: that week's digest of the clicker's own
    reports, at that page, in its place."""
    cycle, page = views.digest_page_of(_text(data, "value"))
    outcome = await asyncio.to_thread(
        deps.flows.review.digest, actor_ref(ctx.activity), DigestPage(cycle)
    )
    if outcome.view is None:
        return new_card(
            deps, notice_card(views.refusal_text(outcome.refusal or GONE, teams_t(outcome)))
        )
    return new_card(deps, views.digest_card(outcome.view, teams_t(outcome), page, size=DIGEST_PAGE))


# -- one report's review -----------------------------------------------------------------


def review_form(renderer: Renderer, review: ReportReview, t: Translator, back: str) -> Form:
    """The report's review form with as many self-ratings as a dialog holds: quoting
    every level of a long certification takes more room in an Adaptive Card than in a
    Slack modal, so a form that would not fit shows fewer (the next review the rest)."""
    for items in range(views.REVIEW_ITEMS, 1, -1):
        form = views.review_form(review, t, back, items=items)
        if renderer.dialog_fits(form):
            return form
    return views.review_form(review, t, back, items=1)


def _back(clicked: str | None, shown: str) -> str:
    """What the form carries back: the message it was opened from and what it showed."""
    return json.dumps({"clicked": clicked, "shown": shown}) if clicked else ""


async def open_review(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """**Review** on the list or the digest: that report's form, for their manager."""
    activity = ctx.activity
    report_id = row_id(data.get("value")) or -1  # the flow refuses what is not a report
    outcome = await asyncio.to_thread(
        deps.flows.review.open,
        actor_ref(activity),
        OpenReview(report_id),
        ActivityDirectory(activity),
    )
    if outcome.view is None:  # not theirs, gone, or nothing left: the same words
        return said(views.refusal_text(outcome.refusal or GONE, teams_t(outcome)).plain())
    back = _back(clicked_message(activity), _text(data, "state"))
    return dialog(deps, review_form(deps.renderer, outcome.view, teams_t(outcome), back))


async def _show_again(deps: TeamsDeps, app: Any, ctx: Any, back: str) -> None:
    """The card the form was opened from, at the page it showed, as it now stands.

    What the form carried back is client input: only a message of the chat the form was
    submitted from is ever updated, and one that cannot be (gone) is left as it is."""
    activity = ctx.activity
    try:
        origin = json.loads(back) if back else {}
    except ValueError:
        return
    message = MessageRef.load(origin.get("clicked") if isinstance(origin, dict) else None)
    if message is None or message.conversation != conversation_of(activity):
        return
    shown = views.Shown.load(origin.get("shown"))
    if shown is None:
        return
    ref = actor_ref(activity)
    card: Card | None
    if shown.cycle is None:
        pending = await asyncio.to_thread(
            deps.flows.review.pending, ref, ActivityDirectory(activity)
        )
        card = _list_card(pending, shown.page)
    else:
        digest = await asyncio.to_thread(deps.flows.review.digest, ref, DigestPage(shown.cycle))
        card = (
            views.digest_card(digest.view, teams_t(digest), shown.page, size=DIGEST_PAGE)
            if digest.view
            else None
        )
    if card is None:
        return
    try:
        await update_card(app, message, card, deps.renderer)
    except httpx.HTTPError as error:  # the review is stored: the answer stands
        log.warning("the card a review came from was not shown again: %s", error)


async def submit_review(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The review submitted: stored, the report told; the manager is answered in the
    dialog, and the card it came from shows what is left to review."""
    activity = ctx.activity
    ref = actor_ref(activity)
    values = {k: v for k, v in data.items() if k not in FORM_KEYS}
    state = _text(data, "state")
    levels, comment, share = views.review_answers(values)
    report_id = views.reviewed_report(state)
    submitted = SubmitReview(
        report_id=report_id,
        key=f"teams-activity:{activity.id}",
        levels=levels,
        comment=comment,
        share_comment=share,
    )
    directory = ActivityDirectory(activity)
    outcome = await asyncio.to_thread(deps.flows.review.submit, ref, submitted, directory)
    t = teams_t(outcome)
    if outcome.refusal is not None:
        return said(views.refusal_text(outcome.refusal, t).plain())
    if outcome.problems:
        again = await asyncio.to_thread(
            deps.flows.review.open, ref, OpenReview(report_id), directory
        )
        if again.view is None:
            return said(views.refusal_text(again.refusal or GONE, t).plain())
        noted: dict[str, Rich] = {}
        for problem in outcome.problems:
            noted.setdefault(views.problem_field(problem.item), views.problem_text(problem.key, t))
        form = review_form(deps.renderer, again.view, t, views.form_back(state))
        return dialog(deps, refilled(form, values, noted))
    saved = outcome.view
    if saved is None:  # this same submission was stored already
        return None
    await carry_out(app, outcome.effects, t, deps.renderer)  # the report is told
    await _show_again(deps, app, ctx, views.form_back(state))
    return said(views.saved_text(saved.report_name, saved.report_user_id, t).plain())


COMMANDS = {Command.REVIEW: handle_review}
CARD_ACTIONS = {actions.REVIEW_PAGE: turn_list_page, actions.DIGEST_PAGE: turn_digest_page}
DIALOGS = {actions.REVIEW_OPEN: open_review}
FORMS = {actions.REVIEW_FORM: submit_review}
