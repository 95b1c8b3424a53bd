"""The five shipped référentiels: they load, match their sources, and say it word for word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from referentiels.loader import BUILTIN_DIR, SCHEMA_FILE, ReferentielCatalog
from referentiels.models import Referentiel
from referentiels.palier_scale import PALIER_PROGRESSION_SCALE
from referentiels.schema import build_schema
from tests.support.fidelity import SOURCE_FILES, check

ALLOWED_DIR = Path(__file__).parent / "fidelity_allowed"


@pytest.fixture(scope="module")
def catalog() -> ReferentielCatalog:
    return ReferentielCatalog.load()


def test_all_five_load_with_the_ids_of_the_seeds(catalog: ReferentielCatalog) -> None:
    assert sorted(catalog.ids()) == sorted(SOURCE_FILES)


def test_account_executive_matrix(catalog: ReferentielCatalog) -> None:
    ae = catalog.get("account-executive")
    assert ae is not None and ae.kind == "matrix"
    assert [level.label for level in ae.scale.levels] == ["Junior", "Intermédiaire", "Senior"]
    assert ae.scale.origin == "referentiel"
    assert [c.title for c in ae.all_competencies()] == [
        "Prospection",
        "Qualification",
        "Justification",
        "Closing",
        "Valeurs",
    ]
    prospection = ae.competency("prospection")
    assert prospection is not None
    results = [prospection.levels[level.id].expected_result for level in ae.scale.levels]
    assert results == [f"Générer {n}% de son propre pipeline" for n in (15, 20, 25)]
    # Every cell of the matrix is there, and Valeurs is the one shared competency.
    for competency in ae.all_competencies():
        assert set(competency.levels) == {"junior", "intermediaire", "senior"}
    assert [c.id for c in ae.all_competencies() if c.shared] == ["valeurs"]


def _codes(referentiel: Referentiel) -> list[str | None]:
    return [c.code for c in referentiel.all_competencies()]


def test_business_developer_has_20_competencies_in_4_activities(
    catalog: ReferentielCatalog,
) -> None:
    bd = catalog.get("business-developer")
    assert bd is not None
    assert [g.kind for g in bd.groups] == ["activity"] * 4
    assert sum(len(g.competencies) for g in bd.groups) == 20 == len(bd.all_competencies())
    # The cell holding two competencies was split in two.
    titles = [c.title for c in bd.all_competencies()]
    assert any(t.startswith("Mobiliser les différents interlocuteurs") for t in titles)
    assert any(t.startswith("Intégrer la démarche commerciale") for t in titles)


def test_manager_grands_comptes_has_c1_to_c18_in_4_blocs(catalog: ReferentielCatalog) -> None:
    mgc = catalog.get("manager-grands-comptes")
    assert mgc is not None
    assert [g.kind for g in mgc.groups] == ["bloc"] * 4
    assert _codes(mgc) == [f"C{n}" for n in range(1, 19)]
    assert sum(len(bloc.groups) for bloc in mgc.groups) == 9
    assert mgc.validation, "the source states validation conditions"


def test_responsable_developpement_commercial_codes(catalog: ReferentielCatalog) -> None:
    rdc = catalog.get("responsable-developpement-commercial")
    assert rdc is not None
    codes = _codes(rdc)
    assert len(codes) == 20 and codes[0] == "C1.1.1" and codes[-1] == "C3.3.3"
    criteria = [cr.code for c in rdc.all_competencies() for cr in c.criteria]
    assert criteria == [code.replace("C", "CR", 1) for code in codes if code]
    assert [e.code for e in rdc.evaluations] == [f"E{n}" for n in range(1, 7)]


def test_manager_equipe_vendeurs_b2b_codes(catalog: ReferentielCatalog) -> None:
    b2b = catalog.get("manager-equipe-vendeurs-b2b")
    assert b2b is not None
    assert [g.kind for g in b2b.groups] == ["bloc"] * 3
    expected = (
        [f"C1.{n}" for n in range(1, 7)]
        + [f"C2.{n}" for n in range(1, 7)]
        + [f"C3.{n}" for n in range(1, 6)]
    )
    assert _codes(b2b) == expected


@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
def test_text_is_quoted_word_for_word_from_the_source(referentiel_id: str) -> None:
    report = check(referentiel_id)
    assert report.not_found == [], "strings not found word for word in the source"


@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
def test_nothing_of_the_source_is_left_out(referentiel_id: str) -> None:
    # What the YAML does not quote must be exactly the reviewed headers and labels.
    allowed = (ALLOWED_DIR / f"{referentiel_id}.txt").read_text(encoding="utf-8").splitlines()
    assert check(referentiel_id).uncovered == allowed


@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
def test_every_competency_has_something_to_rate_against(
    catalog: ReferentielCatalog, referentiel_id: str
) -> None:
    referentiel = catalog.get(referentiel_id)
    assert referentiel is not None
    for competency in referentiel.all_competencies():
        assert competency.levels or competency.criteria, competency.id


def test_certifications_use_palier_scale_verbatim(catalog: ReferentielCatalog) -> None:
    for referentiel in catalog:
        if referentiel.kind == "certification":
            assert referentiel.scale == PALIER_PROGRESSION_SCALE


def test_committed_json_schema_is_up_to_date() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == build_schema(), "run 'palier referentiels schema' and commit the result"


def test_every_data_file_points_editors_at_the_schema() -> None:
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema={SCHEMA_FILE.name}", path.name
