"""``/palier review``: a manager confirms or adjusts their reports' self-ratings.

The list is ephemeral; **Review** opens one report's modal; the submission is
stored before the acknowledgement (inline errors otherwise), then the report is
told in their DM — the comment only if the manager chose to share it.

The list and the weekly digest come in pages (a message holds 50 blocks); their
Previous/Next buttons carry only the page (and the digest's week): the page is
recomputed for whoever clicks, from their own reports, and redrawn in place.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlalchemy import select

from bot.access import Viewer, reports_of
from bot.checkin_flow import person_for
from bot.i18n import Translator
from bot.people import person_locale
from bot.review import ReviewAnswer, ReviewService, ReviewSubmission, weekly_digest
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import name_text
from handlers.slack.builders.review_builder import (
    digest_blocks,
    digest_text,
    pending_list_blocks,
    review_modal,
    told_blocks,
)
from handlers.slack.context import Actor, SlackDeps
from storage.db import session_scope
from storage.models import Person, Platform, Rater, Rating


def _viewer(me: Person, admin: bool) -> Viewer:
    return Viewer(me, is_admin=admin)


def handle_review_list(
    deps: SlackDeps,
    reviews: ReviewService,
    actor: Actor,
    respond: Respond,
    client: WebClient,
    page: int = 0,
    replace_original: bool = False,
) -> None:
    """The manager's reports with self-ratings awaiting review, one page of them."""
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        pending = reviews.team_pending(session, me) if me else []
        has_reports = me is not None and bool(reports_of(session, me, indirect=False))
        blocks = pending_list_blocks(pending, t, page) if pending else None
    replace = True if replace_original else None  # in place of the page clicked on
    if not has_reports:
        respond(
            text=t("slack.review.not_manager"), response_type="ephemeral", replace_original=replace
        )
    elif blocks is None:
        respond(text=t("slack.review.nothing"), response_type="ephemeral", replace_original=replace)
    else:
        respond(
            text=t("slack.review.intro"),
            blocks=blocks,
            response_type="ephemeral",
            replace_original=replace,
        )


def handle_review_open(
    deps: SlackDeps,
    reviews: ReviewService,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    actor = Actor.from_body(body)
    try:
        report_id = int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError, TypeError):
        return
    admin = deps.actor_is_admin(client, actor)  # before our session: it opens its own
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        report = session.get(Person, report_id)
        allowed = (
            me is not None
            and report is not None
            and reviews.may_review(session, _viewer(me, admin), report)
        )
        review = reviews.pending_for(session, report) if allowed and report else None
        view = review_modal(review, t) if review and review.pending else None
    if view is None:  # not theirs, gone, or nothing left: the same words
        respond(text=t("slack.review.gone"), response_type="ephemeral", replace_original=False)
        return
    client.views_open(trigger_id=body["trigger_id"], view=view)


def parse_review(values: dict[str, Any]) -> ReviewSubmission:
    answers = []
    comment = None
    share = False
    for block_id, actions in values.items():
        prefix, competency_id = ids.split_block(block_id)
        for state in (actions or {}).values():
            if prefix == ids.REVIEW_LEVEL_BLOCK and competency_id:
                selected = state.get("selected_option") or {}
                answers.append(
                    ReviewAnswer(competency_id=competency_id, level_id=selected.get("value"))
                )
            elif prefix == ids.REVIEW_COMMENT_BLOCK:
                comment = state.get("value")
            elif prefix == ids.REVIEW_SHARE_BLOCK:
                share = any(o.get("value") == "share" for o in state.get("selected_options") or [])
    return ReviewSubmission(answers=answers, comment=comment, share_comment=share)


