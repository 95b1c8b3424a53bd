"""What the evidence flow adds for a front end that cannot do what Slack does: the
message's address kept only when it is a web address (a form's state may come back from
the client)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.evidence import SaveEvidence
from bot.bootstrap import Core, Flows
from bot.domain.evidence import EvidenceInput
from storage.models import Evidence
from tests.app.support import ALICE

CLOSING = EvidenceInput(competency_id="closing", text="Un deal signé")


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
