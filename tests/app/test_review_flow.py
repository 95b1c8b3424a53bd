"""The review flow of the application layer, called directly as any front end would: a
manager's list of reports awaiting review, one report's review, its submission (stored
beside the self-ratings, the report told in their own language) and the weekly digest.
No chat platform; SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.outcome import Problem, SendDirect
from bot.app.review import (
    GONE,
    NOT_MANAGER,
    DigestPage,
    OpenReview,
    ReviewNotice,
    ReviewSaved,
    SubmitReview,
)
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, find_person, upsert_person
from bot.domain.scheduling import cycle_by_key
from storage.db import session_scope
from storage.models import CheckinPrompt, Evidence, Person, Platform, PromptStatus, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory, counting_sql

CHLOE = ActorRef(Platform.SLACK, TEAM, "U0CHLOE")  # manages Alice and Bob; French
BOB = ActorRef(Platform.SLACK, TEAM, "U0BOB")
WEEK = "2026-W48"  # the week of NOW
AE = "account-executive"


@dataclass
class Team:
    """Who is who, by row id, once Chloé's team is set up."""

    ids: dict[str, int] = field(default_factory=dict)


def _rate(session: Any, person: Person, competency: str, level: str, **extra: Any) -> None:
    session.add(
        Rating(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id=AE,
            competency_id=competency,
            level_id=level,
            rater=extra.pop("rater", Rater.SELF),
            rated_at=extra.pop("at", NOW - timedelta(days=1)),
            **extra,
        )
    )


