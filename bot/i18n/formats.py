"""Dates, times, weekdays, numbers and lists in a person's locale, from CLDR (Babel).

Every date or list Palier shows goes through here rather than through a hand-written
pattern, so that a region's habits hold without anyone writing them down: a
Londoner reads "Thursday 10 December" and 10/12/2026, a New Yorker "Thursday,
December 10" and 12/10/2026, a French reader "jeudi 10 décembre" and 10/12/2026.
The locale is the translator's (``en-GB``: English words, British formats).

Also here, the short form of a long text (a certification's competency title can run
to 300 characters): cut from the source's own words at a word boundary, never
reworded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names, match_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.i18n import Translator, babel_locale
from bot.i18n.rich import Param, Rich
from referentiels.models import Competency

ELLIPSIS = "…"
# A competency as one line among others: its code and about a line of its title.
SHORT_LABEL = 90


def weekday(day: int, t: Translator) -> str:
    """The name of a weekday, ``0`` = Monday: ``jeudi``, ``Thursday``."""
    return str(get_day_names("wide", context="format", locale=babel_locale(t.locale))[day])


@cache
def _pattern(skeleton: str, locale: str) -> str:
    """The locale's own pattern for a skeleton, its weekday written in full: CLDR has
    ``E d MMMM`` for French, which names Thursday "jeu."; a sentence wants "jeudi"."""
    found = babel_locale(locale)
    matched = match_skeleton(skeleton, found.datetime_skeletons) or skeleton
    pattern = (
        found.datetime_skeletons[matched].pattern
        if matched in found.datetime_skeletons
        else skeleton
    )
    return re.sub(r"E+", "EEEE", str(pattern))


def _date(skeleton: str, day: date, t: Translator) -> str:
    return str(format_date(day, _pattern(skeleton, t.locale), locale=babel_locale(t.locale)))


def day_month(day: date, t: Translator) -> str:
    """``jeudi 10 décembre``, ``Thursday 10 December`` (en-GB), ``Thursday, December 10``
    (en-US): a day of the current weeks, where the year goes without saying."""
    return _date("MMMMEd", day, t)


def long_day(day: date, t: Translator) -> str:
    """``dimanche 6 décembre 2026``, ``Sunday, 6 December 2026`` (en-GB), ``Sunday,
    December 6, 2026`` (en-US): a day that may be months away (a pause's last day)."""
    return _date("yMMMMEd", day, t)


def short_date(day: date, t: Translator) -> str:
    """``10/12/2026`` (fr, en-GB), ``12/10/2026`` (en-US): a date in a list."""
    return str(format_date(day, _pattern("yMMdd", t.locale), locale=babel_locale(t.locale)))


def evidence_day(day: date, today: date | None, t: Translator) -> str:
    """``3 déc.``, ``3 Dec`` (en-GB), ``Dec 3`` (en-US): the day a piece of evidence
    happened, short beside its text; ``3 déc. 2025``, ``Dec 3, 2025`` when it is not of
    ``today``'s year (or ``today`` is unknown), so that no day is taken for another."""
    skeleton = "MMMd" if today is not None and day.year == today.year else "yMMMd"
    return _date(skeleton, day, t)


def clock(moment: time, t: Translator) -> str:
    """``16:00`` (fr, en-GB), ``4:00 PM`` (en-US): a time of day."""
    return str(format_time(moment, "short", locale=babel_locale(t.locale)))


def moment(instant: datetime, timezone: str, t: Translator) -> str:
    """``jeudi 10 décembre à 16:00``, ``Thursday 10 December at 16:00``: an instant in
    the person's time zone."""
    local = instant.astimezone(ZoneInfo(timezone))
    return t(
        "calendar.moment",
        day=day_month(local.date(), t),
        time=clock(local.time().replace(second=0, microsecond=0), t),
    )


def local_short_date(instant: datetime, timezone: str, t: Translator) -> str:
    """:func:`short_date` of an instant, in the person's time zone."""
    return short_date(instant.astimezone(ZoneInfo(timezone)).date(), t)


def week(cycle_key: str, t: Translator) -> str:
    """``semaine 48``, ``week 48`` for the cycle ``2026-W48``."""
    return t("calendar.week", week=int(cycle_key.rsplit("W", 1)[-1]))


def listing(items: Iterable[str], t: Translator) -> str:
    """``Alice, Bob et Chloé``; ``Alice, Bob and Chloé`` (en-GB); ``Alice, Bob, and
    Chloé`` (en-US)."""
    shown = list(items)
    if not shown:
        return ""
    return str(format_list(shown, style="standard", locale=babel_locale(t.locale)))


def rich_listing(parts: Sequence[Param], t: Translator) -> Rich:
    """:func:`listing` of typed parts (people's names, each escaped its way): the
    locale's separators around them, as a text a front end renders."""
    names = [f"p{index}" for index in range(len(parts))]
    template = listing(("{" + name + "}" for name in names), t)
    return Rich(template, dict(zip(names, parts, strict=True)))


def number(value: int, t: Translator) -> str:
    """``3 000`` (French, a narrow no-break space), ``3,000``."""
    return str(format_decimal(value, locale=babel_locale(t.locale)))


def shortened(text: str, limit: int) -> str:
    """``text`` cut at the last word boundary within ``limit`` characters, with an
    ellipsis; whole when it fits. Only the source's own words, none added: a
    competency's 300-character title becomes its first words and "…"."""
    whole = " ".join(text.split())
    if len(whole) <= limit:
        return whole
    room = max(limit - len(ELLIPSIS), 1)
    cut = whole[: room + 1]
    boundary = cut.rfind(" ")
    kept = cut[:boundary] if boundary > 0 else whole[:room]
    return kept.rstrip(" ,;:.—–-") + ELLIPSIS


def short_label(competency: Competency, limit: int = SHORT_LABEL) -> str:
    """``C1.1 Élaborer la stratégie commerciale…``: a competency where it is one line
    among others (a summary, the team view, a 1:1 brief) — its code and the first words
    of its title, within ``limit`` characters. Where a person rates it or reads its
    criteria, the whole :attr:`~referentiels.models.Competency.label` is shown."""
    if not competency.code:
        return shortened(competency.title, limit)
    room = max(limit - len(competency.code) - 1, 1)
    return f"{competency.code} {shortened(competency.title, room)}"
