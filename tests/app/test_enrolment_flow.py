"""The enrolment flow of the application layer, called directly: an admin's enrolment,
the import of a file of people, and the platform's news of a profile — no chat
platform, a directory port saying what the test tells it, the database on SQLite (and
PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.admin import NOT_ADMIN, RemoveInput
from bot.app.enrolment import DIRECTORY_FAILED, EnrolInput, Enrolled, Workspace
from bot.bootstrap import Core, Flows
from bot.domain.people import DirectoryError, Profile
from bot.domain.privacy import ERASED
from storage.models import Person, Platform, Role, Tenant
from tests.app.support import ALICE, TEAM, Directory

BOSS = ActorRef(Platform.SLACK, TEAM, "U0BOSS")
CHLOE = Profile("U0CHLOE", "Chloé", "chloe@acme.fr", "Europe/Paris", "fr-FR")
MANON = Profile("U0MANON", "Manon", "manon@acme.fr", "Europe/Paris", "fr-FR")
BOSS_PROFILE = Profile("U0BOSS", "Boss", locale="en-US", is_admin=True)


class CountingDirectory(Directory):
    """The directory, remembering whom it was asked about."""

    def __init__(self, *profiles: Profile, failing: bool = False) -> None:
        super().__init__(*profiles, failing=failing)
        self.asked: list[str] = []

    def profile(self, user_id: str) -> Profile | None:
        self.asked.append(user_id)
        return super().profile(user_id)


def _person(core: Core, user_id: str, team: str = TEAM) -> Person | None:
    with core.sessions() as session:
        return session.scalars(
            select(Person)
            .join(Tenant)
            .where(Person.platform_user_id == user_id, Tenant.external_id == team)
        ).one_or_none()


def test_an_admin_enrols_someone_with_their_manager(core: Core, flows: Flows) -> None:
    directory = Directory(BOSS_PROFILE, CHLOE, MANON)
    data = EnrolInput("U0CHLOE", "business-developer", "U0MANON")
    outcome = flows.enrolment.enrol(BOSS, data, directory)
    assert outcome.view == Enrolled("U0CHLOE", "Business Developer", "U0MANON", created=True)
    assert outcome.locale == "en-US"  # the admin's language, from the platform
    chloe, manon = _person(core, "U0CHLOE"), _person(core, "U0MANON")
    assert chloe is not None and manon is not None
    assert (chloe.referentiel_id, chloe.manager_id, chloe.timezone) == (
        "business-developer",
        manon.id,
        "Europe/Paris",
    )
    assert manon.role is Role.MANAGER and manon.referentiel_id is None
    # Again: nothing new, Chloé is known.
    again = flows.enrolment.enrol(BOSS, data, directory).view
    assert again is not None and not again.created


def test_someone_who_is_not_an_admin_cannot_enrol_nor_learn_anything(
    core: Core, flows: Flows
) -> None:
    directory = CountingDirectory(Profile("U0ALICE"), CHLOE)
    outcome = flows.enrolment.enrol(ALICE, EnrolInput("U0CHLOE", "account-executive"), directory)
    assert (outcome.refusal, outcome.locale) == (NOT_ADMIN, "en-GB")
    assert directory.asked == ["U0ALICE"]  # whether Alice is an admin; nobody else
    assert _person(core, "U0CHLOE") is None


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (EnrolInput("U0NOBODY", "account-executive"), "unknown_user"),
        (EnrolInput("U0CHLOE", "account-executive", "U0NOBODY"), "unknown_manager"),
        (EnrolInput("U0CHLOE", "chef-de-gare"), "unknown_referentiel"),
        (EnrolInput("U0CHLOE", "account-executive", "U0CHLOE"), "own_manager"),
        (EnrolInput("U0GONE", "account-executive"), "deactivated"),
        (EnrolInput("U0ROBOT", "account-executive"), "bot"),
    ],
)
def test_an_enrolment_that_cannot_be_is_refused_and_writes_nobody(
    core: Core, flows: Flows, data: EnrolInput, refusal: str
) -> None:
    directory = Directory(
        BOSS_PROFILE,
        CHLOE,
        Profile("U0GONE", "Gone", deleted=True),
        Profile("U0ROBOT", "Robot", is_bot=True),
    )
    assert flows.enrolment.enrol(BOSS, data, directory).refusal == refusal
    assert all(_person(core, user) is None for user in ("U0CHLOE", "U0GONE", "U0ROBOT"))


def test_a_platform_that_does_not_answer_about_the_person_is_a_refusal(
    flows: Flows,
) -> None:
    class Flaky(Directory):
        def profile(self, user_id: str) -> Profile | None:
            if user_id != "U0BOSS":
                raise DirectoryError("users.info: ratelimited")
            return super().profile(user_id)

    outcome = flows.enrolment.enrol(
        BOSS, EnrolInput("U0CHLOE", "account-executive"), Flaky(BOSS_PROFILE)
    )
    assert outcome.refusal == DIRECTORY_FAILED


def test_a_removed_person_comes_back_but_an_erased_one_does_not(core: Core, flows: Flows) -> None:
    directory = Directory(BOSS_PROFILE, Profile("U0ALICE", "Alice"))
    assert flows.admin.remove(BOSS, RemoveInput("U0ALICE"), directory).ok
    assert flows.enrolment.enrol(BOSS, EnrolInput("U0ALICE", "account-executive"), directory).ok
    alice = _person(core, "U0ALICE")
    assert alice is not None and alice.active and alice.inactive_reason is None
    with core.sessions.begin() as session:
        session.get_one(Person, alice.id).inactive_reason = ERASED
    outcome = flows.enrolment.enrol(BOSS, EnrolInput("U0ALICE", "account-executive"), directory)
    assert outcome.refusal == "erased"


HEADER = "email,role,manager_email,referentiel\n"


def test_an_import_enrols_the_file_in_a_workspace_it_creates(core: Core, flows: Flows) -> None:
    text = HEADER + (
        "chloe@acme.fr,member,manon@acme.fr,account-executive\n"
        "manon@acme.fr,manager,,manager-grands-comptes\n"
        "nobody@acme.fr,member,,account-executive\n"
    )
    workspace = Workspace(Platform.SLACK, "T0NEW", "Acme")
    outcome = flows.enrolment.import_people(workspace, text, Directory(CHLOE, MANON))
    report = outcome.view
    assert report is not None and (report.created, report.rejected_lines) == (2, 1)
    assert [problem.line for problem in report.problems] == [4]
    chloe, manon = _person(core, "U0CHLOE", "T0NEW"), _person(core, "U0MANON", "T0NEW")
    assert chloe is not None and manon is not None and chloe.manager_id == manon.id
    assert _person(core, "U0CHLOE") is None  # only in the workspace named
    with core.sessions() as session:
        tenant = session.scalars(select(Tenant).where(Tenant.external_id == "T0NEW")).one()
        assert tenant.name == "Acme"


def test_an_import_the_platform_cannot_answer_writes_nothing(core: Core, flows: Flows) -> None:
    class Down(Directory):
        def lookup_by_email(self, email: str) -> Profile | None:
            raise DirectoryError("users.lookupByEmail: timeout")

    text = HEADER + "chloe@acme.fr,member,,account-executive\n"
    with pytest.raises(DirectoryError):
        flows.enrolment.import_people(Workspace(Platform.SLACK, "T0NEW"), text, Down(CHLOE))
    with core.sessions() as session:
        assert session.scalars(select(Tenant).where(Tenant.external_id == "T0NEW")).all() == []


def test_a_profile_change_follows_the_platform_in_its_own_workspace_only(
    core: Core, flows: Flows
) -> None:
    moved = Profile("U0ALICE", "Alice", timezone="America/New_York", locale="en-US")
    outcome = flows.enrolment.profile_changed(ALICE, moved)
    assert outcome.view is True
    alice = _person(core, "U0ALICE")
    assert alice is not None and alice.timezone == "America/New_York"
    assert flows.enrolment.profile_changed(ALICE, moved).view is False  # the same news again
    deleted = Profile("U0ALICE", deleted=True)
    elsewhere = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")
    assert flows.enrolment.profile_changed(elsewhere, deleted).view is False
    alice = _person(core, "U0ALICE")
    assert alice is not None and alice.active
    assert flows.enrolment.profile_changed(ALICE, deleted).view is True
    alice = _person(core, "U0ALICE")
    assert alice is not None and not alice.active and alice.inactive_reason == "deactivated"


def test_people_named_by_e_mail_address_are_found_by_it(core: Core, flows: Flows) -> None:
    """A platform with no mention to read an id from (Teams) names people by address."""
    directory = Directory(BOSS_PROFILE, CHLOE, MANON)
    assert CHLOE.email is not None and MANON.email is not None
    data = EnrolInput(CHLOE.email, "business-developer", MANON.email)
    outcome = flows.enrolment.enrol(BOSS, data, directory)
    assert outcome.view == Enrolled("U0CHLOE", "Business Developer", "U0MANON", created=True)
    assert (outcome.view.name, outcome.view.manager_name) == (
        CHLOE.display_name,
        MANON.display_name,
    )
    unknown = flows.enrolment.enrol(
        BOSS, EnrolInput("x@example.com", "business-developer"), directory
    )
    assert unknown.refusal == "unknown_user"


def _welcome(core: Core, user_id: str, team: str = TEAM) -> tuple[bool, bool]:
    """(due, taken) of the person's welcome."""
    person = _person(core, user_id, team)
    assert person is not None
    return person.welcome_after is not None, person.welcomed_at is not None


