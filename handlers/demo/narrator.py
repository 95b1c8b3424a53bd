"""The demo's printing: the team, then each event and what the person saw, indented.

The narrator speaks the demo's own language (``t``); what people saw comes from
the player already as text, in their own language. An event is headed with the
person's local time and the zone's abbreviation, which tells Paris from New York.
A platform may word some of the demo's lines its own way (:class:`Reworded`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.delivery.tick import TickReport
from bot.domain.planning import PlanningPolicy
from bot.i18n import Locale, Translator, formats
from handlers.demo.clock import ManualClock
from handlers.demo.story import (
    CHECKIN_TIME,
    CHECKIN_WEEKDAY,
    PER_WEEK,
    REMINDER_HOURS,
    Member,
)
from referentiels.loader import ReferentielCatalog

INDENT = "    "
MODAL_PREVIEW_LINES = 12  # a form is long: after the first one, only its top is shown


class Reworded(Translator):
    """The demo's words, but for the keys ``words`` maps to others (the platform's own)."""

    def __init__(self, locale: Locale, words: Mapping[str, str]) -> None:
        super().__init__(locale)
        self.words = dict(words)

    def __call__(self, key: str, **params: Any) -> str:
        return super().__call__(self.words.get(key, key), **params)

    def plural(self, key: str, count: int, **params: Any) -> str:
        return super().plural(self.words.get(key, key), count, **params)


class Narrator:
    """Prints the demo on ``out`` in ``t``'s language, at the clock's time."""

    def __init__(self, out: TextIO, t: Translator, clock: ManualClock) -> None:
        self.out = out
        self.t = t
        self.clock = clock
        self._full_form_shown = False

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def show(self, text: str) -> None:
        """What someone saw, indented under the event."""
        for line in text.splitlines():
            self.say(f"{INDENT}{line}" if line else "")

    def moment(self, instant: datetime, timezone: str) -> str:
        """``jeudi 26/11 à 16:00 CET``: the zone's abbreviation tells Paris from New York."""
        abbreviation = instant.astimezone(ZoneInfo(timezone)).tzname()
        return f"{formats.moment(instant, timezone, self.t)} {abbreviation}"

    def event(self, member: Member, what: str) -> None:
        self.say()
        moment = self.moment(self.clock.now(), member.timezone)
        self.say(self.t("demo.event", name=member.real_name, moment=moment, what=what))

    def show_form(self, text: str) -> None:
        """A form: the first one in full, so the reader sees a whole one; then only its top."""
        lines = text.splitlines()
        if not self._full_form_shown:
            self._full_form_shown = True
            self.show("\n".join(lines))
            return
        self.show("\n".join(lines[:MODAL_PREVIEW_LINES]))
        more = len(lines) - MODAL_PREVIEW_LINES
        if more > 0:
            self.show(self.t.plural("demo.modal_more", more))

    def counts(self, report: TickReport) -> str:
        """A tick's report in words: ``4 check-ins planifiés, 3 envoyés``."""
        parts = [
            self.t.plural(key, count)
            for key, count in (
                ("demo.tick_planned", report.planned),
                ("french_habits.demo.tick_welcomed", report.welcomed),
                ("demo.tick_sent", report.sent),
                ("demo.tick_reminded", report.reminded),
                ("demo.tick_missed", report.missed),
                ("demo.tick_failed", report.failed),
            )
            if count
        ]
        return ", ".join(parts) if parts else self.t("demo.tick_nothing")

    def introduce(
        self, team: Sequence[Member], weeks: int, workspace: str, referentiels: ReferentielCatalog
    ) -> None:
        """The title, the setting, the team and Palier's rules for them."""
        t = self.t
        self.say(t.plural("demo.title", weeks))
        self.say(t("demo.setup"))
        self.say()
        self.say(t("demo.team", workspace=workspace))
        rotate_above = PlanningPolicy().rotate_above
        for member in team:
            referentiel = referentiels.get(member.referentiel_id)
            assert referentiel is not None
            count = len(referentiel.all_competencies())
            key = "demo.member_rotation" if count > rotate_above else "demo.member_all"
            line = t(
                key,
                name=member.real_name,
                role=t(f"demo.role.{member.role.value}"),
                referentiel=referentiel.title,
                count=count,
                per_week=PER_WEEK,
                locale=member.platform_locale,
                timezone=member.timezone,
            )
            self.say(INDENT + line)
        self.say(
            t(
                "demo.rules",
                weekday=formats.weekday(CHECKIN_WEEKDAY, t),
                time=formats.clock(CHECKIN_TIME, t),
                reminder=REMINDER_HOURS,
            )
        )
