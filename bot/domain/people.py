"""People and workspaces: who Palier knows, as the chat platform describes them.

A front end turns its platform's user record into a :class:`Profile` (time zone,
language, deactivated or not) and calls :func:`apply_profile`; Palier's own
choices (a language the person picked, an override of their check-in slot) are
never overwritten by what the platform says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.i18n import Locale, in_language, language_of, to_locale
from storage.models import PLAN_NOW, Person, Platform, Tenant

log = logging.getLogger(__name__)

DEACTIVATED = "deactivated"  # inactive_reason when the platform says the account is gone
# The delivery failure (and then inactive_reason) of someone Palier has no conversation to
# write in (Teams: the app is not installed for them, or was removed): installing the app
# gives one, and brings them back.
NOT_INSTALLED = "not_installed"
# inactive_reason values that are a person's or an admin's decision (bot.domain.privacy.ERASED,
# bot.domain.admin.REMOVED): a platform profile never undoes them. Any other reason (the
# platform said the account is gone, or it could not be written to) is undone by a
# later good profile.
DECISIONS = frozenset({"erased", "removed"})


@dataclass(frozen=True)
class Profile:
    """A person as the chat platform describes them."""

    user_id: str
    display_name: str | None = None
    email: str | None = None
    timezone: str | None = None  # IANA name
    locale: str | None = None  # platform locale, e.g. fr-FR
    deleted: bool = False
    is_bot: bool = False
    is_admin: bool = False


class DirectoryError(Exception):
    """The platform could not answer (network, rate limit exhausted, bad token)."""


class Directory(Protocol):
    """The platform's user directory, as Palier needs it."""

    def lookup_by_email(self, email: str) -> Profile | None:
        """The person with this email, or None when the platform knows nobody by it."""
        ...

    def profile(self, user_id: str) -> Profile | None:
        """The person with this id, or None when the platform knows nobody by it."""
        ...


def ensure_tenant(
    session: Session, platform: Platform, external_id: str, name: str | None = None
) -> Tenant:
    """The tenant for a workspace, created the first time it is seen."""
    query = select(Tenant).where(Tenant.platform == platform, Tenant.external_id == external_id)
    tenant = session.scalars(query).one_or_none()
    if tenant is not None:
        if name and tenant.name != name:
            tenant.name = name
        return tenant
    try:
        with session.begin_nested():
            tenant = Tenant(platform=platform, external_id=external_id, name=name)
            session.add(tenant)
    except IntegrityError:  # another process created it first
        return session.scalars(query).one()
    return tenant


def find_tenant(session: Session, platform: Platform, external_id: str) -> Tenant | None:
    return session.scalars(
        select(Tenant).where(Tenant.platform == platform, Tenant.external_id == external_id)
    ).one_or_none()


def find_person(session: Session, tenant_id: int, user_id: str) -> Person | None:
    """The person with this platform user id in this tenant (never another tenant's)."""
    return session.scalars(
        select(Person).where(Person.tenant_id == tenant_id, Person.platform_user_id == user_id)
    ).one_or_none()


def known_timezone(name: str | None) -> str | None:
    """``name`` if Python knows the zone (zoneinfo, with tzdata), else None.

    The one check every entry point uses (platform profile, events, CSV import,
    admin commands): one unknown zone stored (``Mars/Olympus``) would make every
    later computation of that person's local time fail.
    """
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone_of(person: Person, default: str) -> str:
    """The IANA zone to read ``person``'s local time in: theirs, else ``default``.

    Every read of a person's zone goes through here, so that a zone stored before
    zones were checked at entry (or by hand) falls back to the workspace default
    instead of failing each computation of that person's local time.
    """
    zone = known_timezone(person.timezone)
    if zone is None and person.timezone:
        log.warning(
            "person %s: unknown stored time zone %r, %s used", person.id, person.timezone, default
        )
    return zone or default