def test_an_admin_enrolment_makes_the_welcome_due_once_and_says_who_was_enrolled(
    core: Core, flows: Flows
) -> None:
    directory = Directory(BOSS_PROFILE, CHLOE, MANON)
    first = flows.enrolment.enrol(BOSS, EnrolInput("U0CHLOE", "account-executive"), directory)
    assert first.view is not None and first.view.previous_title is None
    assert _welcome(core, "U0CHLOE") == (True, False)
    again = flows.enrolment.enrol(BOSS, EnrolInput("U0CHLOE", "account-executive"), directory)
    assert again.view is not None and again.view.previous_title == "Account Executive"
    moved = flows.enrolment.enrol(BOSS, EnrolInput("U0CHLOE", "business-developer"), directory)
    assert moved.view is not None and moved.view.previous_title == "Account Executive"
    assert moved.view.referentiel_title == "Business Developer"
    assert _welcome(core, "U0CHLOE") == (True, False)  # still the one welcome, due


def test_an_import_makes_the_welcome_of_each_person_enrolled_due(core: Core, flows: Flows) -> None:
    text = HEADER + "chloe@acme.fr,member,manon@acme.fr,account-executive\n"
    workspace = Workspace(Platform.SLACK, "T0NEW", "Acme")
    assert flows.enrolment.import_people(workspace, text, Directory(CHLOE, MANON)).ok
    assert _welcome(core, "U0CHLOE", "T0NEW") == (True, False)
    # Her manager, known only to the platform, is not followed: no welcome for him.
    assert _welcome(core, "U0MANON", "T0NEW") == (False, False)


def test_the_installation_welcomes_someone_enrolled_once(core: Core, flows: Flows) -> None:
    """Teams: the app installed for someone enrolled before takes their welcome; the
    same installation delivered again, or another one later, welcomes nobody again."""
    tenant = "M0TENANT"
    flows.enrolment.import_people(
        Workspace(Platform.TEAMS, tenant),
        HEADER + "chloe@acme.fr,member,,account-executive\n",
        Directory(CHLOE),
    )
    chloe_ref = ActorRef(Platform.TEAMS, tenant, "U0CHLOE")
    opened = flows.enrolment.conversation_opened(chloe_ref, "conversation-1", CHLOE)
    assert opened.view is not None and opened.view.greeting is not None
    assert opened.view.greeting.referentiel_title == "Account Executive"
    assert _welcome(core, "U0CHLOE", tenant) == (False, True)
    again = flows.enrolment.conversation_opened(chloe_ref, "conversation-1", CHLOE)
    assert again.view is not None and again.view.known_already and again.view.greeting is None
    later = flows.enrolment.conversation_opened(chloe_ref, "conversation-2", CHLOE)
    assert later.view is not None and later.view.greeting is None
