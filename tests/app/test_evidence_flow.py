"""The evidence flow of the application layer, called directly as any front end would:
the form, saving (new, again, edited), deleting, and whose evidence each may touch."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app.actor import ActorRef
from bot.app.evidence import EvidenceSaved, NewEvidence, SaveEvidence
from bot.app.outcome import Problem, RefreshHome, SendDirect
from bot.bootstrap import Core, Flows
from bot.domain.evidence import EvidenceInput
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.submissions import MAX_TEXT
from storage.db import session_scope
from storage.models import Evidence, Platform
from tests.app.support import ALICE, STRANGER, TEAM, Directory, counting_sql

BOB = ActorRef(Platform.SLACK, TEAM, "U0BOB")
CLOSING = EvidenceInput(competency_id="closing", text="Un deal signé", link="https://crm.example/7")


@pytest.fixture
def with_bob(core: Core) -> Core:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob", locale="fr-FR"))
        bob.referentiel_id = "account-executive"
    return core


def _stored(core: Core) -> list[Evidence]:
    with core.sessions() as session:
        return list(session.scalars(select(Evidence).order_by(Evidence.id)))


def test_the_form_is_on_the_persons_referentiel_with_the_text_cut_to_fit(flows: Flows) -> None:
    outcome = flows.evidence.form(ALICE, NewEvidence("x" * (MAX_TEXT + 10)))
    assert outcome.locale == "en-GB" and outcome.view is not None
    assert outcome.view.referentiel.id == "account-executive"
    assert outcome.view.text == "x" * MAX_TEXT and outcome.view.evidence_id is None
    assert flows.evidence.form(ALICE, NewEvidence("")).view.text is None  # type: ignore[union-attr]


def test_someone_not_followed_gets_no_form_in_the_platforms_language(flows: Flows) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US"))
    outcome = flows.evidence.form(STRANGER, directory=directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en-US")
    saving = SaveEvidence(CLOSING, "k")
    assert flows.evidence.save(STRANGER, saving).refusal == "not_enrolled"


def test_problems_come_back_by_field_and_nothing_is_stored(core: Core, flows: Flows) -> None:
    bad = EvidenceInput(competency_id="nope", text="", link="ftp://x")
    outcome = flows.evidence.save(ALICE, SaveEvidence(bad, "k1"))
    assert not outcome.ok and outcome.effects == ()
    assert set(outcome.problems) == {
        Problem("competency", "checkin.problem.unknown_competency"),
        Problem("evidence_text", "checkin.problem.text_required"),
        Problem("evidence_link", "checkin.problem.bad_link"),
    }
    assert _stored(core) == []


def test_saved_evidence_is_confirmed_to_the_person_and_their_home_refreshed(
    core: Core, flows: Flows
) -> None:
    saving = SaveEvidence(CLOSING, "slack-view:V1", permalink="https://acme.slack.com/p1")
    outcome = flows.evidence.save(ALICE, saving)
    assert outcome.ok and outcome.locale == "en-GB"
    [direct, home] = outcome.effects
    assert isinstance(direct, SendDirect) and direct.user_id == "U0ALICE"
    assert isinstance(direct.view, EvidenceSaved)
    assert direct.view.competency.id == "closing" and direct.view.link == "https://crm.example/7"
    assert home == RefreshHome("U0ALICE")
    [stored] = _stored(core)
    assert (stored.competency_id, stored.text) == ("closing", "Un deal signé")
    assert stored.source_permalink == "https://acme.slack.com/p1"
    # The same submission delivered again: nothing stored, nothing said.
    again = flows.evidence.save(ALICE, saving)
    assert again.ok and again.effects == ()
    assert len(_stored(core)) == 1


def test_only_the_owner_edits_or_deletes_and_others_see_unknown(
    with_bob: Core, flows: Flows
) -> None:
    flows.evidence.save(ALICE, SaveEvidence(CLOSING, "k1"))
    [mine] = _stored(with_bob)
    other_workspace = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")
    assert flows.evidence.edit_form(BOB, mine.id).refusal == "unknown_evidence"
    assert flows.evidence.edit_form(other_workspace, mine.id).refusal == "not_enrolled"
    change = EvidenceInput(competency_id="valeurs", text="Autre chose")
    assert flows.evidence.save(BOB, SaveEvidence(change, "k2", mine.id)).refusal == (
        "unknown_evidence"
    )
    refused = flows.evidence.delete(BOB, mine.id)
    assert refused.refusal == "unknown_evidence" and refused.locale == "fr-FR"
    assert refused.effects == (RefreshHome("U0BOB"),)
    assert [e.text for e in _stored(with_bob)] == ["Un deal signé"]

    form = flows.evidence.edit_form(ALICE, mine.id).view
    assert form is not None and (form.evidence_id, form.competency_id) == (mine.id, "closing")
    assert (form.text, form.link) == ("Un deal signé", "https://crm.example/7")
    edited = flows.evidence.save(ALICE, SaveEvidence(change, "k3", mine.id))
    assert edited.ok and isinstance(edited.effects[0], SendDirect)
    [stored] = _stored(with_bob)
    assert (stored.competency_id, stored.text, stored.link) == ("valeurs", "Autre chose", None)
    assert flows.evidence.delete(ALICE, mine.id).ok
    assert _stored(with_bob) == []
    assert flows.evidence.delete(ALICE, mine.id).refusal == "unknown_evidence"


def test_a_save_resolves_the_actor_once(core: Core, flows: Flows) -> None:
    with counting_sql(core.engine) as (seen, _begun):
        assert flows.evidence.save(ALICE, SaveEvidence(CLOSING, "k1")).ok
    assert len([sql for sql in seen if "FROM tenants" in sql]) == 1
    with core.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 1
