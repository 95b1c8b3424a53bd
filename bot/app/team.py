"""A manager's private team summary (``/palier team``): levels, trends, participation
and flags of each report Palier follows, and the names of those it does not.

Who is in the team is decided here, through :class:`bot.domain.team.TeamService` and
:mod:`bot.domain.access` — the actor's reporting line (their reports' reports too when the
workspace allows it), each of whom the actor may see — never by a front end, which
only lays the summary out (Slack: tables in the actor's own DM, or a summary and
files for a large team). Anyone without reports, or unknown to Palier, gets the same
refusal, so it never tells whether anyone is enrolled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.outcome import Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.people import Directory
from bot.domain.team import TeamOverview, TeamRefusal, TeamService
from referentiels.loader import ReferentielCatalog


class TeamFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        team: TeamService,
        *,
        indirect: bool = False,  # PALIER_MANAGERS_SEE_INDIRECT
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.team = team
        self.indirect = indirect

    def overview(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[TeamOverview]:
        """The actor's team summary; refused (``no_reports``) to anyone nobody reports to.

        The platform's admin flag goes to the policy (:mod:`bot.domain.access`), which does
        not widen a team with it: an admin sees their own reports here.
        """
        with self.work.begin(ref, directory, admin=True) as (session, actor):
            me = actor.person
            overview = (
                self.team.overview_of(
                    session, me, self.clock(), is_admin=actor.is_admin, indirect=self.indirect
                )
                if me is not None
                else TeamRefusal.NO_REPORTS
            )
            if isinstance(overview, TeamRefusal):
                return Outcome.refused(actor.locale, overview.value)
            return Outcome(actor.locale, overview)
