"""The team summary's domain service: who is in the team, levels, trends, participation, flags.

On SQLite and PostgreSQL. The team: Manon manages Alice, Bruno, Chloé (Account
Executive matrix), Dan (a CQP, formerly on the matrix), Gus (not enrolled) and
Iris (removed); Alice manages Hugo (Manon's indirect report); Ada is an admin
who manages Zed; Eve manages nobody. Today is Thursday 26 November 2026, in
week 48; the quarter began on 1 October; eight weeks ago was 1 October too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.domain import team as team_service
from bot.domain.access import Viewer
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.scheduling import cycle_by_key
from bot.domain.team import Flag, ReportOverview, TeamOverview, TeamRefusal, TeamService
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory
from storage.models import (
    CheckinPrompt,
    Evidence,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    Role,
)

CATALOG = ReferentielCatalog.load()
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
AE = "account-executive"
CQP = "manager-equipe-vendeurs-b2b"
ZONE = "Europe/Paris"


def day(month: int, number: int) -> datetime:
    return datetime(2026, month, number, 15, 0, tzinfo=UTC)


@dataclass
class Team:
    session: Session
    people: dict[str, Person]
    service: TeamService

    def overview(self, who: str, **options: bool) -> TeamOverview | TeamRefusal:
        return self.service.overview(self.session, "T1", f"U{who.upper()}", NOW, **options)

    def team_of(self, who: str, **options: bool) -> TeamOverview:
        found = self.overview(who, **options)
        assert isinstance(found, TeamOverview), found
        return found

    def rate(
        self,
        who: str,
        competency: str,
        level: str,
        at: datetime,
        rater: Rater = Rater.SELF,
        referentiel: str = AE,
    ) -> None:
        person = self.people[who]
        self.session.add(
            Rating(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id=referentiel,
                competency_id=competency,
                level_id=level,
                rater=rater,
                rated_at=at,
            )
        )

    def prompt(self, who: str, week: int, status: PromptStatus, *, slot_day: int = 3) -> None:
        """``who``'s check-in of ``week``, planned on its ``slot_day`` (0 = Monday) at 15:00."""
        person = self.people[who]
        cycle = cycle_by_key(f"2026-W{week:02d}", ZONE)
        self.session.add(
            CheckinPrompt(
                tenant_id=person.tenant_id,
                person_id=person.id,
                cycle_key=cycle.key,
                scheduled_at=cycle.starts_at + timedelta(days=slot_day, hours=15),
                closes_at=cycle.ends_at,
                status=status,
            )
        )


@pytest.fixture
def team(migrated_engine: Engine) -> Iterator[Team]:
    session = make_session_factory(migrated_engine)()
    one = ensure_tenant(session, Platform.SLACK, "T1")
    two = ensure_tenant(session, Platform.SLACK, "T2")
    people: dict[str, Person] = {}
    for name, tenant, referentiel in [
        ("manon", one, AE),
        ("alice", one, AE),
        ("bruno", one, AE),
        ("chloe", one, AE),
        ("dan", one, CQP),
        ("gus", one, None),
        ("iris", one, AE),
        ("hugo", one, AE),
        ("ada", one, None),
        ("zed", one, AE),
        ("eve", one, AE),
        ("yann", two, AE),
    ]:
        person, _ = upsert_person(
            session, tenant, Profile(f"U{name.upper()}", display_name=name.capitalize())
        )
        person.referentiel_id = referentiel
        people[name] = person
    session.flush()
    for report in ("alice", "bruno", "chloe", "dan", "gus", "iris"):
        people[report].manager_id = people["manon"].id
    people["iris"].active = False
    people["hugo"].manager_id = people["alice"].id
    people["zed"].manager_id = people["ada"].id
    people["ada"].role = Role.ADMIN
    # A row in another workspace pointing at Manon must never join her team.
    people["yann"].manager_id = people["manon"].id
    session.flush()
    yield Team(session, people, TeamService(CATALOG, default_timezone=ZONE))
    session.close()


def _report(overview: TeamOverview, name: str) -> ReportOverview:
    return next(report for report in overview.reports if report.name == name)


