"""``palier referentiels import FILE --id ID``: a référentiel from its table export.

The import itself is pure (:mod:`referentiels.importers`); this command reads the
file, writes ``DIR/ID.yaml`` only once the loader accepts the text, and words the
review report in the CLI's language so a person can check each layout decision
against the source. A file it cannot read gets one line per problem with its row,
and nothing is written. The file is an Excel workbook, a CSV or the tab-separated
export (its name's ending says which); an id Palier already knows (a built-in
référentiel's, or another file's in the operator's directory) is refused, since the
catalog would not start with it twice.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TextIO

from bot.bootstrap import Flows
from bot.i18n import Translator
from bot.i18n.referentiel_text import render_problem
from bot.views import referentiel_import as report_view
from referentiels.importers import (
    MAX_SOURCE_BYTES,
    SHAPES,
    Imported,
    UnreadableSource,
    clash,
    import_file,
)
from referentiels.loader import BUILTIN_DIR, ReferentielError, load_file, parse, yaml_files
from storage.models import Platform

EXIT_OK, EXIT_INVALID = 0, 1
WORDS = "referentiel_import."
STORE = "referentiel_upload.cli."  # the référentiel added to a workspace's database
FlowsOpener = Callable[[], AbstractContextManager[Flows]]
# The ids the models accept (referentiels.models.Identifier), checked before any reading.
IDENTIFIER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def add_import_parser(
    ref_commands: argparse._SubParsersAction[argparse.ArgumentParser], t: Translator
) -> None:
    """Register ``referentiels import`` beside the other ``referentiels`` actions."""
    parser = ref_commands.add_parser("import", help=t(WORDS + "help.import"))
    parser.add_argument("file", type=Path, metavar="FILE", help=t(WORDS + "help.file"))
    parser.add_argument("--id", required=True, metavar="ID", help=t(WORDS + "help.id"))
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--output", type=Path, metavar="DIR", help=t(WORDS + "help.output"))
    where.add_argument("--workspace", metavar="WORKSPACE", help=t(STORE + "help_workspace"))
    parser.add_argument(
        "--platform",
        choices=[p.value for p in Platform],
        default=Platform.SLACK.value,
        help=t(STORE + "help_platform"),
    )
    parser.add_argument("--shape", choices=SHAPES, help=t(WORDS + "help.shape"))
    parser.add_argument("--title", metavar="TITLE", help=t(WORDS + "help.title"))
    parser.add_argument("--force", action="store_true", help=t(WORDS + "help.force"))


def known_ids(directories: list[Path | None], replaced: Path) -> dict[str, Path]:
    """The id of each référentiel file in ``directories`` (the built-in ones first), and
    its file; ``replaced`` (the file an import overwrites) aside. A file the loader
    refuses is left out: the catalog refuses it on its own."""
    known: dict[str, Path] = {}
    seen: set[Path] = set()
    for directory in directories:
        if directory is None or not directory.is_dir() or directory.resolve() in seen:
            continue
        seen.add(directory.resolve())
        for path in yaml_files(directory):
            if path.resolve() == replaced.resolve():
                continue
            try:
                known.setdefault(load_file(path).id, path)
            except ReferentielError:
                continue
    return known


class ImportCommand:
    def __init__(self, t: Translator, out: TextIO, err: TextIO) -> None:
        self.t, self.out, self.err = t, out, err

    def fail(self, line: str) -> int:
        print(line, file=self.err)
        return EXIT_INVALID

    def run(
        self, args: argparse.Namespace, default_dir: Path | None, flows: FlowsOpener | None = None
    ) -> int:
        t, path = self.t, args.file
        if not IDENTIFIER_PATTERN.fullmatch(args.id):
            return self.fail(t(WORDS + "bad_id", id=args.id))
        if args.workspace is not None and flows is not None:
            return self.store(args, flows)
        directory = args.output or default_dir or Path(os.getcwd())
        if not directory.is_dir():
            return self.fail(t(WORDS + "no_directory", path=directory))
        target = directory / f"{args.id}.yaml"
        if target.exists() and not args.force:
            return self.fail(t(WORDS + "exists", path=target))
        known = known_ids([BUILTIN_DIR, default_dir, directory], target)
        if clash(args.id, known):
            return self.fail(t(WORDS + "id_taken", id=args.id, path=known[args.id]))
        data = self.read(path)
        if data is None:
            return EXIT_INVALID
        imported = self.imported(args, data, target.name)
        if imported is None:
            return self.fail(t(WORDS + "nothing_written"))
        target.write_text(imported.to_yaml(), encoding="utf-8")
        self.report(imported, target)
        return EXIT_OK

    def imported(self, args: argparse.Namespace, data: bytes, name: str) -> Imported | None:
        """The import, once the loader accepts its text as ``name``; else each problem said."""
        t, path = self.t, args.file
        try:
            imported = import_file(data, path.name, args.id, args.shape, args.title)
            parse(name, imported.to_yaml())  # what the loader will say of the file
        except UnreadableSource as error:
            for note in error.problems:
                message = report_view.note_message(note, t).plain()
                self.fail(t(WORDS + "problem_line", file=path, row=note.row, message=message))
            return None
        except ReferentielError as error:
            for problem in error.problems:
                self.fail(render_problem(problem, t))
            return None
        return imported

    def store(self, args: argparse.Namespace, flows: FlowsOpener) -> int:
        """``--workspace``: the référentiel added to that workspace in the database, as an
        admin's confirmed upload would be (its id new to the installation)."""
        t = self.t
        data = self.read(args.file)
        if data is None:
            return EXIT_INVALID
        imported = self.imported(args, data, f"{args.id}.yaml")
        if imported is None:
            return self.fail(t(STORE + "nothing_stored"))
        referentiel = imported.referentiel
        with flows() as opened:
            refused = opened.referentiel_upload.add_directly(
                Platform(args.platform),
                args.workspace,
                args.file.name,
                data,
                imported.to_yaml(),
                referentiel.title,
                args.id,
            )
        if refused is not None:
            return self.fail(t(STORE + "taken", id=args.id))
        self.say(
            t(
                STORE + "stored",
                workspace=args.workspace,
                id=args.id,
                title=referentiel.title,
                shape=report_view.shape(imported.report.shape, t).plain(),
                competencies=report_view.competencies(
                    len(referentiel.all_competencies()), t
                ).plain(),
            )
        )
        self.details(imported)
        return EXIT_OK

    def read(self, path: Path) -> bytes | None:
        """The file's bytes; one too large to be a référentiel is not read at all."""
        t = self.t
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                message = t(WORDS + "problem.too_large", max=MAX_SOURCE_BYTES >> 20)
                self.fail(t(WORDS + "problem_line", file=path, row=1, message=message))
                self.fail(t(WORDS + "nothing_written"))
                return None
            return path.read_bytes()
        except FileNotFoundError:
            self.fail(t(WORDS + "file_not_found", path=path))
        except OSError as error:
            self.fail(t(WORDS + "unreadable", path=path, problem=error.strerror or error))
        return None

    def report(self, imported: Imported, target: Path) -> None:
        """The review report, in the words Palier's DM shows an uploader too."""
        t, referentiel, report = self.t, imported.referentiel, imported.report
        total = len(referentiel.all_competencies())
        self.say(
            t(
                WORDS + "written",
                path=target,
                title=referentiel.title,
                shape=report_view.shape(report.shape, t).plain(),
                competencies=report_view.competencies(total, t).plain(),
            )
        )
        self.details(imported)

    def details(self, imported: Imported) -> None:
        """The counts per bloc and the layout decisions, a line each."""
        t, report = self.t, imported.report
        lines = report_view.count_lines(report.counts, t)
        lines += report_view.decision_lines(report.decisions, t)
        for line in lines:
            self.say(line.plain())

    def say(self, line: str) -> None:
        print(line, file=self.out)
