"""The admin flow of the application layer (remove, schedule, status), called directly:
no chat platform, the directory port saying who the platform calls an administrator,
the database on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.admin import NOT_ADMIN, Removed, RemoveInput, Scheduled, ScheduleInput, StatusReport
from bot.app.outcome import Outcome
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, find_person, upsert_person
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, Platform, PromptStatus, Role, Tenant
from tests.app.support import ALICE, NOW, TEAM, Directory, counting_sql

BOSS = ActorRef(Platform.SLACK, TEAM, "U0BOSS")
# Slack calls Boss a workspace admin; Palier does not follow them.
SLACK_ADMIN = Directory(
    Profile("U0BOSS", locale="en-US", timezone="America/New_York", is_admin=True)
)


def _prompt(core: Core, user_id: str, status: PromptStatus, at: datetime = NOW) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        person = find_person(session, tenant.id, user_id)
        assert person is not None
        session.add(
            CheckinPrompt(
                tenant_id=tenant.id,
                person_id=person.id,
                cycle_key="2026-W48",
                scheduled_at=at,
                closes_at=at + timedelta(days=3),
                status=status,
                last_error="channel_not_found" if status is PromptStatus.FAILED else None,
            )
        )


def _alice(core: Core) -> Person:
    with core.sessions() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()


def test_someone_who_is_not_an_admin_is_refused_the_same_way_whatever_they_ask(
    core: Core, flows: Flows
) -> None:
    _prompt(core, "U0ALICE", PromptStatus.PENDING)
    not_admin = Directory(Profile("U0ALICE"))
    outcomes: list[Outcome[Any]] = [
        flows.admin.rights(ALICE, not_admin),
        flows.admin.remove(ALICE, RemoveInput("U0ALICE"), not_admin),
        flows.admin.remove(ALICE, RemoveInput("U0NOBODY"), not_admin),
        flows.admin.schedule(ALICE, ScheduleInput(0, time(9, 0)), not_admin),
        flows.admin.status(ALICE, not_admin),
    ]
    assert {(o.refusal, o.view, o.locale) for o in outcomes} == {(NOT_ADMIN, None, "en-GB")}
    alice = _alice(core)
    assert alice.active and alice.inactive_reason is None
    with core.sessions() as session:
        tenant = session.scalars(select(Tenant)).one()
        assert tenant.checkin_weekday is None and session.scalars(select(CheckinPrompt)).all()


def test_a_workspace_admin_or_palier_s_own_admin_role_may_administer(
    core: Core, flows: Flows
) -> None:
    assert flows.admin.rights(BOSS, SLACK_ADMIN).ok
    assert flows.admin.rights(BOSS, Directory(Profile("U0BOSS"))).refusal == NOT_ADMIN
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        boss, _ = upsert_person(session, tenant, Profile("U0BOSS", "Boss"))
        boss.role = Role.ADMIN
    # Slack cannot say: Palier's own role still counts.
    assert flows.admin.rights(BOSS, Directory(failing=True)).ok


def test_remove_stops_the_check_ins_not_yet_answered_and_keeps_the_person(
    core: Core, flows: Flows
) -> None:
    _prompt(core, "U0ALICE", PromptStatus.PENDING)
    outcome = flows.admin.remove(BOSS, RemoveInput("U0ALICE"), SLACK_ADMIN)
    assert outcome.ok and outcome.view == Removed("U0ALICE")
    assert outcome.locale == "en-US"  # Slack's language for someone Palier does not follow
    alice = _alice(core)
    assert (alice.active, alice.inactive_reason, alice.referentiel_id) == (
        False,
        "removed",
        "account-executive",
    )
    with core.sessions() as session:
        prompt = session.scalars(select(CheckinPrompt)).one()
        assert (prompt.status, prompt.completed_at) == (PromptStatus.SKIPPED, NOW)


def test_remove_only_reaches_people_enrolled_in_the_admins_own_workspace(
    core: Core, flows: Flows
) -> None:
    assert flows.admin.remove(BOSS, RemoveInput("U0NOBODY"), SLACK_ADMIN).refusal == "not_enrolled"
    elsewhere = ActorRef(Platform.SLACK, "T0OTHER", "U0BOSS")
    assert flows.admin.remove(elsewhere, RemoveInput("U0ALICE"), SLACK_ADMIN).refusal == (
        "not_enrolled"
    )
    assert _alice(core).active


def test_schedule_sets_the_workspace_slot_and_moves_unsent_check_ins(
    core: Core, flows: Flows
) -> None:
    _prompt(core, "U0ALICE", PromptStatus.PENDING)
    outcome = flows.admin.schedule(BOSS, ScheduleInput(1, time(10, 30)), SLACK_ADMIN)
    assert outcome.view == Scheduled(1, time(10, 30), moved=1)
    with core.sessions() as session:
        tenant = session.scalars(select(Tenant)).one()
        assert (tenant.checkin_weekday, tenant.checkin_time) == (1, time(10, 30))
        assert session.scalars(select(CheckinPrompt)).all() == []


def test_status_counts_people_names_referentiels_and_reads_in_the_admins_zone(
    core: Core, flows: Flows
) -> None:
    _prompt(core, "U0ALICE", PromptStatus.FAILED, NOW - timedelta(days=1))
    paused_at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        tenant.delivery_paused_at, tenant.delivery_error = paused_at, "token_revoked"
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob"))
        bob.referentiel_id, bob.active = "business-developer", False
    outcome = flows.admin.status(BOSS, SLACK_ADMIN)
    report = outcome.view
    assert isinstance(report, StatusReport) and outcome.locale == "en-US"
    assert report.timezone == "America/New_York"
    assert report.titles == {"account-executive": "Account Executive"}
    status = report.status
    assert (status.enrolled, status.inactive, status.paused) == (1, 1, 0)
    assert (status.delivery_paused_at, status.delivery_error) == (paused_at, "token_revoked")
    assert [(e.person_name, e.reason) for e in status.recent_errors] == [
        ("Alice", "channel_not_found")
    ]


def test_an_admin_of_a_workspace_palier_has_never_seen_creates_it(core: Core, flows: Flows) -> None:
    newcomer = ActorRef(Platform.SLACK, "T0NEW", "U0BOSS")
    outcome = flows.admin.status(newcomer, SLACK_ADMIN)
    assert outcome.view is not None and outcome.view.status.enrolled == 0
    with core.sessions() as session:
        assert session.scalars(select(Tenant).where(Tenant.external_id == "T0NEW")).one()


@contextmanager
def _counting(core: Core) -> Iterator[tuple[list[str], list[object]]]:
    with counting_sql(core.engine) as (seen, begun):
        yield seen, begun


@pytest.mark.parametrize("followed", [True, False])
def test_an_admin_request_is_one_transaction_reading_the_workspace_once(
    core: Core, flows: Flows, followed: bool
) -> None:
    if followed:
        with session_scope(core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, TEAM)
            upsert_person(session, tenant, Profile("U0BOSS", "Boss"))
    with counting_sql(core.engine) as (seen, begun):
        assert flows.admin.status(BOSS, SLACK_ADMIN).ok
    tenant_reads = [sql for sql in seen if "FROM tenants" in sql]
    # The actor's look-up finds the workspace; the operation works on that same one.
    assert len(begun) == 1 and len(tenant_reads) == 1


def test_remove_by_the_address_palier_knows_someone_by(core: Core, flows: Flows) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        alice = find_person(session, tenant.id, "U0ALICE")
        assert alice is not None
        alice.email = "alice@acme.fr"
    outcome = flows.admin.remove(BOSS, RemoveInput("Alice@ACME.fr"), SLACK_ADMIN)
    assert outcome.view == Removed("U0ALICE") and outcome.view.name == "Alice"
    assert not _alice(core).active
    unknown = flows.admin.remove(BOSS, RemoveInput("nobody@acme.fr"), SLACK_ADMIN)
    assert unknown.refusal == "not_enrolled"


def test_status_names_the_enrolled_palier_cannot_write_to_when_asked(
    core: Core, flows: Flows
) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        for user_id, name, conversation in [
            ("U0BOB", "Bob", None),
            ("U0CAROL", "Carol", '{"conversation": "a:1"}'),
            ("U0DAN", "Dan", None),
        ]:
            person, _ = upsert_person(session, tenant, Profile(user_id, name))
            person.referentiel_id = "account-executive"
            person.conversation_ref = conversation
        dan = find_person(session, tenant.id, "U0DAN")
        assert dan is not None
        dan.active = False  # removed: not someone to write to
    plain = flows.admin.status(BOSS, SLACK_ADMIN).view
    assert plain is not None and plain.unreachable == []  # Slack opens conversations itself
    asked = flows.admin.status(BOSS, SLACK_ADMIN, conversations_needed=True).view
    assert asked is not None
    assert [(u.user_id, u.name) for u in asked.unreachable] == [
        ("U0ALICE", "Alice"),
        ("U0BOB", "Bob"),
    ]