def test_nobody_reports_to_a_member_and_the_answer_is_the_same_for_strangers(team: Team) -> None:
    assert team.overview("eve") is TeamRefusal.NO_REPORTS
    assert team.overview("nobody") is TeamRefusal.NO_REPORTS  # unknown to Palier
    assert team.overview("eve", is_admin=True, indirect=True) is TeamRefusal.NO_REPORTS
    # Hugo reports to Alice, so Alice has a team even though she is herself a report.
    assert [r.name for r in team.team_of("alice").reports] == ["Hugo"]


def test_the_team_is_the_direct_reports_in_the_askers_workspace(team: Team) -> None:
    overview = team.team_of("manon")
    assert [r.name for r in overview.reports] == ["Alice", "Bruno", "Chloe", "Dan"]
    assert overview.not_followed == ["Gus", "Iris"]  # not enrolled; removed
    # Indirect reports only when the workspace allows it.
    wider = team.team_of("manon", indirect=True)
    assert [r.name for r in wider.reports] == ["Alice", "Bruno", "Chloe", "Dan", "Hugo"]


def test_an_admin_gets_their_own_reports_not_the_workspace(team: Team) -> None:
    overview = team.team_of("ada", is_admin=True)
    assert [r.name for r in overview.reports] == ["Zed"]
    assert overview.not_followed == []


def test_levels_gaps_and_trends_over_four_cycles_and_the_quarter(team: Team) -> None:
    # Alice, prospection: up a level this month, after a flat October.
    team.rate("alice", "prospection", "junior", day(9, 3))
    team.rate("alice", "prospection", "junior", day(10, 15))
    team.rate("alice", "prospection", "intermediaire", day(11, 19))
    # Closing: down a level since September.
    team.rate("alice", "closing", "senior", day(9, 3))
    team.rate("alice", "closing", "intermediaire", day(11, 19))
    # Qualification: first rated last week, nothing to compare with.
    team.rate("alice", "qualification", "junior", day(11, 19))
    # Her manager's ratings: the latest counts (a former one is overridden).
    team.rate("alice", "prospection", "junior", day(11, 1), Rater.MANAGER)
    team.rate("alice", "prospection", "senior", day(11, 20), Rater.MANAGER)
    team.rate("alice", "closing", "intermediaire", day(11, 20), Rater.MANAGER)
    # Bruno, qualification: rose in October (within the quarter), flat over the last
    # four weeks.
    team.rate("bruno", "qualification", "junior", day(10, 8))
    team.rate("bruno", "qualification", "intermediaire", day(10, 22))
    team.rate("bruno", "qualification", "intermediaire", day(11, 19))
    team.rate("bruno", "qualification", "intermediaire", day(11, 19), Rater.MANAGER)
    # Prospection: down on 28 October, in week 44, the last one before the four weeks
    # (45 to 48, from Monday 2 November): the rise since then is what counts.
    team.rate("bruno", "prospection", "junior", day(10, 8))
    team.rate("bruno", "prospection", "intermediaire", day(10, 22))
    team.rate("bruno", "prospection", "junior", day(10, 28))
    team.rate("bruno", "prospection", "intermediaire", day(11, 19))
    team.session.flush()

    overview = team.team_of("manon")
    alice = {line.competency.id: line for line in _report(overview, "Alice").competencies}
    assert alice["prospection"].self_level is not None
    assert alice["prospection"].self_level.id == "intermediaire"
    assert alice["prospection"].manager_level is not None
    assert alice["prospection"].manager_level.id == "senior"
    assert alice["prospection"].gap == 1
    assert (alice["prospection"].trend_cycles, alice["prospection"].trend_quarter) == (1, 1)
    assert alice["closing"].gap == 0
    assert (alice["closing"].trend_cycles, alice["closing"].trend_quarter) == (-1, -1)
    assert (alice["qualification"].trend_cycles, alice["qualification"].trend_quarter) == (0, 0)
    assert alice["qualification"].manager_level is None and alice["qualification"].gap is None
    assert alice["valeurs"].self_level is None
    assert (alice["valeurs"].trend_cycles, alice["valeurs"].trend_quarter) == (None, None)
    assert Flag.GAP in _report(overview, "Alice").flags
    assert [line.competency.id for line in _report(overview, "Alice").gaps] == ["prospection"]

    bruno = _report(overview, "Bruno")
    lines = {line.competency.id: line for line in bruno.competencies}
    assert (lines["qualification"].trend_cycles, lines["qualification"].trend_quarter) == (0, 1)
    assert (lines["prospection"].trend_cycles, lines["prospection"].trend_quarter) == (1, 1)
    assert lines["qualification"].gap == 0 and Flag.GAP not in bruno.flags


