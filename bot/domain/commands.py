"""The words people type to Palier, in French and English, whatever the platform.

Slack takes them after ``/palier``; Teams as a message to Palier. :func:`parse` names
the command and gives the words after it; an empty text is a request for help, an
unknown word is :attr:`Command.UNKNOWN` (the help, prefixed by what was not understood,
and by the nearest command word when one is close: :func:`suggest`, for a typo).
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from collections.abc import Collection
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
    VAE = "vae"  # one's VAE livret de preuves (PDF and Word), in one's DM
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
    Command.VAE: frozenset({"vae", "livret"}),
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
# ``1on1 topic <text>``: a topic for one's next 1:1 (``sujet`` in French).
TOPIC_WORDS = frozenset({"topic", "sujet"})
# ``vae share``: one's own VAE livret sent to one's manager (``partager`` in French).
SHARE_WORDS = frozenset({"share", "partager", "partage"})


@dataclass(frozen=True)
class Parsed:
    command: Command
    args: list[str]  # the words after the command's own, as typed
    text: str  # the whole text, stripped (what an unknown command was)


def parse(text: str) -> Parsed:
    words = text.split()
    first = words[0].lower() if words else ""
    return Parsed(_BY_WORD.get(first, Command.UNKNOWN), words[1:], text.strip())


# Who may use which command, for the help and its suggestions: a manager's commands are
# for people others report to (or admins), ``admin`` for Palier's administrators.
MANAGER_COMMANDS = frozenset({Command.TEAM, Command.REVIEW, Command.EXPORT})
ADMIN_COMMANDS = frozenset({Command.ADMIN})
# How close a typed word must be to a command word to be suggested (difflib's ratio):
# "tema" → "team", "equpie" → "equipe", but "salsa" (or "revew" → "preuve") → nothing.
SUGGESTION_CUTOFF = 0.75


def fold(word: str) -> str:
    """``word`` compared the way people mean it: case and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def closest(typed: str, known: Collection[str], cutoff: float = SUGGESTION_CUTOFF) -> str | None:
    """The one of ``known`` nearest to ``typed`` (case and accents ignored), as ``known``
    writes it; None when none is close enough (:func:`difflib.get_close_matches`)."""
    folded: dict[str, str] = {}
    for word in sorted(known, reverse=True):  # the same answer whatever the order; accents first
        folded.setdefault(fold(word), word)
    found = difflib.get_close_matches(fold(typed.strip()), list(folded), n=1, cutoff=cutoff)
    return folded[found[0]] if found else None


def allowed(*, manager: bool, admin: bool) -> frozenset[Command]:
    """The commands someone may use: everyone's, a manager's when people report to them
    (or they are an admin), ``admin`` for admins."""
    commands = set(WORDS) - MANAGER_COMMANDS - ADMIN_COMMANDS
    if manager or admin:
        commands |= MANAGER_COMMANDS
    if admin:
        commands |= ADMIN_COMMANDS
    return frozenset(commands)


def suggest(parsed: Parsed, commands: Collection[Command]) -> str | None:
    """The command word nearest to an unknown command's first word, among ``commands``
    (those the person may use); None when the command was known or nothing is close."""
    if parsed.command is not Command.UNKNOWN or not parsed.text:
        return None
    typed = parsed.text.split()[0]
    words = {word for command in commands for word in WORDS.get(command, ()) if word}
    return closest(typed, words)


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
