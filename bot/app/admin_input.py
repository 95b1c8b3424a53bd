"""An admin command's words as the admin and enrolment flows take them, on any platform.

``enrol <person> <référentiel> [manager <person>]``, ``remove <person>``,
``schedule <day> <time>``, ``status`` — French words accepted too, and times written
the French way (``9h30``, ``9 h 30``, ``16h``) as well as ``16:00``. How a person is
named is the front end's (Slack: a mention or an e-mail address; Teams: an e-mail
address): it gives ``who``, which reads one word into the id the flow takes, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.app.admin import RemoveInput, ScheduleInput, is_address
from bot.app.enrolment import UNKNOWN_MANAGER, EnrolInput
from bot.domain.admin import AdminRefusal
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
    """``<day> <time>``, the time perhaps in words of its own (``jeudi 9 h 30``)."""
    if len(words) < 2:
        return None
    try:
        return ScheduleInput(parse_weekday(words[0]), parse_local_time(" ".join(words[1:])))
    except ValueError:
        return None


def bad_time(words: list[str]) -> str | None:
    """The time of ``<day> <time>`` as typed when the day reads and the time does not
    (``jeudi 25h``): the answer says it is no time of day rather than how to write the
    command; None otherwise."""
    if len(words) < 2 or schedule_input(words) is not None:
        return None
    try:
        parse_weekday(words[0])
    except ValueError:
        return None
    return " ".join(words[1:])


def enrol_refused(words: list[str], who: Who, code: str) -> tuple[str | None, str | None]:
    """What a refused ``enrol`` named, for its answer to name it back: the référentiel as
    typed, and the e-mail address of whom the platform did not find (the person's for
    :data:`~bot.domain.admin.AdminRefusal.UNKNOWN_USER`, the manager's for
    :data:`~bot.app.enrolment.UNKNOWN_MANAGER`; None when they were named otherwise)."""
    enrol = enrol_input(words, who)
    if enrol is None:
        return None, None
    named = {AdminRefusal.UNKNOWN_USER.value: enrol.user_id, UNKNOWN_MANAGER: enrol.manager_id}
    address = named.get(code)
    return enrol.referentiel_id, address if address is not None and is_address(address) else None
