"""The check-in flow's views as Slack renders them for its effects (handlers.slack.effects):
each state of a prompt is the message it was before the flow moved, and the summary
after a check-in tells only what was just rated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.checkin import PromptState, PromptView, RatedSummary
from bot.domain.checkin import CheckinForm
from bot.domain.progress import RatingPoint, summarize
from bot.domain.snooze import snooze_options
from emulators.slack import render_blocks, validate_blocks
from handlers.slack.builders import prompt_builder
from handlers.slack.builders.summary_builder import summary_blocks, summary_text
from handlers.slack.effects import render
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog

AE = ReferentielCatalog.load(None).get("account-executive")
assert AE is not None
CLOSES = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
FORM = CheckinForm(7, "2026-W48", CLOSES, AE, [])
T = slack_translator("en")
SNOOZE = snooze_options(CLOSES - timedelta(days=2), "Asia/Kolkata", CLOSES)


def _shown(view: object) -> tuple[str, str]:
    text, blocks = render(view, T)
    payload = [block.to_dict() for block in blocks]
    assert validate_blocks(payload) == []
    return text, render_blocks(payload)


def test_each_prompt_state_is_the_prompt_message_it_names() -> None:
    until = CLOSES - timedelta(hours=30)
    cases = {
        PromptState.DONE: prompt_builder.done_blocks(FORM, T),
        PromptState.SKIPPED: prompt_builder.skipped_blocks(FORM, "Asia/Kolkata", T, snooze=SNOOZE),
        PromptState.SNOOZED: prompt_builder.snoozed_blocks(
            FORM, until, "Asia/Kolkata", T, snooze=SNOOZE
        ),
    }
    for state, expected in cases.items():
        view = PromptView(
            FORM,
            state,
            "Asia/Kolkata",
            until if state is PromptState.SNOOZED else None,
            SNOOZE,
        )
        text, shown = _shown(view)
        assert text == prompt_builder.prompt_text(FORM, T)
        assert shown == render_blocks([block.to_dict() for block in expected])
    assert len({_shown(PromptView(FORM, state, "Asia/Kolkata", until))[1] for state in cases}) == 3


def test_the_summary_after_a_check_in_tells_only_what_was_rated() -> None:
    rated_at = CLOSES - timedelta(days=2)
    summary = summarize(
        AE,
        [RatingPoint("closing", "senior", rated_at), RatingPoint("valeurs", "junior", rated_at)],
        {},
        [],
        rated_at - timedelta(days=60),
    )
    text, shown = _shown(RatedSummary(summary, frozenset({"closing"})))
    told = summary_blocks(summary, T, only={"closing"})
    assert text == summary_text(summary, T)
    assert shown == render_blocks([block.to_dict() for block in told])
    assert shown != render_blocks([block.to_dict() for block in summary_blocks(summary, T)])
