"""Loading and validating référentiel files.

Every problem is reported as a :class:`Problem` naming the file and the place in
it (``competencies[2].levels.expert``) with a message key and its parameters, so
the caller renders it in the user's language; nothing here raises a traceback at
the user. Structural errors come from pydantic; the rules that span several
fields (levels matching the scale, unique ids and codes, references) are checked
here afterwards so that each can name its exact place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from referentiels.models import Competency, Group, Referentiel
from referentiels.palier_scale import PALIER_PROGRESSION_SCALE

BUILTIN_DIR = Path(__file__).parent / "data"
SCHEMA_FILE = BUILTIN_DIR / "referentiel.schema.json"
# The largest built-in file is under 100 kB: a file past this size is a mistake, and
# parsing 50 MB of YAML would take minutes; it is refused before it is read.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Nesting deeper than this is refused while composing, before PyYAML's recursion
# (one Python frame per level) reaches the interpreter's limit. The built-in
# files are under 15 levels deep.
MAX_DEPTH = 64


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a référentiel file.

    ``key`` names a message of the catalog (``referentiel.problem.<key>``);
    ``params`` fill its placeholders. ``detail`` carries pydantic's own English
    message for the rare error types the catalog has no words for.
    """

    file: str
    location: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""


class ReferentielError(Exception):
    """Raised with every problem found, so a user fixes them all in one go."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in référentiel data")
        self.problems = problems


def format_location(loc: Iterable[str | int]) -> str:
    """``('competencies', 2, 'levels', 'expert')`` → ``competencies[2].levels.expert``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# pydantic error types the catalog words itself; others fall back to pydantic's text.
_PYDANTIC_KEYS = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "string_type": "not_text",
    "string_too_short": "empty",
    "string_pattern_mismatch": "bad_identifier",
    "string_too_long": "too_long",
    "literal_error": "not_allowed",
    "list_type": "not_a_list",
    "dict_type": "not_a_mapping",
    "model_type": "not_a_mapping",
    "model_attributes_type": "not_a_mapping",
    "bool_type": "not_boolean",
    "bool_parsing": "not_boolean",
    "too_short": "too_few",
    "too_long": "too_many",
}


def _pydantic_problems(file: str, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        # Unions report one error per branch with the branch type in the location;
        # drop those segments so the place reads like the file.
        loc = [
            p
            for p in item["loc"]
            if not (isinstance(p, str) and ("[" in p or p in {"str", "list"}))
        ]
        key = _PYDANTIC_KEYS.get(item["type"], "invalid")
        ctx = item.get("ctx") or {}
        params: dict[str, Any] = {"field": loc[-1] if loc else ""}
        if "expected" in ctx:
            params["expected"] = ctx["expected"]
        if "min_length" in ctx:
            params["min"] = ctx["min_length"]
        if "max_length" in ctx:
            params["max"] = ctx["max_length"]
        problems.append(Problem(file, format_location(loc), key, params, item["msg"]))
    # A union error is reported once per branch; keep each place once.
    unique: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.location, problem.key), problem)
    return list(unique.values())


def _walk_competencies(referentiel: Referentiel) -> Iterator[tuple[str, Competency]]:
    """Every competency with its location in the file."""
    for index, competency in enumerate(referentiel.competencies):
        yield f"competencies[{index}]", competency

    def walk(group: Group, prefix: str) -> Iterator[tuple[str, Competency]]:
        for index, competency in enumerate(group.competencies):
            yield f"{prefix}.competencies[{index}]", competency
        for index, child in enumerate(group.groups):
            yield from walk(child, f"{prefix}.groups[{index}]")

    for index, group in enumerate(referentiel.groups):
        yield from walk(group, f"groups[{index}]")


