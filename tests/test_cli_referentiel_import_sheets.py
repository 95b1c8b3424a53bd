"""``palier referentiels import FILE.xlsx|FILE.csv``: spreadsheets, bad files, taken ids, fr+en.

A workbook or CSV made in the test from a source export is imported as the export is
(same file written, same report, its rows numbered as the sheet numbers them); a file
that cannot be read is one problem line and nothing written; an id Palier already
knows is refused before anything is read.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from handlers.cli import main
from referentiels.importers import MAX_SOURCE_BYTES
from referentiels.importers.sheets import MAX_COLUMNS, MAX_ROWS
from referentiels.loader import BUILTIN_DIR, load_file
from tests.support.fidelity import SEEDS, SOURCE_FILES
from tests.support.seed_sheets import as_typed, csv_file, seed_rows, workbook

MATRIX = SEEDS / SOURCE_FILES["account-executive"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALIER_DEFAULT_LOCALE", raising=False)
    monkeypatch.delenv("PALIER_REFERENTIELS_DIR", raising=False)


def book(rows: dict[tuple[int, int], str]) -> bytes:
    sheet_book = Workbook()
    sheet = sheet_book.active
    assert sheet is not None
    for (row, column), value in rows.items():
        sheet.cell(row, column, value)
    out = io.BytesIO()
    sheet_book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_spreadsheet_writes_the_file_and_report_the_export_gives(
    tmp_path: Path, suffix: str
) -> None:
    rows, _ = as_typed(seed_rows("account-executive"), matrix=True)
    data = workbook(rows, ("D3:G3",)) if suffix == "xlsx" else csv_file(rows, ";")
    source = tmp_path / f"Matrice AE.{suffix.upper()}"
    source.write_bytes(data)
    (tmp_path / "from-sheet").mkdir()
    (tmp_path / "from-export").mkdir()
    results = [
        run("referentiels", "import", str(path), "--id", "ae", "--output", str(tmp_path / d))
        for path, d in ((source, "from-sheet"), (MATRIX, "from-export"))
    ]
    assert [status for status, _, _ in results] == [0, 0]
    sheet_out, export_out = (out.splitlines() for _, out, _ in results)
    assert sheet_out[1:] == export_out[1:]  # the same counts and decisions, row for row
    assert "  ligne 11 : niveau « Junior », une liste sans tirets" in "\n".join(sheet_out)
    written = [(tmp_path / d / "ae.yaml").read_text("utf-8") for d in ("from-sheet", "from-export")]
    assert written[0] == written[1]
    assert load_file(tmp_path / "from-sheet" / "ae.yaml").title == "Account Executive"


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "pas un classeur")
    return out.getvalue()


def _truncated() -> bytes:
    data = workbook(seed_rows("account-executive"))
    return data[: len(data) // 2]


# An encrypted .xlsx is an OLE compound file holding an "EncryptedPackage" stream: its
# header and that stream's name (UTF-16) are what the import looks at.
ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
)


@pytest.mark.parametrize(
    ("name", "data", "fr", "en"),
    [
        (
            "x.xlsx",
            b"not a workbook at all",
            "le fichier n'est pas un classeur Excel lisible (.xlsx)",
            "the file is not a readable Excel workbook (.xlsx)",
        ),
        (
            "x.xlsx",
            _truncated(),
            "le fichier n'est pas un classeur Excel lisible",
            "the file is not a readable Excel workbook",
        ),
        (
            "x.xlsx",
            _zip_without_workbook(),
            "le fichier n'est pas un classeur Excel lisible",
            "the file is not a readable Excel workbook",
        ),
        (
            "x.xlsx",
            ENCRYPTED,
            "le classeur est protégé par un mot de passe",
            "the workbook is password-protected",
        ),
        (
            "x.xlsx",
            book({}),
            "le fichier ne contient aucune cellule remplie",
            "the file holds no filled cell",
        ),
        (
            "x.xlsx",
            book({(1, 1): "Niveaux de la matrice", (MAX_ROWS + 1, 1): "x"}),
            f"la feuille dépasse {MAX_ROWS} lignes ou {MAX_COLUMNS} colonnes",
            f"the sheet is over {MAX_ROWS} rows or {MAX_COLUMNS} columns",
        ),
        (
            "x.xlsx",
            book({(1, MAX_COLUMNS + 1): "x"}),
            f"la feuille dépasse {MAX_ROWS} lignes",
            f"the sheet is over {MAX_ROWS} rows",
        ),
        (
            "x.csv",
            b"\xef\xbb\xbf",
            "le fichier ne contient aucune cellule remplie",
            "the file holds no filled cell",
        ),
    ],
)
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_bad_file_is_one_problem_line_and_nothing_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    locale: str,
    name: str,
    data: bytes,
    fr: str,
    en: str,
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    source = tmp_path / name
    source.write_bytes(data)
    status, out, err = run(
        "referentiels", "import", str(source), "--id", "x", "--output", str(tmp_path)
    )
    assert (status, out) == (1, "")
    line = f"{source}, ligne 1 : {fr}" if locale == "fr" else f"{source}, line 1: {en}"
    problem, nothing = err.splitlines()
    assert problem.startswith(line)
    assert nothing == ("Rien n'a été écrit." if locale == "fr" else "Nothing was written.")
    assert not (tmp_path / "x.yaml").exists()


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    source = tmp_path / "huge.xlsx"
    with source.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)  # sparse: nothing to read if it were read
    status, _, err = run(
        "referentiels", "import", str(source), "--id", "x", "--output", str(tmp_path)
    )
    assert status == 1
    assert err.splitlines() == [
        f"{source}, ligne 1 : le fichier dépasse {MAX_SOURCE_BYTES >> 20} Mo : un référentiel "
        "tient en bien moins, vérifiez qu'il s'agit du bon fichier",
        "Rien n'a été écrit.",
    ]
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            "l'identifiant « account-executive » est déjà celui du référentiel de {path} : "
            "Palier refuserait de démarrer avec deux référentiels de même identifiant ; "
            "choisissez-en un autre",
        ),
        (
            "en",
            "the id “account-executive” is already that of the référentiel in {path}: "
            "Palier would refuse to start with two référentiels of the same id; "
            "choose another one",
        ),
    ],
)
def test_a_built_in_id_is_refused_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, expected: str
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    source = tmp_path / "ae.xlsx"
    source.write_bytes(workbook(seed_rows("account-executive")))
    status, out, err = run(
        "referentiels",
        "import",
        str(source),
        "--id",
        "account-executive",
        "--output",
        str(tmp_path),
        "--force",
    )
    assert (status, out) == (1, "")
    assert err == expected.format(path=BUILTIN_DIR / "account-executive.yaml") + "\n"
    assert not (tmp_path / "account-executive.yaml").exists()


def test_an_id_a_file_of_the_operators_directory_has_is_refused_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written into another directory (--output), a second "ae" would meet the first
    # once both are in PALIER_REFERENTIELS_DIR's catalog: refused, --force or not.
    operators = tmp_path / "referentiels"
    operators.mkdir()
    monkeypatch.setenv("PALIER_REFERENTIELS_DIR", str(operators))
    assert run("referentiels", "import", str(MATRIX), "--id", "ae")[0] == 0
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    status, out, err = run(
        "referentiels", "import", str(MATRIX), "--id", "ae", "--output", str(elsewhere), "--force"
    )
    assert (status, out) == (1, "")
    assert err.startswith(
        f"l'identifiant « ae » est déjà celui du référentiel de {operators / 'ae.yaml'} : "
    )
    assert not (elsewhere / "ae.yaml").exists()


def test_the_file_an_import_replaces_does_not_clash_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALIER_REFERENTIELS_DIR", str(tmp_path))
    assert run("referentiels", "import", str(MATRIX), "--id", "ae")[0] == 0
    source = tmp_path / "ae.csv"
    source.write_bytes(csv_file(seed_rows("account-executive"), ","))
    status, out, err = run(
        "referentiels", "import", str(source), "--id", "ae", "--title", "AE 2027", "--force"
    )
    assert (status, err) == (0, "")
    assert load_file(tmp_path / "ae.yaml").title == "AE 2027"
    assert out.startswith(f"{tmp_path / 'ae.yaml'} écrit : « AE 2027 »")