@pytest.fixture
def team(core: Core) -> Team:
    """Chloé manages Alice (two self-ratings this week, evidence for one) and Bob (none
    yet); Dan, in another workspace, has the same user id as Chloé."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        chloe, _ = upsert_person(session, tenant, Profile("U0CHLOE", "Chloé", locale="fr-FR"))
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob", locale="en-US"))
        other = ensure_tenant(session, Platform.SLACK, "T0OTHER")
        dan, _ = upsert_person(session, other, Profile("U0CHLOE", "Dan"))
        alice = find_person(session, tenant.id, "U0ALICE")
        assert alice is not None
        for person in (chloe, bob, dan):
            person.referentiel_id = AE
        session.flush()
        alice.manager_id = bob.manager_id = chloe.id
        _rate(session, alice, "prospection", "intermediaire", cycle_key=WEEK)
        _rate(session, alice, "closing", "senior", cycle_key=WEEK)
        session.add(
            Evidence(
                tenant_id=alice.tenant_id,
                person_id=alice.id,
                referentiel_id=AE,
                competency_id="closing",
                text="Acme signed after three meetings",
                created_at=NOW - timedelta(days=1),
            )
        )
        session.flush()
        return Team({"alice": alice.id, "bob": bob.id, "chloe": chloe.id, "dan": dan.id})


def _submit(team: Team, key: str = "view-1", **changes: Any) -> SubmitReview:
    levels = changes.pop("levels", (("prospection", "junior"), ("closing", "senior")))
    return SubmitReview(team.ids["alice"], key, levels, **changes)


def _manager_ratings(core: Core) -> dict[str, str]:
    with core.sessions() as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id).where(Rating.rater == Rater.MANAGER)
        ).all()
    return dict(rows)


def test_the_list_is_the_reports_with_something_to_review(flows: Flows, team: Team) -> None:
    outcome = flows.review.pending(CHLOE)
    assert outcome.refusal is None and outcome.locale == "fr-FR"
    assert outcome.view is not None
    [alice] = outcome.view.reports  # Bob has nothing to review yet
    assert alice.person.id == team.ids["alice"]
    assert [item.competency.id for item in alice.pending] == ["prospection", "closing"]


def test_the_list_is_empty_once_everything_is_reviewed(flows: Flows, team: Team) -> None:
    assert flows.review.submit(CHLOE, _submit(team)).ok
    outcome = flows.review.pending(CHLOE)
    assert outcome.view is not None and outcome.view.reports == []


def test_someone_nobody_reports_to_gets_no_list(flows: Flows, team: Team) -> None:
    assert (flows.review.pending(ALICE).refusal, flows.review.pending(ALICE).locale) == (
        NOT_MANAGER,
        "en-GB",
    )
    stranger = flows.review.pending(STRANGER, Directory(Profile("U0NOBODY", locale="en-GB")))
    assert (stranger.refusal, stranger.locale) == (NOT_MANAGER, "en-GB")
    # Chloé's user id in another workspace is Dan, who manages nobody.
    other = ActorRef(Platform.SLACK, "T0OTHER", "U0CHLOE")
    assert flows.review.pending(other).refusal == NOT_MANAGER


def test_the_manager_opens_a_reports_review_with_its_evidence(flows: Flows, team: Team) -> None:
    outcome = flows.review.open(CHLOE, OpenReview(team.ids["alice"]))
    assert outcome.view is not None and outcome.view.person.id == team.ids["alice"]
    closing = next(item for item in outcome.view.pending if item.competency.id == "closing")
    assert [e.text for e in closing.evidence] == ["Acme signed after three meetings"]
    assert closing.self_level.id == "senior" and closing.manager_level is None


@pytest.mark.parametrize(
    ("who", "target"),
    [
        (BOB, "alice"),  # a peer
        (ALICE, "alice"),  # oneself
        (CHLOE, "bob"),  # her report, but nothing to review
        (CHLOE, "chloe"),  # herself
        (ActorRef(Platform.SLACK, "T0OTHER", "U0CHLOE"), "alice"),  # another workspace
        (STRANGER, "alice"),
    ],
)
def test_anyone_else_is_told_the_review_is_gone(
    flows: Flows, team: Team, who: ActorRef, target: str
) -> None:
    assert flows.review.open(who, OpenReview(team.ids[target])).refusal == GONE


def test_an_admin_who_is_not_the_manager_does_not_review(
    core: Core, flows: Flows, team: Team
) -> None:
    slack_admin = Directory(Profile("U0BOB", is_admin=True))
    assert flows.review.open(BOB, OpenReview(team.ids["alice"]), slack_admin).refusal == GONE
    outcome = flows.review.submit(BOB, _submit(team), slack_admin)
    assert outcome.refusal == GONE and _manager_ratings(core) == {}


def test_unknown_reports_are_gone_too(flows: Flows, team: Team) -> None:
    assert flows.review.open(CHLOE, OpenReview(999_999)).refusal == GONE
    assert (
        flows.review.submit(CHLOE, SubmitReview(999_999, "k", (("closing", "junior"),))).refusal
        == GONE
    )


def test_a_review_is_stored_beside_the_self_ratings_and_the_report_told_in_their_language(
    core: Core, flows: Flows, team: Team
) -> None:
    outcome = flows.review.submit(
        CHLOE, _submit(team, comment="Bravo pour Acme", share_comment=True)
    )
    assert outcome.ok and outcome.locale == "fr-FR"  # the manager's language
    assert outcome.view == ReviewSaved("Alice", "U0ALICE")
    [effect] = outcome.effects
    assert isinstance(effect, SendDirect) and effect.user_id == "U0ALICE"
    notice = effect.view
    assert isinstance(notice, ReviewNotice)
    assert (notice.locale, notice.manager_name, notice.manager_user_id) == (
        "en-GB",
        "Chloé",
        "U0CHLOE",
    )
    assert notice.comment == "Bravo pour Acme"
    told = [(c.id, level.id, own.id if own else None) for c, level, own in notice.reviewed]
    assert told == [("prospection", "junior", "intermediaire"), ("closing", "senior", "senior")]
    assert _manager_ratings(core) == {"prospection": "junior", "closing": "senior"}
    with core.sessions() as session:
        selves = session.scalars(select(Rating.level_id).where(Rating.rater == Rater.SELF)).all()
        comments = set(session.scalars(select(Rating.comment).where(Rating.rater == Rater.MANAGER)))
    assert sorted(selves) == ["intermediaire", "senior"]  # untouched
    assert comments == {"Bravo pour Acme"}  # kept either way: the report's own data


def test_an_unshared_comment_is_not_told(flows: Flows, team: Team) -> None:
    outcome = flows.review.submit(CHLOE, _submit(team, comment="Between us"))
    [effect] = outcome.effects
    assert isinstance(effect, SendDirect) and isinstance(effect.view, ReviewNotice)
    assert effect.view.comment is None


def test_the_same_submission_delivered_twice_is_stored_once(
    core: Core, flows: Flows, team: Team
) -> None:
    assert flows.review.submit(CHLOE, _submit(team)).view is not None
    again = flows.review.submit(CHLOE, _submit(team, levels=(("closing", "junior"),)))
    assert again.ok and again.view is None and again.effects == ()
    assert _manager_ratings(core) == {"prospection": "junior", "closing": "senior"}


def test_problems_come_back_per_field_and_nothing_is_stored(
    core: Core, flows: Flows, team: Team
) -> None:
    levels = (("prospection", None), ("closing", "expert"), ("nope", "junior"))
    outcome = flows.review.submit(CHLOE, _submit(team, levels=levels, comment="x" * 5000))
    assert outcome.refusal is None and outcome.view is None and outcome.effects == ()
    assert set(outcome.problems) == {
        Problem("level", "level_required", "prospection"),
        Problem("level", "unknown_level", "closing"),
        Problem("level", "unknown_competency", "nope"),
        Problem("comment", "too_long", None),
    }
    assert _manager_ratings(core) == {}
    # Fixed, the same submission (the same key) is stored.
    assert flows.review.submit(CHLOE, _submit(team)).ok
    assert _manager_ratings(core) == {"prospection": "junior", "closing": "senior"}


def test_a_submission_without_any_answer_is_not_a_review(flows: Flows, team: Team) -> None:
    assert flows.review.submit(CHLOE, _submit(team, levels=())).refusal == GONE


def test_the_digest_shows_the_managers_own_reports_that_week(flows: Flows, team: Team) -> None:
    outcome = flows.review.digest(CHLOE, DigestPage(WEEK))
    assert outcome.view is not None and outcome.locale == "fr-FR"
    rows = {row.person.platform_user_id: row for row in outcome.view.rows}
    assert set(rows) == {"U0ALICE", "U0BOB"}
    alice = rows["U0ALICE"]
    assert [(c.competency.id, c.after.id) for c in alice.changes] == [
        ("prospection", "intermediaire"),
        ("closing", "senior"),
    ]
    assert alice.pending == 2 and alice.status is None
    assert rows["U0BOB"].changes == [] and rows["U0BOB"].pending == 0
    assert flows.review.digest(CHLOE, DigestPage("2026-W47")).view is not None


def test_the_digest_is_nobodys_when_the_week_or_the_reader_is_not_one(
    flows: Flows, team: Team
) -> None:
    assert flows.review.digest(CHLOE, DigestPage("W48")).refusal == GONE
    assert flows.review.digest(CHLOE, DigestPage("2026-W48/../")).refusal == GONE
    assert flows.review.digest(STRANGER, DigestPage(WEEK)).refusal == GONE
    bob = flows.review.digest(BOB, DigestPage(WEEK))  # nobody reports to Bob: an empty digest
    assert bob.view is not None and bob.view.rows == []


def test_a_digest_row_says_the_weeks_check_in(core: Core, flows: Flows, team: Team) -> None:
    cycle = cycle_by_key(WEEK, "Asia/Kolkata")
    with session_scope(core.sessions) as session:
        alice = session.get(Person, team.ids["alice"])
        assert alice is not None
        session.add(
            CheckinPrompt(
                tenant_id=alice.tenant_id,
                person_id=alice.id,
                cycle_key=WEEK,
                scheduled_at=cycle.starts_at,
                closes_at=cycle.ends_at,
                status=PromptStatus.DONE,
            )
        )
    outcome = flows.review.digest(CHLOE, DigestPage(WEEK))
    assert outcome.view is not None
    statuses = {row.person.platform_user_id: row.status for row in outcome.view.rows}
    assert statuses == {"U0ALICE": PromptStatus.DONE, "U0BOB": None}


@contextmanager
def _counting(core: Core) -> Iterator[tuple[list[str], list[object]]]:
    with counting_sql(core.engine) as (seen, begun):
        yield seen, begun


def test_each_request_resolves_the_actor_once_in_one_transaction(
    core: Core, flows: Flows, team: Team
) -> None:
    admin_check = Directory(Profile("U0CHLOE"))
    requests: list[Callable[[], object]] = [
        lambda: flows.review.pending(CHLOE),
        lambda: flows.review.open(CHLOE, OpenReview(team.ids["alice"]), admin_check),
        lambda: flows.review.submit(CHLOE, _submit(team), admin_check),
        lambda: flows.review.digest(CHLOE, DigestPage(WEEK)),
    ]
    for request in requests:
        with counting_sql(core.engine) as (seen, begun):
            request()
        assert len([sql for sql in seen if "FROM tenants" in sql]) == 1
        assert len(begun) == 1


def test_the_list_counts_without_reading_the_evidence(core: Core, flows: Flows, team: Team) -> None:
    with counting_sql(core.engine) as (seen, _begun):
        flows.review.pending(CHLOE)
    assert not [sql for sql in seen if "FROM evidence" in sql]


def test_me_shows_the_managers_level_beside_ones_own_once_reviewed_in_one_read(
    core: Core, flows: Flows, team: Team
) -> None:
    before = flows.summary.me(ALICE).view
    assert before is not None and dict(before.manager) == {}  # nothing before a review
    assert flows.review.submit(CHLOE, _submit(team)).ok
    with counting_sql(core.engine) as (seen, _begun):
        after = flows.summary.me(ALICE).view
    assert after is not None
    assert {c: level.id for c, level in after.manager.items()} == {
        "prospection": "junior",
        "closing": "senior",
    }
    own = {item.competency.id: item.current.id for item in after.competencies if item.current}
    assert own == {"prospection": "intermediaire", "closing": "senior"}  # still one's own
    assert len([sql for sql in seen if "FROM ratings" in sql]) == 1  # read with one's own
    # A later review is the one shown.
    with session_scope(core.sessions) as session:
        alice = session.get(Person, team.ids["alice"])
        assert alice is not None
        _rate(session, alice, "closing", "intermediaire", rater=Rater.MANAGER, at=NOW)
    again = flows.summary.me(ALICE).view
    assert again is not None and again.manager["closing"].id == "intermediaire"
