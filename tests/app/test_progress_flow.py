"""The progress chart flow, called directly (SQLite, and PostgreSQL with
TEST_DATABASE_URL): one's own chart as a file for oneself only, a clear refusal with
nothing rated, and someone else's only as the access policy allows."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from bot.app.actor import ActorRef
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.app.progress import ChartRequest
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile, ensure_tenant, find_person, upsert_person
from storage.db import session_scope
from storage.models import Platform, Rater, Rating
from tests.app.support import ALICE, NOW, STRANGER, TEAM, Directory

CHLOE = ActorRef(Platform.SLACK, TEAM, "U0CHLOE")  # manages Alice; French
BOB = ActorRef(Platform.SLACK, TEAM, "U0BOB")  # Alice's colleague
ELSEWHERE = ActorRef(Platform.SLACK, "T0OTHER", "U0ALICE")


@pytest.fixture
def team(core: Core) -> None:
    """Chloé manages Alice, who rated her prospection Junior in May and Senior last week."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        chloe, _ = upsert_person(session, tenant, Profile("U0CHLOE", "Chloé", locale="fr-FR"))
        bob, _ = upsert_person(session, tenant, Profile("U0BOB", "Bob"))
        alice = find_person(session, tenant.id, "U0ALICE")
        assert alice is not None
        chloe.referentiel_id = bob.referentiel_id = "account-executive"
        session.flush()
        alice.manager_id = chloe.id
        for level, days in (("junior", 200), ("senior", 7)):
            session.add(
                Rating(
                    tenant_id=tenant.id,
                    person_id=alice.id,
                    referentiel_id="account-executive",
                    competency_id="prospection",
                    level_id=level,
                    rater=Rater.SELF,
                    rated_at=NOW - timedelta(days=days),
                )
            )


def _file(outcome: Outcome[None]) -> DeliverFile:
    assert outcome.refusal is None
    [file] = outcome.effects
    assert isinstance(file, DeliverFile)
    return file


@pytest.mark.usefixtures("team")
def test_ones_own_chart_is_a_png_for_oneself_in_ones_language(flows: Flows) -> None:
    file = _file(flows.progress.chart(ALICE, ChartRequest()))
    assert file.user_id == "U0ALICE"
    # Alice's zone is Asia/Kolkata: November 26th, 20:30 there.
    assert file.filename == "palier-progress-2026-11-26.png"
    assert file.title == "Your progress over four quarters"
    assert file.kind is FileKind.PROGRESS_CHART  # Teams builds it again on accept
    assert file.alt is not None and file.alt.startswith("Levels by competency")
    assert isinstance(file.content, bytes)
    picture = Image.open(io.BytesIO(file.content))
    picture.load()
    assert picture.format == "PNG" and picture.size[0] <= 1100
    again = _file(flows.progress.chart(ALICE, ChartRequest("U0ALICE")))  # naming oneself
    assert again.content == file.content
    built = _file(flows.files.build(ALICE, FileKind.PROGRESS_CHART))
    assert built.content == file.content


@pytest.mark.usefixtures("team")
def test_nothing_rated_is_a_refusal_not_an_empty_picture(flows: Flows) -> None:
    outcome = flows.progress.chart(BOB, ChartRequest())
    assert (outcome.refusal, outcome.effects) == ("no_data", ())
    outcome = flows.progress.chart(CHLOE, ChartRequest())
    assert (outcome.refusal, outcome.locale) == ("no_data", "fr-FR")
    outcome = flows.files.build(BOB, FileKind.PROGRESS_CHART)
    assert outcome.refusal == "no_data"
    refused = flows.progress.chart(STRANGER, ChartRequest(), Directory())
    assert (refused.refusal, refused.effects) == ("not_enrolled", ())


@pytest.mark.usefixtures("team")
def test_a_manager_gets_a_reports_chart_and_no_one_else_does(flows: Flows) -> None:
    file = _file(flows.progress.chart(CHLOE, ChartRequest("U0ALICE")))
    assert file.user_id == "U0CHLOE"  # to the asker, in her language
    assert file.title == "Progression sur quatre trimestres : Alice"
    assert file.comment is not None and "Alice" in file.comment
    # Teams builds it again for whoever accepts, naming whose it is: the policy decides again
    assert file.kind is FileKind.REPORT_CHART and file.subject == "U0ALICE"
    own = _file(flows.progress.chart(ALICE, ChartRequest()))
    assert file.content != own.content  # the same levels, in French
    # A colleague, someone unknown, the report asking for her manager's, another
    # workspace: the same refusal, whether the person exists or not.
    for asker, target in (
        (BOB, "U0ALICE"),
        (BOB, "U0NOBODY"),
        (ALICE, "U0CHLOE"),
        (STRANGER, "U0ALICE"),
        (ELSEWHERE, "U0CHLOE"),
    ):
        outcome = flows.progress.chart(asker, ChartRequest(target), Directory())
        assert (outcome.refusal, outcome.effects) == ("not_allowed", ()), (asker, target)


@pytest.mark.usefixtures("team")
def test_a_workspace_admin_may_see_anyones_chart(flows: Flows) -> None:
    admin = Directory(Profile("U0BOB", "Bob", is_admin=True))
    file = _file(flows.progress.chart(BOB, ChartRequest("U0ALICE"), admin))
    assert file.user_id == "U0BOB"
    outcome = flows.progress.chart(BOB, ChartRequest("U0CHLOE"), admin)
    assert outcome.refusal == "no_data_other"
