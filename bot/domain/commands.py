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
}
# What ``privacy`` is asked to do (the word after it).
PRIVACY_EXPORT = frozenset({"export", "exporter"})
PRIVACY_DELETE = frozenset({"delete", "effacer", "supprimer"})
_BY_WORD = {word: command for command, words in WORDS.items() for word in words}
# ``1on1 @person schedule <day> <HH:MM>`` and ``… schedule off``.
SCHEDULE_WORDS = frozenset({"schedule", "horaire"})
OFF_WORDS = frozenset({"off", "stop", "aucun", "none", "non"})
# ``1on1 topic <text>``: a topic for one's next 1:1 (``sujet`` in French).
TOPIC_WORDS = frozenset({"topic", "sujet"})


@dataclass(frozen=True)
class Parsed:
    command: Command
    args: list[str]  # the words after the command's own, as typed
    text: str  # the whole text, stripped (what an unknown command was)


def parse(text: str) -> Parsed:
    words = text.split()
    first = words[0].lower() if words else ""
    return Parsed(_BY_WORD.get(first, Command.UNKNOWN), words[1:], text.strip())


def is_topic(parsed: Parsed) -> bool:
    """``1on1 topic …`` / ``1on1 sujet …``: a topic for one's next 1:1."""
    return (
        parsed.command is Command.ONE_ON_ONE
        and bool(parsed.args)
        and parsed.args[0].lower() in TOPIC_WORDS
    )


def text_after(text: str, count: int) -> str:
    """``text`` after its first ``count`` words, as typed (its line breaks kept)."""
    rest = text.strip()
    for _ in range(count):
        parts = rest.split(maxsplit=1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest
