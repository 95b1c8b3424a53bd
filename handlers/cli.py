"""The ``palier`` command line.

Every message goes through the catalog, in the language of
``PALIER_DEFAULT_LOCALE`` (French by default). A problem is one line naming what is
wrong, on standard error, with exit status 1 (bad data, an unreachable database) or
2 (bad settings or usage); nothing is half-done. :func:`main` is the one error
boundary: the failures an operator can fix become their catalogued line there, and
anything else is a bug, said so in one line (its traceback with ``LOG_LEVEL=DEBUG``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.app.operator import Operator
from bot.bootstrap import (
    Flows,
    ReferentielShadowedError,
    SchemaNotCurrentError,
    build_core,
    build_flows,
)
from bot.domain.people_import import ImportReport
from bot.i18n import Translator
from bot.i18n.referentiel_text import render_problem, render_referentiel
from bot.settings import Settings, SettingsError, cli_locale, load_settings
from handlers import cli_stored, cli_suggest, cli_vae
from handlers.cli_import import ImportCommand, add_import_parser
from handlers.platforms import NoPlatformError, PortTakenError
from handlers.slack.app import Clock, MissingSettingError, system_clock
from handlers.teams.errors import MissingTeamsSettingError
from referentiels.loader import ReferentielCatalog, ReferentielError, load_file, yaml_files
from referentiels.models import Referentiel
from storage import migrate
from storage.db import make_engine

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# An import's problems worded for the platform's accounts (Slack's are people_import's own).
PROBLEM_WORDS = {"teams": "teams_ops.problem."}
DEMO_WEEKS = 4
DEMO_PLATFORMS = ("slack", "teams")  # where `palier demo` plays (--platform)
# `tick --now` outside these years is a typo; the year of margin keeps the tick's
# date arithmetic (weeks, reminders, 1:1 lead times) inside what datetime can hold.
TICK_YEARS = (1970, 9998)


class Cli:
    def __init__(
        self, t: Translator, out: TextIO, err: TextIO, clock: Clock = system_clock
    ) -> None:
        self.t = t
        self.out = out
        self.err = err
        self.database_url: str | None = None  # once known, for a database problem
        self.debug = os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"
        self.clock = clock  # what "now" is for every command and the app it builds

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def fail(self, text: str, status: int = EXIT_INVALID) -> int:
        print(text, file=self.err)
        return status

    # -- settings and référentiels ------------------------------------------------

    def settings(self) -> Settings:
        settings = load_settings()
        self.database_url = settings.database_url
        self.debug = settings.log_level == "DEBUG"
        return settings

    def catalog(self, settings: Settings) -> ReferentielCatalog:
        return ReferentielCatalog.load(settings.referentiels_dir)

    # -- palier referentiels … -----------------------------------------------------

    def referentiels_list(self, as_json: bool, workspace: str | None = None) -> int:
        catalog = self.catalog(self.settings())
        rows = [_summary(referentiel) for referentiel in catalog]
        if as_json and workspace is not None:
            cli_stored.list_stored(self, workspace, rows, as_json)
            return EXIT_OK
        if as_json:
            self.say(json.dumps(rows, ensure_ascii=False, indent=2))
            return EXIT_OK
        t = self.t
        header = t(
            "cli.referentiels.header",
            id=t("cli.referentiels.col_id"),
            language=t("cli.referentiels.col_language"),
            count=t("cli.referentiels.col_count"),
            scale=t("cli.referentiels.col_scale"),
        )
        self.say(header)
        for row in rows:
            self.say(
                t(
                    "cli.referentiels.header",
                    id=row["id"],
                    language=row["language"],
                    count=row["competencies"],
                    scale=" / ".join(row["scale"]),
                )
            )
            self.say(f"  {row['title']}")
        if workspace is not None:
            cli_stored.list_stored(self, workspace, rows, as_json)
        return EXIT_OK

    def referentiels_show(self, referentiel_id: str, as_json: bool) -> int:
        """A file's référentiel, or one a workspace added (read from the database)."""
        catalog, engine = cli_stored.catalog_with_stored(self)
        try:
            referentiel = catalog.get(referentiel_id)
        finally:
            engine.dispose()
        if referentiel is None:
            return self.fail(
                self.t("cli.referentiels.unknown", id=referentiel_id, ids=", ".join(catalog.ids()))
            )
        if as_json:
            self.say(referentiel.model_dump_json(indent=2))
        else:
            self.say(render_referentiel(referentiel, self.t))
        return EXIT_OK

    def referentiels_validate(self, paths: Sequence[Path]) -> int:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                found = yaml_files(path)
                if not found:
                    return self.fail(self.t("cli.referentiels.no_files", path=path))
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                return self.fail(self.t("cli.referentiels.not_found", path=path))
        problems = []
        for file in files:
            try:
                load_file(file)
            except ReferentielError as error:
                problems.extend(error.problems)
        if problems:
            for problem in problems:
                print(render_problem(problem, self.t), file=self.err)
            return EXIT_INVALID
        self.say(self.t.plural("cli.referentiels.valid", len(files)))
        return EXIT_OK

    def referentiels_schema(self) -> int:
        from referentiels.loader import SCHEMA_FILE
        from referentiels.schema import write_schema

        write_schema()
        self.say(self.t("cli.referentiels.schema_written", path=SCHEMA_FILE))
        return EXIT_OK

    # -- palier db … ---------------------------------------------------------------

    def db(self, action: str, revision: str | None) -> int:
        settings = self.settings()
        engine = make_engine(settings.database_url)
        url = make_url(settings.database_url).render_as_string(hide_password=True)
        try:
            if action == "upgrade":
                migrate.upgrade(engine)
                self.say(
                    self.t("cli.db.upgraded", revision=migrate.current_revision(engine), url=url)
                )
            elif action == "downgrade":
                try:
                    migrate.downgrade(engine, revision or "-1")
                except CommandError:  # Alembic: no such revision, or not below the current
                    current = migrate.current_revision(engine) or self.t("cli.db.none")
                    return self.fail(
                        self.t(
                            "cli.db.bad_revision",
                            revision=revision,
                            current=current,
                            known=", ".join(["base", *migrate.revision_ids()]),
                        ),
                        EXIT_USAGE,
                    )
                current = migrate.current_revision(engine) or self.t("cli.db.none")
                self.say(self.t("cli.db.downgraded", revision=current))
            else:
                state = migrate.schema_state(engine)
                self.say(
                    self.t(
                        "cli.db.current",
                        revision=state.current or self.t("cli.db.none"),
                        head=state.head,
                    )
                )
        except OperationalError as error:
            return self.fail(self.t("cli.db.unreachable", url=url, problem=_first_line(error)))
        finally:
            engine.dispose()
        return EXIT_OK

    def check(self) -> int:
        """Start-up checks: settings, référentiels and the database schema."""
        core = build_core(self.settings())
        try:
            core.require_current_schema()
        finally:
            core.close()
        return EXIT_OK

    # -- palier tick / run / demo -------------------------------------------------

    def tick(self, now_text: str | None) -> int:
        """One tick (plan, close ended weeks, send due prompts and reminders) on every
        configured platform; a report line."""
        from handlers.platforms import run_tick

        now = None
        if now_text is not None:
            try:
                now = datetime.fromisoformat(now_text)
            except ValueError:
                return self.fail(self.t("cli.tick.bad_now", value=now_text), EXIT_USAGE)
            if now.tzinfo is None:
                return self.fail(self.t("cli.tick.naive_now", value=now_text), EXIT_USAGE)
            if not TICK_YEARS[0] <= now.year <= TICK_YEARS[1]:
                first, last = TICK_YEARS
                return self.fail(
                    self.t("cli.tick.now_out_of_range", first=first, last=last, value=now_text),
                    EXIT_USAGE,
                )
        report = run_tick(self.settings(), now, clock=self.clock)
        self.say(
            self.t(
                "cli.tick.report",
                planned=self.t.plural("demo.tick_planned", report.planned),
                sent=self.t.plural("demo.tick_sent", report.sent),
                reminded=self.t.plural("demo.tick_reminded", report.reminded),
                missed=self.t.plural("demo.tick_missed", report.missed),
                failed=self.t.plural("demo.tick_failed", report.failed),
            )
        )
        for error in report.errors:
            self.fail(self.t("cli.tick.problem", problem=error))
        return EXIT_OK if report.failed == 0 else EXIT_INVALID

    def run(self) -> int:
        """Serve the configured platforms (Slack: Socket Mode or HTTP; Teams) and tick every
        minute, until interrupted."""
        from handlers.platforms import serve

        settings = self.settings()
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how one stops it
            serve(settings, clock=self.clock)
        return EXIT_OK

    def demo(self, weeks: int, database_url: str | None, platform: str = "slack") -> int:
        """A sales team's weeks of check-ins in a simulated Slack or Microsoft Teams, printed."""
        if platform not in DEMO_PLATFORMS:
            return self.fail(self.t("teams_demo.bad_platform", value=platform), EXIT_USAGE)
        if platform == "teams":
            from handlers.teams.demo import run_demo
        else:
            from handlers.slack.demo import run_demo

        self.database_url = database_url
        return run_demo(self.out, locale=self.t.locale, weeks=weeks, database_url=database_url)

    # -- palier export / privacy ---------------------------------------------------

    def export(self, fmt: str, output: Path | None, workspace: str | None) -> int:
        """Every rating (one row each, with its evidence) and every piece of evidence logged
        on its own, for operators: CSV as Excel opens it in the CLI's language (a BOM,
        ``;`` in French), or an Excel workbook (``--format xlsx``, to a file)."""
        from bot.app.exports import ExportFormat
        from bot.domain.csv_safe import data_rows, separator

        if fmt == ExportFormat.XLSX and output is None:
            return self.fail(self.t("files_excel.cli.xlsx_needs_output"), EXIT_USAGE)
        with self.flows() as flows:
            outcome = flows.export.all_ratings(self.operator(), workspace, ExportFormat(fmt))
        assert outcome.view is not None  # an operator is never refused an export
        content = outcome.view.content
        if output is None:
            assert isinstance(content, str)
            self.out.write(content)
            return EXIT_OK
        try:
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8", newline="")
        except OSError as error:
            problem = error.strerror or type(error).__name__
            return self.fail(self.t("cli.export.unwritable", path=output, problem=problem))
        rows = len(outcome.view.table.rows)
        if isinstance(content, str):  # counted in the file as written
            rows = data_rows(content, separator(self.t.language))
        self.fail(self.t.plural("cli.export.written", rows, path=output), 0)
        return EXIT_OK

    def privacy(
        self,
        action: str,
        workspace: str,
        user: str,
        yes: bool,
        platform: str = "slack",
        summary: bool = False,
    ) -> int:
        """One person's data as JSON on stdout (``summary``: as the text a person reads, in
        their language), or its erasure (with --yes). ``platform``: where the workspace and
        the person are known (a Slack team and user id, or a Microsoft 365 tenant and
        Entra object id)."""
        from bot.app.actor import ActorRef
        from bot.app.privacy import PrivacyRefusal
        from storage.models import Platform

        person = ActorRef(Platform(platform), workspace, user)
        with self.flows() as flows:
            if action == "export":
                data = flows.privacy.data_of(self.operator(), person)
                if data.view is not None:
                    if summary:
                        self.out.write(data.view.summary)
                    else:
                        self.say(json.dumps(data.view.data, ensure_ascii=False, indent=2))
                    return EXIT_OK
                refusal = data.refusal
            else:
                erased = flows.privacy.erase(self.operator(), person, confirmed=yes)
                if erased.view is not None:
                    counts = ", ".join(f"{k}={v}" for k, v in erased.view.counts.items())
                    self.say(self.t("cli.privacy.erased", counts=counts))
                    return EXIT_OK
                refusal = erased.refusal
        if refusal == PrivacyRefusal.NEEDS_CONFIRMATION.value:
            return self.fail(self.t("cli.privacy.needs_yes"), EXIT_USAGE)
        return self.fail(self.t("cli.privacy.unknown", workspace=workspace, user=user))

    @contextlib.contextmanager
    def flows(self) -> Iterator[Flows]:
        """The application layer's flows on a database whose schema is current."""
        core = build_core(self.settings())
        try:
            core.require_current_schema()
            yield build_flows(core, self.clock)
        finally:
            core.close()

    def operator(self) -> Operator:
        """Whoever runs the command, acting for the database (see :mod:`bot.app.operator`)."""
        return Operator(self.t.locale)

    # -- palier teams … ------------------------------------------------------------

    def teams_app(self) -> tuple[str, str, Settings]:
        """The app id and public address the manifest needs (MissingTeamsSettingError)."""
        settings = self.settings()
        if settings.teams_app_id is None:
            raise MissingTeamsSettingError("TEAMS_APP_ID")
        if settings.teams_public_url is None:
            raise MissingTeamsSettingError("TEAMS_PUBLIC_URL")
        return settings.teams_app_id, settings.teams_public_url, settings

    def teams_manifest(self) -> int:
        """The Teams app manifest (manifest.json) on standard output."""
        from handlers.teams.manifest import manifest

        app_id, public_url, settings = self.teams_app()
        document = manifest(app_id, public_url, settings.default_locale)
        self.say(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK

    def teams_package(self, output: Path) -> int:
        """The Teams app package (.zip) written to ``output``."""
        from handlers.teams.manifest import package

        app_id, public_url, settings = self.teams_app()
        try:
            output.write_bytes(package(app_id, public_url, settings.default_locale))
        except OSError as error:
            problem = error.strerror or type(error).__name__
            return self.fail(self.t("cli.export.unwritable", path=output, problem=problem))
        self.say(self.t("teams_ops.package_written", path=output))
        return EXIT_OK

    # -- palier people … -----------------------------------------------------------

    def people_import(
        self, path: Path, platform: str = "slack", workspace_id: str | None = None
    ) -> int:
        """Enrol the people of a CSV file: in the bot token's Slack workspace, or in the
        Microsoft 365 tenant ``workspace_id`` (Teams); 1 if a line was refused."""
        if platform == "teams":
            return self.teams_people_import(path, workspace_id)
        # Imported here: only this command needs Slack.
        from bot.app.enrolment import Workspace
        from bot.bootstrap import build_flows
        from bot.domain.people import DirectoryError
        from handlers.slack.client import make_client
        from handlers.slack.directory import SlackDirectory, workspace
        from storage.models import Platform

        t = self.t
        settings = self.settings()
        if workspace_id is not None:
            return self.fail(t("teams_ops.slack_workspace"), EXIT_USAGE)
        if settings.slack_bot_token is None:
            return self.fail(t("people_import.no_token", variable="SLACK_BOT_TOKEN"), EXIT_USAGE)
        text = self.people_file(path)
        if text is None:
            return EXIT_INVALID
        client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        core = build_core(settings)
        try:
            core.require_current_schema()
            team = Workspace(Platform.SLACK, *workspace(client))
            # One transaction: a Slack failure rolls everything back, the workspace too.
            enrolment = build_flows(core, self.clock).enrolment
            report = enrolment.import_people(team, text, SlackDirectory(client)).view
        except DirectoryError as error:
            return self.fail(t("people_import.slack_failed", problem=error))
        finally:
            core.close()
        assert report is not None  # an import always answers its report
        return self.import_report(path, report)

    def people_file(self, path: Path) -> str | None:
        """The CSV file's text, or None once its problem is said."""
        t = self.t
        try:
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.fail(t("people_import.file_not_found", path=path))
        except UnicodeDecodeError:
            self.fail(t("people_import.not_utf8", path=path))
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.fail(t("people_import.unreadable", path=path, problem=reason))
        return None

    def teams_people_import(self, path: Path, tenant: str | None) -> int:
        """The people of a CSV file into a Microsoft 365 tenant, found through Microsoft
        Graph with the Teams app's credentials."""
        from bot.app.enrolment import Workspace
        from bot.domain.people import DirectoryError
        from bot.settings import GUID
        from handlers.teams.app import build_teams
        from storage.models import Platform

        t = self.t
        settings = self.settings()
        if tenant is None:
            return self.fail(t("teams_ops.needs_workspace"), EXIT_USAGE)
        if not GUID.fullmatch(tenant.strip()):
            return self.fail(t("teams_ops.bad_workspace", value=tenant), EXIT_USAGE)
        tenant = tenant.strip().lower()
        if not settings.teams_enabled:
            raise MissingTeamsSettingError("TEAMS_APP_ID")
        text = self.people_file(path)
        if text is None:
            return EXIT_INVALID
        core = build_core(settings)
        try:
            core.require_current_schema()
            teams = build_teams(settings, self.clock).start()  # its tokens; nothing listens
            try:
                enrolment = build_flows(core, self.clock).enrolment
                directory = teams.directories(tenant)
                report = enrolment.import_people(
                    Workspace(Platform.TEAMS, tenant), text, directory
                ).view
            finally:
                teams.stop()
        except DirectoryError as error:
            return self.fail(t("teams_ops.graph_failed", problem=error))
        finally:
            core.close()
        assert report is not None  # an import always answers its report
        return self.import_report(path, report, platform="teams")

    def import_report(self, path: Path, report: ImportReport, platform: str = "slack") -> int:
        """The lines refused (on standard error), then the counts; 1 if a line was refused."""
        t = self.t
        for problem in report.problems:
            key = problem.key
            # A problem about the platform's accounts, in that platform's words.
            own = PROBLEM_WORDS.get(platform, "") + key.rsplit(".", 1)[-1]
            if platform in PROBLEM_WORDS and t.has(own):
                key = own
            message = t(key, **problem.params)
            self.fail(t("people_import.line", file=path, line=problem.line, message=message))
        if report.file_rejected:
            self.say(t("people_import.nothing_imported"))
            return EXIT_INVALID
        counts = {
            "created": t.plural("people_import.created", report.created),
            "updated": t.plural("people_import.updated", report.updated),
            "unchanged": t.plural("people_import.unchanged", report.unchanged),
        }
        if not report.problems:
            self.say(t("people_import.report", **counts))
        else:
            rejected = t.plural("people_import.rejected", report.rejected_lines)
            self.say(t("people_import.report_with_problems", rejected=rejected, **counts))
        # Who was enrolled, who was already, and how many lines went wrong.
        enrolments = {
            "enrolled": t.plural("french_habits.import.enrolled", report.enrolled),
            "already": t.plural("french_habits.import.already", report.already_enrolled),
            "errors": t.plural("french_habits.import.errors", report.rejected_lines),
        }
        self.say(t("french_habits.import.report", **enrolments))
        return EXIT_INVALID if report.problems else EXIT_OK


def _summary(referentiel: Referentiel) -> dict[str, Any]:
    return {
        "id": referentiel.id,
        "title": referentiel.title,
        "kind": referentiel.kind,
        "language": referentiel.language,
        "scale": [level.label for level in referentiel.scale.levels],
        "scale_origin": referentiel.scale.origin,
        "competencies": len(referentiel.all_competencies()),
    }


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _without_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL (the demo's --database is not a setting)
        return url


def build_parser(t: Translator) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="palier", description=t("cli.help.palier"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ref = commands.add_parser("referentiels", help=t("cli.help.referentiels"))
    ref_commands = ref.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = ref_commands.add_parser("list", help=t("cli.help.referentiels_list"))
    listing.add_argument("--json", action="store_true", help=t("cli.help.json"))
    listing.add_argument(
        "--workspace", metavar="T", help=t("referentiel_upload_teams.cli.help_workspace")
    )
    show = ref_commands.add_parser("show", help=t("cli.help.referentiels_show"))
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help=t("cli.help.json"))
    validate = ref_commands.add_parser("validate", help=t("cli.help.referentiels_validate"))
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ref_commands.add_parser("schema", help=t("cli.help.referentiels_schema"))
    add_import_parser(ref_commands, t)

    db = commands.add_parser("db", help=t("cli.help.db"))
    db_commands = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help=t("cli.help.db_upgrade"))
    down = db_commands.add_parser("downgrade", help=t("cli.help.db_downgrade"))
    down.add_argument("revision", nargs="?", default="-1")
    db_commands.add_parser("current", help=t("cli.help.db_current"))

    people = commands.add_parser("people", help=t("people_import.help.people"))
    people_commands = people.add_subparsers(dest="action", required=True, metavar="ACTION")
    people_import = people_commands.add_parser("import", help=t("people_import.help.import"))
    people_import.add_argument("file", type=Path, metavar="FILE", help=t("people_import.help.file"))
    people_import.add_argument(
        "--platform",
        choices=["slack", "teams"],
        default="slack",
        help=t("teams_ops.help.platform"),
    )
    people_import.add_argument(
        "--workspace", metavar="TENANT_ID", help=t("teams_ops.help.workspace")
    )

    teams = commands.add_parser("teams", help=t("teams_ops.help.teams"))
    teams_commands = teams.add_subparsers(dest="action", required=True, metavar="ACTION")
    teams_commands.add_parser("manifest", help=t("teams_ops.help.manifest"))
    teams_package = teams_commands.add_parser("package", help=t("teams_ops.help.package"))
    teams_package.add_argument(
        "--output",
        type=Path,
        default=Path("palier-teams.zip"),
        metavar="FILE",
        help=t("teams_ops.help.package_output"),
    )

    tick = commands.add_parser("tick", help=t("cli.help.tick"))
    tick.add_argument("--now", metavar="ISO-8601", help=t("cli.help.tick_now"))
    commands.add_parser("run", help=t("cli.help.run"))
    demo = commands.add_parser("demo", help=t("demo.help.command"))
    demo.add_argument(
        "--weeks", type=int, default=DEMO_WEEKS, help=t("demo.help.weeks", default=DEMO_WEEKS)
    )
    demo.add_argument("--database", metavar="URL", help=t("demo.help.database"))
    # Checked by the command, not by argparse: a wrong value is one catalogued line.
    demo.add_argument(
        "--platform", default="slack", metavar="slack|teams", help=t("teams_demo.help.platform")
    )

    export = commands.add_parser("export", help=t("files_excel.cli.export"))
    export.add_argument(
        "--format", choices=["csv", "xlsx"], default="csv", help=t("files_excel.cli.format")
    )
    export.add_argument("--output", type=Path, metavar="FILE", help=t("cli.help.output"))
    export.add_argument("--workspace", metavar="TEAM_ID", help=t("cli.help.workspace"))
    privacy = commands.add_parser("privacy", help=t("cli.help.privacy"))
    privacy.add_argument("action", choices=["export", "delete"])
    privacy.add_argument(
        "--workspace", required=True, metavar="TEAM_ID", help=t("cli.help.workspace")
    )
    privacy.add_argument("--user", required=True, metavar="USER_ID", help=t("cli.help.user"))
    privacy.add_argument("--yes", action="store_true", help=t("cli.help.confirm"))
    privacy.add_argument("--summary", action="store_true", help=t("files_excel.cli.summary"))
    privacy.add_argument(
        "--platform", choices=["slack", "teams"], default="slack", help=t("cli.help.platform")
    )

    cli_vae.add_parser(commands, t)

    cli_suggest.add_parser(commands, t)
    commands.add_parser("check", help=t("cli.help.check"))
    return parser


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    clock: Clock = system_clock,
) -> int:
    """Run one command; ``clock`` replaces the system clock (tests that fix a date)."""
    t = Translator(cli_locale(dict(os.environ)))
    cli = Cli(t, out or sys.stdout, err or sys.stderr, clock)
    args = build_parser(t).parse_args(argv)
    try:
        return _dispatch(cli, args)
    except SettingsError as error:
        for line in error.lines:
            cli.fail(line)
        return EXIT_USAGE
    except ReferentielError as error:
        for problem in error.problems:
            cli.fail(render_problem(problem, t))
        return EXIT_INVALID
    except MissingSettingError as error:
        return cli.fail(t("cli.missing_setting", variable=error.variable), EXIT_USAGE)
    except MissingTeamsSettingError as error:
        return cli.fail(t("teams_ops.missing_setting", variable=error.variable), EXIT_USAGE)
    except NoPlatformError:
        return cli.fail(t("teams_ops.no_platform"), EXIT_USAGE)
    except PortTakenError as error:
        if error.problem == "slack":
            return cli.fail(t("teams_ops.port_is_slacks"), EXIT_USAGE)
        return cli.fail(t("teams_ops.port_taken", port=error.port, problem=error.problem))
    except SchemaNotCurrentError as error:
        state = error.state
        key = "cli.db.ahead" if not state.known else "cli.db.behind"
        return cli.fail(
            t(key, current=state.current or t("cli.db.none"), head=state.head), EXIT_USAGE
        )
    except ReferentielShadowedError as error:
        for clash in error.clashes:
            cli.err.write(
                t(
                    "referentiel_upload_teams.shadowed",
                    id=clash.referentiel_id,
                    workspace=clash.workspace_id,
                    platform=clash.platform.value,
                )
                + "\n"
            )
        return cli.fail(t("referentiel_upload_teams.shadowed_fix"), EXIT_USAGE)
    except OperationalError as error:  # the database is unreachable, missing or refuses us
        url = _without_password(cli.database_url or "DATABASE_URL")
        return cli.fail(t("cli.db.unreachable", url=url, problem=_first_line(error)))
    except Exception as error:  # a bug: said in one line, its traceback on demand
        if cli.debug:
            traceback.print_exception(error, file=cli.err)
        return cli.fail(t("cli.bug", problem=f"{type(error).__name__}: {_first_line(error)}"))


