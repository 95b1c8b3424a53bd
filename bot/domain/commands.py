"""The words people type to Palier, in French and English, whatever the platform.

Slack takes them after ``/palier``; Teams as a message to Palier. :func:`parse` names
the command and gives the words after it; an empty text is a request for help, an
unknown word is :attr:`Command.UNKNOWN` (the help, prefixed by what was not understood).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Command(enum.Enum):
    HELP = "help"
    ME = "me"
    REVIEW = "review"
    EXPORT = "export"
    TEAM = "team"
    PRIVACY = "privacy"
    ONE_ON_ONE = "one_on_one"
    ADMIN = "admin"
    LOG = "log"
    LANGUAGE = "language"
    HOME = "home"
    CHART = "chart"  # one's progress chart; also ``me chart``
    UNKNOWN = "unknown"


WORDS: dict[Command, frozenset[str]] = {
    Command.HELP: frozenset({"", "help", "aide"}),
    Command.ME: frozenset({"me", "moi"}),
    Command.REVIEW: frozenset({"review", "revue"}),
    Command.EXPORT: frozenset({"export", "exporter"}),
    Command.TEAM: frozenset({"team", "equipe", "équipe"}),
    Command.PRIVACY: frozenset({"privacy", "confidentialite", "confidentialité"}),
    Command.ONE_ON_ONE: frozenset({"1on1", "1:1", "one-on-one"}),
    Command.ADMIN: frozenset({"admin"}),
    Command.LOG: frozenset({"log", "preuve", "evidence"}),
    Command.LANGUAGE: frozenset({"language", "langue"}),
    Command.HOME: frozenset({"home", "accueil"}),
    Command.CHART: frozenset({"chart", "graphique"}),
}
# ``me chart`` (``moi graphique``): the words after ``me`` that ask for the progress chart.
CHART_WORDS = frozenset({"chart", "graphique", "graph", "progression", "progress"})
# What ``privacy`` is asked to do (the word after it).
PRIVACY_EXPORT = frozenset({"export", "exporter"})
PRIVACY_DELETE = frozenset({"delete", "effacer", "supprimer"})
_BY_WORD = {word: command for command, words in WORDS.items() for word in words}
# ``1on1 @person schedule <day> <HH:MM>`` and ``… schedule off``.
SCHEDULE_WORDS = frozenset({"schedule", "horaire"})
OFF_WORDS = frozenset({"off", "stop", "aucun", "none", "non"})


@dataclass(frozen=True)
class Parsed:
    command: Command
    args: list[str]  # the words after the command's own, as typed
    text: str  # the whole text, stripped (what an unknown command was)


def parse(text: str) -> Parsed:
    words = text.split()
    first = words[0].lower() if words else ""
    return Parsed(_BY_WORD.get(first, Command.UNKNOWN), words[1:], text.strip())
