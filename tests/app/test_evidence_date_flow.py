"""The day evidence happened, through the evidence flow: today in the person's own zone
unless they choose another; never a day to come, nor one more than five years back;
an edit keeps it unless changed; listed by it; a scheme-less link kept as https."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import EvidenceSaved, SaveEvidence
from bot.app.outcome import Problem, SendDirect
from bot.bootstrap import Core, Flows, build_flows
from bot.domain.evidence import EvidenceInput
from bot.domain.people import Profile, ensure_tenant, upsert_person
from storage.db import session_scope
from storage.models import Evidence, Platform
from tests.app.support import ALICE, NOW, TEAM

# 26 November 2026, 20:00 UTC: already 27 November in Kolkata (Alice's zone, +05:30).
EVENING_UTC = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
ALICE_TODAY = date(2026, 11, 27)


def _flows(core: Core, now: datetime = EVENING_UTC) -> Flows:
    return build_flows(core, clock=lambda: now)


def _deal(happened_on: date | None = None, **fields: str) -> EvidenceInput:
    values = {"competency_id": "closing", "text": "Signé avec le DAF"} | fields
    return EvidenceInput(happened_on=happened_on, **values)


def _stored(core: Core) -> list[Evidence]:
    with core.sessions() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def test_the_form_starts_on_the_persons_own_day(core: Core) -> None:
    form = _flows(core).evidence.form(ALICE).view
    assert form is not None and form.today == ALICE_TODAY  # Kolkata's, not UTC's 26th
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", timezone="America/New_York"))
        bob.referentiel_id = "account-executive"
    late = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # still the 26th in New York
    bob_form = _flows(core, late).evidence.form(ActorRef(Platform.SLACK, TEAM, "U0BOB")).view
    assert bob_form is not None and bob_form.today == date(2026, 11, 26)


def test_evidence_without_a_day_happened_today_and_is_confirmed_with_it(core: Core) -> None:
    outcome = _flows(core).evidence.save(ALICE, SaveEvidence(_deal(), "k1"))
    assert outcome.ok
    [stored] = _stored(core)
    assert stored.happened_on == ALICE_TODAY
    direct = outcome.effects[0]
    assert isinstance(direct, SendDirect) and isinstance(direct.view, EvidenceSaved)
    assert direct.view.happened_on == ALICE_TODAY


def test_a_day_chosen_is_kept_and_the_link_typed_without_scheme_is_https(core: Core) -> None:
    chosen = _deal(date(2026, 11, 3), link="crm.acme.fr/deals/42")
    outcome = _flows(core).evidence.save(ALICE, SaveEvidence(chosen, "k1"))
    [stored] = _stored(core)
    assert (stored.happened_on, stored.link) == (date(2026, 11, 3), "https://crm.acme.fr/deals/42")
    direct = outcome.effects[0]
    assert isinstance(direct, SendDirect) and isinstance(direct.view, EvidenceSaved)
    assert direct.view.link == "https://crm.acme.fr/deals/42"


def test_a_day_to_come_is_refused_in_the_persons_own_zone(core: Core) -> None:
    flows = _flows(core)
    # The 27th is today in Kolkata (tomorrow in UTC): accepted; the 28th is not.
    assert flows.evidence.save(ALICE, SaveEvidence(_deal(ALICE_TODAY), "k1")).ok
    refused = flows.evidence.save(ALICE, SaveEvidence(_deal(date(2026, 11, 28)), "k2"))
    assert refused.problems == (Problem("evidence_date", "evidence_date.problem.in_future"),)
    assert len(_stored(core)) == 1


def test_five_years_back_is_the_limit(core: Core) -> None:
    flows = _flows(core)
    assert flows.evidence.save(ALICE, SaveEvidence(_deal(date(2021, 11, 27)), "k1")).ok
    refused = flows.evidence.save(ALICE, SaveEvidence(_deal(date(2021, 11, 26)), "k2"))
    assert refused.problems == (Problem("evidence_date", "evidence_date.problem.too_old"),)
    assert [e.happened_on for e in _stored(core)] == [date(2021, 11, 27)]


def test_a_javascript_link_is_refused_and_nothing_stored(core: Core) -> None:
    bad = _deal(link="javascript:alert(document.cookie)")
    outcome = _flows(core).evidence.save(ALICE, SaveEvidence(bad, "k1"))
    assert outcome.problems == (Problem("evidence_link", "checkin.problem.bad_link"),)
    assert _stored(core) == []


def test_an_edit_keeps_the_day_unless_it_changes_it(core: Core) -> None:
    flows = _flows(core)
    flows.evidence.save(ALICE, SaveEvidence(_deal(date(2026, 10, 1)), "k1"))
    [stored] = _stored(core)
    form = flows.evidence.edit_form(ALICE, stored.id).view
    assert form is not None and form.happened_on == date(2026, 10, 1)
    assert form.today == ALICE_TODAY
    edit = SaveEvidence(_deal(text="Corrigé"), "k2", evidence_id=stored.id)
    assert flows.evidence.save(ALICE, edit).ok
    assert _stored(core)[0].happened_on == date(2026, 10, 1)
    moved = SaveEvidence(_deal(date(2026, 10, 2)), "k3", evidence_id=stored.id)
    assert flows.evidence.save(ALICE, moved).ok
    assert _stored(core)[0].happened_on == date(2026, 10, 2)
    future = SaveEvidence(_deal(date(2027, 1, 1)), "k4", evidence_id=stored.id)
    assert flows.evidence.save(ALICE, future).problems
    assert _stored(core)[0].happened_on == date(2026, 10, 2)


def test_the_home_lists_evidence_by_the_day_it_happened(core: Core) -> None:
    flows = _flows(core, NOW)
    for key, day, text in (
        ("k1", date(2026, 11, 20), "Le plus récent"),
        ("k2", date(2026, 9, 1), "Le plus ancien"),  # logged after, happened before
        ("k3", date(2026, 10, 15), "Entre les deux"),
    ):
        assert flows.evidence.save(ALICE, SaveEvidence(_deal(day, text=text), key)).ok
    home = flows.home.home(ALICE).view
    assert home is not None
    assert [e.text for e in home.evidence.entries] == [
        "Le plus récent",
        "Entre les deux",
        "Le plus ancien",
    ]
    assert [e.happened_on for e in home.evidence.entries] == [
        date(2026, 11, 20),
        date(2026, 10, 15),
        date(2026, 9, 1),
    ]
