"""The people file's shape (``palier people import``): its columns, what a header may
call them in French or English, its role words, and one line read into a checked model.

Kept apart from :mod:`bot.domain.people_import`, which decides what a checked line
does to the people Palier knows: how a file reads changes with the habits of whoever
exports it (Excel's separators, French headers), what an import does does not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.domain.commands import fold
from bot.domain.people import known_timezone
from bot.domain.scheduling import parse_local_time, parse_weekday
from storage.models import Role

#: The columns a file may have, in the order the documentation gives them.
COLUMNS = ("email", "role", "manager_email", "referentiel", "timezone", "day", "time")
#: The columns every file must have.
REQUIRED_COLUMNS = ("email", "referentiel")
HEADER_LINE = 1
#: What a header may say for each column, compared folded (:func:`column_of`): French and
#: English, as people type them.
HEADER_ALIASES: Mapping[str, str] = {
    "email": "email",
    "e_mail": "email",
    "courriel": "email",
    "adresse_e_mail": "email",
    "role": "role",
    "manager_email": "manager_email",
    "manager": "manager_email",
    "e_mail_manager": "manager_email",
    "email_manager": "manager_email",
    "e_mail_du_manager": "manager_email",
    "referentiel": "referentiel",
    "timezone": "timezone",
    "fuseau": "timezone",
    "fuseau_horaire": "timezone",
    "day": "day",
    "jour": "day",
    "time": "time",
    "heure": "time",
}
#: The role words of a file, compared folded: the English values and the French ones.
ROLE_WORDS: Mapping[str, Role] = {
    "member": Role.MEMBER,
    "commercial": Role.MEMBER,
    "commerciale": Role.MEMBER,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
}

PROBLEM = "people_import.problem."
# Deliberately loose: Slack is the judge of which addresses exist; this only
# catches cells that cannot be an address at all (a name, a shifted column).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# What each column's validation error is reported as (people_import.problem.<key>).
_BAD_VALUE = {
    "email": "bad_email",
    "manager_email": "bad_manager_email",
    "role": "bad_role",
    "timezone": "bad_timezone",
    "day": "bad_day",
    "time": "bad_time",
}


def _email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.fullmatch(value):
        raise ValueError("not an email address")
    return value


class ImportRow(BaseModel):
    """One line of the file, checked on its own.

    The référentiel id is checked against the catalog by :func:`import_people`.
    ``model_fields_set`` holds the columns the file has: an absent optional column
    leaves the person's current value alone.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    email: str
    referentiel: str
    role: Role = Role.MEMBER
    manager_email: str | None = None
    timezone: str | None = None
    day: int | None = None  # 0 = Monday
    time: dt.time | None = None  # local wall-clock time

    @field_validator("email", "manager_email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return _email(value)

    @field_validator("role", mode="before")
    @classmethod
    def _parse_role(cls, value: object) -> object:
        if value is None:  # an empty cell: the default role
            return Role.MEMBER
        if isinstance(value, str):
            role = ROLE_WORDS.get(fold(value.strip()))
            if role is None:
                raise ValueError("not a role")
            return role
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        if value is not None and known_timezone(value) is None:
            raise ValueError("unknown time zone")
        return value

    @field_validator("day", mode="before")
    @classmethod
    def _parse_day(cls, value: object) -> object:
        # Only names: "1" could mean Monday or Tuesday depending on who typed it.
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("not a weekday")
        return parse_weekday(value)

    @field_validator("time", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("not a time")
        return parse_local_time(value)

    @property
    def email_key(self) -> str:
        """The address as compared (lower case, as SQL ``lower`` gives it)."""
        return self.email.lower()

    @property
    def manager_key(self) -> str | None:
        """The manager's address as compared, or None."""
        return self.manager_email.lower() if self.manager_email else None


@dataclass(frozen=True)
class RowProblem:
    """Why one line of the file was not imported.

    ``line`` counts from 1, the header; ``key`` is a message of the catalog
    (``people_import.problem.…``) and ``params`` fill its placeholders.
    """

    line: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)


# -- reading the file -------------------------------------------------------------


def read_table(
    text: str,
) -> tuple[list[str], list[tuple[int, list[str]]], RowProblem | None]:
    """The header's column names and the non-blank lines, each with its line number."""
    text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" starts with a BOM
    first_line = text.split("\n", 1)[0]
    # The header decides: a French Excel export separates with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            # A quoted cell may span lines: a record starts after the previous one.
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if header is None:
                header = [column_of(name) for name in cells]
            elif any(cell.strip() for cell in cells):  # Excel leaves ";;;;" lines
                rows.append((start, cells))
    except csv.Error as error:
        return [], [], RowProblem(reader.line_num, PROBLEM + "unreadable", {"problem": str(error)})
    return header or [], rows, None


def column_of(name: str) -> str:
    """The column a header cell names (:data:`HEADER_ALIASES`: ``E-mail``, ``Rôle``,
    ``Référentiel`` …), or the cell folded when it names none (reported as unknown)."""
    folded = re.sub(r"[\s_\-]+", "_", fold(name.strip())).strip("_")
    return HEADER_ALIASES.get(folded, name.strip().casefold())


def check_header(header: Sequence[str]) -> RowProblem | None:
    names = [name for name in header if name]  # Excel may add a trailing delimiter
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        return RowProblem(
            HEADER_LINE,
            PROBLEM + "unknown_columns",
            {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)},
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        return RowProblem(HEADER_LINE, PROBLEM + "duplicate_columns", {"columns": ", ".join(twice)})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        return RowProblem(HEADER_LINE, PROBLEM + "missing_columns", {"columns": ", ".join(missing)})
    return None


def parse_row(
    line: int, header: Sequence[str], cells: Sequence[str]
) -> tuple[ImportRow | None, list[RowProblem]]:
    values: dict[str, str | None] = {}
    for position, cell in enumerate(cells):
        name = header[position] if position < len(header) else ""
        if not name:
            if cell.strip():
                problem = RowProblem(
                    line, PROBLEM + "cell_without_column", {"position": position + 1}
                )
                return None, [problem]
            continue
        values[name] = cell.strip() or None  # an empty cell is "no value"
    for name in header:  # a short line: its last cells are empty
        if name:
            values.setdefault(name, None)
    try:
        return ImportRow.model_validate(values), []
    except ValidationError as error:
        return None, [_row_problem(line, item) for item in error.errors(include_url=False)]


def _row_problem(line: int, item: Mapping[str, Any]) -> RowProblem:
    column = str(item["loc"][0]) if item["loc"] else ""
    value = item.get("input")
    if value is None:
        return RowProblem(line, PROBLEM + "missing", {"column": column})
    return RowProblem(line, PROBLEM + _BAD_VALUE.get(column, "bad_value"), {"value": value})
