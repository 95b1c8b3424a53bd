"""What the evidence and export flows add for a front end that cannot do what Slack
does: the message's address kept only when it is a web address (a form's state may come
back from the client), and whether someone may export without building the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import SaveEvidence
from bot.app.exports import ExportRefusal
from bot.bootstrap import Core, Flows
from bot.domain.evidence import EvidenceInput
from bot.domain.people import Profile, ensure_tenant, upsert_person
from storage.db import session_scope
from storage.models import Evidence, Person, Platform
from tests.app.support import ALICE, STRANGER, TEAM, Directory, counting_sql

CLOSING = EvidenceInput(competency_id="closing", text="Un deal signé")
MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")


def _permalinks(core: Core) -> list[str | None]:
    with core.sessions() as session:
        return list(session.scalars(select(Evidence.source_permalink).order_by(Evidence.id)))


@pytest.mark.parametrize(
    "given",
    ["javascript:alert(1)", "pas un lien", "https://x" + "y" * 3000 + ".example", ""],
)
def test_a_permalink_that_is_not_a_web_address_is_not_kept(
    core: Core, flows: Flows, given: str
) -> None:
    outcome = flows.evidence.save(ALICE, SaveEvidence(CLOSING, "k1", permalink=given))
    assert outcome.ok
    assert _permalinks(core) == [None]  # the evidence is kept, without the address


def test_a_messages_web_address_is_kept(core: Core, flows: Flows) -> None:
    link = "https://teams.microsoft.com/l/message/19:abc@thread.v2/1796?context=%7B%7D"
    flows.evidence.save(ALICE, SaveEvidence(CLOSING, "k1", permalink=link))
    assert _permalinks(core) == [link]


@pytest.fixture
def managed(core: Core) -> None:
    """Marion manages Alice."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(session, tenant, Profile("U0MARION", "Marion", locale="fr-FR"))
        session.flush()
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        alice.manager_id = marion.id


def test_may_export_says_who_could_have_the_file_and_builds_nothing(
    core: Core, flows: Flows, managed: None
) -> None:
    member = flows.export.may_export(ALICE, Directory(Profile("U0ALICE")))
    assert (member.refusal, member.locale) == (ExportRefusal.NOT_ALLOWED, "en")
    with counting_sql(core.engine) as (seen, _begun):
        manager = flows.export.may_export(MARION, Directory(Profile("U0MARION")))
    assert (manager.refusal, manager.locale, manager.effects) == (None, "fr", ())
    assert not any("rating" in sql.lower() for sql in seen)  # no CSV built
    stranger = flows.export.may_export(STRANGER, Directory(Profile("U0NOBODY")))
    assert stranger.refusal == ExportRefusal.NOT_ALLOWED
    admin = flows.export.may_export(STRANGER, Directory(Profile("U0NOBODY", is_admin=True)))
    assert admin.refusal is None