def test_no_progress_for_eight_weeks(team: Team) -> None:
    # Chloé: rated since September, nothing higher than eight weeks ago — a drop, a
    # competency first rated since and an unchanged one are no progress.
    team.rate("chloe", "prospection", "junior", day(9, 1))
    team.rate("chloe", "prospection", "junior", day(11, 12))
    team.rate("chloe", "closing", "intermediaire", day(9, 1))
    team.rate("chloe", "closing", "junior", day(11, 12))
    team.rate("chloe", "justification", "senior", day(11, 12))
    # Alice: rated since September and one competency rose since.
    team.rate("alice", "prospection", "junior", day(9, 1))
    team.rate("alice", "closing", "junior", day(9, 1))
    team.rate("alice", "closing", "intermediaire", day(11, 12))
    # Bruno: everything within the last eight weeks, so too new to say.
    team.rate("bruno", "prospection", "junior", day(10, 8))
    team.rate("bruno", "prospection", "junior", day(11, 19))
    # Dan: a rise, but on the certification he has left for the CQP (the same scale):
    # his CQP ratings are flat.
    team.rate("dan", "C1", "non_acquis", day(8, 1), referentiel="manager-grands-comptes")
    team.rate("dan", "C1", "maitrise", day(11, 1), referentiel="manager-grands-comptes")
    team.rate("dan", "C1.1", "en_cours", day(8, 1), referentiel=CQP)
    team.rate("dan", "C1.1", "en_cours", day(11, 1), referentiel=CQP)
    team.session.flush()

    overview = team.team_of("manon")
    assert [r.name for r in overview.flagged(Flag.NO_PROGRESS)] == ["Chloe", "Dan"]


def test_a_rise_within_eight_weeks_that_fell_back_is_no_progress(team: Team) -> None:
    team.rate("chloe", "prospection", "junior", day(9, 1))
    team.rate("chloe", "prospection", "intermediaire", day(10, 15))
    team.rate("chloe", "prospection", "junior", day(11, 12))
    team.session.flush()
    assert Flag.NO_PROGRESS in _report(team.team_of("manon"), "Chloe").flags


def test_participation_over_4_and_12_cycles_skips_and_failures_aside(team: Team) -> None:
    for week, status in [
        (36, PromptStatus.DONE),  # thirteen weeks ago: outside the 12 cycles
        (38, PromptStatus.MISSED),
        (40, PromptStatus.DONE),
        (41, PromptStatus.FAILED),  # Palier's failure, not Bruno's
        (45, PromptStatus.DONE),
        (46, PromptStatus.MISSED),
        (47, PromptStatus.SKIPPED),  # his choice: counts neither way
        (48, PromptStatus.SENT),  # this week, still open
    ]:
        team.prompt("bruno", week, status)
    team.session.flush()
    bruno = _report(team.team_of("manon"), "Bruno")
    assert (bruno.participation_short.done, bruno.participation_short.due) == (1, 2)
    assert (bruno.participation_long.done, bruno.participation_long.due) == (2, 4)
    assert Flag.MISSED_TWICE not in bruno.flags  # last two finished: done, then missed


def test_a_week_answered_early_counts_at_once(team: Team) -> None:
    team.prompt("alice", 47, PromptStatus.DONE)
    team.prompt("alice", 48, PromptStatus.DONE)
    team.session.flush()
    alice = _report(team.team_of("manon"), "Alice")
    assert (alice.participation_short.done, alice.participation_short.due) == (2, 2)


def test_a_check_in_made_before_its_slot_counts_in_the_team_view_as_on_the_home(
    team: Team,
) -> None:
    # Alice's slot is Friday; she checked in on Thursday with "Check in now". Bruno's
    # Friday prompt is only planned: it is not due, nor counted.
    team.prompt("alice", 47, PromptStatus.DONE)
    team.prompt("alice", 48, PromptStatus.DONE, slot_day=4)
    team.prompt("bruno", 47, PromptStatus.DONE)
    team.prompt("bruno", 48, PromptStatus.PENDING, slot_day=4)
    team.session.flush()
    overview = team.team_of("manon")
    alice, bruno = _report(overview, "Alice"), _report(overview, "Bruno")
    assert (alice.participation_short.done, alice.participation_short.due) == (2, 2)
    assert (bruno.participation_short.done, bruno.participation_short.due) == (1, 1)
    # The Home's team section reads the same: Alice done this week, Bruno not yet.
    manon = team.people["manon"]
    referentiel = CATALOG.get(AE)
    assert referentiel is not None
    followed = [(team.people[name], referentiel) for name in ("alice", "bruno")]
    pulses = team.service.pulse_of(team.session, followed, NOW).pulses
    assert pulses[team.people["alice"].id].this_week is PromptStatus.DONE
    assert pulses[team.people["bruno"].id].this_week is not PromptStatus.DONE
    assert manon.id not in pulses


