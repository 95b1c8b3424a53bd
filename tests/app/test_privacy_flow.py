"""The privacy flow of the application layer, called directly: one's own data out as a
file delivered privately, its erasure once confirmed, and the same for an operator at
the command line (who names anyone of a workspace)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.operator import Operator
from bot.app.outcome import DeliverFile
from bot.app.privacy import PrivacyRefusal
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile
from bot.i18n import Translator
from storage.models import Erasure, Person, Platform, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, Directory

OPERATOR = Operator("fr")


def _rate_alice(core: Core) -> None:
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        session.add(
            Rating(
                tenant_id=alice.tenant_id,
                person_id=alice.id,
                referentiel_id="account-executive",
                competency_id="prospection",
                level_id="junior",
                rater=Rater.SELF,
                rated_at=NOW,
            )
        )


def _ratings(core: Core) -> int:
    with core.sessions() as session:
        return len(session.scalars(select(Rating)).all())


def test_my_data_is_a_summary_and_a_json_file_delivered_to_me_alone_in_my_language(
    core: Core, flows: Flows
) -> None:
    _rate_alice(core)
    outcome = flows.privacy.send_my_data(ALICE)
    assert outcome.ok and outcome.locale == "en-GB"
    summary, file = outcome.effects
    assert isinstance(file, DeliverFile) and file.user_id == "U0ALICE"
    assert isinstance(summary, DeliverFile) and summary.user_id == "U0ALICE"
    assert (summary.filename, file.filename) == (
        "palier-my-data-2026-11-26.txt",
        "palier-my-data-2026-11-26.json",
    )
    t = Translator("en")
    assert (summary.title, summary.comment, file.title, file.comment) == (
        t("files_excel.my_data.summary_title"),
        t("files_excel.my_data.comment"),
        t("files_excel.my_data.data_title"),
        None,
    )
    assert isinstance(summary.content, str) and "Rating (1)" in summary.content
    data = json.loads(file.content)
    assert data["profile"]["display_name"] == "Alice"
    assert [r["level_name"] for r in data["ratings"]] == ["Junior"]


def test_someone_palier_does_not_follow_has_nothing_to_export_or_erase(flows: Flows) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US"))
    for outcome in (
        flows.privacy.send_my_data(STRANGER, directory),
        flows.privacy.ask_erasure(STRANGER, directory),
    ):
        assert (outcome.refusal, outcome.locale, outcome.effects) == ("nothing", "en-US", ())
    assert flows.privacy.usage(STRANGER, directory).refusal == PrivacyRefusal.USAGE


def test_erasure_is_asked_then_done_and_leaves_a_record_without_content(
    core: Core, flows: Flows
) -> None:
    _rate_alice(core)
    asked = flows.privacy.ask_erasure(ALICE)
    assert asked.ok and asked.effects == () and _ratings(core) == 1  # nothing erased yet
    erased = flows.privacy.erase_mine(ALICE)
    assert erased.view is not None and erased.view.counts["ratings"] == 1
    assert erased.locale == "en-GB"  # the answer in the language Alice had
    assert _ratings(core) == 0
    with core.sessions() as session:
        erasure = session.scalars(select(Erasure)).one()
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
    assert (erasure.requested_by, erasure.erased_at) == ("self", NOW)
    assert alice.display_name is None and not alice.active
    assert flows.privacy.erase_mine(STRANGER).view is not None  # a second click: no harm


def test_an_operator_reads_and_erases_anyone_of_a_workspace_once_confirmed(
    core: Core, flows: Flows
) -> None:
    _rate_alice(core)
    data = flows.privacy.data_of(OPERATOR, ALICE)
    assert data.view is not None and data.locale == "fr"
    assert [r["level_name"] for r in data.view.data["ratings"]] == ["Junior"]
    assert "Your data in Palier" in data.view.summary  # in Alice's language, not the CLI's
    elsewhere = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")
    assert flows.privacy.data_of(OPERATOR, elsewhere).refusal == PrivacyRefusal.UNKNOWN
    assert flows.privacy.erase(OPERATOR, STRANGER, confirmed=True).refusal == "unknown"
    unconfirmed = flows.privacy.erase(OPERATOR, ALICE, confirmed=False)
    assert unconfirmed.refusal == PrivacyRefusal.NEEDS_CONFIRMATION and _ratings(core) == 1
    erased = flows.privacy.erase(OPERATOR, ALICE, confirmed=True)
    assert erased.view is not None and erased.view.counts["ratings"] == 1
    with core.sessions() as session:
        assert session.scalars(select(Erasure.requested_by)).one() == "admin"
