"""Enrolling people from a CSV file (``palier people import people.csv``).

The file has a header row and one person a line::

    email,role,manager_email,referentiel,timezone,day,time
    alice@acme.fr,member,manon@acme.fr,account-executive,,lundi,09:30

``email`` and ``referentiel`` are required; ``role`` (member, manager, admin;
member when empty), ``manager_email``, ``timezone`` (IANA), ``day`` (monday …
sunday, lundi … dimanche) and ``time`` (``16:00``, or the French way ``9h30``) are
optional. Commas or semicolons separate the cells (French Excel writes semicolons); a
UTF-8 byte-order mark is ignored.

A French file reads as well: the headers ``e-mail`` (or ``courriel``), ``rôle``,
``manager``, ``référentiel``, ``fuseau horaire``, ``jour``, ``heure`` — case, accents,
spaces and hyphens ignored, see :data:`HEADER_ALIASES` — and the role ``commercial``
for a member. A référentiel id that is a typo of one Palier has is refused with the
nearest one suggested.

An optional column that is absent from the header leaves what Palier already
knows untouched; a column that is present but empty on a line clears it (no
manager, no slot override, Slack's time zone).

:func:`import_people` works in two steps so that a bad line never leaves anything
half-written: it first checks every line (its cells, the référentiel, the Slack
account and the manager) without writing, then writes the people and, in a
second pass, the manager links (a manager may come after their reports in the
file). A line with a problem is reported with its number and changes nothing; the
other lines are imported. Re-importing the same file changes nothing. A file
that would make a reporting loop (A's manager is B and B's is A, or longer,
possibly through people already enrolled) has every line of the loop refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.commands import closest
from bot.domain.people import (
    DEACTIVATED,
    Directory,
    Profile,
    find_person,
    known_timezone,
    upsert_person,
    welcome_due,
)
from bot.domain.people_file import (
    COLUMNS,
    HEADER_ALIASES,
    PROBLEM,
    REQUIRED_COLUMNS,
    ROLE_WORDS,
    ImportRow,
    RowProblem,
    check_header,
    parse_row,
    read_table,
)
from bot.domain.privacy import ERASED
from referentiels.loader import ReferentielCatalog
from storage.models import Person, Tenant

__all__ = [
    "COLUMNS",
    "HEADER_ALIASES",
    "REQUIRED_COLUMNS",
    "ROLE_WORDS",
    "ImportReport",
    "ImportRow",
    "RowProblem",
    "import_people",
]

# Problems whose message is this task's (french_habits.import.<key>), not people_import's.
_OWN = "french_habits.import."
# The Person columns an import can change, compared to count updated people.
_TRACKED = (
    "display_name",
    "email",
    "locale",
    "timezone",
    "timezone_chosen",
    "role",
    "manager_id",
    "referentiel_id",
    "checkin_weekday",
    "checkin_time",
    "active",
    "inactive_reason",
)


@dataclass
class ImportReport:
    """What an import did: people created, updated and unchanged, and the lines refused.

    ``file_rejected`` is true when the file itself is unusable (its header):
    then nothing was imported and ``problems`` says why.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_rejected: bool = False
    # The lines imported, by whether Palier followed the person already (on a référentiel,
    # not removed nor deactivated): the admin is told who was enrolled already.
    enrolled: int = 0
    already_enrolled: int = 0

    @property
    def rejected_lines(self) -> int:
        """How many lines of the file were not imported."""
        return len({problem.line for problem in self.problems})


@dataclass
class _Entry:
    """A line that passed every check so far, with its Slack account."""

    line: int
    row: ImportRow
    profile: Profile


# What a manager_email resolves to: a line of the file, a person Palier already
# knows, or a Slack account to create a person for.
_Manager = _Entry | Person | Profile


def import_people(
    session: Session,
    tenant: Tenant,
    rows_text: str,
    directory: Directory,
    catalog: ReferentielCatalog,
) -> ImportReport:
    """Enrol the people of a CSV file in ``tenant``; the report says what happened.

    Works in the caller's session and never commits. Raises
    :class:`bot.domain.people.DirectoryError` when Slack cannot answer: nothing has been
    written then (every Slack look-up happens before the first write), and the
    caller rolls its transaction back.
    """
    report = ImportReport()
    header, rows, problem = read_table(rows_text)
    if problem is None:
        problem = check_header(header)
    if problem is not None:
        report.problems.append(problem)
        report.file_rejected = True
        return report

    check = _Check(session, tenant, directory, catalog)
    entries = check.rows(header, rows)
    managers = check.managers(entries)
    entries = [entry for entry in entries if entry.line not in check.rejected]
    written = _write(session, tenant, entries, managers)
    report.created, report.updated, report.unchanged = written.counts
    report.enrolled, report.already_enrolled = written.enrolled, written.already
    report.problems = [
        problem for line in sorted(check.rejected) for problem in check.rejected[line]
    ]
    return report


