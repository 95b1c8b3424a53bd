"""Dates, times, lists, plurals and short forms in a person's locale
(:mod:`bot.i18n.formats`): CLDR's forms for French, British and American English."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.i18n import Translator, babel_locale, formats, plural_form
from bot.i18n.rich import Plain, Typed
from referentiels.models import Competency

FR, GB, US = Translator("fr-FR"), Translator("en-GB"), Translator("en-US")
THURSDAY = date(2026, 12, 10)


def test_a_day_in_each_locale() -> None:
    assert formats.day_month(THURSDAY, FR) == "jeudi 10 décembre"
    assert formats.day_month(THURSDAY, GB) == "Thursday 10 December"
    assert formats.day_month(THURSDAY, US) == "Thursday, December 10"


def test_a_short_date_puts_the_day_first_except_in_the_us() -> None:
    assert formats.short_date(THURSDAY, FR) == "10/12/2026"
    assert formats.short_date(THURSDAY, GB) == "10/12/2026"
    assert formats.short_date(THURSDAY, US) == "12/10/2026"


def test_an_evidence_day_is_short_and_says_its_year_only_when_another() -> None:
    today = date(2026, 12, 6)
    fr, gb, us = Translator("fr"), Translator("en-GB"), Translator("en-US")
    assert formats.evidence_day(date(2026, 12, 3), today, fr) == "3 déc."
    assert formats.evidence_day(date(2026, 1, 15), today, gb) == "15 Jan"
    assert formats.evidence_day(date(2026, 12, 3), today, us) == "Dec 3"
    assert formats.evidence_day(date(2025, 12, 3), today, fr) == "3 déc. 2025"
    assert formats.evidence_day(date(2025, 12, 3), today, us) == "Dec 3, 2025"
    assert formats.evidence_day(date(2026, 12, 3), None, gb) == "3 Dec 2026"  # no today


def test_a_moment_in_the_persons_zone() -> None:
    instant = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    assert formats.moment(instant, "Europe/Paris", FR) == "jeudi 10 décembre à 16:00"
    assert formats.moment(instant, "Europe/London", GB) == "Thursday 10 December at 15:00"
    assert formats.moment(instant, "America/New_York", US) == (
        "Thursday, December 10 at 10:00\u202fAM"
    )


def test_weekdays_and_weeks() -> None:
    assert [formats.weekday(day, FR) for day in (0, 3, 6)] == ["lundi", "jeudi", "dimanche"]
    assert formats.weekday(3, GB) == formats.weekday(3, US) == "Thursday"
    assert formats.week("2026-W48", FR) == "semaine 48"
    assert formats.week("2026-W48", GB) == "week 48"


def test_lists_of_people() -> None:
    names = ["Alice", "Bob", "Chloé"]
    assert formats.listing(names, FR) == "Alice, Bob et Chloé"
    assert formats.listing(names, GB) == "Alice, Bob and Chloé"
    assert formats.listing(names, US) == "Alice, Bob, and Chloé"
    assert formats.listing(["Alice"], FR) == "Alice"
    assert formats.listing([], FR) == ""
    typed = formats.rich_listing([Typed("*Alice*"), Plain("Bob")], FR)
    assert typed.plain() == "*Alice* et Bob"
    assert typed.params["p0"] == Typed("*Alice*")  # each name kept typed, escaped its way


def test_numbers() -> None:
    assert formats.number(3000, FR) == "3\u202f000"
    assert formats.number(3000, GB) == "3,000"


@pytest.mark.parametrize(
    ("locale", "forms"),
    [("fr-FR", ["one", "one", "other"]), ("en-GB", ["other", "one", "other"])],
)
def test_plural_rules_from_cldr(locale: str, forms: list[str]) -> None:
    assert [plural_form(locale, count) for count in (0, 1, 2)] == forms


def test_plurals_at_zero_one_and_two() -> None:
    fr, en = Translator("fr"), Translator("en-GB")
    assert [fr.plural("review.digest_pending", n) for n in (0, 1, 2)] == [
        "0 auto-évaluation à revoir",
        "1 auto-évaluation à revoir",
        "2 auto-évaluations à revoir",
    ]
    assert [en.plural("review.digest_pending", n) for n in (0, 1, 2)] == [
        "0 self-ratings to review",
        "1 self-rating to review",
        "2 self-ratings to review",
    ]
    assert fr.plural("admin.count.enrolled", 2) == "2 personnes inscrites"
    assert en.plural("admin.count.enrolled", 1) == "1 person enrolled"
    assert en.plural("admin.count.enrolled", 2) == "2 people enrolled"
    assert fr.plural("files_excel.export.comment", 1).startswith(
        "Évaluations et preuves de 1 personne :"
    )


def test_a_region_palier_has_no_forms_for_falls_back_on_the_language() -> None:
    assert str(babel_locale("fr-GB")) == "fr"
    assert str(babel_locale("en-GB")) == "en_GB"
    assert str(babel_locale("en")) == "en"
    # French words, the person's British region: still French dates.
    assert formats.day_month(THURSDAY, Translator("fr-GB")) == "jeudi 10 décembre"


LONG = (
    "Élaborer la stratégie commerciale de l'entreprise en analysant son marché, sa "
    "concurrence et ses ressources, afin de définir des objectifs de vente réalistes, "
    "mesurables et partagés avec la direction générale et les équipes commerciales, en "
    "tenant compte des contraintes réglementaires, des évolutions technologiques et des "
    "attentes des clients, et en prévoyant les indicateurs de suivi qui permettront d'en "
    "mesurer les effets au fil de l'année."
)


def test_a_long_title_is_cut_at_a_word_from_its_own_words() -> None:
    assert len(LONG) > 300
    short = formats.shortened(LONG, 60)
    assert short.endswith("…") and len(short) <= 60
    assert LONG.startswith(short[:-1])  # nothing invented: the source's first words
    assert LONG[len(short) - 1] == " "  # cut between two words
    assert formats.shortened("Prospecter", 60) == "Prospecter"


def test_a_competency_as_one_line_keeps_its_code() -> None:
    long = Competency(id="c1", code="C1.1", title=LONG)
    line = formats.short_label(long)
    assert line.startswith("C1.1 Élaborer la stratégie commerciale")
    assert line.endswith("…") and len(line) <= formats.SHORT_LABEL
    assert long.label.startswith(line[:-1])
    short = Competency(id="c2", code="C2", title="Négocier")
    assert formats.short_label(short) == "C2 Négocier" == short.label
    assert formats.short_label(Competency(id="c3", title="Négocier")) == "Négocier"


def test_a_time_of_day() -> None:
    assert formats.clock(time(16, 0), FR) == "16:00"
    assert formats.clock(time(16, 0), GB) == "16:00"
    assert formats.clock(time(16, 0), US) == "4:00\u202fPM"
