"""The 1:1 brief, "1:1 done", private notes and recurring 1:1s (SQLite and PostgreSQL).

The team: Marion manages Alice and Bruno; Alice manages Chloé (Marion's indirect
report); Dan is in another team; Eve is an admin; in a second workspace, Zoé has
the same Slack user id as Alice. Alice's history is written as rows, at known
instants, so every section of the brief is checked against what it must contain.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.briefs import claim_brief, due_briefs, release_brief
from bot.domain.checkin import person_for
from bot.domain.one_on_one import (
    WINDOW,
    Brief,
    OneOnOneRefusal,
    OneOnOneService,
    PointReason,
    next_occurrence,
)
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.privacy import erase_person, export_person
from bot.i18n import Translator
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    Role,
)

CATALOG = ReferentielCatalog.load()
AE = CATALOG.get("account-executive")
assert AE is not None
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday, 16:00 in Paris
LAST_1ON1 = NOW - timedelta(days=14)  # Thursday 12 November
T1, T2 = "T1", "T2"


def me(session: Session, user_id: str, team: str = T1) -> Person | None:
    """The person acting, as the application layer resolves them once per request."""
    return person_for(session, Platform.SLACK, team, user_id)


def day(month: int, dom: int, hour: int = 10) -> datetime:
    return datetime(2026, month, dom, hour, 0, tzinfo=UTC)


@dataclass
class Team:
    sessions: sessionmaker[Session]
    ids: dict[str, int]
    service: OneOnOneService

    def session(self) -> Session:
        return self.sessions()

    def brief(self, asker: str, target: str | None, **options: bool) -> Brief | OneOnOneRefusal:
        team = T2 if asker == "UZOE" else T1
        with session_scope(self.sessions) as session:
            return self.service.brief(session, team, asker, target, NOW, **options)


def _rate(
    session: Session,
    person: Person,
    competency: str,
    level: str,
    at: datetime,
    rater: Rater = Rater.SELF,
) -> None:
    session.add(
        Rating(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id="account-executive",
            competency_id=competency,
            level_id=level,
            rater=rater,
            rated_at=at,
        )
    )


def _prompt(
    session: Session,
    person: Person,
    cycle: str,
    status: PromptStatus,
    monday: datetime,
    completed_at: datetime | None = None,
) -> None:
    session.add(
        CheckinPrompt(
            tenant_id=person.tenant_id,
            person_id=person.id,
            cycle_key=cycle,
            scheduled_at=monday + timedelta(days=3, hours=15),
            closes_at=monday + timedelta(days=7),
            status=status,
            completed_at=completed_at,
        )
    )


@pytest.fixture
def team(migrated_engine: Engine) -> Iterator[Team]:
    sessions = make_session_factory(migrated_engine)
    with session_scope(sessions) as session:
        one = ensure_tenant(session, Platform.SLACK, T1)
        two = ensure_tenant(session, Platform.SLACK, T2)
        people: dict[str, Person] = {}
        for name, tenant, user in [
            ("marion", one, "UMARION"),
            ("alice", one, "UALICE"),
            ("bruno", one, "UBRUNO"),
            ("chloe", one, "UCHLOE"),
            ("dan", one, "UDAN"),
            ("eve", one, "UEVE"),
            ("zoe", two, "UALICE"),
            ("zoe2", two, "UZOE"),
        ]:
            profile = Profile(user, display_name=name.capitalize(), timezone="Europe/Paris")
            people[name], _ = upsert_person(session, tenant, profile)
            people[name].referentiel_id = "account-executive"
        people["alice"].manager_id = people["marion"].id
        people["bruno"].manager_id = people["marion"].id
        people["chloe"].manager_id = people["alice"].id
        people["zoe2"].manager_id = people["zoe"].id
        people["eve"].role = Role.ADMIN
        session.flush()
        alice, marion = people["alice"], people["marion"]

        earlier = OneOnOne(
            tenant_id=alice.tenant_id,
            manager_id=marion.id,
            report_id=alice.id,
            held_at=LAST_1ON1 - timedelta(days=28),
        )
        last = OneOnOne(
            tenant_id=alice.tenant_id, manager_id=marion.id, report_id=alice.id, held_at=LAST_1ON1
        )
        session.add_all([earlier, last])
        session.flush()

        # Check-ins: one before the last 1:1 (left out), then missed, done, skipped.
        _prompt(session, alice, "2026-W45", PromptStatus.DONE, day(11, 2, 0), day(11, 5))
        _prompt(session, alice, "2026-W46", PromptStatus.MISSED, day(11, 9, 0) - timedelta(hours=1))
        _prompt(session, alice, "2026-W47", PromptStatus.DONE, day(11, 16, 0), day(11, 19))
        _prompt(session, alice, "2026-W48", PromptStatus.SKIPPED, day(11, 23, 0), day(11, 26, 9))

        # Self-ratings: prospection rises; qualification never has; closing is new.
        _rate(session, alice, "prospection", "junior", day(10, 1))
        _rate(session, alice, "prospection", "intermediaire", day(11, 19))
        _rate(session, alice, "qualification", "junior", day(9, 1))
        _rate(session, alice, "qualification", "junior", day(11, 19))
        _rate(session, alice, "justification", "intermediaire", day(10, 1))
        _rate(session, alice, "closing", "senior", day(11, 19))
        _rate(session, alice, "valeurs", "junior", day(10, 1))
        # The manager's view: two levels below on closing, the same on the others.
        _rate(session, alice, "closing", "junior", day(11, 20), Rater.MANAGER)
        _rate(session, alice, "prospection", "intermediaire", day(11, 20), Rater.MANAGER)
        _rate(session, alice, "valeurs", "junior", day(10, 2), Rater.MANAGER)

        for text, link, at in [
            ("Relance du dossier Globex", None, day(11, 10)),  # before the last 1:1
            ("Signé ACME : 40 licences", "https://crm.example.com/deal/42", day(11, 19)),
        ]:
            session.add(
                Evidence(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    text=text,
                    link=link,
                    created_at=at,
                    updated_at=at,
                )
            )
        for text, at, discussed in [
            ("Le plan de commissionnement", day(11, 1), last.id),
            ("Parler du pricing Globex", day(11, 20), None),
            ("Formation closing ?", day(11, 25), None),
        ]:
            session.add(
                OneOnOneTopic(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    raised_by_id=alice.id,
                    text=text,
                    discussed_in_id=discussed,
                    created_at=at,
                )
            )
        for author, text in [("marion", "Très à l'aise en démo"), ("bruno", "Note d'un autre")]:
            session.add(
                OneOnOneNote(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    author_id=people[author].id,
                    text=text,
                    created_at=day(11, 21),
                )
            )
        ids = {name: person.id for name, person in people.items()}
    yield Team(sessions, ids, OneOnOneService(CATALOG))


def test_the_managers_brief_covers_everything_since_the_last_1on1(team: Team) -> None:
    brief = team.brief("UMARION", "UALICE")
    assert isinstance(brief, Brief)
    assert brief.can_act and not brief.own
    assert brief.since == LAST_1ON1 == brief.last_one_on_one_at
    assert [(o.cycle_key, o.status) for o in brief.checkins] == [
        ("2026-W46", PromptStatus.MISSED),
        ("2026-W47", PromptStatus.DONE),
        ("2026-W48", PromptStatus.SKIPPED),
    ]
    assert (brief.count(PromptStatus.DONE), brief.count(PromptStatus.MISSED)) == (1, 1)

    changes = {
        (c.competency.id, c.rater): (c.before.id if c.before else None, c.after.id, c.steps)
        for c in brief.changes
    }
    assert changes == {
        ("prospection", Rater.SELF): ("junior", "intermediaire", 1),
        ("prospection", Rater.MANAGER): (None, "intermediaire", 0),
        ("closing", Rater.SELF): (None, "senior", 0),
        ("closing", Rater.MANAGER): (None, "junior", 0),
    }  # qualification was confirmed, not changed; valeurs was rated before the period

    assert [(e.text, e.link) for e in brief.evidence] == [
        ("Signé ACME : 40 licences", "https://crm.example.com/deal/42")
    ]
    assert [t.text for t in brief.topics] == ["Parler du pricing Globex", "Formation closing ?"]
    assert [
        (g.competency.id, g.self_level.id, g.manager_level.id, g.steps) for g in brief.gaps
    ] == [("closing", "senior", "junior", 2)]
    assert [n.text for n in brief.notes] == ["Très à l'aise en démo"]  # not Bruno's


def test_three_talking_points_quote_the_level_to_reach_from_the_referentiel(team: Team) -> None:
    brief = team.brief("UMARION", "UALICE")
    assert isinstance(brief, Brief)
    assert AE is not None
    points = [(p.reason, p.competency.id, p.target.id) for p in brief.points]
    assert points == [
        # The level in dispute: the one above the manager's Junior, claimed by Alice.
        (PointReason.GAP, "closing", "intermediaire"),
        # Rated Junior since 1 September, never up since.
        (PointReason.STAGNATION, "qualification", "intermediaire"),
        # The lowest self-rating left: Junior, first in the référentiel's order.
        (PointReason.WEAKEST, "valeurs", "intermediaire"),
    ]
    for point in brief.points:
        competency = AE.competency(point.competency.id)
        assert competency is not None
        assert point.descriptor == competency.levels[point.target.id]  # the cell itself
        assert point.descriptor is not None and point.descriptor.aspects
    assert brief.points[1].since == day(9, 1)


def test_a_certification_brief_aims_above_non_acquis_and_has_criteria(team: Team) -> None:
    with session_scope(team.sessions) as session:
        chloe = session.get(Person, team.ids["chloe"])
        assert chloe is not None
        chloe.referentiel_id = "manager-equipe-vendeurs-b2b"
    brief = team.brief("UALICE", "UCHLOE")
    assert isinstance(brief, Brief) and brief.can_act
    assert len(brief.points) == 3
    for point in brief.points:  # nothing rated: the first competencies, « En cours » to reach
        assert point.reason in (PointReason.WEAKEST, PointReason.NEXT)
        assert point.target.id == "en_cours" and point.descriptor is None
        assert point.competency.criteria


def test_the_own_brief_has_the_same_facts_without_notes_or_actions(team: Team) -> None:
    own = team.brief("UALICE", None)
    managers = team.brief("UMARION", "UALICE")
    assert isinstance(own, Brief) and isinstance(managers, Brief)
    assert own.own and not own.can_act
    assert own.notes == [] and own.schedule is None
    assert own.topics == managers.topics and own.points == managers.points
    assert own.changes == managers.changes and own.checkins == managers.checkins
    # Naming oneself is the same as no argument.
    assert team.brief("UALICE", "UALICE") == own


def test_without_any_1on1_the_brief_covers_the_last_14_days(team: Team) -> None:
    brief = team.brief("UMARION", "UBRUNO")
    assert isinstance(brief, Brief)
    assert brief.since == NOW - WINDOW and brief.last_one_on_one_id is None
    assert brief.checkins == [] and brief.topics == [] and brief.notes == []


@pytest.mark.parametrize(
    ("asker", "target"),
    [
        ("UBRUNO", "UALICE"),  # a peer
        ("UDAN", "UALICE"),  # another team
        ("UCHLOE", "UALICE"),  # one's own manager
        ("UMARION", "UCHLOE"),  # an indirect report, not allowed by default
        ("UMARION", "UNOBODY"),  # nobody has this id
        ("UMARION", "UZOE"),  # someone of another workspace
        ("UZOE", "UMARION"),  # from another workspace
        ("UNOBODY", "UALICE"),  # an asker Palier does not know
    ],
)
def test_anyone_else_gets_the_answer_an_unknown_person_gets(
    team: Team, asker: str, target: str
) -> None:
    assert team.brief(asker, target) is OneOnOneRefusal.UNAVAILABLE


def test_an_admin_reads_but_does_not_act_and_an_indirect_manager_may_when_allowed(
    team: Team,
) -> None:
    read = team.brief("UEVE", "UALICE", is_admin=True)
    assert isinstance(read, Brief) and not read.can_act and read.notes == []
    assert team.brief("UEVE", "UALICE") is OneOnOneRefusal.UNAVAILABLE  # not an admin here
    indirect = team.brief("UMARION", "UCHLOE", indirect=True)
    assert isinstance(indirect, Brief) and indirect.can_act
    with session_scope(team.sessions) as session:
        assert (
            team.service.add_note(
                session, me(session, "UEVE"), team.ids["alice"], "Hello", NOW, is_admin=True
            )
            is OneOnOneRefusal.MANAGER_ONLY
        )
        assert (
            team.service.add_note(session, me(session, "UALICE"), team.ids["alice"], "Moi", NOW)
            is OneOnOneRefusal.MANAGER_ONLY
        )
        assert (
            team.service.add_note(session, me(session, "UBRUNO"), team.ids["alice"], "Hop", NOW)
            is OneOnOneRefusal.UNAVAILABLE
        )
        assert (
            team.service.set_schedule(
                session, me(session, "UEVE"), "UALICE", 1, time(10), NOW, is_admin=True
            )
            is OneOnOneRefusal.MANAGER_ONLY
        )
        # Without the admin's right to read, the same words as for anyone else.
        assert (
            team.service.set_schedule(session, me(session, "UEVE"), "UALICE", 1, time(10), NOW)
            is OneOnOneRefusal.UNAVAILABLE
        )


def test_1on1_done_closes_the_topics_shown_and_later_ones_carry_over(team: Team) -> None:
    shown = team.brief("UMARION", "UALICE")
    assert isinstance(shown, Brief) and len(shown.topics) == 2
    with session_scope(team.sessions) as session:  # Alice raises one while they talk
        alice = session.get(Person, team.ids["alice"])
        assert alice is not None
        session.add(
            OneOnOneTopic(
                tenant_id=alice.tenant_id,
                person_id=team.ids["alice"],
                raised_by_id=team.ids["alice"],
                text="Mes objectifs du T1",
                created_at=NOW + timedelta(minutes=5),
            )
        )
    held = NOW + timedelta(minutes=30)
    with session_scope(team.sessions) as session:
        recorded = team.service.record_one_on_one(
            session,
            me(session, "UMARION"),
            team.ids["alice"],
            held,
            shown_at=shown.generated_at,
            last_seen_id=shown.last_one_on_one_id,
        )
    assert not isinstance(recorded, OneOnOneRefusal)
    assert (recorded.topics_discussed, recorded.topics_left) == (2, 1)
    with session_scope(team.sessions) as session:
        discussed = session.scalars(
            select(OneOnOneTopic.text).where(
                OneOnOneTopic.discussed_in_id == recorded.one_on_one_id
            )
        ).all()
        assert sorted(discussed) == ["Formation closing ?", "Parler du pricing Globex"]
        meeting = session.get(OneOnOne, recorded.one_on_one_id)
        assert meeting is not None and meeting.manager_id == team.ids["marion"]
        assert meeting.held_at == held
        next_brief = team.service.brief(session, T1, "UMARION", "UALICE", held + timedelta(days=7))
    assert isinstance(next_brief, Brief)
    assert next_brief.since == held and [t.text for t in next_brief.topics] == [
        "Mes objectifs du T1"
    ]
    # The same button again (a double click, an old message): nothing more is stored.
    with session_scope(team.sessions) as session:
        again = team.service.record_one_on_one(
            session,
            me(session, "UMARION"),
            team.ids["alice"],
            held + timedelta(minutes=1),
            shown_at=shown.generated_at,
            last_seen_id=shown.last_one_on_one_id,
        )
        assert again is OneOnOneRefusal.ALREADY_RECORDED
        count = session.scalar(select(func.count()).select_from(OneOnOne))
    assert count == 3


def test_two_1on1_done_clicks_at_once_record_one(team: Team) -> None:
    shown = team.brief("UMARION", "UALICE")
    assert isinstance(shown, Brief)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def click() -> None:
        barrier.wait()
        with session_scope(team.sessions) as session:
            outcomes.append(
                team.service.record_one_on_one(
                    session,
                    me(session, "UMARION"),
                    team.ids["alice"],
                    NOW,
                    shown_at=NOW,
                    last_seen_id=shown.last_one_on_one_id,
                )
            )

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(OneOnOneRefusal.ALREADY_RECORDED) == 1
    with session_scope(team.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OneOnOne)) == 3


def test_notes_are_the_authors_only_and_a_second_delivery_stores_nothing(team: Team) -> None:
    alice = team.ids["alice"]
    with session_scope(team.sessions) as session:
        first = team.service.add_note(
            session,
            me(session, "UMARION"),
            alice,
            "  Prête pour un compte stratégique  ",
            NOW,
            idempotency_key="slack-view:V1",
        )
        assert first is not None and not isinstance(first, OneOnOneRefusal)
        assert first.text == "Prête pour un compte stratégique"
        duplicate = team.service.add_note(
            session,
            me(session, "UMARION"),
            alice,
            "Prête pour un compte stratégique",
            NOW,
            idempotency_key="slack-view:V1",
        )
        assert duplicate is None
        assert team.service.add_note(session, me(session, "UMARION"), alice, "   ", NOW) is (
            OneOnOneRefusal.EMPTY_NOTE
        )
        assert team.service.add_note(session, me(session, "UMARION"), alice, "x" * 3001, NOW) is (
            OneOnOneRefusal.NOTE_TOO_LONG
        )
    with session_scope(team.sessions) as session:
        texts = session.scalars(
            select(OneOnOneNote.text).where(OneOnOneNote.author_id == team.ids["marion"])
        ).all()
    assert sorted(texts) == ["Prête pour un compte stratégique", "Très à l'aise en démo"]
    managers = team.brief("UMARION", "UALICE")
    own = team.brief("UALICE", None)
    assert isinstance(managers, Brief) and isinstance(own, Brief)
    assert [n.text for n in managers.notes] == [  # the latest first
        "Prête pour un compte stratégique",
        "Très à l'aise en démo",
    ]
    assert own.notes == []


def test_notes_about_a_person_are_in_their_export_and_erased_with_them(team: Team) -> None:
    with session_scope(team.sessions) as session:
        set_up = team.service.set_schedule(
            session, me(session, "UMARION"), "UALICE", 1, time(10), NOW
        )
        assert not isinstance(set_up, OneOnOneRefusal)
        alice = session.get(Person, team.ids["alice"])
        assert alice is not None
        data = export_person(session, alice, CATALOG, Translator("fr"))
        assert {(n["text"], n["author"]) for n in data["one_on_one_notes"]} == {
            ("Très à l'aise en démo", "Marion"),
            ("Note d'un autre", "Bruno"),
        }
        counts = erase_person(session, alice, "self", NOW)
    assert counts["one_on_one_notes"] == 2 and counts["one_on_one_schedules"] == 1
    with session_scope(team.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OneOnOneNote)) == 0
        assert session.scalar(select(func.count()).select_from(OneOnOneSchedule)) == 0


def test_a_managers_erasure_takes_the_notes_they_wrote(team: Team) -> None:
    with session_scope(team.sessions) as session:
        marion = session.get(Person, team.ids["marion"])
        assert marion is not None
        counts = erase_person(session, marion, "admin", NOW)
        left = session.scalars(select(OneOnOneNote.text)).all()
    assert counts["one_on_one_notes"] == 1 and left == ["Note d'un autre"]


def test_next_occurrence_is_in_the_managers_time_zone_and_dst_correct() -> None:
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert next_occurrence(3, time(11), "Europe/Paris", thursday) == day(11, 26, 10)
    assert next_occurrence(3, time(10), "Europe/Paris", thursday) == day(12, 3, 9)  # now: next
    assert next_occurrence(3, time(9), "Europe/Paris", thursday) == day(12, 3, 8)
    assert next_occurrence(0, time(9), "Asia/Kolkata", thursday) == datetime(
        2026, 11, 30, 3, 30, tzinfo=UTC
    )
    # Spring forward in Paris: Sunday 29 March 02:30 does not exist; 03:00 local it is.
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_occurrence(6, time(2, 30), "Europe/Paris", saturday) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_a_scheduled_brief_is_claimed_once_an_hour_before_then_moves_a_week(team: Team) -> None:
    with session_scope(team.sessions) as session:
        outcome = team.service.set_schedule(
            session, me(session, "UMARION"), "UALICE", 3, time(18), NOW
        )  # Thursdays 18:00 Paris: 17:00 UTC, brief from 16:00 UTC
        assert not isinstance(outcome, OneOnOneRefusal)
        assert outcome[1].next_meeting_at == day(11, 26, 17)
        assert due_briefs(session, day(11, 26, 15) + timedelta(minutes=59)) == []
        [schedule_id] = due_briefs(session, day(11, 26, 16))
    at = day(11, 26, 16)
    with session_scope(team.sessions) as session:
        claim = claim_brief(session, CATALOG, schedule_id, at)
    assert claim is not None
    assert (claim.meeting_at, claim.advanced_to) == (day(11, 26, 17), day(12, 3, 17))
    assert claim.manager_user_id == "UMARION" and claim.workspace_id == T1
    assert claim.brief.can_act and [n.text for n in claim.brief.notes] == ["Très à l'aise en démo"]
    with session_scope(team.sessions) as session:
        assert claim_brief(session, CATALOG, schedule_id, at) is None  # claimed already
        assert due_briefs(session, at + timedelta(minutes=30)) == []
        # A failed send gives it back while the meeting is ahead: a later tick retries.
        assert release_brief(session, claim, at + timedelta(minutes=1))
    with session_scope(team.sessions) as session:
        retried = claim_brief(session, CATALOG, schedule_id, at + timedelta(minutes=2))
        assert retried is not None and retried.meeting_at == day(11, 26, 17)
        # Too late to give back once the meeting has begun.
        assert not release_brief(session, retried, day(11, 26, 17))


def test_a_meeting_missed_while_palier_was_down_is_not_briefed_late(team: Team) -> None:
    with session_scope(team.sessions) as session:
        team.service.set_schedule(session, me(session, "UMARION"), "UALICE", 3, time(18), NOW)
        [schedule_id] = due_briefs(session, day(11, 28))
    with session_scope(team.sessions) as session:
        assert claim_brief(session, CATALOG, schedule_id, day(11, 28)) is None
        row = session.get(OneOnOneSchedule, schedule_id)
        assert row is not None and row.next_meeting_at == day(12, 3, 17)


def test_a_schedule_whose_manager_no_longer_manages_the_report_is_dropped(team: Team) -> None:
    with session_scope(team.sessions) as session:
        team.service.set_schedule(session, me(session, "UMARION"), "UALICE", 3, time(18), NOW)
        [schedule_id] = due_briefs(session, day(11, 26, 16))
        alice = session.get(Person, team.ids["alice"])
        assert alice is not None
        alice.manager_id = team.ids["dan"]
    with session_scope(team.sessions) as session:
        assert claim_brief(session, CATALOG, schedule_id, day(11, 26, 16)) is None
        assert session.get(OneOnOneSchedule, schedule_id) is None


def test_schedule_replaces_and_clears(team: Team) -> None:
    with session_scope(team.sessions) as session:
        team.service.set_schedule(session, me(session, "UMARION"), "UALICE", 3, time(18), NOW)
        team.service.set_schedule(session, me(session, "UMARION"), "UALICE", 1, time(9, 30), NOW)
        rows = session.scalars(select(OneOnOneSchedule)).all()
        assert [(r.weekday, r.local_time) for r in rows] == [(1, time(9, 30))]
        brief = team.service.brief(session, T1, "UMARION", "UALICE", NOW)
        assert isinstance(brief, Brief) and brief.schedule is not None
        assert brief.schedule.next_meeting_at == day(12, 1, 8) + timedelta(minutes=30)
        cleared = team.service.clear_schedule(session, me(session, "UMARION"), "UALICE")
        assert not isinstance(cleared, OneOnOneRefusal) and cleared[1] is True
        again = team.service.clear_schedule(session, me(session, "UMARION"), "UALICE")
        assert not isinstance(again, OneOnOneRefusal) and again[1] is False
        assert team.service.clear_schedule(session, me(session, "UBRUNO"), "UALICE") is (
            OneOnOneRefusal.UNAVAILABLE
        )


def test_a_note_keeps_its_text_without_control_characters(team: Team) -> None:
    """NUL cannot be stored in PostgreSQL text: stripped, like the other controls."""
    with session_scope(team.sessions) as session:
        note = team.service.add_note(
            session,
            me(session, "UMARION"),
            team.ids["alice"],
            "Prépa\x00 du 1:1\x1b\n\tpoints",
            NOW,
        )
        assert note is not None and not isinstance(note, OneOnOneRefusal)
        assert note.text == "Prépa du 1:1\n\tpoints"
        nothing = team.service.add_note(
            session, me(session, "UMARION"), team.ids["alice"], "\x00\x01", NOW
        )
        assert nothing is OneOnOneRefusal.EMPTY_NOTE
    with team.session() as session:
        stored = session.scalars(select(OneOnOneNote.text).where(OneOnOneNote.id == note.id))
        assert stored.one() == "Prépa du 1:1\n\tpoints"
