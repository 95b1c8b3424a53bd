"""One's own data as a person reads it: the short text that goes beside the JSON.

The privacy export's JSON (:func:`bot.domain.privacy.export_person`) is complete and
machine-readable, which is what the right to data portability asks; someone who is not
a developer opens it and sees braces. So it travels with this summary, written from the
very same data (nothing in one that is not in the other): a plain text file — it opens
anywhere with a double click, Slack shows it inline, and there is nothing to escape or
to run — in the person's language, dates and times as their region writes them (CLDR,
through Babel, in their own locale: 10 December 2026 in en-GB, December 10, 2026 in
en-US), in their time zone. A person's own words (a comment, a piece of evidence, a
note) are quoted as they are.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date, format_time, get_day_names

from bot.i18n import Translator, babel_locale, language_of, to_locale
from referentiels.loader import ReferentielCatalog

WORDS = "files_excel.my_data"
INDENT = "    "
RULE = "—" * 40


def _babel_locale(own: str | None, t: Translator) -> BabelLocale:
    """The person's own locale (``en-GB``) when it is of the language they are written
    in, else the translator's."""
    if own and language_of(to_locale(own)) == t.language:
        return babel_locale(to_locale(own))
    return babel_locale(t.locale)


class _Writer:
    """The summary's lines, and how it writes a date, a list and a person's words."""

    def __init__(self, t: Translator, locale: BabelLocale, zone: ZoneInfo) -> None:
        self.t, self.locale, self.zone = t, locale, zone
        self.lines: list[str] = []

    def day(self, value: str | None) -> str:
        if not value:
            return self.t(f"{WORDS}.unknown")
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return str(format_date(moment.astimezone(self.zone), "medium", locale=self.locale))

    def calendar_day(self, value: str | None) -> str:
        """A day as it was given (``YYYY-MM-DD``: no zone to read it in)."""
        if not value:
            return self.t(f"{WORDS}.unknown")
        return str(format_date(date.fromisoformat(value), "medium", locale=self.locale))

    def words(self, text: str) -> str:
        """A person's own text, its lines kept, under the line that introduces it."""
        return text.replace("\r\n", "\n").replace("\n", "\n" + INDENT)

    def section(self, title: str, items: Sequence[Any], line: Callable[[Any], list[str]]) -> None:
        self.lines += ["", title, "-" * len(title)]
        if not items:
            self.lines.append(self.t(f"{WORDS}.nothing"))
        for item in items:
            first, *more = line(item)
            self.lines.append("• " + first)
            self.lines += [INDENT + extra for extra in more]


def summary_text(
    data: dict[str, Any], t: Translator, catalog: ReferentielCatalog, now: datetime
) -> str:
    """The summary of ``data`` (an export_person result), prepared at ``now``."""
    profile = data["profile"]
    zone_name = profile.get("timezone") or "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ValueError, KeyError):
        zone_name, zone = "UTC", ZoneInfo("UTC")
    w = _Writer(t, _babel_locale(profile.get("locale"), t), zone)
    name = profile.get("display_name") or t(f"{WORDS}.someone")
    w.lines += [
        t(f"{WORDS}.heading"),
        "=" * len(t(f"{WORDS}.heading")),
        t(f"{WORDS}.prepared", date=w.day(now.isoformat()), name=name),
        "",
        t(f"{WORDS}.intro", zone=zone_name),
    ]
    _profile(w, profile, catalog)
    _ratings(w, data["ratings"])
    _evidence(w, data["evidence"])
    w.section(
        t.plural(f"{WORDS}.topics", len(data["one_on_one_topics"])),
        data["one_on_one_topics"],
        lambda topic: [
            t(f"{WORDS}.topic", date=w.day(topic["created_at"]), text=w.words(topic["text"]))
        ],
    )
    w.lines += ["", t.plural(f"{WORDS}.one_on_ones", len(data["one_on_ones"]))]
    _notes(w, data["one_on_one_notes"])
    _checkins(w, data["checkins"])
    w.lines += ["", RULE, t(f"{WORDS}.rights"), ""]
    return "\r\n".join(w.lines)


