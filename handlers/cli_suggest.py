"""``palier evidence suggest``: the competencies an evidence text most likely shows.

The same ranking the evidence form preselects from (:mod:`bot.domain.suggest`), from the
command line: to try a référentiel of one's own on real sentences before rolling it out,
or to tag evidence from another tool in a script (``--json``: a list of objects with
``competency`` — the id as in ``palier referentiels show ID --json`` —, ``criterion``, the
key of the criterion or aspect it fits best or null, and ``score``, higher is better).
It lists the ranking whatever the scores: the form preselects the first only when it is
clear enough (:func:`bot.domain.suggest.confident`, a minimum score and a margin over the
second), and these scores show why it did or did not.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal

from bot.domain.evidence import criterion_choices
from bot.domain.suggest import Suggestion, suggest
from bot.i18n import Translator, babel_locale

if TYPE_CHECKING:
    from handlers.cli import Cli

MAX_TOP = 50
EXIT_OK, EXIT_INVALID = 0, 1


def add_parser(commands: Any, t: Translator) -> None:
    """``evidence suggest --referentiel ID [--top N] [--json] TEXT`` on the CLI's commands."""
    evidence = commands.add_parser("evidence", help=t("evidence_suggest.help.evidence"))
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    suggest_parser = actions.add_parser("suggest", help=t("evidence_suggest.help.suggest"))
    suggest_parser.add_argument(
        "--referentiel", required=True, metavar="ID", help=t("evidence_suggest.help.referentiel")
    )

    def top(value: str) -> int:
        if not value.strip().isdigit() or not 1 <= int(value) <= MAX_TOP:
            raise argparse.ArgumentTypeError(t("evidence_suggest.bad_top", max=MAX_TOP))
        return int(value)

    suggest_parser.add_argument(
        "--top", type=top, default=3, metavar="N", help=t("evidence_suggest.help.top")
    )
    suggest_parser.add_argument("--json", action="store_true", help=t("cli.help.json"))
    suggest_parser.add_argument("text", metavar="TEXT", help=t("evidence_suggest.help.text"))


def as_json(suggestions: list[Suggestion]) -> list[dict[str, object]]:
    return [
        {
            "competency": suggestion.competency.id,
            "criterion": suggestion.criterion_key,
            "score": round(suggestion.score, 3),
        }
        for suggestion in suggestions
    ]


def _lines(suggestions: list[Suggestion], t: Translator) -> list[str]:
    lines = []
    for rank, suggestion in enumerate(suggestions, start=1):
        score = format_decimal(round(suggestion.score, 2), locale=babel_locale(t.locale))
        competency = suggestion.competency
        lines.append(
            t("evidence_suggest.line", rank=rank, competency=competency.label, score=score)
        )
        texts = {choice.key: choice.text for choice in criterion_choices(competency)}
        if suggestion.criterion_key in texts:
            lines.append(t("evidence_suggest.criterion", criterion=texts[suggestion.criterion_key]))
    return lines


def run(cli: Cli, args: argparse.Namespace) -> int:
    """Print the ranked suggestions (or one line saying there are none)."""
    catalog = cli.catalog(cli.settings())
    referentiel = catalog.get(args.referentiel)
    if referentiel is None:
        return cli.fail(
            cli.t("cli.referentiels.unknown", id=args.referentiel, ids=", ".join(catalog.ids()))
        )
    suggestions = suggest(referentiel, args.text, top=args.top)
    if args.json:
        cli.say(json.dumps(as_json(suggestions), ensure_ascii=False, indent=2))
        return EXIT_OK
    if not suggestions:
        cli.say(cli.t("evidence_suggest.none", referentiel=referentiel.id))
        return EXIT_OK
    for line in _lines(suggestions, cli.t):
        cli.say(line)
    return EXIT_OK