def check_rules(file: str, referentiel: Referentiel) -> list[Problem]:
    """The rules pydantic cannot express on one field."""
    problems: list[Problem] = []
    stem = Path(file).name.removesuffix(".yaml").removesuffix(".yml")
    if stem != referentiel.id:
        problems.append(
            Problem(file, "id", "id_not_file_name", {"id": referentiel.id, "stem": stem})
        )

    level_ids = [level.id for level in referentiel.scale.levels]
    for level_id, count in Counter(level_ids).items():
        if count > 1:
            problems.append(Problem(file, "scale.levels", "duplicate_level", {"level": level_id}))
    if referentiel.scale.origin == "palier" and referentiel.scale != PALIER_PROGRESSION_SCALE:
        problems.append(Problem(file, "scale", "palier_scale_altered"))
    if referentiel.kind == "matrix" and referentiel.scale.origin != "referentiel":
        problems.append(Problem(file, "scale.origin", "matrix_needs_own_scale"))

    competencies = list(_walk_competencies(referentiel))
    if not competencies:
        problems.append(Problem(file, "competencies", "no_competency"))
    evaluation_ids = {evaluation.id for evaluation in referentiel.evaluations}
    seen_ids: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    seen_criteria: dict[str, str] = {}
    for location, competency in competencies:
        if competency.id in seen_ids:
            problems.append(
                Problem(
                    file,
                    f"{location}.id",
                    "duplicate_id",
                    {"value": competency.id, "first": seen_ids[competency.id]},
                )
            )
        seen_ids.setdefault(competency.id, location)
        if competency.code is not None:
            if competency.code in seen_codes:
                problems.append(
                    Problem(
                        file,
                        f"{location}.code",
                        "duplicate_code",
                        {"value": competency.code, "first": seen_codes[competency.code]},
                    )
                )
            seen_codes.setdefault(competency.code, location)
        for index, criterion in enumerate(competency.criteria):
            if criterion.code is None:
                continue
            place = f"{location}.criteria[{index}].code"
            if criterion.code in seen_criteria:
                problems.append(
                    Problem(
                        file,
                        place,
                        "duplicate_code",
                        {"value": criterion.code, "first": seen_criteria[criterion.code]},
                    )
                )
            seen_criteria.setdefault(criterion.code, place)
        for index, evaluation_id in enumerate(competency.evaluations):
            if evaluation_id not in evaluation_ids:
                problems.append(
                    Problem(
                        file,
                        f"{location}.evaluations[{index}]",
                        "unknown_evaluation",
                        {"value": evaluation_id},
                    )
                )
        if referentiel.kind == "matrix":
            for level_id in competency.levels:
                if level_id not in level_ids:
                    problems.append(
                        Problem(
                            file,
                            f"{location}.levels.{level_id}",
                            "unknown_level",
                            {"value": level_id, "levels": ", ".join(level_ids)},
                        )
                    )
            for level_id in level_ids:
                if level_id not in competency.levels:
                    problems.append(
                        Problem(file, f"{location}.levels", "missing_level", {"value": level_id})
                    )
        elif competency.levels:
            problems.append(Problem(file, f"{location}.levels", "levels_in_certification"))

    evaluation_seen: dict[str, int] = {}
    for index, evaluation in enumerate(referentiel.evaluations):
        if evaluation.id in evaluation_seen:
            problems.append(
                Problem(
                    file,
                    f"evaluations[{index}].id",
                    "duplicate_id",
                    {
                        "value": evaluation.id,
                        "first": f"evaluations[{evaluation_seen[evaluation.id]}]",
                    },
                )
            )
        evaluation_seen.setdefault(evaluation.id, index)
    return problems