def _profile(w: _Writer, profile: dict[str, Any], catalog: ReferentielCatalog) -> None:
    t = w.t
    unknown = t(f"{WORDS}.unknown")
    referentiel = catalog.get(profile["referentiel"]) if profile.get("referentiel") else None
    language = profile.get("locale")
    if language:
        with contextlib.suppress(ValueError, UnknownLocaleError):
            language = BabelLocale.parse(language.replace("-", "_")).get_display_name(w.locale)
    slot = unknown
    if profile.get("checkin_weekday") is not None and profile.get("checkin_time"):
        weekday = get_day_names("wide", locale=w.locale)[int(profile["checkin_weekday"])]
        at = format_time(time.fromisoformat(profile["checkin_time"]), "short", locale=w.locale)
        slot = t(f"{WORDS}.checkin_slot", weekday=weekday, time=at)
    fields = [
        ("name", profile.get("display_name")),
        ("email", profile.get("email")),
        ("language", language),
        ("timezone", profile.get("timezone")),
        ("role", t(f"{WORDS}.role.{profile['role']}") if profile.get("role") else None),
        ("manager", profile.get("manager")),
        ("referentiel", referentiel.title if referentiel else profile.get("referentiel")),
        ("checkin", slot),
        ("paused_until", w.day(profile["paused_until"]) if profile.get("paused_until") else None),
        ("active", t(f"{WORDS}.yes") if profile.get("active") else t(f"{WORDS}.no")),
    ]
    title = t(f"{WORDS}.profile")
    w.lines += ["", title, "-" * len(title)]
    for key, value in fields:
        if key == "paused_until" and value is None:
            continue
        label = t(f"{WORDS}.field.{key}")
        w.lines.append(t(f"{WORDS}.field_line", field=label, value=value or unknown))


def _ratings(w: _Writer, ratings: list[dict[str, Any]]) -> None:
    t = w.t

    def line(rating: dict[str, Any]) -> list[str]:
        first = t(
            f"{WORDS}.rating",
            date=w.day(rating["rated_at"]),
            competency=rating["competency_name"] or rating["competency"],
            level=rating["level_name"] or rating["level"],
            rater=t(f"{WORDS}.rater.{rating['rater']}"),
        )
        said = [t(f"{WORDS}.said", text=w.words(rating["comment"]))] if rating["comment"] else []
        return [first, *said]

    w.section(t.plural(f"{WORDS}.ratings", len(ratings)), ratings, line)


def _evidence(w: _Writer, evidence: list[dict[str, Any]]) -> None:
    t = w.t

    def line(item: dict[str, Any]) -> list[str]:
        first = t(
            f"{WORDS}.evidence_line",
            date=w.calendar_day(item["happened_on"])
            if item.get("happened_on")
            else w.day(item["created_at"]),
            competency=item["competency_name"] or item["competency"],
            text=w.words(item["text"]),
        )
        link = [t(f"{WORDS}.link", link=item["link"])] if item["link"] else []
        return [first, *link]

    w.section(t.plural(f"{WORDS}.evidence", len(evidence)), evidence, line)


def _notes(w: _Writer, notes: list[dict[str, Any]]) -> None:
    t = w.t

    def line(note: dict[str, Any]) -> list[str]:
        author = note["author"] or t(f"{WORDS}.someone")
        return [
            t(
                f"{WORDS}.note",
                date=w.day(note["created_at"]),
                author=author,
                text=w.words(note["text"]),
            )
        ]

    w.section(t.plural(f"{WORDS}.notes", len(notes)), notes, line)
    if notes:
        w.lines.append(t(f"{WORDS}.notes_why"))


def _checkins(w: _Writer, checkins: list[dict[str, Any]]) -> None:
    t = w.t
    counts = Counter(str(checkin["status"]) for checkin in checkins)
    title = t.plural(f"{WORDS}.checkins", len(checkins))
    w.lines += ["", title, "-" * len(title)]
    if not checkins:
        w.lines.append(t(f"{WORDS}.nothing"))
    for status, count in counts.most_common():
        w.lines.append(
            "• " + t(f"{WORDS}.status_count", status=t(f"{WORDS}.status.{status}"), count=count)
        )
