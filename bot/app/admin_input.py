"""An admin command's words as the admin and enrolment flows take them, on any platform.

``enrol <person> <référentiel> [manager <person>]``, ``remove <person>``,
``schedule <day> <HH:MM>``, ``status`` — French words accepted too. How a person is
named is the front end's (Slack: a mention; Teams: an e-mail address): it gives
``who``, which reads one word into the id the flow takes, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.app.admin import RemoveInput, ScheduleInput
from bot.app.enrolment import EnrolInput
from bot.domain.scheduling import parse_local_time, parse_weekday

ENROL = frozenset({"enrol", "enroll", "inscrire"})
REMOVE = frozenset({"remove", "retirer"})
SCHEDULE = frozenset({"schedule", "horaire"})
STATUS = frozenset({"status", "etat", "état"})
MANAGER = frozenset({"manager"})

Who = Callable[[str], str | None]


def enrol_input(words: list[str], who: Who) -> EnrolInput | None:
    """``<person> <référentiel> [manager <person>]``; None when it does not read."""
    if len(words) not in (2, 4):
        return None
    person, manager = who(words[0]), None
    if len(words) == 4:
        manager = who(words[3]) if words[2].lower() in MANAGER else None
        if manager is None:
            return None
    return None if person is None else EnrolInput(person, words[1], manager)


def remove_input(words: list[str], who: Who) -> RemoveInput | None:
    person = who(words[0]) if len(words) == 1 else None
    return None if person is None else RemoveInput(person)


def schedule_input(words: list[str]) -> ScheduleInput | None:
    if len(words) != 2:
        return None
    try:
        return ScheduleInput(parse_weekday(words[0]), parse_local_time(words[1]))
    except ValueError:
        return None
