"""The livret shared with one's manager, called directly: two processes answering the
same request deliver once; a shared file is built again only under the consent it
names and for the manager it was shared with; a request altered by hand is refused."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.outcome import DeliverFile, FileKind, SendDirect
from bot.app.vae_share import ShareRefusal
from bot.bootstrap import Core, Flows, build_flows
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.views.vae_share import LivretAsked
from storage.db import session_scope
from storage.models import Person, Platform
from tests.app.support import ALICE, NOW, TEAM
from tests.support.vae_livret import seed

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
OTHER = ActorRef(Platform.SLACK, TEAM, "U0OTHER")


def _marion_manages_alice(core: Core) -> None:
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(session, tenant, Profile("U0MARION", "Marion", locale="fr"))
        upsert_person(session, tenant, Profile("U0OTHER", "Other", locale="fr"))
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.flush()
        alice.manager_id = marion.id
        seed(session, alice)


def _asked(flows: Flows) -> str:
    outcome = flows.vae_share.ask(MARION, "U0ALICE")
    [direct] = outcome.effects
    assert isinstance(direct, SendDirect) and direct.user_id == "U0ALICE"
    assert isinstance(direct.view, LivretAsked)
    return direct.view.value


def test_two_processes_answering_one_request_deliver_once(core: Core, flows: Flows) -> None:
    _marion_manages_alice(core)
    value = _asked(flows)
    other_process = build_flows(core, clock=lambda: NOW)
    first = flows.vae_share.answer(ALICE, value, True)
    second = other_process.vae_share.answer(ALICE, value, True)
    files = [e for e in first.effects if isinstance(e, DeliverFile)]
    assert [f.user_id for f in files] == ["U0MARION", "U0MARION"]
    assert [f.kind for f in files] == [FileKind.SHARED_LIVRET_PDF, FileKind.SHARED_LIVRET_DOCX]
    assert (second.refusal, second.effects) == (ShareRefusal.ANSWERED.value, ())
    declined_after = other_process.vae_share.answer(ALICE, value, False)
    assert declined_after.refusal == ShareRefusal.ANSWERED.value


def test_a_shared_file_is_built_again_only_for_that_manager_under_that_consent(
    core: Core, flows: Flows
) -> None:
    _marion_manages_alice(core)
    value = _asked(flows)
    shared = flows.vae_share.answer(ALICE, value, True)
    grant = next(e.grant for e in shared.effects if isinstance(e, DeliverFile))
    again = flows.files.build(MARION, FileKind.SHARED_LIVRET_PDF, grant=grant)
    [file] = again.effects
    assert isinstance(file, DeliverFile) and isinstance(file.content, bytes)
    assert file.content.startswith(b"%PDF")
    # Someone else holding the card gets nothing; a grant for a request never answered
    # (altered by hand) neither.
    assert flows.files.build(OTHER, FileKind.SHARED_LIVRET_PDF, grant=grant).effects == ()
    owner, request = json.loads(grant or "")
    forged = json.dumps([owner, request.replace("2026", "2025")])
    refused = flows.files.build(MARION, FileKind.SHARED_LIVRET_PDF, grant=forged)
    assert (refused.refusal, refused.effects) == (ShareRefusal.NOT_SHARED_NOW.value, ())
    unasked = flows.files.build(MARION, FileKind.SHARED_LIVRET_DOCX, grant=None)
    assert unasked.refusal == ShareRefusal.NOT_SHARED_NOW.value


def test_a_declined_request_lets_nothing_be_built_and_bad_values_are_refused(
    core: Core, flows: Flows
) -> None:
    _marion_manages_alice(core)
    value = _asked(flows)
    declined = flows.vae_share.answer(ALICE, value, False)
    [told] = declined.effects
    assert isinstance(told, SendDirect) and told.user_id == "U0MARION"
    grant = json.dumps(["U0ALICE", value])
    assert flows.files.build(MARION, FileKind.SHARED_LIVRET_PDF, grant=grant).effects == ()
    for bad in ("", "not json", "[1, 2, 3]", json.dumps(["U0MARION", "x"])):
        assert flows.vae_share.answer(ALICE, bad, True).refusal in (
            ShareRefusal.UNKNOWN_REQUEST.value,
            ShareRefusal.CHANGED.value,
        )
