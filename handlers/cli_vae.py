"""``palier vae export``: a person's VAE livret de preuves written to a file, for operators.

``--workspace`` and ``--user`` name the person as ``palier privacy export`` does (a Slack
team and user id, or with ``--platform teams`` a Microsoft 365 tenant and Entra object
id); ``--referentiel`` the certification référentiel; ``--output`` the file, whose
extension says the format (``.pdf`` to print, ``.docx`` to edit in Word). The livret
is in the person's language; the command's own lines in the command line's. What the
livret holds is the VAE flow's (:mod:`bot.app.vae`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app.actor import ActorRef
from bot.app.vae import LivretFormat
from bot.i18n import Translator
from storage.models import Platform

if TYPE_CHECKING:
    from handlers.cli import Cli

WORDS = "vae_livret.cli"
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def add_parser(commands: Any, t: Translator) -> None:
    """``vae export`` among ``commands`` (the CLI's sub-parsers)."""
    vae = commands.add_parser("vae", help=t(f"{WORDS}.help"))
    actions = vae.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help=t(f"{WORDS}.help"))
    export.add_argument(
        "--workspace", required=True, metavar="TEAM_ID", help=t("cli.help.workspace")
    )
    export.add_argument("--user", required=True, metavar="USER_ID", help=t("cli.help.user"))
    export.add_argument(
        "--referentiel", required=True, metavar="ID", help=t(f"{WORDS}.help_referentiel")
    )
    export.add_argument(
        "--output", required=True, type=Path, metavar="FILE", help=t(f"{WORDS}.help_output")
    )
    export.add_argument(
        "--platform", choices=["slack", "teams"], default="slack", help=t("cli.help.platform")
    )


def _format(path: Path) -> LivretFormat | None:
    suffix = path.suffix.lower().lstrip(".")
    return LivretFormat(suffix) if suffix in {f.value for f in LivretFormat} else None


def export(cli: Cli, args: argparse.Namespace) -> int:
    """Write the livret; one catalogued line says what was written, or what is wrong."""
    t, output = cli.t, Path(args.output)
    fmt = _format(output)
    if fmt is None:
        return cli.fail(t(f"{WORDS}.bad_extension", path=output), EXIT_USAGE)
    person = ActorRef(Platform(args.platform), args.workspace, args.user)
    with cli.flows() as flows:
        outcome = flows.vae.livret_of(cli.operator(), person, args.referentiel, fmt)
    if outcome.view is None:
        params = {"workspace": args.workspace, "user": args.user, "referentiel": args.referentiel}
        return cli.fail(t(f"{WORDS}.{outcome.refusal}", **params))
    try:
        output.write_bytes(outcome.view.content)
    except OSError as error:
        problem = error.strerror or type(error).__name__
        return cli.fail(t(f"{WORDS}.unwritable", path=output, problem=problem))
    livret = outcome.view
    written = t.plural(
        f"{WORDS}.written", livret.gaps, path=output, name=livret.name, total=livret.criteria
    )
    cli.say(written)
    return EXIT_OK
