"""Who may see a 1:1 brief and who may act on it, on :mod:`bot.domain.access`'s policy.

Seeing follows the policy as it is (oneself, one's reports, an admin's workspace);
acting — recording a 1:1, writing a note, a recurring 1:1 — is for the person's
manager only (:func:`manages`: an admin's right to read is not enough). Anyone
else gets :attr:`OneOnOneRefusal.UNAVAILABLE`, the answer an unknown person gets.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.access import Scope, Viewer, scope_over
from bot.domain.people import find_person
from storage.models import Person


class OneOnOneRefusal(enum.StrEnum):
    """Why a 1:1 action was not carried out; each has a catalog message."""

    NOT_ENROLLED = "not_enrolled"  # the asker's own brief: unknown to Palier, or no référentiel
    # Unknown person, another workspace, a peer, another team: one answer for all, so
    # it never tells whether someone is enrolled.
    UNAVAILABLE = "unavailable"
    TARGET_NOT_ENROLLED = "target_not_enrolled"  # someone the asker may see, with no référentiel
    MANAGER_ONLY = "manager_only"  # may see the brief, may not act (themself, an admin)
    ALREADY_RECORDED = "already_recorded"  # a 1:1 was recorded since this brief was shown
    EMPTY_NOTE = "empty_note"
    NOTE_TOO_LONG = "note_too_long"


@dataclass(frozen=True)
class Access:
    """What the actor may do about the target: see (``scope``), and act (``manager``)."""

    me: Person
    viewer: Viewer
    target: Person
    scope: Scope
    manager: bool


def manages(session: Session, viewer: Viewer, target: Person) -> bool:
    """Whether ``viewer`` is ``target``'s manager (an admin's right to read is not enough)."""
    as_manager = replace(viewer, is_admin=False)
    return scope_over(session, as_manager, target) is Scope.MANAGER


def may_see(
    session: Session, me: Person | None, target: Person | None, *, is_admin: bool, indirect: bool
) -> Access | OneOnOneRefusal:
    """The actor's access to the target's brief, or UNAVAILABLE."""
    if me is None or target is None:
        return OneOnOneRefusal.UNAVAILABLE
    viewer = Viewer(me, is_admin=is_admin, indirect=indirect)
    scope = scope_over(session, viewer, target)
    if scope is None:
        return OneOnOneRefusal.UNAVAILABLE
    return Access(me, viewer, target, scope, manages(session, viewer, target))


def may_act(
    session: Session,
    me: Person | None,
    report_id: int,
    *,
    is_admin: bool,
    indirect: bool,
    lock: bool = False,
) -> Access | OneOnOneRefusal:
    """The report, when the actor is their manager (locked for update when ``lock``)."""
    query = select(Person).where(Person.id == report_id)
    if lock:
        # Serialises two "1:1 done" clicks on PostgreSQL (SQLite serialises writers anyway).
        query = query.with_for_update()
    target = session.scalars(query).one_or_none()
    access = may_see(session, me, target, is_admin=is_admin, indirect=indirect)
    if isinstance(access, OneOnOneRefusal):
        return access
    if not access.manager:
        return OneOnOneRefusal.MANAGER_ONLY
    return access


def may_act_on(
    session: Session, me: Person | None, target_user_id: str, *, is_admin: bool, indirect: bool
) -> Access | OneOnOneRefusal:
    """:func:`may_act` on someone named by platform user id, in the actor's workspace only."""
    target = find_person(session, me.tenant_id, target_user_id) if me else None
    if target is None:
        return OneOnOneRefusal.UNAVAILABLE
    return may_act(session, me, target.id, is_admin=is_admin, indirect=indirect)
