"""The App Home's builders, pure: Slack's limits whatever the référentiel and the history,
the abbreviation rule of the histories, French and English.

Homes are built from hand-made data (no database): two years of weekly self-ratings
that change every week, a manager's rating on every competency, and evidence whose
texts and links are as long as Palier accepts. Every view is serialised by
slack_sdk.models and checked by the emulator's Block Kit validator.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.access import readers
from bot.domain.home import (
    EVIDENCE_PAGE_SIZE,
    HISTORY_LENGTH,
    CompetencyStatus,
    EvidenceEntry,
    EvidencePage,
    Home,
    PauseProblem,
    Schedule,
    pause_problem,
    short_level_labels,
)
from bot.domain.progress import CycleOutcome, RatingPoint, summarize
from bot.i18n import LOCALES, Locale, Translator
from bot.views.home import DEFAULT_WEEKDAY, HomeState, competency_line
from emulators.slack import render_view, validate_view
from emulators.slack.blockkit import VIEW_MAX_BYTES, view_size
from handlers.slack import ids
from handlers.slack.builders.home_builder import (
    language_modal,
    notice_modal,
    page_view,
    pause_modal,
    schedule_modal,
)
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog
from referentiels.models import Level, Referentiel, Scale

CATALOG = ReferentielCatalog.load(None)
REFERENTIELS = [r for r in (CATALOG.get(i) for i in CATALOG.ids()) if r is not None]
LARGEST = ["business-developer", "responsable-developpement-commercial"]
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thursday, 15:00 in Paris
WEEKS = 104  # two years of weekly check-ins
EVIDENCE = 200
# As long as Palier accepts (3,000 characters), with Slack's control characters in it.
LONG_TEXT = ("Négociation <DAF> & achats, " * 120)[:3000]
LONG_LINK = "https://crm.example.com/deals?" + "&x=1" * 742  # 3,000 characters


def _ref(referentiel_id: str) -> Referentiel:
    found = CATALOG.get(referentiel_id)
    assert found is not None
    return found


def _home(
    referentiel: Referentiel,
    *,
    weeks: int = WEEKS,
    evidence: int = EVIDENCE,
    page: int = 0,
    paused_until: date | None = None,
    manager: bool = True,
) -> Home:
    levels = referentiel.scale.levels
    start = NOW - timedelta(weeks=weeks)
    points: list[RatingPoint] = []
    history: dict[str, list[Level]] = {}
    for week in range(weeks):
        for index, competency in enumerate(referentiel.all_competencies()):
            # A different level every week: the longest histories and lines.
            level = levels[(week + index) % len(levels)]
            points.append(RatingPoint(competency.id, level.id, start + timedelta(weeks=week)))
            history.setdefault(competency.id, []).append(level)
    outcomes = [CycleOutcome(f"2026-W{w:02d}", done=True) for w in range(1, 48)]
    counts = {c.id: 10 for c in referentiel.all_competencies()}
    summary = summarize(referentiel, points, counts, outcomes, datetime(2026, 10, 1, tzinfo=UTC))
    outer = {c.id: (path[0] if path else None) for path, c in referentiel.iter_competencies()}
    competencies = [
        CompetencyStatus(
            competency=item.competency,
            group=outer[item.competency.id],
            current=item.current,
            manager=levels[-1] if manager else None,
            history=tuple(history.get(item.competency.id, [])[-HISTORY_LENGTH:]),
            evidence_count=item.evidence_count,
        )
        for item in summary.competencies
    ]
    all_competencies = referentiel.all_competencies()
    first = page * EVIDENCE_PAGE_SIZE
    entries = tuple(
        EvidenceEntry(
            id=10_000 + position,
            competency_id=all_competencies[position % len(all_competencies)].id,
            competency=all_competencies[position % len(all_competencies)],
            logged_at=NOW - timedelta(days=position),
            text=LONG_TEXT,
            link=LONG_LINK if position % 2 else "https://crm.example.com/deals/42",
        )
        for position in range(first, min(first + EVIDENCE_PAGE_SIZE, evidence))
    )
    schedule = Schedule(
        weekday=3,
        local_time=time(16, 0),
        own_weekday=False,
        own_time=False,
        default_weekday=3,
        default_time=time(16, 0),
        next_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        paused_until=paused_until,
        cycle_key="2026-W48",
        done_this_week=True,
    )
    return Home(
        referentiel=referentiel,
        timezone="Europe/Paris",
        summary=summary,
        competencies=competencies,
        evidence=EvidencePage(entries, page, evidence),
        schedule=schedule,
        readers=readers(indirect=True, has_manager=True),  # the longest sentence
    )


def _t(locale: str) -> Translator:
    return slack_translator(locale)  # type: ignore[arg-type]


# --- Slack's limits ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("referentiel", REFERENTIELS, ids=lambda r: r.id)
def test_every_home_fits_slack_with_two_years_of_history_and_200_evidence(
    referentiel: Referentiel, locale: str
) -> None:
    t = _t(locale)
    last_page = (EVIDENCE - 1) // EVIDENCE_PAGE_SIZE
    for page in (0, 1, last_page):
        view = page_view(_home(referentiel, page=page), t).to_dict()
        assert validate_view(view) == [], (referentiel.id, page)
        assert view_size(view) <= VIEW_MAX_BYTES
        screen = render_view(view)
        short = short_level_labels(referentiel, t)
        for item in _home(referentiel).competencies:
            # Every competency is on the Home, with its last self-ratings.
            assert item.competency.title[:40] in screen
            assert " → ".join(short[level.id] for level in item.history) in screen
        assert len(view["blocks"]) <= 100


@pytest.mark.parametrize("referentiel_id", LARGEST)
def test_the_largest_referentiels_are_summarised_not_a_block_per_competency(
    referentiel_id: str,
) -> None:
    referentiel = _ref(referentiel_id)
    assert len(referentiel.all_competencies()) == 20
    view = page_view(_home(referentiel), slack_translator("fr")).to_dict()
    assert validate_view(view) == []
    competency_sections = [
        b for b in view["blocks"] if b["type"] == "section" and "• *" in b["text"]["text"]
    ]
    lines = sum(b["text"]["text"].count("• *") for b in competency_sections)
    assert lines == 20
    # One section per bloc or activity (a long one split at line ends), not one per competency.
    assert len(competency_sections) <= len(referentiel.groups) * 2 < 20
    for section in competency_sections:
        assert len(section["text"]["text"]) <= 3000
    # Evidence shows a page at a time; the rest is a click away.
    edits = [b for b in view["blocks"] if b.get("block_id", "").startswith("home_ev:")]
    assert len(edits) == EVIDENCE_PAGE_SIZE
    assert "1–5 sur 200" in render_view(view)


def test_more_groups_than_blocks_to_spare_are_run_together() -> None:
    # A référentiel of 90 one-competency blocs (nothing ships like it; a customer's could).
    base = _ref("manager-equipe-vendeurs-b2b")
    group = base.groups[0].model_copy(update={"groups": []})
    competency = base.all_competencies()[0]
    groups = [
        group.model_copy(
            update={
                "code": f"B{n}",
                "competencies": [competency.model_copy(update={"id": f"c{n}", "code": f"C{n}"})],
            }
        )
        for n in range(90)
    ]
    huge = base.model_copy(update={"groups": groups, "competencies": []})
    view = page_view(_home(huge, weeks=3), slack_translator("fr")).to_dict()
    assert validate_view(view) == []
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert sum(text.count("• *") for text in sections) == 90


# --- the abbreviation rule -----------------------------------------------------------------


def test_a_matrix_is_abbreviated_by_the_initials_of_its_own_levels() -> None:
    ae = _ref("account-executive")
    for locale in LOCALES:
        assert short_level_labels(ae, _t(locale)) == {
            "junior": "J",
            "intermediaire": "I",
            "senior": "S",
        }


def test_palier_scale_is_abbreviated_from_the_catalog_in_each_language() -> None:
    cert = _ref("business-developer")
    assert cert.scale.origin == "palier"
    assert list(short_level_labels(cert, slack_translator("fr")).values()) == ["NA", "EC", "A", "M"]
    assert list(short_level_labels(cert, slack_translator("en")).values()) == ["NA", "BA", "A", "M"]


def _with_levels(*labels: str) -> Referentiel:
    levels = [Level(id=f"l{n}", label=label) for n, label in enumerate(labels)]
    return _ref("account-executive").model_copy(
        update={"scale": Scale(origin="referentiel", levels=levels)}
    )


def test_numbered_levels_keep_their_numbers_and_clashing_initials_fall_back_to_ranks() -> None:
    t = slack_translator("fr")
    assert list(short_level_labels(_with_levels("Niveau 1", "Niveau 2"), t).values()) == [
        "N1",
        "N2",
    ]
    assert list(short_level_labels(_with_levels("Débutant confirmé", "Expert"), t).values()) == [
        "DC",
        "E",
    ]
    # Senior and Standard would both be « S »: a history must never be ambiguous.
    clash = _with_levels("Junior", "Standard", "Senior")
    assert list(short_level_labels(clash, t).values()) == ["1", "2", "3"]


def test_a_competency_line_in_french_and_english() -> None:
    ae = _ref("account-executive")
    levels = {level.id: level for level in ae.scale.levels}
    prospection = ae.competency("prospection")
    assert prospection is not None
    item = CompetencyStatus(
        competency=prospection,
        group=None,
        current=levels["intermediaire"],
        manager=levels["senior"],
        history=(levels["junior"], levels["junior"], levels["intermediaire"]),
        evidence_count=2,
    )
    fr, en = slack_translator("fr"), slack_translator("en")
    assert from_rich(competency_line(item, ae, short_level_labels(ae, fr), fr)) == (
        "• *Prospection* : *Intermédiaire* · manager : Senior · historique : J → J → I · 2 preuves"
    )
    assert from_rich(competency_line(item, ae, short_level_labels(ae, en), en)) == (
        "• *Prospection*: *Intermédiaire* · manager: Senior · history: J → J → I"
        " · 2 pieces of evidence"
    )
    unrated = CompetencyStatus(prospection, None, None, None, (), 0)
    assert from_rich(competency_line(unrated, ae, {}, fr)) == "• *Prospection* : pas encore évaluée"


# --- French and English ----------------------------------------------------------------------


def test_the_home_in_french() -> None:
    ae = _ref("account-executive")
    view = page_view(_home(ae, weeks=3, evidence=7), slack_translator("fr")).to_dict()
    screen = render_view(view)
    assert f"Palier — {ae.title}" in screen
    assert "Prochain check-in : jeudi 3 décembre à 16:00" in screen
    assert "✅ Check-in de la semaine 48 fait. Merci !" in screen
    assert "chaque jeudi à 16:00 (Europe/Paris), le réglage par défaut" in screen
    assert "Historique, du plus ancien au plus récent : J = Junior · I = Intermédiaire" in screen
    assert "1–5 sur 7" in screen
    labels = [
        e["text"]["text"]
        for b in view["blocks"]
        if b["type"] == "actions" and b.get("block_id") == ids.HOME_ACTIONS_BLOCK
        for e in b["elements"]
    ]
    assert labels == [
        "Faire mon check-in maintenant",
        "Ajouter une preuve",
        "Mettre en pause",
        "Changer le jour et l'heure",
        "Changer de langue",
        "📈 Ma progression",
    ]
    assert "Plus anciennes →" in screen and "← Plus récentes" not in screen
    assert "26/11/2026" in screen  # the newest evidence, dated in the person's time zone


def test_the_home_in_british_english_paused() -> None:
    ae = _ref("account-executive")
    home = _home(ae, weeks=3, evidence=7, page=1, paused_until=date(2026, 12, 6))
    view = page_view(home, slack_translator("en-GB")).to_dict()
    screen = render_view(view)
    paused = view["blocks"][1]["text"]["text"]
    assert "Check-ins paused* up to and including Sunday, 6 December 2026" in paused
    assert "Back on Thursday 3 December at 16:00" in screen
    assert "Resume check-ins" in screen and "Pause check-ins" not in screen
    assert "6–7 of 7" in screen and "← Newer" in screen and "Older →" not in screen
    assert HomeState.load(view["private_metadata"]).page == 1


def test_deleting_asks_for_confirmation_quoting_the_evidence() -> None:
    ae = _ref("account-executive")
    for locale in LOCALES:
        view = page_view(_home(ae, weeks=1, evidence=1), _t(locale)).to_dict()
        [block] = [b for b in view["blocks"] if b.get("block_id") == "home_ev:10000"]
        edit, delete = block["elements"]
        assert edit["action_id"] == "home_ev_edit:10000" and edit["value"] == "10000"
        assert delete["action_id"] == "home_ev_delete:10000" and delete["value"] == "10000"
        confirm = delete["confirm"]
        assert confirm["text"]["type"] == "plain_text"
        assert "Négociation <DAF> & achats" in confirm["text"]["text"]
        assert confirm["title"]["text"] in ("Supprimer cette preuve ?", "Delete this evidence?")


def test_links_are_kept_whole_or_left_to_the_edit_modal() -> None:
    ae = _ref("account-executive")
    view = page_view(_home(ae, weeks=1, evidence=2), slack_translator("fr")).to_dict()
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert any("<https://crm.example.com/deals/42|lien>" in text for text in texts)
    # The 3,000-character link cannot fit a section: it is not cut (a cut link is wrong).
    assert not any("&amp;x=1" in text for text in texts)
    assert any("Modifier" in text for text in texts)


def test_someone_not_enrolled_sees_an_explanation_and_nothing_else() -> None:
    for locale in LOCALES:
        view = page_view(None, _t(locale)).to_dict()
        assert validate_view(view) == []
        assert [b["type"] for b in view["blocks"]] == ["header", "section"]
    assert "pas encore inscrit·e" in render_view(page_view(None, slack_translator("fr")).to_dict())


# --- the modals --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_the_modals_fit_slack(locale: Locale) -> None:
    t = slack_translator(locale)
    schedule = _home(_ref("account-executive"), weeks=1).schedule
    for view in (
        pause_modal(date(2026, 11, 26), None, t),
        pause_modal(date(2026, 11, 26), date(2026, 12, 6), t),
        schedule_modal(schedule, "Europe/Paris", t),
        language_modal(locale, t),
        notice_modal(t.rich("refusal.already_done"), t),
    ):
        assert validate_view(view.to_dict()) == []


def test_the_pause_modal_offers_a_week_or_the_current_pause() -> None:
    t = slack_translator("fr")

    def initial(view_dict: dict[str, object]) -> object:
        blocks = view_dict["blocks"]
        assert isinstance(blocks, list)
        return blocks[1]["element"]["initial_date"]

    assert initial(pause_modal(date(2026, 11, 26), None, t).to_dict()) == "2026-12-03"
    assert initial(pause_modal(date(2026, 11, 26), date(2027, 1, 4), t).to_dict()) == "2027-01-04"


def test_the_schedule_modal_starts_from_the_default_or_the_persons_choice() -> None:
    t = slack_translator("fr")
    default = _home(_ref("account-executive"), weeks=1).schedule
    blocks = schedule_modal(default, "Europe/Paris", t).to_dict()["blocks"]
    weekday, clock = blocks[1]["element"], blocks[2]["element"]
    assert weekday["initial_option"]["value"] == DEFAULT_WEEKDAY
    assert weekday["initial_option"]["text"]["text"] == "Par défaut (jeudi)"
    assert [o["text"]["text"] for o in weekday["options"]][1:3] == ["Lundi", "Mardi"]
    assert "initial_time" not in clock and blocks[2]["optional"] is True
    own = Schedule(4, time(9, 30), True, True, 3, time(16, 0), None, None, "2026-W48", False)
    blocks = schedule_modal(own, "Europe/Paris", t).to_dict()["blocks"]
    assert blocks[1]["element"]["initial_option"]["value"] == "4"
    assert blocks[2]["element"]["initial_time"] == "09:30"


def test_a_pause_is_from_today_to_a_year_ahead() -> None:
    today = date(2026, 11, 26)
    assert pause_problem(today, today) is None
    assert pause_problem(today + timedelta(days=365), today) is None
    assert pause_problem(today - timedelta(days=1), today) is PauseProblem.PAST
    assert pause_problem(today + timedelta(days=366), today) is PauseProblem.TOO_FAR


def test_home_metadata_survives_anything() -> None:
    assert HomeState.load(HomeState(3).dump()).page == 3
    for junk in ("", "{", "[]", '{"page": "x"}', '{"page": -4}', None):
        assert HomeState.load(junk).page == 0