def handle_review_submission(
    deps: SlackDeps, reviews: ReviewService, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    view = body["view"]
    actor = Actor.from_body(body)
    blocks = [str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"]
    try:
        report_id = int(json.loads(view.get("private_metadata") or "{}")["report_id"])
        submission = parse_review((view.get("state") or {}).get("values") or {})
    except (KeyError, ValueError, TypeError, ValidationError):
        report_id, submission = -1, None
    admin = deps.actor_is_admin(client, actor)  # before our session: it opens its own
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        report = session.get(Person, report_id) if report_id > 0 else None
        if me is None or report is None or submission is None:
            ack(response_action="errors", errors={blocks[-1]: t("slack.review.gone")})
            return
        previous_self = {
            r.competency_id: r.level_id
            for r in session.scalars(
                select(Rating)
                .where(Rating.person_id == report.id, Rating.rater == Rater.SELF)
                .order_by(Rating.rated_at, Rating.id)
            )
        }
        result = reviews.record(
            session,
            _viewer(me, admin),
            report,
            submission,
            f"slack-view:{view['id']}",
            deps.clock(),
        )
        if result.refused:
            ack(response_action="errors", errors={blocks[-1]: t("slack.review.gone")})
            return
        if result.problems:
            errors: dict[str, str] = {}
            for problem in result.problems:
                block = (
                    ids.competency_block(ids.REVIEW_LEVEL_BLOCK, problem.competency_id)
                    if problem.competency_id
                    else ids.REVIEW_COMMENT_BLOCK
                )
                errors.setdefault(
                    block if block in blocks else blocks[0], t(f"checkin.problem.{problem.key}")
                )
            ack(response_action="errors", errors=errors)
            return
        ack()
        if result.duplicate:
            return
        referentiel = reviews.catalog.get(report.referentiel_id or "")
        # mrkdwn, in the blocks and in the notification text alike
        manager_name = name_text(me.display_name, me.platform_user_id)
        report_name = name_text(report.display_name, report.platform_user_id)
        report_user = report.platform_user_id
        report_t = Translator(person_locale(report.locale, deps.default_locale))
        reviewed = []
        if referentiel is not None:
            for rating in result.stored:
                competency = referentiel.competency(rating.competency_id)
                level = referentiel.scale.level(rating.level_id)
                own = referentiel.scale.level(previous_self.get(rating.competency_id, ""))
                if competency and level:
                    reviewed.append((competency, level, own))
    if referentiel is None:
        return
    comment = submission.comment if submission.share_comment else None
    channel = client.conversations_open(users=report_user)["channel"]["id"]
    client.chat_postMessage(
        channel=channel,
        text=report_t("slack.review.told", manager=manager_name),
        blocks=told_blocks(manager_name, referentiel, reviewed, comment, report_t),
    )
    mine = client.conversations_open(users=actor.user_id)["channel"]["id"]
    client.chat_postMessage(channel=mine, text=t("slack.review.saved", name=report_name))


_MAX_PAGE = 10_000  # far beyond any team; a forged value is clamped to the last page anyway
_CYCLE = re.compile(r"[0-9]{4}-W[0-9]{2}")


def _page(value: str) -> int:
    """A button's page number; 0 for anything that is not a small whole number."""
    return int(value) if value.isdigit() and len(value) <= 5 else 0


def handle_review_page(
    deps: SlackDeps,
    reviews: ReviewService,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Previous/Next on the /palier review list: the clicker's own list, at that page."""
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    page = min(_page(value), _MAX_PAGE)
    handle_review_list(
        deps, reviews, Actor.from_body(body), respond, client, page, replace_original=True
    )


def handle_digest_page(
    deps: SlackDeps,
    reviews: ReviewService,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Previous/Next on the weekly digest: that week's digest of the clicker's own reports,
    at that page, in place of the one shown."""
    actor = Actor.from_body(body)
    cycle, _, page = str(((body.get("actions") or [{}])[0]).get("value") or "").partition("/")
    if _CYCLE.fullmatch(cycle) is None:
        return
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        if me is None:
            return
        digest = weekly_digest(session, reviews, me, cycle)
        blocks = digest_blocks(digest, t, min(_page(page), _MAX_PAGE))
    respond(text=digest_text(digest, t), blocks=blocks, replace_original=True)
