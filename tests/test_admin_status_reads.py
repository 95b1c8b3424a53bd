"""``admin status`` costs as many SQL statements for a workspace of 4 as of 301 (issue #10).

The status now says this week's participation and names who is late: counted by the
database (one grouped query) and the first names read with a limit, never a query per
person. Two workspaces are built (``tests/support/company.py``), their manager made an
administrator; the statements of each one's status are counted: the same number, at most
:data:`MOST`. The status read every person of the larger one. SQLite, and PostgreSQL when
TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, update

from bot.app.actor import ActorRef
from bot.app.admin import StatusReport
from bot.bootstrap import build_core, build_flows
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Person, Platform, Role
from tests.support.company import MANAGER_USER_ID, build_company, statements

BUILT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
ASKED_AT = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # Friday: Thursday's unanswered are late
MOST = 6


def test_the_status_takes_as_many_statements_for_any_workspace(migrated_engine: Engine) -> None:
    core = build_core(load_settings(env_file=None), engine=migrated_engine)
    flows = build_flows(core, clock=lambda: ASKED_AT)
    counts: dict[int, int] = {}
    for reports in (3, 300):
        team_id = f"T0STATUS{reports}"
        company = build_company(
            core.sessions, core.referentiels, reports=reports, weeks=3, now=BUILT, team_id=team_id
        )
        with session_scope(core.sessions) as session:
            session.execute(
                update(Person).where(Person.id == company.manager_id).values(role=Role.ADMIN)
            )
        ref = ActorRef(Platform.SLACK, team_id, MANAGER_USER_ID)
        with statements(core.engine) as seen:
            outcome = flows.admin.status(ref)
        view = outcome.view
        assert isinstance(view, StatusReport) and view.status.participation is not None
        week = view.status.participation
        assert view.status.enrolled == reports + 1 and week.asked == reports
        if reports == 300:
            assert week.late_count > len(week.late) == 10  # counted, ten named
        counts[reports] = len(seen)
    assert len(set(counts.values())) == 1, counts
    assert counts[300] <= MOST, counts
