"""A person's own view of where they stand: ``me`` (the level-progress summary),
``help``, and their choice of language.

The first flow of the application layer (see :mod:`bot.app`): each operation is one
unit of work with the actor resolved once, and answers an :class:`Outcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.outcome import Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Reader, has_reports, readers, readers_of
from bot.domain.checkin import Refusal, load_summary
from bot.domain.commands import Parsed, allowed, suggest
from bot.domain.people import Directory, choose_locale
from bot.domain.progress import ProgressSummary
from bot.i18n import LOCALES, Locale
from referentiels.loader import ReferentielCatalog

LANGUAGE_USAGE = "language_usage"  # refusal: not a language Palier speaks


@dataclass(frozen=True)
class HelpView:
    """What the help says to this person: who sees their data (``readers``), whether it
    lists a manager's commands (people report to them, or they are an admin) and the
    admin's, and, after an unknown command, the command word nearest to what they typed
    among those they may use (``suggestion``, None when none is close)."""

    readers: tuple[Reader, ...]
    manager: bool = False
    admin: bool = False
    suggestion: str | None = None


class SummaryFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock

    def me(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[ProgressSummary]:
        """The actor's own level-progress summary, with their manager's level beside their
        own wherever the manager reviewed it (their own data: :mod:`bot.domain.access`);
        refused when Palier does not follow them."""
        with self.work.begin(ref, directory) as (session, actor):
            person = actor.person
            referentiel = self.catalog.get(person.referentiel_id or "") if person else None
            if person is None or referentiel is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            summary = load_summary(
                session, person, referentiel, self.clock(), actor.timezone, beside_manager=True
            )
            return Outcome(actor.locale, summary)

    def help(
        self, ref: ActorRef, directory: Directory | None = None, parsed: Parsed | None = None
    ) -> Outcome[HelpView]:
        """The help is words, in the actor's language; the view says who sees the actor's
        data (:func:`bot.domain.access.readers_of`) and which commands are theirs to use:
        a manager's to those people report to, the admin's to admins. ``parsed``: the
        command that was not understood, if any — the view suggests the nearest of theirs."""
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            indirect = self.work.defaults.managers_see_indirect
            manager = has_reports(session, actor.person)
            suggestion = None
            if parsed is not None:
                suggestion = suggest(parsed, allowed(manager=manager, admin=actor.is_admin))
            view = HelpView(readers_of(actor.person, indirect), manager, actor.is_admin, suggestion)
            return Outcome(actor.locale, view)

    def readers_in_general(self) -> tuple[Reader, ...]:
        """Who sees a person's data, said to others (a team Palier is added to): as for
        someone with a manager, the usual case. Nothing of anyone is read."""
        return readers(indirect=self.work.defaults.managers_see_indirect, has_manager=True)

    def choose_language(
        self, ref: ActorRef, wanted: str, directory: Directory | None = None
    ) -> Outcome[None]:
        """The actor's language from now on (``fr`` or ``en``), over the platform's."""
        locale = next((known for known in LOCALES if wanted.strip().lower()[:2] == known), None)
        with self.work.begin(ref, directory) as (_session, actor):
            if actor.person is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            if locale is None:
                return Outcome.refused(actor.locale, LANGUAGE_USAGE)
            return Outcome(choose_locale(actor.person, locale))

    def language(self, ref: ActorRef) -> Locale:
        """The actor's language, for a front end that must say something outside any
        flow (a request that failed, or did not parse): theirs when Palier follows
        them, else the default; the platform is not asked."""
        with self.work.begin(ref) as (_session, actor):
            return actor.locale
