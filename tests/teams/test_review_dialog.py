"""The review dialog in Teams, pure: a manager reviewing every competency of any
référentiel — the longest certification included — gets dialogs within what Teams takes
of a bot's card, each quoting what every level asks, and meets every competency once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.domain.review import PendingRating, ReportReview
from bot.i18n import LOCALES, formats
from handlers.teams.listeners import DIALOG_ACTIONS
from handlers.teams.render import CARD_BYTES_LIMIT, Renderer, card_size
from handlers.teams.review import review_form
from handlers.teams.wording import teams_translator
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.models import Evidence, Person

CATALOG = ReferentielCatalog.load(None)
REFERENTIELS = [r for r in (CATALOG.get(i) for i in CATALOG.ids()) if r is not None]
RATED = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# Dated with the longest day there is, with its year (the form is told no today).
PROOF = Evidence(
    text=("Rendez-vous client & relance " * 120).strip(),
    link="https://crm.example/d/1",
    happened_on=date(2025, 9, 30),
)
RENDERER = Renderer(DIALOG_ACTIONS)


def _everything(referentiel: Referentiel) -> list[PendingRating]:
    low, high = referentiel.scale.levels[0], referentiel.scale.levels[-1]
    return [
        PendingRating(competency, high, RATED, low, [PROOF, PROOF, PROOF])
        for competency in referentiel.all_competencies()
    ]


def _texts(card: object) -> str:
    """Every text of the card, joined (runs and blocks alike)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "title") and isinstance(value, str):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "".join(found)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("referentiel", REFERENTIELS, ids=lambda r: r.id)
def test_reviewing_everything_takes_dialogs_teams_takes_each_quoting_every_level(
    referentiel: Referentiel, locale: str
) -> None:
    t = teams_translator(locale)
    person = Person(id=5, platform_user_id="aad-alice", display_name="Alice Martin")
    left = _everything(referentiel)
    seen: list[str] = []
    while left:
        form = review_form(RENDERER, ReportReview(person, referentiel, left), t, "")
        card = RENDERER.dialog(form)["card"]
        assert card_size(card) <= CARD_BYTES_LIMIT
        shown = [f.key for f in form.fields() if f.key and f.name == "review.level"]
        assert shown == [item.competency.id for item in left[: len(shown)]]
        words = _texts(card)
        day = formats.evidence_day(PROOF.happened_on, None, t)
        assert words.count(day) == 3 * len(shown)  # every piece of evidence dated
        for item in left[: len(shown)]:
            competency = item.competency
            assert competency.label in words
            for cell in competency.levels.values():
                assert all(aspect.text in words for aspect in cell.aspects)
            for criterion in competency.criteria:
                assert criterion.text in words and all(i in words for i in criterion.items)
        seen.extend(key for key in shown if key)
        left = left[len(shown) :]
    assert seen == [c.id for c in referentiel.all_competencies()]
    json.dumps(card)  # a card Teams can be sent
