"""``palier vae export``: an operator writes a person's VAE livret de preuves to a PDF or
a Word file, in the person's language, read back here; a wrong extension, an unknown
person or référentiel, a référentiel that is no certification: one line, no file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.domain.people import Profile, ensure_tenant, upsert_person
from handlers.cli import main
from storage.db import make_session_factory, session_scope
from storage.models import Platform
from tests.support.vae_livret import (
    BLOC_1,
    C1,
    C3_CRITERION,
    MODALITY_C1,
    REFERENTIEL,
    RENAULT,
    docx_lines,
    gap_list,
    pdf_text,
    seed,
)

TEAM = "T0ACME"


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, migrated_engine: Engine, database_url: str) -> None:
    with session_scope(make_session_factory(migrated_engine)) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        claire, _ = upsert_person(session, tenant, Profile("U0CLAIRE", "Claire", locale="fr-FR"))
        ben, _ = upsert_person(session, tenant, Profile("U0BEN", "Ben", locale="en-GB"))
        session.flush()
        seed(session, claire)
        seed(session, ben)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "fr")


def _palier(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _export(user: str, output: Path, referentiel: str = REFERENTIEL) -> tuple[int, str, str]:
    return _palier(
        "vae", "export", "--workspace", TEAM, "--user", user,
        "--referentiel", referentiel, "--output", str(output),
    )  # fmt: skip


def test_a_livret_in_french_as_a_pdf(database: None, tmp_path: Path) -> None:
    output = tmp_path / "livret.pdf"
    status, out, err = _export("U0CLAIRE", output)
    assert (status, err) == (0, "")
    assert out.startswith(f"{output} : livret de preuves de Claire écrit (")
    text = pdf_text(output.read_bytes())
    for quoted in ("Livret de preuves — Claire", BLOC_1, C1, MODALITY_C1, RENAULT):
        assert quoted in text
    assert C3_CRITERION in text.split("Critères sans preuve, à travailler")[-1]


def test_a_livret_in_english_as_a_word_file(database: None, tmp_path: Path) -> None:
    output = tmp_path / "livret.docx"
    status, out, _ = _export("U0BEN", output)
    assert status == 0 and "livret de preuves de Ben" in out  # the command line speaks French
    lines = docx_lines(output.read_bytes())
    assert lines[0].text == "Evidence portfolio (livret de preuves) — Ben"
    assert next(line.text for line in lines if line.style == "Heading 1") == BLOC_1
    gaps = gap_list(lines, "Criteria without evidence, to work on")
    assert any(label.startswith("C3 ") and C3_CRITERION in gaps[label] for label in gaps)


def test_bad_requests_get_one_line_and_no_file(database: None, tmp_path: Path) -> None:
    status, _, err = _export("U0CLAIRE", tmp_path / "livret.txt")
    assert (
        status == 2
        and err.strip() == f"{tmp_path / 'livret.txt'} : le livret s'écrit en .pdf ou en .docx"
    )
    status, _, err = _export("U0NOBODY", tmp_path / "a.pdf")
    assert status == 1 and "U0NOBODY" in err and TEAM in err
    status, _, err = _export("U0CLAIRE", tmp_path / "b.pdf", "account-executive")
    assert status == 1 and err.startswith(
        "account-executive n'est pas un référentiel de certification"
    )
    status, _, err = _export("U0CLAIRE", tmp_path / "c.pdf", "nope")
    assert status == 1 and "nope" in err
    assert list(tmp_path.glob("*.pdf")) == [] and not (tmp_path / "livret.txt").exists()
