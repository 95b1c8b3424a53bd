"""``/palier review``: a manager confirms or adjusts their reports' self-ratings.

The list is ephemeral; **Review** opens one report's modal; the submission is
stored before the acknowledgement (inline errors otherwise), then the report is
told in their DM — the comment only if the manager chose to share it.

The list and the weekly digest come in pages (a message holds 50 blocks); their
Previous/Next buttons carry only the page (and the digest's week): the page is
recomputed for whoever clicks, from their own reports, and redrawn in place.

Thin listeners: each parses its payload, calls :class:`bot.app.review.ReviewFlow`
(which decides who may review whom) and renders what it answers — the core's views
(:mod:`bot.views.review`), its words included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.app.outcome import Problem
from bot.app.review import GONE, NOT_MANAGER, DigestPage, OpenReview, SubmitReview
from bot.i18n import Translator
from bot.views import review
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.builders.review_builder import digest_message, pending_message, review_modal
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.effects import carry_out
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions, View, ViewSubmission, row_id
from handlers.slack.workers import Later


def handle_review_list(
    deps: SlackDeps,
    actor: Actor,
    respond: Respond | Callable[..., object],
    client: WebClient,
    page: int = 0,
    replace_original: bool = False,
) -> None:
    """The manager's reports with self-ratings awaiting review, one page of them
    (``respond``: where the answer goes — the command's ephemeral reply, or a message in
    the manager's DM when asked from the Home)."""
    outcome = deps.flows.review.pending(actor.ref, deps.directory(client, actor))
    t = slack_t(outcome)
    replace = True if replace_original else None  # in place of the page clicked on
    if outcome.view is None:
        text = from_rich(review.refusal_text(outcome.refusal or NOT_MANAGER, t))
        respond(text=text, response_type="ephemeral", replace_original=replace)
    elif not outcome.view.reports:
        text = from_rich(review.nothing_text(t))
        respond(text=text, response_type="ephemeral", replace_original=replace)
    else:
        text, blocks = pending_message(outcome.view.reports, t, page)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=replace)


def handle_review_open(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """**Review** on the list or the digest: that report's modal, for their manager."""
    click = BlockActions.model_validate(body)
    report_id = row_id(click.actions[0].value)
    if report_id is None:
        return
    actor = Actor.from_body(body)
    wanted = OpenReview(report_id)
    outcome = deps.flows.review.open(actor.ref, wanted, deps.directory(client, actor))
    if outcome.view is None:  # not theirs, gone, or nothing left: the same words
        text = from_rich(review.refusal_text(outcome.refusal or GONE, slack_t(outcome)))
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    client.views_open(
        trigger_id=click.trigger_id, view=review_modal(outcome.view, slack_t(outcome))
    )


def parse_review(view: View) -> SubmitReview:
    """The modal's state → the review as submitted (the flow validates it)."""
    levels: list[tuple[str, str | None]] = []
    comment = None
    share = False
    for block_id, actions in view.state.values.items():
        prefix, competency_id = ids.split_block(block_id)
        for state in actions.values():
            if prefix == ids.REVIEW_LEVEL_BLOCK and competency_id:
                selected = state.selected_option
                levels.append((competency_id, selected.value if selected else None))
            elif prefix == ids.REVIEW_COMMENT_BLOCK:
                comment = state.value
            elif prefix == ids.REVIEW_SHARE_BLOCK:
                share = any(o.value == review.SHARE for o in state.selected_options or [])
    return SubmitReview(
        report_id=review.reviewed_report(view.private_metadata),
        key=f"slack-view:{view.id}",
        levels=tuple(levels),
        comment=comment,
        share_comment=share,
    )


def inline_errors(
    problems: tuple[Problem, ...], blocks: list[str], t: Translator
) -> dict[str, str]:
    """Each problem beside its competency's level, or the comment (the first input when
    the block is not in the view)."""
    errors: dict[str, str] = {}
    for problem in problems:
        block = (
            ids.competency_block(ids.REVIEW_LEVEL_BLOCK, problem.item)
            if problem.item
            else ids.REVIEW_COMMENT_BLOCK
        )
        text = review.problem_text(problem.key, t).plain()
        errors.setdefault(block if block in blocks else blocks[0], text)
    return errors


def handle_review_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """Stored before the acknowledgement; then (``later``) the report is told, and the
    manager."""
    view = ViewSubmission.model_validate(body).view
    actor = Actor.from_body(body)
    blocks = view.input_blocks
    outcome = deps.flows.review.submit(actor.ref, parse_review(view), deps.directory(client, actor))
    t = slack_t(outcome)
    if outcome.refusal is not None:
        text = review.refusal_text(outcome.refusal, t).plain()
        ack(response_action="errors", errors={blocks[-1]: text})
        return
    if outcome.problems:
        ack(response_action="errors", errors=inline_errors(outcome.problems, blocks, t))
        return
    ack()
    saved = outcome.view
    if saved is None:  # this submission was stored already
        return
    text = from_rich(review.saved_text(saved.report_name, saved.report_user_id, t))

    def tell() -> None:
        carry_out(client, outcome.effects, t)  # the report is told, in their language
        mine = client.conversations_open(users=actor.user_id)["channel"]["id"]
        client.chat_postMessage(channel=mine, text=text)

    later(tell)


def _value(body: dict[str, Any]) -> str:
    return BlockActions.model_validate(body).actions[0].value or ""


def handle_review_page(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Previous/Next on the /palier review list: the clicker's own list, at that page."""
    page = review.page_of(_value(body))
    handle_review_list(deps, Actor.from_body(body), respond, client, page, replace_original=True)


def handle_digest_page(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    """Previous/Next on the weekly digest: that week's digest of the clicker's own reports,
    at that page, in place of the one shown."""
    cycle, page = review.digest_page_of(_value(body))
    outcome = deps.flows.review.digest(Actor.from_body(body).ref, DigestPage(cycle))
    if outcome.view is None:
        return
    text, blocks = digest_message(outcome.view, slack_t(outcome), page)
    respond(text=text, blocks=blocks, replace_original=True)
