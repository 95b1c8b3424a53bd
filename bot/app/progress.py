"""A person's progress chart: their levels over the last four quarters, competency by
competency, as a picture given to them privately.

Asked with ``/palier me chart`` (``moi graphique``) or the Home's button; a manager may
ask for a report's (``/palier me chart @person``) when the access policy
(:mod:`bot.domain.access`) lets them read that person's data — the same answer
(``not_allowed``) whether the person exists, is elsewhere or is simply not theirs, so it
tells nothing about anyone. The picture goes to the asker only (a
:class:`~bot.app.outcome.DeliverFile`: Slack, their DM; Teams, a file to accept in their
own chat, built again then through :class:`bot.app.files.FileFlow` — a report's naming
its ``subject``, so that the policy decides again for whoever accepts). With nothing rated
in the four quarters there is no picture, and the refusal says why.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.exports import local_day
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Viewer, scope_over
from bot.domain.people import Directory, find_person
from bot.domain.progress_chart import load_chart
from bot.i18n.rich import Plain
from bot.views.progress_chart import progress_png
from referentiels.loader import ReferentielCatalog
from storage.models import Person

WORDS = "progress_charts.chart"
GONE = "gone"  # refusal: a file offered earlier that no longer exists (a team's picture)


class ChartRefusal(enum.StrEnum):
    NOT_ENROLLED = "not_enrolled"  # Palier does not follow the asker (own chart)
    NOT_ALLOWED = "not_allowed"  # someone else's, not the asker's to see (or unknown)
    NO_DATA = "no_data"  # nothing rated in the four quarters (own chart)
    NO_DATA_OTHER = "no_data_other"  # ... someone else's
    USAGE = "usage"  # not a chart command


@dataclass(frozen=True)
class ChartRequest:
    """Whose chart: someone by platform user id, or None (or oneself) for one's own."""

    target_user_id: str | None = None


class ProgressFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        *,
        indirect: bool = False,  # PALIER_MANAGERS_SEE_INDIRECT
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.indirect = indirect

    def usage(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """Not a chart command: how to write one, in the actor's language."""
        with self.work.begin(ref, directory) as (_session, actor):
            return Outcome.refused(actor.locale, ChartRefusal.USAGE.value)

    def _other(self, session: Session, actor: Actor, user_id: str) -> Person | None:
        """The person ``user_id`` of the actor's workspace when the policy lets the actor
        read their data; None otherwise (whether or not they exist)."""
        me = actor.person
        if actor.tenant is None or (me is None and not actor.is_admin):
            return None
        found = find_person(session, actor.tenant.id, user_id)
        if found is None:
            return None
        viewer = Viewer(
            me, is_admin=actor.is_admin, indirect=self.indirect, tenant_id=actor.tenant.id
        )
        return found if scope_over(session, viewer, found) is not None else None

    def chart(
        self, ref: ActorRef, request: ChartRequest, directory: Directory | None = None
    ) -> Outcome[None]:
        """The chart of the actor (or of ``request``'s person, when the policy allows),
        as one :class:`DeliverFile` to the actor; or a refusal (:class:`ChartRefusal`)."""
        other = request.target_user_id not in (None, ref.user_id)
        with self.work.begin(ref, directory, admin=other) as (session, actor):
            me = actor.person
            target: Person | None = me
            if other:
                target = self._other(session, actor, request.target_user_id or "")
                if target is None:
                    return Outcome.refused(actor.locale, ChartRefusal.NOT_ALLOWED.value)
            referentiel = self.catalog.get(target.referentiel_id or "") if target else None
            if target is None or referentiel is None:
                refusal = ChartRefusal.NO_DATA_OTHER if other else ChartRefusal.NOT_ENROLLED
                return Outcome.refused(actor.locale, refusal.value)
            now = self.clock()
            chart = load_chart(session, target, referentiel, now, actor.timezone)
            if chart.empty:
                refusal = ChartRefusal.NO_DATA_OTHER if other else ChartRefusal.NO_DATA
                return Outcome.refused(actor.locale, refusal.value)
            t = actor.t
            name = Plain(chart.name)
            file = DeliverFile(
                user_id=ref.user_id,
                filename=t(f"{WORDS}.filename", date=local_day(now, actor.timezone)),
                content=progress_png(chart, t),
                title=t.rich(f"{WORDS}.title_other", name=name).plain()
                if other
                else t(f"{WORDS}.title"),
                comment=t.rich(f"{WORDS}.comment_other", name=name).plain()
                if other
                else t(f"{WORDS}.comment"),
                kind=FileKind.REPORT_CHART if other else FileKind.PROGRESS_CHART,
                alt=t(f"{WORDS}.alt"),
                subject=target.platform_user_id if other else None,
            )
            return Outcome(actor.locale, effects=(file,))