# -- checking every line, without writing -----------------------------------------


def _problem(line: int, key: str, **params: Any) -> RowProblem:
    return RowProblem(line, PROBLEM + key, params)


class _Check:
    """Every check of the lines, Slack look-ups included; nothing is written here.

    ``rejected`` collects the problems by line number.
    """

    def __init__(
        self,
        session: Session,
        tenant: Tenant,
        directory: Directory,
        catalog: ReferentielCatalog,
    ) -> None:
        self.session = session
        self.tenant = tenant
        self.directory = directory
        self.catalog = catalog
        self.rejected: dict[int, list[RowProblem]] = {}
        # The line each address first appears on, imported or not: a report whose
        # manager's line was refused is told which line to fix.
        self.first_line: dict[str, int] = {}
        self._slack: dict[str, Profile | None] = {}

    def reject(self, line: int, key: str, **params: Any) -> None:
        self.rejected.setdefault(line, []).append(_problem(line, key, **params))

    def _unknown_referentiel(self, line: int, value: str) -> None:
        """A référentiel id Palier does not have; the nearest one suggested, if close."""
        ids = self.catalog.visible_ids(self.tenant.id)
        nearest = closest(value, ids)
        if nearest is None:
            self.reject(line, "unknown_referentiel", value=value, ids=", ".join(ids))
            return
        problem = RowProblem(
            line,
            _OWN + "unknown_referentiel",
            {"value": value, "suggestion": nearest, "ids": ", ".join(ids)},
        )
        self.rejected.setdefault(line, []).append(problem)

    def lookup(self, email: str) -> Profile | None:
        """Slack's account for an address, asked once per import."""
        key = email.lower()
        if key not in self._slack:
            self._slack[key] = self.directory.lookup_by_email(email)
        return self._slack[key]

    # -- each line on its own ------------------------------------------------------

    def rows(self, header: Sequence[str], rows: Sequence[tuple[int, list[str]]]) -> list[_Entry]:
        """The lines whose cells and Slack account are right."""
        entries: list[_Entry] = []
        line_of_user: dict[str, int] = {}
        for line, cells in rows:
            row, problems = parse_row(line, header, cells)
            email_cell = _email_cell(header, cells)
            if email_cell and email_cell.lower() in self.first_line:
                first = self.first_line[email_cell.lower()]
                self.reject(line, "duplicate_email", email=email_cell, first=first)
                continue
            if email_cell:
                self.first_line[email_cell.lower()] = line
            if row is None:
                self.rejected[line] = problems
                continue
            if self.catalog.visible(row.referentiel, self.tenant.id) is None:
                self._unknown_referentiel(line, row.referentiel)
            if row.manager_key == row.email_key:
                self.reject(line, "own_manager", email=row.email)
            if line in self.rejected:
                continue
            profile = self.lookup(row.email)
            if profile is None:
                self.reject(line, "not_found", email=row.email)
            elif profile.deleted:
                self.reject(line, "deactivated", email=row.email)
            elif profile.is_bot:
                self.reject(line, "bot", email=row.email)
            elif self._erased(profile.user_id):
                self.reject(line, "erased", email=row.email)
            elif profile.user_id in line_of_user:
                # Two addresses of one Slack account (an alias): one person, one line.
                first = line_of_user[profile.user_id]
                self.reject(line, "duplicate_user", email=row.email, first=first)
            else:
                line_of_user[profile.user_id] = line
                entries.append(_Entry(line, row, profile))
        return entries

    # -- managers ------------------------------------------------------------------

    def managers(self, entries: Sequence[_Entry]) -> dict[int, _Manager | None]:
        """Each line's manager (None: no manager), for the lines with a manager_email column.

        A line whose manager cannot be resolved is rejected, and so, in turn, is any
        line whose manager is on a rejected line.
        """
        by_email = {entry.row.email_key: entry for entry in entries}
        by_user = {entry.profile.user_id: entry for entry in entries}
        resolved: dict[int, _Manager | None] = {}
        for entry in entries:
            row = entry.row
            if "manager_email" not in row.model_fields_set:
                continue
            if row.manager_email is None:
                resolved[entry.line] = None
                continue
            manager = self._manager(entry, row.manager_email, by_email, by_user)
            if manager is not None:
                resolved[entry.line] = manager
        self._cascade(entries, resolved)
        self._cycles(entries, resolved)
        self._cascade(entries, resolved)
        return resolved

    def _cascade(self, entries: Sequence[_Entry], resolved: Mapping[int, _Manager | None]) -> None:
        """Reject, in turn, every line whose manager is on a rejected line."""
        cascading = True
        while cascading:
            cascading = False
            for entry in entries:
                manager = resolved.get(entry.line)
                if entry.line in self.rejected or not isinstance(manager, _Entry):
                    continue
                if manager.line in self.rejected:
                    email = entry.row.manager_email
                    self.reject(
                        entry.line, "manager_refused", email=email, manager_line=manager.line
                    )
                    cascading = True

    def _cycles(self, entries: Sequence[_Entry], resolved: Mapping[int, _Manager | None]) -> None:
        """Reject every line on a reporting cycle the import would make (A → B → … → A).

        The reporting line after the import is the workspace's as stored, with the
        managers of the lines still accepted laid over it, so a cycle closed through
        people already enrolled is found too. Each person has one manager: following
        managers from a line either ends or comes back to a person already on the path.
        """
        live = [entry for entry in entries if entry.line not in self.rejected]
        stored = self.session.execute(
            select(Person.id, Person.platform_user_id, Person.manager_id, Person.email).where(
                Person.tenant_id == self.tenant.id
            )
        ).all()
        user_of = {row.id: row.platform_user_id for row in stored}
        boss = {row.platform_user_id: user_of.get(row.manager_id) for row in stored}
        label = {row.platform_user_id: row.email or row.platform_user_id for row in stored}
        line_of = {entry.profile.user_id: entry.line for entry in live}
        for entry in live:
            label[entry.profile.user_id] = entry.row.email
            if entry.line in resolved:
                manager = resolved[entry.line]
                boss[entry.profile.user_id] = None if manager is None else _user_id(manager)
        done: set[str] = set()
        for start in line_of:
            path: list[str] = []
            user: str | None = start
            while user is not None and user not in done and user not in path:
                path.append(user)
                user = boss.get(user)
            if user is not None and user in path:
                cycle = path[path.index(user) :]
                lines = sorted(line_of[member] for member in cycle if member in line_of)
                chain = " → ".join(label[member] for member in [*cycle, cycle[0]])
                numbers = ", ".join(str(line) for line in lines)
                for line in lines:
                    self.reject(line, "manager_cycle", chain=chain, lines=numbers)
            done.update(path)

    def _manager(
        self,
        entry: _Entry,
        email: str,
        by_email: Mapping[str, _Entry],
        by_user: Mapping[str, _Entry],
    ) -> _Manager | None:
        """The manager ``email`` names for ``entry``; None after rejecting the line."""
        # In order: a line of the file, a person already known in this workspace,
        # then Slack itself.
        key = email.lower()
        manager: _Manager
        if key in by_email:
            manager = by_email[key]
        elif key in self.first_line:
            self.reject(
                entry.line, "manager_refused", email=email, manager_line=self.first_line[key]
            )
            return None
        else:
            known = self._known(key)
            if known is not None:
                if not known.active and known.inactive_reason == DEACTIVATED:
                    self.reject(entry.line, "manager_deactivated", email=email)
                    return None
                manager = by_user.get(known.platform_user_id, known)
            else:
                profile = self.lookup(email)
                if profile is None:
                    self.reject(entry.line, "manager_not_found", email=email)
                    return None
                if profile.deleted:
                    self.reject(entry.line, "manager_deactivated", email=email)
                    return None
                if profile.is_bot:
                    self.reject(entry.line, "manager_bot", email=email)
                    return None
                manager = by_user.get(profile.user_id) or (
                    find_person(self.session, self.tenant.id, profile.user_id) or profile
                )
        if _user_id(manager) == entry.profile.user_id:
            self.reject(entry.line, "own_manager", email=entry.row.email)
            return None
        return manager

    def _erased(self, user_id: str) -> bool:
        """Whether this account's person had their data erased (their request stands)."""
        person = find_person(self.session, self.tenant.id, user_id)
        return person is not None and person.inactive_reason == ERASED

    def _known(self, key: str) -> Person | None:
        """The one person of the tenant with this address, if exactly one has it."""
        people = self.session.scalars(
            select(Person).where(
                Person.tenant_id == self.tenant.id, func.lower(Person.email) == key
            )
        ).all()
        # Two people with one address (an account re-created in Slack): Slack decides.
        return people[0] if len(people) == 1 else None