class _Refused(Exception):
    """A document this loader will not build: ``problem`` names why, at ``mark``."""

    # ``mark``: PyYAML's pure-Python or C mark, whichever the event carries.
    def __init__(self, problem: str, mark: Any, **params: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.mark = mark
        self.params = params


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nodes nested deeper than :data:`MAX_DEPTH` and
    aliases (``*name``): a référentiel has no use for them, and a few nested aliases
    (the "billion laughs") expand into more text than any file size limit allows."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent):
                raise _Refused("alias", event.start_mark)
            if self._depth > MAX_DEPTH:
                raise _Refused("too_deep", event.start_mark, max=MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def _load_yaml(file: str, text: str) -> Any:
    loader = _GuardedLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as error:
        raise ReferentielError(
            [Problem(file, _where(error.mark), error.problem, error.params)]
        ) from None
    finally:
        loader.dispose()


def parse(file: str, text: str) -> Referentiel:
    """Validate one référentiel given as YAML text; ``file`` names it in problems."""
    try:
        document = _load_yaml(file, text)
    except yaml.MarkedYAMLError as error:
        raise ReferentielError(
            [
                Problem(
                    file,
                    _where(error.problem_mark),
                    "yaml_syntax",
                    {"problem": error.problem or ""},
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        # A reader error (a character YAML refuses) says where on a second line: keep one.
        problem = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ReferentielError([Problem(file, "", "yaml_syntax", {"problem": problem})]) from None
    if not isinstance(document, dict):
        raise ReferentielError([Problem(file, "", "not_a_referentiel")])
    try:
        referentiel = Referentiel.model_validate(document)
    except ValidationError as error:
        raise ReferentielError(_pydantic_problems(file, error)) from None
    problems = check_rules(file, referentiel)
    if problems:
        raise ReferentielError(problems)
    return referentiel


def load_file(path: Path) -> Referentiel:
    """Load and validate one YAML file; one past :data:`MAX_FILE_BYTES` is not read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReferentielError(
                [
                    Problem(
                        path.name,
                        "",
                        "too_large",
                        {"max": MAX_FILE_BYTES // 1024 // 1024},
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentielError(
            [Problem(path.name, "", "unreadable", {"problem": str(error)})]
        ) from None
    return parse(path.name, text)


def yaml_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


class StoredReferentiels(Protocol):
    """Where the référentiels admins added to their workspace are kept (the database).

    A stored référentiel is never replaced under its id, so what :meth:`find` answers
    once stays true: every process may parse it once and keep it."""

    def find(self, referentiel_id: str) -> str | None:
        """Its YAML text, None when no workspace added one by that id."""
        ...

    def ids_for(self, tenant_id: int) -> list[str]:
        """The ids one workspace added."""
        ...


class ReferentielCatalog:
    """The référentiels a Palier process knows: the built-in ones and an operator's own,
    and, through ``stored``, those an admin added to a workspace.

    ``get`` finds any of them by id (ids are unique across the installation, so a
    person enrolled on a workspace's référentiel is read like any other); iterating and
    :meth:`ids` give the installation's own (files) only, and :meth:`visible_ids` /
    :meth:`visible` what one workspace may list and enrol people on.
    """

    def __init__(
        self, referentiels: Iterable[Referentiel], stored: StoredReferentiels | None = None
    ) -> None:
        self._by_id = {referentiel.id: referentiel for referentiel in referentiels}
        self._stored = stored
        # Stored référentiels already read: rows are immutable, so this never goes stale.
        self._cache: dict[str, Referentiel] = {}

    @classmethod
    def load(
        cls,
        extra_dir: Path | None = None,
        builtin_dir: Path = BUILTIN_DIR,
        stored: StoredReferentiels | None = None,
    ) -> ReferentielCatalog:
        """Load every file, collecting all problems before raising one error."""
        problems: list[Problem] = []
        loaded: dict[str, tuple[str, Referentiel]] = {}
        directories = [builtin_dir]
        if extra_dir is not None:
            if not extra_dir.is_dir():
                raise ReferentielError([Problem(str(extra_dir), "", "not_a_directory")])
            directories.append(extra_dir)
        for directory in directories:
            for path in yaml_files(directory):
                try:
                    referentiel = load_file(path)
                except ReferentielError as error:
                    problems.extend(error.problems)
                    continue
                if referentiel.id in loaded:
                    problems.append(
                        Problem(
                            path.name,
                            "id",
                            "duplicate_referentiel",
                            {"value": referentiel.id, "first": loaded[referentiel.id][0]},
                        )
                    )
                    continue
                loaded[referentiel.id] = (str(path), referentiel)
        if problems:
            raise ReferentielError(problems)
        return cls((referentiel for _, referentiel in loaded.values()), stored)

    def __iter__(self) -> Iterator[Referentiel]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, referentiel_id: object) -> bool:
        return isinstance(referentiel_id, str) and self.get(referentiel_id) is not None

    def get(self, referentiel_id: str) -> Referentiel | None:
        """A référentiel by id: a file's, else a stored one (read once, then kept)."""
        found = self._by_id.get(referentiel_id) or self._cache.get(referentiel_id)
        if found is not None or self._stored is None or not referentiel_id:
            return found
        text = self._stored.find(referentiel_id)
        if text is None:
            return None
        # Validated when it was added; parsed again only to build it.
        referentiel = parse(f"{referentiel_id}.yaml", text)
        self._cache[referentiel_id] = referentiel
        return referentiel

    def ids(self) -> list[str]:
        """The installation's own référentiels (built-in and the operator's files)."""
        return list(self._by_id)

    def is_installed(self, referentiel_id: str) -> bool:
        """Whether a file of the installation (built-in or the operator's) has this id."""
        return referentiel_id in self._by_id

    def visible_ids(self, tenant_id: int | None) -> list[str]:
        """What a workspace may list and enrol people on: the installation's own, then
        those its admins added."""
        own = self._stored.ids_for(tenant_id) if self._stored and tenant_id is not None else []
        return [*self._by_id, *(i for i in own if i not in self._by_id)]

    def visible(self, referentiel_id: str, tenant_id: int | None) -> Referentiel | None:
        """A référentiel a workspace may enrol people on; another workspace's is None."""
        if referentiel_id in self._by_id:
            return self._by_id[referentiel_id]
        if self._stored is None or tenant_id is None:
            return None
        if referentiel_id not in self._stored.ids_for(tenant_id):
            return None
        return self.get(referentiel_id)
