"""The 1:1 flow of the application layer, called directly as any front end would.

Marion manages Alice (enrolled by the shared set-up, in English, in Kolkata); Bruno
is Alice's peer; Ada is an admin only because the platform says so. No chat
platform: a directory port tells who is an admin, and counts how often it is asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app.actor import ActorRef
from bot.app.one_on_one import (
    SCHEDULE_USAGE,
    USAGE,
    BriefRequest,
    DoneClick,
    NoteForm,
    refusal_key,
)
from bot.app.one_on_one import ScheduleRequest as Schedule
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, upsert_person
from storage.db import session_scope
from storage.models import OneOnOne, OneOnOneNote, OneOnOneSchedule, Person, Platform
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory, counting_sql

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
BRUNO = ActorRef(Platform.SLACK, TEAM, "U0BRUNO")
ADA = ActorRef(Platform.SLACK, TEAM, "U0ADA")


class CountingDirectory(Directory):
    def __init__(self, *profiles: Profile) -> None:
        super().__init__(*profiles)
        self.asked = 0

    def profile(self, user_id: str) -> Profile | None:
        self.asked += 1
        return super().profile(user_id)


@pytest.fixture
def team(core: Core) -> dict[str, int]:
    """Marion (Paris, French) manages Alice; Bruno and Ada are enrolled, nobody's manager."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        people = {}
        for ref, name, zone in (
            (MARION, "Marion", "Europe/Paris"),
            (BRUNO, "Bruno", "Europe/Paris"),
            (ADA, "Ada", "Europe/Paris"),
        ):
            person, _ = upsert_person(
                session, tenant, Profile(ref.user_id, name, timezone=zone, locale="fr-FR")
            )
            person.referentiel_id = "account-executive"
            people[name] = person
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.flush()
        alice.manager_id = people["Marion"].id
        return {"alice": alice.id, "marion": people["Marion"].id}


def test_ones_own_prep_is_in_ones_language_and_zone_without_asking_the_platform(
    flows: Flows,
) -> None:
    directory = CountingDirectory(Profile("U0ALICE", is_admin=True))
    for request in (BriefRequest(), BriefRequest("U0ALICE")):
        outcome = flows.one_on_one.brief(ALICE, request, directory)
        assert outcome.view is not None and outcome.locale == "en-GB"
        assert outcome.view.brief.own and not outcome.view.brief.can_act
        assert outcome.view.timezone == "Asia/Kolkata"
    assert directory.asked == 0  # no admin flag needed for one's own prep


def test_someone_not_followed_has_no_prep_and_is_told_in_their_language(flows: Flows) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US"))
    outcome = flows.one_on_one.brief(STRANGER, BriefRequest(), directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en-US")
    assert flows.one_on_one.usage(STRANGER, directory).refusal == USAGE


def test_the_manager_may_act_a_peer_sees_nothing_an_admin_only_reads(
    flows: Flows, team: dict[str, int]
) -> None:
    about_alice = BriefRequest("U0ALICE")
    managed = flows.one_on_one.brief(MARION, about_alice, Directory(Profile("U0MARION")))
    assert managed.view is not None and managed.view.brief.can_act
    assert managed.view.brief.report.person_id == team["alice"]
    assert managed.view.timezone == "Europe/Paris" and managed.locale == "fr-FR"
    peer = flows.one_on_one.brief(BRUNO, about_alice, Directory(Profile("U0BRUNO")))
    assert peer.refusal == "unavailable"
    unknown = flows.one_on_one.brief(MARION, BriefRequest("U0GHOST"), Directory())
    assert unknown.refusal == "unavailable"  # the same words: nothing says who is enrolled
    admin = CountingDirectory(Profile("U0ADA", is_admin=True))
    read = flows.one_on_one.brief(ADA, about_alice, admin)
    assert read.view is not None and not read.view.brief.can_act and admin.asked == 1
    schedule = flows.one_on_one.schedule(ADA, Schedule("U0ALICE", "lundi", "10:00"), admin)
    assert schedule.refusal == "manager_only"


def test_a_recurring_1on1_is_set_in_the_managers_zone_and_stopped(
    core: Core, flows: Flows, team: dict[str, int]
) -> None:
    directory = Directory(Profile("U0MARION"))
    flow = flows.one_on_one
    for day, at in (("someday", "10:00"), ("lundi", "25:00"), ("", "")):
        assert flow.schedule(MARION, Schedule("U0ALICE", day, at), directory).refusal == (
            SCHEDULE_USAGE
        )
    outcome = flow.schedule(MARION, Schedule("U0ALICE", "lundi", "10:00"), directory)
    assert outcome.view is not None and outcome.view.report.user_id == "U0ALICE"
    # Monday 30 November, 10:00 in Paris.
    assert outcome.view.schedule.next_meeting_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert outcome.view.schedule.timezone == "Europe/Paris"
    assert flow.stop_schedule(BRUNO, "U0ALICE", Directory()).refusal == "unavailable"
    stopped = flow.stop_schedule(MARION, "U0ALICE", directory)
    assert stopped.view is not None and stopped.view.existed
    again = flow.stop_schedule(MARION, "U0ALICE", directory)
    assert again.view is not None and not again.view.existed
    with core.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OneOnOneSchedule)) == 0


