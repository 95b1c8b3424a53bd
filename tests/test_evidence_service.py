"""Evidence belongs to its owner: only they list, edit or delete it (SQLite and PostgreSQL).

The service is given the person acting (the evidence flow resolves them, in their own
workspace: tests/app/test_evidence_flow.py); here, people with the same user id in two
workspaces and two colleagues."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.domain.checkin import Refusal, person_for
from bot.domain.evidence import EvidenceInput, EvidenceService, criterion_choices
from bot.domain.people import Profile, ensure_tenant, upsert_person
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import Person, Platform

CATALOG = ReferentielCatalog.load(None)
AE = CATALOG.get("account-executive")
assert AE is not None
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def service(migrated_engine: Engine) -> tuple[EvidenceService, Engine]:
    with session_scope(make_session_factory(migrated_engine)) as session:
        for team in ("T1", "T2"):
            tenant = ensure_tenant(session, Platform.SLACK, team)
            for user in ("U1", "U2"):
                person, _ = upsert_person(session, tenant, Profile(user))
                person.referentiel_id = "account-executive"
    return EvidenceService(), migrated_engine


def _person(session: Session, team: str, user: str) -> Person:
    person = person_for(session, Platform.SLACK, team, user)
    assert person is not None
    return person


def _log(service: EvidenceService, engine: Engine, team: str, user: str, key: str) -> int:
    with session_scope(make_session_factory(engine)) as session:
        data = EvidenceInput(competency_id="closing", text="Un deal")
        result = service.log(session, _person(session, team, user), AE, data, key, NOW, TODAY)
        assert result.evidence is not None
        return result.evidence.id


def test_only_the_owner_sees_edits_and_deletes(service: tuple[EvidenceService, Engine]) -> None:
    evidence, engine = service
    mine = _log(evidence, engine, "T1", "U1", "k1")
    factory = make_session_factory(engine)
    change = EvidenceInput(competency_id="valeurs", text="Autre chose")
    with session_scope(factory) as session:
        # Same user id in another workspace, and a colleague: both see "unknown".
        elsewhere, colleague = _person(session, "T2", "U1"), _person(session, "T1", "U2")
        assert evidence.get(session, elsewhere, mine) is None
        assert evidence.get(session, colleague, mine) is None
        assert (
            evidence.update(session, colleague, AE, mine, change, NOW, TODAY).refusal
            is Refusal.UNKNOWN_EVIDENCE
        )
        assert evidence.delete(session, colleague, mine) is False
        assert evidence.recent(session, colleague) == ([], 0)
    with session_scope(factory) as session:
        owner = _person(session, "T1", "U1")
        updated = evidence.update(session, owner, AE, mine, change, NOW, TODAY)
        assert updated.evidence is not None and updated.evidence.competency_id == "valeurs"
        assert evidence.recent(session, owner)[1] == 1
        assert evidence.delete(session, owner, mine) is True
    with session_scope(factory) as session:
        assert evidence.get(session, _person(session, "T1", "U1"), mine) is None


def test_edits_are_validated_like_new_evidence(service: tuple[EvidenceService, Engine]) -> None:
    evidence, engine = service
    mine = _log(evidence, engine, "T1", "U1", "k2")
    with session_scope(make_session_factory(engine)) as session:
        owner = _person(session, "T1", "U1")
        bad = EvidenceInput(
            competency_id="closing", text="x", criterion_key="aspect:Nope", link="ftp://x"
        )
        result = evidence.update(session, owner, AE, mine, bad, NOW, TODAY)
        assert {p.key for p in result.problems} == {"unknown_criterion", "bad_link"}
        assert evidence.get(session, owner, mine).criterion_key is None  # type: ignore[union-attr]


def test_criteria_of_a_certification_and_aspects_of_a_matrix() -> None:
    bd = CATALOG.get("business-developer")
    ae = CATALOG.get("account-executive")
    assert bd is not None and ae is not None
    certification = next(c for c in bd.all_competencies() if c.criteria)
    choices = criterion_choices(certification)
    assert [c.text for c in choices] == [c.text for c in certification.criteria]
    closing = ae.competency("closing")
    assert closing is not None
    names = [c.text for c in criterion_choices(closing)]
    assert names == list(dict.fromkeys(a.name for a in closing.levels["junior"].aspects))
