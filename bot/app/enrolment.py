"""People coming into Palier and staying in step with their platform: an admin's
enrolment, the import of a file of people, and the platform's changes to a profile.

Three ways in, one place: each finds people in the platform's directory (the
:class:`~bot.domain.people.Directory` port, so Slack and later Teams share it), checks
them the same way (deactivated accounts, bots, erased people whose request stands)
and writes them with :func:`bot.domain.people.upsert_person`. The domain parts are
:class:`bot.domain.admin.AdminService` (one person) and :mod:`bot.domain.people_import` (a file).

* :meth:`EnrolmentFlow.enrol` is an admin's operation: refused with
  :data:`bot.app.admin.NOT_ADMIN` before anyone is looked up for anyone else;
* :meth:`EnrolmentFlow.import_people` is an operator's (the command line): there
  is no acting person, the workspace is the platform token's;
* :meth:`EnrolmentFlow.profile_changed` is the platform telling Palier about one of
  its people (Slack's ``user_change``): a person Palier does not follow is ignored,
  and only the workspace the news was delivered for is looked in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.admin import NOT_ADMIN, find_someone, title_of, workspace_of
from bot.app.outcome import Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Reader, readers_of
from bot.domain.admin import AdminRefusal, AdminService
from bot.domain.people import (
    NOT_INSTALLED,
    Directory,
    DirectoryError,
    Profile,
    apply_profile,
    ensure_tenant,
    find_tenant,
    known_timezone,
    person_locale,
    upsert_person,
)
from bot.domain.people_import import ImportReport, import_people
from bot.domain.planning import PlanningPolicy
from bot.domain.welcome import Greeting, claim_welcome, greeting_for
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import Platform
from storage.repositories import PromptRepository

DIRECTORY_FAILED = "directory_failed"  # refusal: the platform could not say who they are
UNKNOWN_MANAGER = "unknown_manager"  # refusal: the person is found, their manager is not


@dataclass(frozen=True)
class EnrolInput:
    """Whom to enrol, on which référentiel, under which manager: each person named by
    their platform user id, or by their e-mail address where the platform has no way to
    name someone in a command (Teams); :func:`bot.app.admin.is_address` tells which."""

    user_id: str
    referentiel_id: str
    manager_id: str | None = None


@dataclass(frozen=True)
class Welcome:
    """What a person is told when their conversation with Palier opens (the app installed
    for them): ``referentiel_title`` when Palier follows them already, else None;
    ``zone_known`` False while Palier knows no time zone of theirs (the platform did not
    say it yet: the workspace's default applies meanwhile); ``known_already`` when Palier
    held this very conversation already (the platform delivering the same news again):
    they were welcomed, nothing to say twice. ``greeting``: the welcome of their
    enrolment, when it was still to be sent (claimed here: the tick will not send it);
    ``readers``: who sees their data."""

    referentiel_title: str | None
    name: str | None
    zone_known: bool = True
    known_already: bool = False
    greeting: Greeting | None = None
    readers: tuple[Reader, ...] = ()


@dataclass(frozen=True)
class Enrolled:
    """Who was enrolled, on what (its title), with which manager; ``created`` when
    Palier did not know them before."""

    user_id: str
    referentiel_title: str
    manager_id: str | None
    created: bool
    # The title of the référentiel Palier followed them on already (None: they were not
    # enrolled, or had been removed): the answer says so rather than "enrolled".
    previous_title: str | None = None
    # How the platform names them, for a front end that cannot mention people by id.
    name: str | None = field(default=None, compare=False)
    manager_name: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Workspace:
    """A workspace as its platform names it (an import has no acting person, only this)."""

    platform: Platform
    external_id: str
    name: str | None = None


class EnrolmentFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        admin: AdminService,
        planning: PlanningPolicy,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.admin = admin
        self.planning = planning

    def referentiel_ids(self, ref: ActorRef | None = None) -> list[str]:
        """What one may enrol people on (a refusal of an unknown référentiel lists them):
        the installation's own, and those the admins of ``ref``'s workspace added."""
        if ref is None:
            return self.catalog.ids()
        with session_scope(self.work.sessions) as session:
            tenant = find_tenant(session, ref.platform, ref.workspace_id)
            tenant_id = tenant.id if tenant is not None else None
        return self.catalog.visible_ids(tenant_id)

    def enrol(self, ref: ActorRef, data: EnrolInput, directory: Directory) -> Outcome[Enrolled]:
        """An admin enrols (or re-enrols) someone of their workspace, with their manager."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            if not actor.is_admin:
                return Outcome.refused(actor.locale, NOT_ADMIN)
            try:
                profile = find_someone(directory, data.user_id)
                manager = find_someone(directory, data.manager_id) if data.manager_id else None
            except DirectoryError:
                return Outcome.refused(actor.locale, DIRECTORY_FAILED)
            if profile is None:
                return Outcome.refused(actor.locale, AdminRefusal.UNKNOWN_USER.value)
            if data.manager_id is not None and manager is None:
                return Outcome.refused(actor.locale, UNKNOWN_MANAGER)
            tenant = workspace_of(session, actor)
            done = self.admin.enrol(session, tenant, profile, data.referentiel_id, manager)
            if isinstance(done, AdminRefusal):
                return Outcome.refused(actor.locale, done.value)
            title = title_of(self.catalog, data.referentiel_id)
            previous = done.previous_referentiel
            enrolled = Enrolled(
                profile.user_id,
                title,
                manager.user_id if manager is not None else None,
                done.created,
                previous_title=title_of(self.catalog, previous) if previous else None,
                name=profile.display_name,
                manager_name=manager.display_name if manager is not None else None,
            )
            return Outcome(actor.locale, enrolled)

    def import_people(
        self, workspace: Workspace, text: str, directory: Directory
    ) -> Outcome[ImportReport]:
        """The people of a CSV file (see :mod:`bot.domain.people_import`) into ``workspace``.

        One transaction, the workspace created with it: raises
        :class:`~bot.domain.people.DirectoryError` when the platform cannot answer, and then
        nothing is written. The outcome is in the workspace's default language.
        """
        with session_scope(self.work.sessions) as session:
            tenant = ensure_tenant(
                session, workspace.platform, workspace.external_id, workspace.name
            )
            report = import_people(session, tenant, text, directory, self.catalog)
        return Outcome(self.work.defaults.locale, report)

    def conversation_opened(
        self, ref: ActorRef, conversation: str, profile: Profile, workspace_name: str | None = None
    ) -> Outcome[Welcome]:
        """The platform says the person can be written to, in ``conversation`` (opaque:
        Teams' service address and conversation id, learnt when the app is installed for
        them). Palier keeps it with the person — known from now on, followed only once an
        admin enrols them — and brings their name, language and zone up to date; the view
        is what to welcome them with. Idempotent: the same news again changes nothing more
        (the view says it was known already: no second welcome).
        """
        with session_scope(self.work.sessions) as session:
            tenant = ensure_tenant(session, ref.platform, ref.workspace_id, workspace_name)
            person, _created = upsert_person(session, tenant, profile)
            known_already = person.conversation_ref == conversation
            person.conversation_ref = conversation
            if not known_already and person.id is not None:
                # Installed at last: this week's check-in, given up on while Palier could
                # not write to them, goes out at the next tick instead of next week.
                PromptRepository(session).reopen_unreached(
                    person.id, self.clock(), (NOT_INSTALLED,)
                )
            locale = person_locale(person.locale, self.work.defaults.locale)
            title = (
                title_of(self.catalog, person.referentiel_id)
                if person.referentiel_id and person.active
                else None
            )
            zone_known = known_timezone(person.timezone) is not None
            greeting = None
            indirect = self.work.defaults.managers_see_indirect
            if title is not None and not known_already and person.welcome_after is not None:
                now = self.clock()
                if claim_welcome(session, person.id, now):
                    greeting = greeting_for(
                        session, person, self.catalog, self.planning, now, indirect=indirect
                    )
            readers = readers_of(person, indirect)
            welcome = Welcome(
                title, person.display_name, zone_known, known_already, greeting, readers
            )
            return Outcome(locale, welcome)

    def conversation_closed(self, ref: ActorRef, conversation: str) -> Outcome[bool]:
        """The platform says ``conversation`` no longer reaches the person (Teams: the app
        was removed for them). Palier forgets it: they are held as not installed — the
        admin's status names them — until it is installed again. Only the conversation
        stored is forgotten (news of an older one changes nothing); idempotent. The view
        says whether anything changed."""
        with self.work.begin(ref) as (_session, actor):
            person = actor.person
            if person is None or person.conversation_ref != conversation:
                return Outcome(actor.locale, False)
            person.conversation_ref = None
            return Outcome(actor.locale, True)

    def profile_changed(self, ref: ActorRef, profile: Profile) -> Outcome[bool]:
        """Bring the person ``ref`` names up to date with what their platform says of them
        (time zone, language, name, deactivation); the view says whether anything changed.

        Idempotent: the same news twice changes nothing more.
        """
        with self.work.begin(ref) as (_session, actor):
            if actor.person is None:
                return Outcome(actor.locale, False)
            return Outcome(actor.locale, apply_profile(actor.person, profile))
