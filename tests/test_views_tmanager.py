"""What the manager's views give a front end that rebuilds its dialogs and pages (Teams):
which page a card shows, a review form's answers and where its problems go, what the
form carries back, pages of another size, a summary that names no file, a report called
by name where no mention can go."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.one_on_one_views import PersonRef
from bot.domain.review import Digest, DigestRow, PendingRating, ReportReview
from bot.domain.team import TeamOverview
from bot.i18n import Translator
from bot.i18n.rich import Mention
from bot.settings import load_settings
from bot.views import actions, files, review, team
from bot.views.cards import Actions, Note, Paragraph
from bot.views.one_on_one import mention
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.models import Person, PromptStatus
from tests.test_views_team import _report

CATALOG = ReferentielCatalog.load(load_settings(env_file=None).referentiels_dir)
RATED = datetime(2026, 11, 20, tzinfo=UTC)
EN, FR = Translator("en"), Translator("fr")


def _referentiel() -> Referentiel:
    found = CATALOG.get("account-executive")
    assert found is not None
    return found


def _reviews(count: int) -> list[ReportReview]:
    referentiel = _referentiel()
    competency, level = referentiel.all_competencies()[0], referentiel.scale.levels[1]
    pending = [PendingRating(competency, level, RATED, None)]
    return [
        ReportReview(Person(id=n + 1, platform_user_id=f"U{n:04d}"), referentiel, pending)
        for n in range(count)
    ]


def test_a_card_says_which_page_of_which_list_it_shows() -> None:
    listing = review.pending_card(_reviews(3), EN, 0)
    assert review.Shown.load(listing.state) == review.Shown(0)
    people = [Person(id=n + 1, platform_user_id=f"U{n}") for n in range(30)]
    rows = [DigestRow(p, _referentiel(), PromptStatus.DONE, [], 0) for p in people]
    digest = Digest(Person(id=99, platform_user_id="U99"), "2026-W48", rows)
    card = review.digest_card(digest, EN, 1)
    assert review.Shown.load(card.state) == review.Shown(1, "2026-W48")
    # A state is client input when it comes back: anything else is nothing.
    for forged in ("", "x", "[]", '{"page": -1}', '{"page": true}', '{"page": 1, "cycle": 3}'):
        assert review.Shown.load(forged) is None


def test_pages_of_another_size_number_everyone_once_and_keep_their_buttons() -> None:
    reviews = _reviews(60)
    shown: list[str] = []
    for page in range(3):
        card = review.pending_card(reviews, EN, page, size=25)
        shown.extend(b.button.value for b in card.blocks if isinstance(b, Paragraph) and b.button)
        assert card.keep_last == 2 and isinstance(card.blocks[-1], Actions)
    assert shown == [str(n + 1) for n in range(60)]
    last = review.pending_card(reviews, EN, 99, size=25)  # past the end: the last page
    assert (
        isinstance(last.blocks[-2], Note) and last.blocks[-2].text.plain() == "People 51–60 of 60"
    )
    assert review.pending_card(reviews[:3], EN).keep_last == 0  # one page: no buttons to keep


def test_a_review_forms_answers_and_where_its_problems_go() -> None:
    values = {
        "review.level:closing": "junior",
        "review.level:prospection": "",
        "review.comment": "Bien joué",
        "review.share": "share",
        "form": "review.form",
    }
    levels, comment, share = review.review_answers(values)
    assert levels == (("closing", "junior"), ("prospection", None))
    assert comment == "Bien joué" and share is True
    assert review.review_answers({"review.share": ["share"]})[2] is True
    assert review.review_answers({"review.share": "", "review.comment": ""}) == ((), None, False)
    assert review.problem_field("closing") == f"{actions.REVIEW_LEVEL}:closing"
    assert review.problem_field(None) == actions.REVIEW_COMMENT


def test_a_review_form_carries_back_what_the_front_end_asked_and_nothing_else() -> None:
    [report] = _reviews(1)
    plain = review.review_form(report, EN)
    assert plain.state == review.review_state(1)  # as before: the report only
    assert review.form_back(plain.state) == ""
    back = review.review_form(report, EN, back='{"clicked": "m"}')
    assert review.reviewed_report(back.state) == 1
    assert review.form_back(back.state) == '{"clicked": "m"}'
    assert review.form_back('{"back": 3}') == review.form_back("nonsense") == ""


def test_a_summary_says_where_its_files_are() -> None:
    overview = TeamOverview([_report(f"R{index:02d}") for index in range(3)])
    in_dm = team.summary_card(overview, FR).blocks[-1]
    to_accept = team.summary_card(overview, FR, files=files.team_files_follow(FR)).blocks[-1]
    assert isinstance(in_dm, Paragraph) and isinstance(to_accept, Paragraph)
    assert "message privé" in in_dm.lines[0].plain()
    assert "Acceptez chacun pour le recevoir dans votre OneDrive" in to_accept.lines[0].plain()
    assert "Slack" not in to_accept.lines[0].plain()


def test_a_report_is_mentioned_by_id_and_known_by_name_where_no_mention_can_go() -> None:
    said = mention(PersonRef(7, "U0EMMA", "Emma **Ng**"))
    assert said == Mention("U0EMMA")  # the same person to every front end
    assert said.name is None and said.known_as == "Emma **Ng**"
