"""A person's own page and its forms as neutral views (:mod:`bot.views.home`): what they
see and can do, whatever the platform — the words quoted, the buttons named and keyed,
the fields asked for or optional, the short forms chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.app.home import refusal_key
from bot.app.summary import LANGUAGE_USAGE
from bot.domain.access import readers_of
from bot.domain.checkin import Refusal
from bot.domain.home import (
    CompetencyStatus,
    EvidenceEntry,
    EvidencePage,
    Home,
    Schedule,
)
from bot.domain.progress import summarize
from bot.i18n import LOCALES, Translator, formats
from bot.i18n.rich import Plain, Rich, Typed
from bot.views import actions
from bot.views.cards import (
    Actions,
    Button,
    Card,
    ChoiceField,
    ChoiceStyle,
    DateField,
    Heading,
    Listing,
    Paragraph,
    TimeField,
)
from bot.views.home import (
    DEFAULT_WEEKDAY,
    HomeState,
    chosen_weekday,
    home_card,
    language_form,
    not_enrolled_card,
    notice_form,
    page_card,
    pause_form,
    schedule_form,
)
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load(None)
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
FR, EN = Translator("fr"), Translator("en")


def _ref(referentiel_id: str) -> Referentiel:
    found = CATALOG.get(referentiel_id)
    assert found is not None
    return found


def _schedule(**changes: object) -> Schedule:
    base = {
        "weekday": 3,
        "local_time": time(16, 0),
        "own_weekday": False,
        "own_time": False,
        "default_weekday": 3,
        "default_time": time(16, 0),
        "next_at": datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        "paused_until": None,
        "cycle_key": "2026-W48",
        "done_this_week": False,
    }
    return Schedule(**{**base, **changes})  # type: ignore[arg-type]


def _entry(
    number: int, text: str = "Salon VivaTech : 12 leads", link: str | None = None
) -> EvidenceEntry:
    competency = _ref("account-executive").all_competencies()[0]
    return EvidenceEntry(number, competency.id, competency, NOW, text, link)


def _home(
    referentiel: Referentiel | None = None,
    entries: tuple[EvidenceEntry, ...] = (),
    page: int = 0,
    total: int | None = None,
    **schedule: object,
) -> Home:
    referentiel = referentiel or _ref("account-executive")
    summary = summarize(referentiel, [], {}, [], NOW)
    outer = {c.id: (path[0] if path else None) for path, c in referentiel.iter_competencies()}
    competencies = [
        CompetencyStatus(item.competency, outer[item.competency.id], None, None, (), 0)
        for item in summary.competencies
    ]
    evidence = EvidencePage(entries, page, len(entries) if total is None else total)
    readers = readers_of(None, indirect=False)
    return Home(
        referentiel, "Europe/Paris", summary, competencies, evidence, _schedule(**schedule), readers
    )


def _buttons(card: Card, row: str) -> list[Button]:
    return [
        b
        for block in card.blocks
        if isinstance(block, Actions) and block.name == row
        for b in block.buttons
    ]


def _texts(card: Card) -> str:
    lines: list[str] = []
    for block in card.blocks:
        if isinstance(block, Paragraph):
            lines.extend(line.plain() for line in block.lines)
        elif isinstance(block, Listing):
            lines.extend(line.plain() for p in block.paragraphs for line in p.lines)
    return "\n".join(lines)


def test_the_home_offers_its_actions_and_resume_only_while_paused() -> None:
    card = home_card(_home(), EN)
    assert isinstance(card.blocks[0], Heading)
    assert card.blocks[0].text.plain() == f"Palier — {_ref('account-executive').title}"
    buttons = _buttons(card, actions.HOME_ACTIONS)
    assert [b.action for b in buttons] == [
        actions.HOME_CHECKIN_NOW,
        actions.HOME_LOG_EVIDENCE,
        actions.HOME_PAUSE,
        actions.HOME_SCHEDULE,
        actions.HOME_LANGUAGE,
        actions.PROGRESS_CHART,
    ]
    assert buttons[-1].label.plain() == "📈 My progress"
    assert buttons[0].primary and buttons[0].label.plain() == "Check in now"
    paused = home_card(_home(paused_until=date(2026, 12, 6)), EN)
    assert [b.action for b in _buttons(paused, actions.HOME_ACTIONS)][2] == actions.HOME_RESUME
    assert "Check-ins paused up to and including Sunday, December 6, 2026" in _texts(paused)


def test_every_competency_is_listed_under_its_bloc_and_a_cut_says_where_the_rest_is() -> None:
    referentiel = _ref("business-developer")
    card = home_card(_home(referentiel), FR)
    (listing,) = [b for b in card.blocks if isinstance(b, Listing)]
    assert len(listing.paragraphs) == len(referentiel.groups)
    shown = "\n".join(line.plain() for p in listing.paragraphs for line in p.lines)
    for competency in referentiel.all_competencies():
        name = competency.label if len(competency.label) <= 90 else competency.label[:40]
        assert name in shown
    assert "pas encore évaluée" in shown
    assert "/palier me" in listing.more.plain()


def test_each_piece_of_evidence_can_be_edited_or_deleted_after_a_question_quoting_it() -> None:
    words = "*mes* mots <à moi> {0} " + "très " * 60
    card = home_card(_home(entries=(_entry(41, words), _entry(42))), FR)
    rows = [b for b in card.blocks if isinstance(b, Actions) and b.name == actions.HOME_EVIDENCE]
    assert [row.key for row in rows] == ["41", "42"]
    edit, delete = rows[0].buttons
    assert (edit.action, edit.value, edit.key) == (actions.HOME_EVIDENCE_EDIT, "41", "41")
    assert (delete.action, delete.value, delete.key) == (actions.HOME_EVIDENCE_DELETE, "41", "41")
    assert delete.danger and delete.confirm is not None and delete.confirm.danger
    assert delete.confirm.literal  # the person's own words shown as typed
    question = delete.confirm.text
    assert isinstance(question.params["excerpt"], Typed)
    quoted = question.params["excerpt"].text
    assert quoted.startswith("*mes* mots <à moi> {0} très") and quoted.endswith("très…")
    assert len(quoted) <= 121
    # On the page the excerpt is longer, still cut at a word.
    assert "*mes* mots <à moi> {0} très très" in _texts(card)


def test_a_link_too_long_for_a_platform_is_left_to_the_edit_form() -> None:
    long_link = "https://crm.example.com/deals?" + "&x=1" * 742
    card = home_card(
        _home(entries=(_entry(1, link="https://e.x/a|b"), _entry(2, link=long_link))), EN
    )
    short, long = [b for b in card.blocks if isinstance(b, Paragraph) and b.shorter]
    link = short.lines[1].params["link"]
    assert isinstance(link, Rich) and link.params["url"] == Plain("https://e.x/a%7Cb")
    assert "“Edit” shows it" in long.shorter[1].plain()
    assert short.lines[1].plain().endswith(" · link")  # the link itself where it fits


def test_evidence_comes_a_page_at_a_time_and_the_page_is_carried_back() -> None:
    entries = tuple(_entry(n) for n in range(5))
    middle = home_card(_home(entries=entries, page=1, total=12), EN)
    pages = _buttons(middle, actions.HOME_EVIDENCE_PAGES)
    assert [(b.action, b.value) for b in pages] == [
        (actions.HOME_EVIDENCE_NEWER, "0"),
        (actions.HOME_EVIDENCE_OLDER, "2"),
    ]
    assert "Your evidence (6–10 of 12)" in _texts(middle)
    assert HomeState.load(middle.state).page == 1
    empty = home_card(_home(), EN)
    assert _buttons(empty, actions.HOME_EVIDENCE_PAGES) == []
    assert "No evidence yet" in _texts(empty)


def test_the_page_state_survives_anything() -> None:
    assert HomeState.load(HomeState(3).dump()).page == 3
    assert HomeState(2).dump() == '{"page": 2}'
    for junk in ("", "{", "[]", '{"page": "x"}', '{"page": -4}', None):
        assert HomeState.load(junk).page == 0


def test_a_long_title_is_shortened_at_a_word() -> None:
    referentiel = _ref("account-executive").model_copy(update={"title": "Vente " * 40})
    title = home_card(_home(referentiel), FR).blocks[0]
    assert isinstance(title, Heading)
    assert len(title.text.plain()) <= 150 and title.text.plain().endswith("Vente…")


def test_someone_not_followed_sees_what_palier_is_and_no_button() -> None:
    for t in (FR, EN):
        card = page_card(None, t)
        assert card == not_enrolled_card(t)
        assert not any(isinstance(b, Actions) for b in card.blocks)
    assert "pas encore inscrit·e" in _texts(not_enrolled_card(FR))


def test_the_pause_form_asks_for_a_day_a_week_ahead_or_the_pause_running() -> None:
    today = date(2026, 11, 26)
    (until,) = pause_form(today, None, FR).fields()
    assert isinstance(until, DateField) and not until.optional
    assert until.initial == date(2026, 12, 3)
    (until,) = pause_form(today, date(2027, 1, 4), FR).fields()
    assert isinstance(until, DateField) and until.initial == date(2027, 1, 4)
    (until,) = pause_form(today, today - timedelta(days=1), FR).fields()  # ended: a week
    assert isinstance(until, DateField) and until.initial == date(2026, 12, 3)
    assert pause_form(today, None, EN).submit is not None


def test_the_schedule_form_offers_the_default_day_then_each_day_and_an_optional_time() -> None:
    weekday, clock = schedule_form(_schedule(), "Europe/Paris", FR).fields()
    assert isinstance(weekday, ChoiceField) and weekday.style is ChoiceStyle.MENU
    labels = [c.label.plain() for c in weekday.all_choices()]
    assert labels[:3] == ["Par défaut (jeudi)", "Lundi", "Mardi"]
    assert weekday.initial == (DEFAULT_WEEKDAY,)
    assert isinstance(clock, TimeField) and clock.optional and clock.initial is None
    assert clock.hint is not None and "16:00" in clock.hint.plain()
    own = _schedule(weekday=4, local_time=time(9, 30), own_weekday=True, own_time=True)
    weekday, clock = schedule_form(own, "Europe/Paris", EN).fields()
    assert isinstance(weekday, ChoiceField) and weekday.initial == ("4",)
    assert isinstance(clock, TimeField) and clock.initial == time(9, 30)
    assert chosen_weekday(DEFAULT_WEEKDAY) is None and chosen_weekday("4") == "4"


def test_the_language_form_names_each_language_in_itself() -> None:
    for t in (FR, EN):
        (field,) = language_form("en", t).fields()
        assert isinstance(field, ChoiceField)
        assert [(c.value, c.label.plain()) for c in field.all_choices()] == [
            ("fr", "Français"),
            ("en", "English"),
        ]
        assert field.initial == ("en",)


def test_a_notice_is_only_read() -> None:
    form = notice_form(FR.rich(refusal_key(Refusal.ALREADY_DONE.value)), FR)
    assert form.submit is None and form.fields() == ()
    assert "déjà fait" in form.blocks[0].lines[0].plain()  # type: ignore[union-attr]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_refusal_of_the_home_has_words(locale: str) -> None:
    t = Translator(locale)
    for code in [*(r.value for r in Refusal), LANGUAGE_USAGE]:
        assert t.has(refusal_key(code)), code


def test_dates_and_times_in_each_language_and_region() -> None:
    sunday = date(2026, 12, 6)
    gb, us = Translator("en-GB"), Translator("en-US")
    assert [formats.short_date(sunday, t) for t in (FR, gb, us)] == [
        "06/12/2026",
        "06/12/2026",
        "12/6/2026",
    ]
    assert [formats.long_day(sunday, t) for t in (FR, gb, us)] == [
        "dimanche 6 décembre 2026",
        "Sunday, 6 December 2026",
        "Sunday, December 6, 2026",
    ]
    assert formats.clock(time(9, 5), FR) == formats.clock(time(9, 5), gb) == "09:05"
    assert formats.clock(time(9, 5), us) == "9:05\u202fAM"