def test_two_missed_check_ins_in_a_row(team: Team) -> None:
    # Dan: missed twice, a skipped week in between does not part them.
    team.prompt("dan", 45, PromptStatus.MISSED)
    team.prompt("dan", 46, PromptStatus.SKIPPED)
    team.prompt("dan", 47, PromptStatus.MISSED)
    # Chloé: missed twice, this week still open (not a third miss, nor a catch-up).
    team.prompt("chloe", 46, PromptStatus.MISSED)
    team.prompt("chloe", 47, PromptStatus.SENT)  # its week ended before the tick closed it
    team.prompt("chloe", 48, PromptStatus.SENT)
    # Alice: missed twice, then checked in this week: back on track.
    team.prompt("alice", 46, PromptStatus.MISSED)
    team.prompt("alice", 47, PromptStatus.MISSED)
    team.prompt("alice", 48, PromptStatus.DONE)
    # Bruno: one miss only, then a skipped week, which is no second miss.
    team.prompt("bruno", 45, PromptStatus.DONE)
    team.prompt("bruno", 46, PromptStatus.MISSED)
    team.prompt("bruno", 47, PromptStatus.SKIPPED)
    team.session.flush()
    overview = team.team_of("manon")
    assert [r.name for r in overview.flagged(Flag.MISSED_TWICE)] == ["Chloe", "Dan"]


def test_mixed_referentiels_evidence_and_level_reached(team: Team) -> None:
    for competency in ("prospection", "qualification", "justification", "closing", "valeurs"):
        team.rate("alice", competency, "intermediaire", day(11, 19))
    team.rate("alice", "closing", "senior", day(11, 20))
    person = team.people["alice"]
    for text in ("Deal Acme signé", "Relance Bolt"):
        team.session.add(
            Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id=AE,
                competency_id="closing",
                text=text,
            )
        )
    # Dan's ratings on the matrix he left, by himself or his manager, are not his CQP's.
    team.rate("dan", "prospection", "senior", day(11, 1))
    team.rate("dan", "prospection", "senior", day(11, 1), Rater.MANAGER)
    team.rate("dan", "C2.1", "acquis", day(11, 19), referentiel=CQP)
    team.session.flush()

    overview = team.team_of("manon")
    groups = overview.groups()
    assert [(r.id, [p.name for p in reports]) for r, reports in groups] == [
        (AE, ["Alice", "Bruno", "Chloe"]),
        (CQP, ["Dan"]),
    ]
    alice = _report(overview, "Alice")
    assert alice.summary.reached is not None and alice.summary.reached.id == "intermediaire"
    assert alice.summary.next_level is not None and alice.summary.next_level.id == "senior"
    assert alice.summary.at_next_level == 1
    assert alice.evidence_count == 2
    assert [line.evidence_count for line in alice.competencies] == [0, 0, 0, 2, 0]
    dan = _report(overview, "Dan")
    assert len(dan.competencies) == 17
    rated = {line.competency.id: line for line in dan.competencies if line.self_level}
    assert list(rated) == ["C2.1"]
    assert all(line.manager_level is None for line in dan.competencies)
    assert dan.summary.reached is None and len(dan.summary.rated()) == 1


def test_the_access_policy_has_the_last_word(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone the policy does not let the asker see never joins the team, reporting line
    or not: the service asks bot.domain.access, it does not trust the reporting line alone."""

    def only_alice(session: Session, viewer: Viewer) -> list[Person]:
        return [viewer.person, team.people["alice"]]

    monkeypatch.setattr(team_service, "visible_people", only_alice)
    assert [r.name for r in team.team_of("manon").reports] == ["Alice"]
    monkeypatch.setattr(team_service, "visible_people", lambda session, viewer: [viewer.person])
    assert team.overview("manon") is TeamRefusal.NO_REPORTS
