"""Recording a check-in: validation, one transaction, no duplicate on a second delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from bot.domain.submissions import (
    CheckinAnswer,
    CheckinSubmission,
    FieldProblem,
    record_checkin,
    validate_checkin,
)
from bot.i18n import messages
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOneTopic,
    Person,
    Platform,
    PromptStatus,
    Rating,
    Tenant,
)

AE = ReferentielCatalog.load().get("account-executive")
NOW = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)
WEEK = ["prospection", "qualification", "closing"]


def submission(**overrides: object) -> CheckinSubmission:
    answers = [
        CheckinAnswer(
            competency_id="prospection",
            level_id="intermediaire",
            evidence_text="Signé ACME",
            evidence_link="https://crm.example.com/deal/42",
        ),
        CheckinAnswer(competency_id="qualification", level_id="junior"),
        CheckinAnswer(competency_id="closing", level_id="senior"),
    ]
    data: dict[str, object] = {"answers": answers, "topic": "Parler du pricing"}
    data.update(overrides)
    return CheckinSubmission.model_validate(data)


def test_a_complete_submission_is_valid() -> None:
    assert AE is not None
    assert validate_checkin(submission(), AE, WEEK) == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            CheckinAnswer(competency_id="valeurs", level_id="junior"),
            FieldProblem("valeurs", "level", "unknown_competency"),
        ),
        (
            CheckinAnswer(competency_id="forged", level_id="junior"),
            FieldProblem("forged", "level", "unknown_competency"),
        ),
        (
            CheckinAnswer(competency_id="closing", level_id="expert"),
            FieldProblem("closing", "level", "unknown_level"),
        ),
        (
            CheckinAnswer(competency_id="closing"),
            FieldProblem("closing", "level", "level_required"),
        ),
        (
            CheckinAnswer(competency_id="closing", level_id="junior", evidence_text="x" * 3001),
            FieldProblem("closing", "evidence_text", "too_long"),
        ),
        (
            CheckinAnswer(
                competency_id="closing",
                level_id="junior",
                evidence_text="call",
                evidence_link="javascript:alert(1)",
            ),
            FieldProblem("closing", "evidence_link", "bad_link"),
        ),
        (
            CheckinAnswer(
                competency_id="closing",
                level_id="junior",
                evidence_text="call",
                evidence_link="not a link",
            ),
            FieldProblem("closing", "evidence_link", "bad_link"),
        ),
        (
            CheckinAnswer(
                competency_id="closing",
                level_id="junior",
                evidence_link="https://docs.example.com/x",
            ),
            FieldProblem("closing", "evidence_text", "link_needs_text"),
        ),
    ],
)
def test_bad_answers_are_refused_with_the_field_named(
    answer: CheckinAnswer, problem: FieldProblem
) -> None:
    assert AE is not None
    answers = [a for a in submission().answers if a.competency_id != "closing"] + [answer]
    problems = validate_checkin(CheckinSubmission(answers=answers), AE, WEEK)
    assert problem in problems
    # Every problem has a message in both languages.
    for found in problems:
        assert f"checkin.problem.{found.key}" in messages("fr")
        assert f"checkin.problem.{found.key}" in messages("en")


def test_a_missing_competency_and_a_long_topic() -> None:
    assert AE is not None
    partial = submission(answers=submission().answers[:2], topic="t" * 3001)
    assert validate_checkin(partial, AE, WEEK) == [
        FieldProblem("closing", "level", "level_required"),
        FieldProblem(None, "topic", "too_long"),
    ]


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine


def _person_and_prompt(engine: Engine) -> tuple[int, int]:
    with session_scope(make_session_factory(engine)) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id="T1")
        session.add(tenant)
        session.flush()
        person = Person(
            tenant_id=tenant.id, platform_user_id="U1", referentiel_id="account-executive"
        )
        session.add(person)
        session.flush()
        prompt = CheckinPrompt(
            tenant_id=tenant.id,
            person_id=person.id,
            cycle_key="2026-W48",
            scheduled_at=NOW - timedelta(hours=1),
            closes_at=NOW + timedelta(days=3),
            status=PromptStatus.SENT,
            competency_ids=WEEK,
        )
        session.add(prompt)
        session.flush()
        return person.id, prompt.id


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(make_session_factory(engine)) as session:
        return (
            session.scalar(select(func.count()).select_from(Rating)) or 0,
            session.scalar(select(func.count()).select_from(Evidence)) or 0,
            session.scalar(select(func.count()).select_from(OneOnOneTopic)) or 0,
        )


def test_record_stores_everything_once(engine: Engine) -> None:
    person_id, prompt_id = _person_and_prompt(engine)
    factory = make_session_factory(engine)
    for attempt in range(2):  # the second delivery of the same view stores nothing
        with session_scope(factory) as session:
            person = session.get(Person, person_id)
            prompt = session.get(CheckinPrompt, prompt_id)
            assert person is not None and prompt is not None
            stored = record_checkin(session, person, prompt, submission(), "V123", NOW)
            assert (stored is None) == (attempt == 1)
    assert _counts(engine) == (3, 1, 1)
    with session_scope(factory) as session:
        prompt = session.get(CheckinPrompt, prompt_id)
        assert prompt is not None and prompt.status is PromptStatus.DONE
        ratings = session.scalars(select(Rating).order_by(Rating.competency_id)).all()
        assert [(r.competency_id, r.level_id, r.cycle_key) for r in ratings] == [
            ("closing", "senior", "2026-W48"),
            ("prospection", "intermediaire", "2026-W48"),
            ("qualification", "junior", "2026-W48"),
        ]
        evidence = session.scalars(select(Evidence)).one()
        assert (evidence.text, evidence.link) == ("Signé ACME", "https://crm.example.com/deal/42")


def test_a_failure_midway_stores_nothing(engine: Engine) -> None:
    person_id, prompt_id = _person_and_prompt(engine)
    bad = submission()
    bad.answers[2].level_id = None  # skipped validation: the write must fail whole
    with (
        pytest.raises(ValueError, match="no level for closing"),
        session_scope(make_session_factory(engine)) as session,
    ):
        person = session.get(Person, person_id)
        assert person is not None
        record_checkin(session, person, session.get(CheckinPrompt, prompt_id), bad, "V9", NOW)
    assert _counts(engine) == (0, 0, 0)
