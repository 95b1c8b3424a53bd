"""An admin adds a référentiel to their workspace by uploading its export (issue #14),
through the application layer: the review, the confirmation stored once, the refusals
that keep nothing, and the workspace that may see it — on SQLite, and PostgreSQL when
TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.actor import ActorRef
from bot.app.admin import NOT_ADMIN
from bot.app.enrolment import EnrolInput, Enrolled
from bot.bootstrap import Core, Flows, build_core, build_flows
from bot.domain.admin import AdminRefusal
from bot.domain.people import Profile
from bot.domain.referentiel_upload import (
    Refusal,
    UploadAdded,
    UploadCancelled,
    UploadPreview,
    UploadRefused,
    UploadSeen,
    chosen_id,
)
from bot.i18n import Translator
from bot.settings import load_settings
from bot.views import referentiel_upload as upload_view
from storage.models import Platform, ReferentielUpload, WorkspaceReferentiel
from tests.app.support import ALICE, NOW, TEAM, Directory

SEEDS = Path(__file__).parents[1] / "seeds"
MATRIX = (SEEDS / "000_972af00c6a453831.txt").read_bytes()
CERTIFICATION = (SEEDS / "003_4ce0cbe0f316cec3.txt").read_bytes()
BOSS = ActorRef(Platform.SLACK, TEAM, "U0BOSS")
BOSS_PROFILE = Profile("U0BOSS", "Boss", locale="en-US", is_admin=True)
CHLOE = Profile("U0CHLOE", "Chloé", "chloe@acme.fr", "Europe/Paris", "fr-FR")
ADMIN = Directory(BOSS_PROFILE, CHLOE)
OTHER_TEAM = "T0OTHER"
OTHER_BOSS = ActorRef(Platform.SLACK, OTHER_TEAM, "U0OTHERBOSS")
OTHER_ADMIN = Directory(Profile("U0OTHERBOSS", "Other", is_admin=True), CHLOE)


def _stored(core: Core) -> list[WorkspaceReferentiel]:
    with core.sessions() as session:
        return list(session.scalars(select(WorkspaceReferentiel)))


def _pending(core: Core) -> int:
    with core.sessions() as session:
        return session.scalar(select(func.count()).select_from(ReferentielUpload)) or 0


def _preview(flows: Flows, data: bytes = MATRIX, typed: str | None = "ae-2027") -> UploadPreview:
    outcome = flows.referentiel_upload.preview(BOSS, "matrice AE.tsv", data, typed, ADMIN)
    assert isinstance(outcome.view, UploadPreview), outcome
    return outcome.view


def test_the_id_is_the_one_typed_with_the_file_else_a_slug_of_its_name() -> None:
    assert chosen_id("id: ntc-2024", "x.tsv") == "ntc-2024"
    assert chosen_id("  NTC_2024 ", "x.tsv") == "NTC_2024"
    assert chosen_id("voici le fichier", "Matrice AE (2024).tsv") == "matrice-ae-2024"
    assert chosen_id(None, "Référentiel été.txt") == "referentiel-ete"
    assert chosen_id("", "___.txt") == "referentiel"


def test_an_admin_gets_the_review_then_adds_the_referentiel_once(core: Core, flows: Flows) -> None:
    view = _preview(flows)
    assert (view.referentiel_id, view.title, view.shape) == (
        "ae-2027",
        "Account Executive",
        "matrix",
    )
    assert view.competencies == 5
    assert _stored(core) == [] and _pending(core) == 1

    added = flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN)
    assert added.view == UploadAdded("ae-2027", "Account Executive")
    again = flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN)
    assert again.view == UploadAdded("ae-2027", "Account Executive", already=True)
    [row] = _stored(core)
    assert (row.referentiel_id, row.added_by, row.source_name) == (
        "ae-2027",
        "U0BOSS",
        "matrice AE.tsv",
    )
    assert row.added_at == NOW and len(row.sha256) == 64

    # The référentiel is the workspace's: someone is enrolled on it, and read from it.
    enrolled = flows.enrolment.enrol(BOSS, EnrolInput("U0CHLOE", "ae-2027"), ADMIN)
    assert isinstance(enrolled.view, Enrolled)
    assert enrolled.view.referentiel_title == "Account Executive"
    referentiel = core.referentiels.get("ae-2027")
    assert referentiel is not None
    assert referentiel.all_competencies()[0].title == "Prospection"
    assert "ae-2027" in flows.enrolment.referentiel_ids(BOSS)


def test_another_process_reads_the_stored_referentiel_from_the_database(
    core: Core, flows: Flows
) -> None:
    view = _preview(flows)
    flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN)
    elsewhere = build_core(load_settings(env_file=None), engine=core.engine)
    found = elsewhere.referentiels.get("ae-2027")
    assert found is not None and found == core.referentiels.get("ae-2027")
    assert "ae-2027" not in elsewhere.referentiels.ids()  # the installation's own only


def test_a_confirmation_in_another_process_stores_nothing_twice(core: Core, flows: Flows) -> None:
    view = _preview(flows)
    other = build_flows(build_core(load_settings(env_file=None), engine=core.engine), lambda: NOW)
    assert other.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN).view == UploadAdded(
        "ae-2027", "Account Executive"
    )
    again = flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN)
    assert isinstance(again.view, UploadAdded) and again.view.already
    assert len(_stored(core)) == 1


def test_another_workspace_neither_sees_nor_enrols_on_it(core: Core, flows: Flows) -> None:
    view = _preview(flows)
    flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN)
    refused = flows.enrolment.enrol(OTHER_BOSS, EnrolInput("U0CHLOE", "ae-2027"), OTHER_ADMIN)
    assert refused.refusal == AdminRefusal.UNKNOWN_REFERENTIEL.value
    assert "ae-2027" not in flows.enrolment.referentiel_ids(OTHER_BOSS)
    # ... nor confirms the upload itself, whatever button it is shown.
    confirm = flows.referentiel_upload.confirm(OTHER_BOSS, view.pending_id, OTHER_ADMIN)
    assert confirm.view == UploadRefused(Refusal.EXPIRED)
    # ... and its own upload under that id is refused: ids are unique to the installation.
    clash = flows.referentiel_upload.preview(OTHER_BOSS, "f.tsv", MATRIX, "ae-2027", OTHER_ADMIN)
    assert clash.view == UploadRefused(Refusal.TAKEN, "ae-2027", "f.tsv")


def test_an_id_of_a_built_in_referentiel_is_refused_and_nothing_kept(
    core: Core, flows: Flows
) -> None:
    outcome = flows.referentiel_upload.preview(BOSS, "f.tsv", MATRIX, "account-executive", ADMIN)
    assert outcome.view == UploadRefused(Refusal.INSTALLED, "account-executive", "f.tsv")
    text = upload_view.card(outcome.view, None, Translator("fr")).fallback.plain()
    assert "Déposez à nouveau le fichier avec un autre identifiant" in text
    assert _pending(core) == 0


def test_someone_who_is_not_an_admin_is_refused_and_nothing_kept(core: Core, flows: Flows) -> None:
    outcome = flows.referentiel_upload.preview(ALICE, "f.tsv", MATRIX, None, Directory())
    assert outcome.refusal == NOT_ADMIN
    assert _pending(core) == 0
    view = _preview(flows)
    confirm = flows.referentiel_upload.confirm(ALICE, view.pending_id, Directory())
    assert confirm.refusal == NOT_ADMIN and _stored(core) == []
    text = upload_view.card(None, NOT_ADMIN, Translator("en")).fallback.plain()
    assert text.startswith("Only Palier's administrators")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe not text", "not UTF-8"),
        (b"une\tligne\nquelconque\n", "neither a skills matrix"),
        (b"x" * (2 * 1024 * 1024 + 1), "too large"),
    ],
)
def test_a_broken_file_gets_one_clear_answer_and_nothing_kept(
    core: Core, flows: Flows, data: bytes, words: str
) -> None:
    outcome = flows.referentiel_upload.preview(BOSS, "cassé.tsv", data, None, ADMIN)
    assert isinstance(outcome.view, UploadRefused)
    text = upload_view.card(outcome.view, None, Translator("en")).fallback.plain()
    assert "cassé.tsv" in text and words in text and "nothing was kept" in text
    assert _pending(core) == 0 and _stored(core) == []


def test_a_cancelled_upload_is_not_added(core: Core, flows: Flows) -> None:
    view = _preview(flows)
    assert flows.referentiel_upload.cancel(BOSS, view.pending_id, ADMIN).view == UploadCancelled(
        "ae-2027"
    )
    assert flows.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN).view == UploadRefused(
        Refusal.EXPIRED
    )
    assert _stored(core) == [] and _pending(core) == 0


def test_an_upload_older_than_a_day_is_not_added(core: Core) -> None:
    flows = build_flows(core, clock=lambda: NOW)
    view = _preview(flows)
    later = build_flows(core, clock=lambda: NOW + timedelta(days=1, minutes=1))
    assert later.referentiel_upload.confirm(BOSS, view.pending_id, ADMIN).view == UploadRefused(
        Refusal.EXPIRED
    )
    # The next upload prunes it.
    _preview(later, typed="ae-2028")
    assert _pending(core) == 1 and _stored(core) == []


def test_the_review_counts_each_bloc_and_caps_the_decisions_shown(flows: Flows) -> None:
    view = _preview(flows, CERTIFICATION, "rdc-2027")
    assert view.shape == "certification" and view.competencies == 20
    for locale, heading in (("fr", "Vérifiez « "), ("en", "Review “")):
        card = upload_view.card(view, None, Translator(locale))
        text = card.fallback.plain()
        assert text.startswith(heading) and "rdc-2027" in text
    en = upload_view.review_card(view, Translator("en"))
    lines = [line.plain() for block in en.blocks for line in getattr(block, "lines", ())]
    assert any(line.strip().endswith("competencies") and ":" in line for line in lines)
    shown = [line for line in lines if line.strip().startswith("line ")]
    assert len(shown) == upload_view.SHOWN_DECISIONS
    more = len(view.decisions) - upload_view.SHOWN_DECISIONS
    assert more > 0 and any(f"and {more} more decisions" in line for line in lines)


def test_an_upload_delivered_twice_is_reviewed_once(core: Core, flows: Flows) -> None:
    upload = flows.referentiel_upload
    first = upload.preview(BOSS, "f.tsv", MATRIX, "ae-2027", ADMIN, source_key="F0FILE")
    assert isinstance(first.view, UploadPreview)
    assert upload.admit(BOSS, "f.tsv", len(MATRIX), ADMIN, source_key="F0FILE").view == (
        UploadSeen()
    )
    again = upload.preview(BOSS, "f.tsv", MATRIX, "ae-2027", ADMIN, source_key="F0FILE")
    assert again.view == UploadSeen() and _pending(core) == 1
    # Another file is another upload.
    other = upload.admit(BOSS, "f.tsv", len(MATRIX), ADMIN, source_key="F0OTHER")
    assert other.view is None and other.refusal is None
