"""The manager's review: the list of reports awaiting it, the review modal, the report's notice.

The list and the weekly digest are messages, 50 blocks at most, so both come in
pages (:data:`REVIEW_PAGE_SIZE` and :data:`DIGEST_REPORTS` people each) with
Previous/Next buttons that carry the page to show; a click redraws the message in
place with that page, recomputed for whoever clicked (see
``handlers/slack/review_commands.py``). Everyone is reachable, however large the team.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.app.review import ReviewNotice
from bot.domain.review import Digest, ReportReview
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label, week_label
from bot.i18n.rich import Mention
from bot.views.prompt import short_name
from bot.views.review import notice_card
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import escape, name_text, user_text
from handlers.slack.markup import slack_translator
from handlers.slack.render import card_blocks, card_text
from referentiels.models import Referentiel

EVIDENCE_EXCERPT = 280
REVIEW_PAGE_SIZE = 40  # one block each, + intro, page line, buttons: within a message's 50


def display_name(name: str | None, user_id: str) -> str:
    return name or f"<@{user_id}>"


def pages(count: int, size: int) -> int:
    """How many pages ``count`` items fill (one, even when there are none)."""
    return max(1, -(-count // size))


def clamp_page(page: int, count: int, size: int) -> int:
    """A page that exists: a stale or forged button value lands on the first or last."""
    return min(max(page, 0), pages(count, size) - 1)


def _pager(
    prefix: str, page: int, count: int, size: int, t: Translator, value: str = ""
) -> list[Block]:
    """The page line and Previous/Next buttons, or nothing when everything fits in one."""
    last = pages(count, size) - 1
    if last == 0:
        return []
    first_shown = page * size + 1
    line = t(
        "review.page",
        first=first_shown,
        last=min(count, first_shown + size - 1),
        total=count,
    )
    buttons = []
    if page > 0:
        buttons.append(
            ButtonElement(
                text=t("review.previous_page"),
                action_id=ids.competency_block(prefix, "prev"),
                value=f"{value}{page - 1}",
            )
        )
    if page < last:
        buttons.append(
            ButtonElement(
                text=t("review.next_page"),
                action_id=ids.competency_block(prefix, "next"),
                value=f"{value}{page + 1}",
            )
        )
    return [ContextBlock(elements=[MarkdownTextObject(text=line)]), ActionsBlock(elements=buttons)]


def pending_list_blocks(reviews: list[ReportReview], t: Translator, page: int = 0) -> list[Block]:
    """One page of the reports with self-ratings awaiting review, each with a Review
    button, and the buttons to the other pages (ephemeral)."""
    page = clamp_page(page, len(reviews), REVIEW_PAGE_SIZE)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=t("review.intro")))]
    start = page * REVIEW_PAGE_SIZE
    for review in reviews[start : start + REVIEW_PAGE_SIZE]:
        person = review.person
        name = name_text(person.display_name, person.platform_user_id)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t("review.report_line", name=name, count=len(review.pending))
                ),
                accessory=ButtonElement(
                    text=t("review.button"),
                    # Unique per button, whatever Slack's uniqueness scope.
                    action_id=ids.competency_block(ids.REVIEW_OPEN, str(person.id)),
                    value=str(person.id),
                    style="primary",
                ),
            )
        )
    blocks.extend(_pager(ids.REVIEW_PAGE, page, len(reviews), REVIEW_PAGE_SIZE, t))
    return blocks


def _options(referentiel: Referentiel, t: Translator) -> list[Option]:
    return [
        Option(value=level.id, label=level_label(referentiel, level, t)[:75])
        for level in referentiel.scale.levels
    ]


def review_modal(review: ReportReview, t: Translator) -> View:
    """One report's pending self-ratings: confirm each (preselected) or set another level."""
    referentiel = review.referentiel
    person = review.person
    name = display_name(person.display_name, person.platform_user_id)
    options = _options(referentiel, t)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=t(
                    "review.heading",
                    name=name_text(person.display_name, person.platform_user_id),
                    referentiel=escape(referentiel.title),
                )
            )
        )
    ]
    for item in review.pending[:30]:  # 3 blocks each: within a view's 100
        competency = item.competency
        lines = [t("review.self_level", level=escape(level_label(referentiel, item.self_level, t)))]
        if item.manager_level is not None:
            lines.append(
                t(
                    "review.previous",
                    level=escape(level_label(referentiel, item.manager_level, t)),
                )
            )
        for evidence in item.evidence:
            text = user_text(short_name(evidence.text, EVIDENCE_EXCERPT))
            if evidence.link:
                text += f" <{escape(evidence.link.replace('|', '%7C'))}>"
            lines.append(t("review.evidence", text=text))
        blocks.append(DividerBlock())
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape(short_name(competency.label, 300))}*\n" + "\n".join(lines)
                )
            )
        )
        blocks.append(
            InputBlock(
                block_id=ids.competency_block(ids.REVIEW_LEVEL_BLOCK, competency.id),
                label=t("review.your_level"),
                element=RadioButtonsElement(
                    action_id=ids.competency_block(ids.REVIEW_LEVEL_ACTION, competency.id),
                    options=options,
                    initial_option=next(o for o in options if o.value == item.self_level.id),
                ),
            )
        )
    blocks.append(DividerBlock())
    blocks.append(
        InputBlock(
            block_id=ids.REVIEW_COMMENT_BLOCK,
            label=t("review.comment"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.REVIEW_COMMENT_ACTION, multiline=True, max_length=MAX_TEXT
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id=ids.REVIEW_SHARE_BLOCK,
            label=t("review.share"),
            optional=True,
            element=CheckboxesElement(
                action_id=ids.REVIEW_SHARE_ACTION,
                options=[Option(value="share", label=t("review.share_option", name=name)[:75])],
            ),
        )
    )
    return View(
        type="modal",
        callback_id=ids.REVIEW_VIEW,
        title=t("review.title"),
        submit=t("review.submit"),
        close=t("review.close"),
        private_metadata=json.dumps({"report_id": person.id}),
        blocks=blocks,
    )


def told_message(notice: ReviewNotice, _t: Translator) -> tuple[str, list[Block]]:
    """The report's notice of a review (:func:`bot.views.review.notice_card`), in the
    report's own language (the notice's), not the manager's who acted (``_t``)."""
    t = slack_translator(notice.locale)
    manager = Mention(notice.manager_user_id, notice.manager_name)
    card = notice_card(manager, notice.referentiel, notice.reviewed, notice.comment, t)
    return card_text(card), card_blocks(card)


DIGEST_REPORTS = 22  # two blocks each, + header, page line, buttons: within a message's 50


def digest_text(digest: Digest, t: Translator) -> str:
    return t("review.digest_title", week=week_label(digest.cycle_key, t))


def digest_blocks(digest: Digest, t: Translator, page: int = 0) -> list[Block]:
    """The manager's weekly review, one page of reports: each one's check-in, what moved
    (with the evidence behind it) and what awaits review, with a Review button; then
    the buttons to the other pages."""
    page = clamp_page(page, len(digest.rows), DIGEST_REPORTS)
    blocks: list[Block] = [HeaderBlock(text=digest_text(digest, t)[:150])]
    start = page * DIGEST_REPORTS
    for row in digest.rows[start : start + DIGEST_REPORTS]:
        person = row.person
        name = name_text(person.display_name, person.platform_user_id)
        status = row.status.value if row.status else "none"
        lines = [
            t(
                "review.digest_person",
                name=name,
                status=t(f"review.digest_status.{status}"),
            )
        ]
        for change in row.changes:
            after = escape(level_label(row.referentiel, change.after, t))
            if change.before is None:
                lines.append(
                    t(
                        "review.digest_first",
                        competency=escape(change.competency.label),
                        level=after,
                    )
                )
            else:
                before = escape(level_label(row.referentiel, change.before, t))
                arrow = (
                    "↑"
                    if row.referentiel.scale.rank(change.after.id)
                    > row.referentiel.scale.rank(change.before.id)
                    else "↓"
                )
                lines.append(
                    t(
                        "review.digest_change",
                        competency=escape(change.competency.label),
                        before=before,
                        after=after,
                        arrow=arrow,
                    )
                )
            for evidence in change.evidence[:2]:
                text = user_text(short_name(evidence.text, EVIDENCE_EXCERPT))
                if evidence.link:
                    text += f" <{escape(evidence.link.replace('|', '%7C'))}>"
                lines.append("    " + t("review.evidence", text=text))
        if row.pending:
            lines.append(t("review.digest_pending", count=row.pending))
        section = SectionBlock(text=MarkdownTextObject(text="\n".join(lines)[:3000]))
        if row.pending:
            section = SectionBlock(
                text=MarkdownTextObject(text="\n".join(lines)[:3000]),
                accessory=ButtonElement(
                    text=t("review.button"),
                    action_id=ids.competency_block(ids.REVIEW_OPEN, str(person.id)),
                    value=str(person.id),
                    style="primary",
                ),
            )
        blocks.append(section)
        blocks.append(DividerBlock())
    value = f"{digest.cycle_key}/"  # the week, so that every page is of the same digest
    blocks.extend(_pager(ids.DIGEST_PAGE, page, len(digest.rows), DIGEST_REPORTS, t, value))
    return blocks