def _dispatch(cli: Cli, args: argparse.Namespace) -> int:
    if args.command == "referentiels":
        if args.action == "list":
            if args.workspace is None:
                return cli.referentiels_list(args.json)
            return cli.referentiels_list(args.json, args.workspace)
        if args.action == "show":
            return cli.referentiels_show(args.id, args.json)
        if args.action == "validate":
            return cli.referentiels_validate(args.paths)
        if args.action == "import":
            command = ImportCommand(cli.t, cli.out, cli.err)
            return command.run(args, cli.settings().referentiels_dir, cli.flows)
        return cli.referentiels_schema()
    if args.command == "db":
        return cli.db(args.action, getattr(args, "revision", None))
    if args.command == "tick":
        return cli.tick(args.now)
    if args.command == "run":
        return cli.run()
    if args.command == "demo":
        return cli.demo(args.weeks, args.database, args.platform)
    if args.command == "export":
        return cli.export(args.format, args.output, args.workspace)
    if args.command == "privacy":
        return cli.privacy(
            args.action, args.workspace, args.user, args.yes, args.platform, args.summary
        )
    if args.command == "vae":
        return cli_vae.export(cli, args)
    if args.command == "evidence":
        return cli_suggest.run(cli, args)
    if args.command == "people":
        return cli.people_import(args.file, args.platform, args.workspace)
    if args.command == "teams":
        if args.action == "manifest":
            return cli.teams_manifest()
        return cli.teams_package(args.output)
    return cli.check()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