def apply_profile(person: Person, profile: Profile, *, news: bool = True) -> bool:
    """Bring a person up to date with the platform; True when something changed.

    The time zone and name follow the platform; the language follows it until the
    person chooses one in Palier; a deactivated account stops all messages. ``news``:
    the platform told of a change (an event, a request), not a profile read again.
    """
    changed = False

    def put(attribute: str, value: object) -> None:
        nonlocal changed
        if value is not None and getattr(person, attribute) != value:
            setattr(person, attribute, value)
            changed = True

    put("display_name", profile.display_name)
    put("email", profile.email)
    if not person.timezone_chosen:
        timezone = known_timezone(profile.timezone)
        if profile.timezone and timezone is None:
            # Keep the last good zone (or none: the workspace default applies).
            log.warning(
                "person %s: unknown time zone %r from the platform ignored",
                person.id or profile.user_id,
                profile.timezone,
            )
        put("timezone", timezone)
    if not person.locale_chosen and profile.locale:
        # Only a language Palier speaks is stored, with its region (en-GB: British
        # dates); otherwise the workspace default applies.
        put("locale", supported_locale(profile.locale))
    elif person.locale_chosen and profile.locale:
        # The language chosen in Palier stays; the region follows the platform.
        put("locale", in_language(profile.locale, language_of(person.locale or "")))
    if profile.deleted and person.active:
        person.active = False
        person.inactive_reason = DEACTIVATED
        changed = True
    elif (
        not profile.deleted
        and not person.active
        and person.inactive_reason not in DECISIONS
        and (news or person.inactive_reason == DEACTIVATED)
    ):
        # Reactivated in the workspace (or reachable again): Palier writes to them again.
        # A profile merely read again (``news`` False: the background read) says the
        # account exists, not that messages now reach them: only a deleted account
        # restored comes back that way.
        person.active = True
        person.inactive_reason = None
        reachable(person)
        changed = True
    return changed


def shown_name(person: Person) -> str | None:
    """The person as others see them named: their name (their platform id where the
    platform gave none); None once their data was erased — a view then says "a person
    whose data was erased", never an id."""
    if person.inactive_reason == "erased":
        return None
    return person.display_name or person.platform_user_id


def seen_timezone(person: Person, zone: str | None) -> bool:
    """The zone the platform reports with a request of ``person`` (Teams tells it only
    that way), kept when it differs from theirs and they did not choose one; True when
    it changed. An unknown zone changes nothing. Nothing is written when it is the same,
    so a request that reports it costs no write.
    """
    timezone = known_timezone(zone)
    if timezone is None or person.timezone_chosen or person.timezone == timezone:
        return False
    person.timezone = timezone
    return True


def reachable(person: Person) -> None:
    """Forget the person's unconfirmed delivery failures (a message reached them)."""
    if person.delivery_failures or person.delivery_failed_at is not None:
        person.delivery_failures = 0
        person.delivery_failed_at = None


def person_locale(platform_locale: str | None, default: Locale = "fr") -> Locale:
    """The locale of a stored or platform tag such as ``en-GB`` (French or English, the
    region kept for dates and numbers); ``default`` otherwise."""
    return to_locale(platform_locale, default)


def supported_locale(platform_locale: str | None) -> Locale | None:
    """``en_gb`` → ``en-GB``; a language Palier does not speak → None."""
    if not platform_locale:
        return None
    locale = to_locale(platform_locale, "")
    return locale or None


def upsert_person(session: Session, tenant: Tenant, profile: Profile) -> tuple[Person, bool]:
    """The person for a profile, created or updated; True when created."""
    person = find_person(session, tenant.id, profile.user_id)
    if person is not None:
        apply_profile(person, profile)
        return person, False
    person = Person(
        tenant_id=tenant.id,
        platform_user_id=profile.user_id,
        active=True,
        locale_chosen=False,
        timezone_chosen=False,
    )
    apply_profile(person, profile)
    session.add(person)
    session.flush()
    return person, True


def welcome_due(person: Person) -> None:
    """Someone was just enrolled: the welcome of it is due (:mod:`bot.domain.welcome`),
    unless they were welcomed already (enrolled again, moved to another référentiel) or
    it is due already."""
    if person.welcomed_at is None and person.welcome_after is None:
        person.welcome_after = PLAN_NOW  # at the next tick


def choose_locale(person: Person, locale: Locale) -> Locale:
    """The person's own choice of language, their region kept (someone in London who
    chooses French reads French words); the platform's language no longer overrides
    it. Answers the person's locale from now on."""
    person.locale = in_language(person.locale, language_of(locale))
    person.locale_chosen = True
    return person.locale