def test_1on1_done_is_recorded_once_for_the_manager_only(
    core: Core, flows: Flows, team: dict[str, int]
) -> None:
    flow = flows.one_on_one
    shown = flow.brief(MARION, BriefRequest("U0ALICE"))
    assert shown.view is not None
    click = DoneClick(team["alice"], shown.view.brief.generated_at, None)
    assert flow.done(MARION, None).refusal == "unavailable"  # not one of Palier's buttons
    assert flow.done(ALICE, click).refusal == "manager_only"
    done = flow.done(MARION, click)
    assert done.view is not None and done.view.recorded.held_at == NOW
    assert done.view.timezone == "Europe/Paris"
    assert flow.done(MARION, click).refusal == "already_recorded"
    with core.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OneOnOne)) == 1


def test_a_note_is_the_managers_checked_on_its_field_and_stored_once(
    core: Core, flows: Flows, team: dict[str, int]
) -> None:
    flow, alice = flows.one_on_one, team["alice"]
    opened = flow.open_note(MARION, alice)
    assert opened.view is not None and opened.view.user_id == "U0ALICE"
    assert flow.open_note(ALICE, alice).refusal == "manager_only"
    assert flow.open_note(MARION, None).refusal == "unavailable"
    empty = flow.save_note(MARION, NoteForm(alice, " \x00 ", "slack-view:V0"))
    assert empty.refusal is None and not empty.ok
    assert [(p.field, p.key) for p in empty.problems] == [("note", "one_on_one.refusal.empty_note")]
    assert flow.save_note(BRUNO, NoteForm(alice, "Hop", "slack-view:V1")).refusal == "unavailable"
    saved = flow.save_note(MARION, NoteForm(alice, "Prête", "slack-view:V2"))
    assert saved.ok and saved.view is not None and saved.view.text == "Prête"
    again = flow.save_note(MARION, NoteForm(alice, "Prête", "slack-view:V2"))
    assert again.ok and again.view is None  # the same submission delivered twice
    with core.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OneOnOneNote)) == 1


def test_refusal_codes_have_their_catalog_messages(flows: Flows) -> None:
    from bot.i18n import Translator

    t = Translator("en")
    for code in (USAGE, SCHEDULE_USAGE, "unavailable", "manager_only", "already_recorded"):
        key = refusal_key(code)
        assert t(key) != key


@pytest.fixture
def statements(core: Core) -> Iterator[list[str]]:
    with counting_sql(core.engine) as (seen, _begun):
        yield seen


def test_a_brief_about_a_report_reads_the_workspace_once(
    flows: Flows, team: dict[str, int], statements: list[str]
) -> None:
    flows.one_on_one.brief(MARION, BriefRequest("U0ALICE"), Directory(Profile("U0MARION")))
    assert len([sql for sql in statements if "FROM tenants" in sql]) == 1


def test_the_clock_is_the_flows(flows: Flows, team: dict[str, int]) -> None:
    shown = flows.one_on_one.brief(MARION, BriefRequest("U0ALICE"))
    assert shown.view is not None and shown.view.brief.generated_at == NOW
    assert shown.view.brief.since == NOW - timedelta(days=14)


def test_an_indirect_manager_shown_the_buttons_may_use_them_when_the_setting_is_on(
    core: Core, team: dict[str, int]
) -> None:
    """With PALIER_MANAGERS_SEE_INDIRECT, Bruno (Marion's manager) is shown Alice's brief
    with "1:1 done" and the note: a click and a note of his are carried out, not refused."""
    from bot.bootstrap import build_flows

    with session_scope(core.sessions) as session:
        marion = session.get(Person, team["marion"])
        bruno = session.scalars(select(Person).where(Person.platform_user_id == "U0BRUNO")).one()
        assert marion is not None
        marion.manager_id = bruno.id
    core.settings = core.settings.model_copy(update={"managers_see_indirect": True})
    flows = build_flows(core, clock=lambda: NOW)
    shown = flows.one_on_one.brief(BRUNO, BriefRequest("U0ALICE"), Directory(Profile("U0BRUNO")))
    assert shown.view is not None and shown.view.brief.can_act
    done = flows.one_on_one.done(BRUNO, DoneClick(team["alice"], NOW, None))
    assert done.refusal is None and done.view is not None
    assert flows.one_on_one.open_note(BRUNO, team["alice"]).refusal is None
    note = flows.one_on_one.save_note(BRUNO, NoteForm(team["alice"], "Bien joué", "k1"))
    assert note.ok and note.view is not None