def _email_cell(header: Sequence[str], cells: Sequence[str]) -> str | None:
    """The email cell of a line as written, even when the line is otherwise unreadable."""
    try:
        return cells[list(header).index("email")].strip() or None
    except (ValueError, IndexError):
        return None


def _user_id(manager: _Manager) -> str:
    if isinstance(manager, _Entry):
        return manager.profile.user_id
    if isinstance(manager, Person):
        return manager.platform_user_id
    return manager.user_id


# -- writing ----------------------------------------------------------------------


def _snapshot(person: Person | None) -> tuple[object, ...] | None:
    return None if person is None else tuple(getattr(person, name) for name in _TRACKED)


def _set(person: Person, attribute: str, value: object) -> None:
    # Only real changes: an unchanged person must not be marked dirty (updated_at).
    if getattr(person, attribute) != value:
        setattr(person, attribute, value)


@dataclass(frozen=True)
class _Written:
    counts: tuple[int, int, int]  # people created, updated, unchanged
    enrolled: int  # lines whose person Palier did not follow before
    already: int  # lines whose person Palier followed already


def _write(
    session: Session,
    tenant: Tenant,
    entries: Sequence[_Entry],
    managers: Mapping[int, _Manager | None],
) -> _Written:
    """Write the checked lines: people first, then manager links."""
    before: dict[int, tuple[object, ...] | None] = {}
    people: dict[int, Person] = {}
    already = 0
    for entry in entries:
        known = find_person(session, tenant.id, entry.profile.user_id)
        before[entry.line] = _snapshot(known)
        already += known is not None and known.active and known.referentiel_id is not None
        person, is_new = upsert_person(session, tenant, entry.profile)
        _apply_row(person, entry.row, is_new)
        welcome_due(person)
        if "timezone" in entry.row.model_fields_set:
            # The file's time zone wins over Slack's, now and at every later sync;
            # an empty cell hands the time zone back to Slack.
            chosen = entry.row.timezone is not None
            _set(person, "timezone_chosen", chosen)
            _set(
                person,
                "timezone",
                entry.row.timezone
                if chosen
                else known_timezone(entry.profile.timezone) or person.timezone,
            )
        people[entry.line] = person

    # Managers known only to Slack become people (without a référentiel), once each.
    extra_created = 0
    slack_managers: dict[str, Person] = {}
    for line, manager in managers.items():
        if line not in people:  # a rejected line creates nobody
            continue
        if isinstance(manager, Profile) and manager.user_id not in slack_managers:
            slack_managers[manager.user_id], new = upsert_person(session, tenant, manager)
            extra_created += new

    # Second pass: every person exists now, whatever the order of the lines.
    for line, manager in managers.items():
        if line not in people:  # a rejected line
            continue
        if manager is None:
            manager_id = None
        elif isinstance(manager, _Entry):
            manager_id = people[manager.line].id
        elif isinstance(manager, Person):
            manager_id = manager.id
        else:
            manager_id = slack_managers[manager.user_id].id
        _set(people[line], "manager_id", manager_id)
    session.flush()

    created, updated, unchanged = _changes(before, people)
    counts = (created + extra_created, updated, unchanged)
    return _Written(counts, len(people) - already, already)


def _changes(
    before: Mapping[int, tuple[object, ...] | None], people: Mapping[int, Person]
) -> tuple[int, int, int]:
    """How many of the lines' people were created, updated and left unchanged."""
    created = updated = unchanged = 0
    for line, person in people.items():
        if before[line] is None:
            created += 1
        elif before[line] != _snapshot(person):
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


def _apply_row(person: Person, row: ImportRow, created: bool) -> None:
    columns = row.model_fields_set
    _set(person, "referentiel_id", row.referentiel)
    if created or "role" in columns:
        _set(person, "role", row.role)
    if "day" in columns:
        _set(person, "checkin_weekday", row.day)
    if "time" in columns:
        _set(person, "checkin_time", row.time)
