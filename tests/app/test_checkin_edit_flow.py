"""Editing a submitted check-in until its week closes, through the check-in flow as any
front end calls it: the form filled in as submitted, the week's rows replaced (never a
second row), the summary following the edit, a manager's confirmation of a changed level
undone (and said), nothing after the close, a replay stored once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app.checkin import CheckinAnswers, PromptAction, RatedSummary
from bot.app.outcome import RefreshHome, SendDirect, UpdateMessages
from bot.bootstrap import Core, Flows, build_flows
from bot.domain.checkin_edit import editable
from bot.domain.review import ReviewService
from bot.domain.submissions import CheckinAnswer, CheckinSubmission
from storage.models import (
    CheckinInbox,
    CheckinPrompt,
    Evidence,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Rating,
    RatingTrack,
    Submission,
)
from tests.app.support import ALICE, NOW
from tests.app.test_checkin_flow import WEEK, Prompts, _count, _posted, _prompt

SUMMARY = "D0ALICE:1700000000.000900"  # the summary message the person clicked Edit on
CLOSES = NOW + timedelta(days=3)  # the prompts' end of week (tests.app.test_checkin_flow)


@pytest.fixture
def prompts(core: Core) -> Prompts:
    """This week's prompt for Alice (sent, then reminded), as the check-in flow's tests."""
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        mine = _prompt(alice)
        messages = _posted(mine)
        session.add(mine)
        session.flush()
        return Prompts(mine.id, -1, messages)


def _answers(
    prompt_id: int,
    key: str,
    levels: dict[str, str] | None = None,
    evidence: str | None = None,
    topic: str | None = None,
    clicked: str | None = None,
) -> CheckinAnswers:
    chosen = {competency: "junior" for competency in WEEK} | (levels or {})
    answers = [
        CheckinAnswer(
            competency_id=competency,
            level_id=level,
            evidence_text=evidence if competency == "closing" else None,
        )
        for competency, level in chosen.items()
    ]
    submission = CheckinSubmission(answers=answers, topic=topic)
    return CheckinAnswers(prompt_id, submission, f"test:{key}", clicked=clicked)


def _levels(core: Core) -> dict[str, str]:
    with core.sessions() as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id).where(Rating.rater == Rater.SELF)
        ).all()
    return dict(rows)


def _submitted(flows: Flows, prompts: Prompts) -> None:
    first = _answers(prompts.alice, "first", evidence="Signé ACME", topic="Un comité")
    assert flows.checkin.submit(ALICE, first).ok


def test_the_edit_form_is_filled_in_as_submitted(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    _submitted(flows, prompts)
    outcome = flows.checkin.edit(ALICE, PromptAction(prompts.alice, SUMMARY))
    form = outcome.view
    assert form is not None and form.filled is not None and outcome.locale == "en-GB"
    filled = {a.competency_id: (a.level_id, a.evidence_text) for a in form.filled.answers}
    assert filled == {
        "prospection": ("junior", None),
        "qualification": ("junior", None),
        "closing": ("junior", "Signé ACME"),
    }
    assert form.filled.topic == "Un comité"
    # What the next level asks is told from where the person stood before this week.
    assert [item.current for item in form.items] == [None, None, None]


def test_an_edit_replaces_the_weeks_rows_and_updates_the_summary_it_came_from(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    _submitted(flows, prompts)
    edited = _answers(
        prompts.alice,
        "edit",
        {"closing": "intermediaire"},
        evidence="Signé ACME et Globex",
        topic="Un autre sujet",
        clicked=SUMMARY,
    )
    outcome = flows.checkin.submit(ALICE, edited)
    assert outcome.ok
    update, home = outcome.effects
    assert isinstance(update, UpdateMessages) and update.refs == (SUMMARY,)
    assert isinstance(home, RefreshHome)
    view = update.view
    assert isinstance(view, RatedSummary) and view.edited and view.reopened == frozenset()
    assert view.edit is not None and view.edit.closes_at == CLOSES
    closing = next(c for c in view.summary.competencies if c.competency.id == "closing")
    assert closing.current is not None and closing.current.id == "intermediaire"
    # The same rows, new levels: nothing stored twice.
    assert _levels(core) == {"prospection": "junior", "qualification": "junior"} | {
        "closing": "intermediaire"
    }
    assert (_count(core, Rating), _count(core, Evidence), _count(core, OneOnOneTopic)) == (3, 1, 1)
    with core.sessions() as session:
        assert session.scalars(select(Evidence.text)).one() == "Signé ACME et Globex"
        assert session.scalars(select(OneOnOneTopic.text)).one() == "Un autre sujet"
        tracks = dict(
            session.execute(select(RatingTrack.competency_id, RatingTrack.level_id)).all()
        )
        assert tracks["closing"] == "intermediaire" and len(tracks) == 3
        replaced = session.scalars(
            select(RatingTrack.replaced_level_id).where(RatingTrack.competency_id == "closing")
        ).one()
        assert replaced is None  # the week's rating was changed, not followed by another


def test_an_edit_opened_from_the_prompt_sends_the_summary_anew(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    _submitted(flows, prompts)
    edited = _answers(prompts.alice, "edit", {"closing": "senior"}, clicked=prompts.messages[0])
    told, _ = flows.checkin.submit(ALICE, edited).effects
    assert isinstance(told, SendDirect) and isinstance(told.view, RatedSummary)
    assert told.view.edited and told.near == prompts.messages[0]


def test_an_edit_delivered_twice_is_stored_once(core: Core, flows: Flows, prompts: Prompts) -> None:
    _submitted(flows, prompts)
    edited = _answers(prompts.alice, "edit", {"closing": "senior"}, clicked=SUMMARY)
    assert flows.checkin.submit(ALICE, edited).effects
    again = flows.checkin.submit(ALICE, edited)
    assert again.ok and again.effects == ()
    assert (_count(core, Rating), _count(core, Submission)) == (3, 2)


def test_the_first_summary_offers_to_edit_until_the_week_closes(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    outcome = flows.checkin.submit(ALICE, _answers(prompts.alice, "first"))
    summary = next(e.view for e in outcome.effects if isinstance(e, SendDirect))
    assert isinstance(summary, RatedSummary) and not summary.edited
    assert summary.edit is not None and summary.edit.prompt_id == prompts.alice
    assert summary.edit.timezone == "Asia/Kolkata"


def test_after_the_close_the_edit_is_refused_and_nothing_changes(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    _submitted(flows, prompts)
    late = build_flows(core, clock=lambda: CLOSES)
    assert late.checkin.edit(ALICE, PromptAction(prompts.alice)).refusal == "edit_closed"
    edited = _answers(prompts.alice, "late", {"closing": "senior"})
    assert late.checkin.submit(ALICE, edited).refusal == "edit_closed"
    assert late.checkin.receive(ALICE, edited).refusal == "edit_closed"  # inline, not kept
    assert _count(core, CheckinInbox) == 0
    assert _levels(core)["closing"] == "junior"
    assert (_count(core, Rating), _count(core, Submission)) == (3, 1)
    # The first submission delivered again after the close: nothing, and no refusal.
    replay = late.checkin.receive(ALICE, _answers(prompts.alice, "first"))
    assert replay.ok and replay.effects == () and _count(core, Submission) == 1


def test_an_edit_goes_through_the_inbox_and_a_replay_stores_once(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    _submitted(flows, prompts)
    edited = _answers(prompts.alice, "edit", {"closing": "senior"}, clicked=SUMMARY)
    received = flows.checkin.receive(ALICE, edited)
    assert received.view is not None and _count(core, CheckinInbox) == 1
    assert flows.checkin.receive(ALICE, edited).view is not None  # delivered again
    assert _count(core, CheckinInbox) == 1
    stored = flows.checkin.store_received(ALICE, received.view.key)
    assert isinstance(stored.effects[0], UpdateMessages)
    assert flows.checkin.store_received(ALICE, received.view.key).effects == ()
    replay = flows.checkin.receive(ALICE, edited)  # and once stored: kept, stores nothing
    assert replay.view is not None
    assert flows.checkin.store_received(ALICE, replay.view.key).effects == ()
    assert _levels(core)["closing"] == "senior"
    assert (_count(core, Rating), _count(core, Submission), _count(core, CheckinInbox)) == (
        3,
        2,
        0,
    )


def test_an_edit_kept_before_the_close_is_stored_after_it(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    """Judged when it was submitted: a worker storing it a moment after the close does."""
    _submitted(flows, prompts)
    just_before = build_flows(core, clock=lambda: CLOSES - timedelta(seconds=1))
    edited = _answers(prompts.alice, "edit", {"closing": "senior"})
    received = just_before.checkin.receive(ALICE, edited).view
    assert received is not None
    after = build_flows(core, clock=lambda: CLOSES + timedelta(seconds=1))
    stored = after.checkin.store_received(ALICE, received.key)
    summary = next(e.view for e in stored.effects if isinstance(e, SendDirect))
    assert isinstance(summary, RatedSummary) and summary.edit is None  # closed: no button
    assert _levels(core)["closing"] == "senior"


def _confirm(core: Core, levels: dict[str, str], at: datetime) -> None:
    """The manager's review of Alice's ratings (manager ratings, as the review stores)."""
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        for competency, level in levels.items():
            session.add(
                Rating(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    referentiel_id="account-executive",
                    competency_id=competency,
                    level_id=level,
                    rater=Rater.MANAGER,
                    rated_at=at,
                )
            )


def _awaiting(core: Core) -> set[str]:
    with core.sessions() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        review = ReviewService(core.referentiels).pending_for(session, alice, evidence=False)
        assert review is not None
        return {item.competency.id for item in review.pending}


def test_a_changed_level_the_manager_had_confirmed_awaits_review_again(
    core: Core, prompts: Prompts
) -> None:
    first = build_flows(core, clock=lambda: NOW)
    assert first.checkin.submit(ALICE, _answers(prompts.alice, "first")).ok
    _confirm(core, {c: "junior" for c in WEEK}, NOW + timedelta(hours=1))
    assert _awaiting(core) == set()
    later = build_flows(core, clock=lambda: NOW + timedelta(hours=2))
    edited = _answers(prompts.alice, "edit", {"closing": "intermediaire"}, clicked=SUMMARY)
    update, _ = later.checkin.submit(ALICE, edited).effects
    assert isinstance(update, UpdateMessages) and isinstance(update.view, RatedSummary)
    assert update.view.reopened == frozenset({"closing"})
    assert _awaiting(core) == {"closing"}  # the unchanged levels stay confirmed
    with core.sessions() as session:
        manager = session.scalar(
            select(func.count()).select_from(Rating).where(Rating.rater == Rater.MANAGER)
        )
    assert manager == 3  # the manager's own ratings are never touched


def test_a_late_check_in_on_a_missed_week_is_not_editable(
    core: Core, flows: Flows, prompts: Prompts
) -> None:
    with core.sessions.begin() as session:
        prompt = session.get(CheckinPrompt, prompts.alice)
        assert prompt is not None
        prompt.status = PromptStatus.MISSED
    assert flows.checkin.submit(ALICE, _answers(prompts.alice, "late")).ok  # kept, as before
    again = flows.checkin.submit(ALICE, _answers(prompts.alice, "again", {"closing": "senior"}))
    assert again.refusal == "edit_closed" and _count(core, Rating) == 3


# -- the rule --------------------------------------------------------------------------

_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(status=st.sampled_from(PromptStatus), closes_at=_MOMENTS, now=_MOMENTS)
def test_a_check_in_is_editable_only_once_submitted_and_until_its_week_closes(
    status: PromptStatus, closes_at: datetime, now: datetime
) -> None:
    assert editable(status, closes_at, now) == (status is PromptStatus.DONE and now < closes_at)


@pytest.mark.parametrize("seconds", [-1, 0, 1])
def test_the_close_itself_ends_the_edits(seconds: int) -> None:
    closes_at = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 00:00 in Paris
    now = closes_at + timedelta(seconds=seconds)
    assert editable(PromptStatus.DONE, closes_at, now) is (seconds < 0)
