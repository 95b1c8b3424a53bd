"""The operator: whoever runs ``palier`` at the command line, acting for a workspace.

An operator is no chat user: they have no platform identity to resolve, no
language of their own in Palier (the command line's), and their authority comes
from running Palier against its database, not from :mod:`bot.domain.access`'s policy.
So a flow gives them operations of their own, taking an :class:`Operator`
rather than an :class:`~bot.app.actor.ActorRef` — a made-up user id could be
somebody's, and would pass through a directory and an admin check that mean
nothing here. Each such operation is still one transaction (:func:`operator_work`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.app.unit_of_work import UnitOfWork
from bot.i18n import Locale, Translator
from storage.db import session_scope


@dataclass(frozen=True)
class Operator:
    locale: Locale  # what the command line speaks (PALIER_DEFAULT_LOCALE)
    requested_by: str = "admin"  # how an erasure records who asked for it

    @property
    def t(self) -> Translator:
        return Translator(self.locale)


@contextmanager
def operator_work(work: UnitOfWork) -> Iterator[Session]:
    """One transaction for an operator's request: committed when the block ends normally."""
    with session_scope(work.sessions) as session:
        yield session
