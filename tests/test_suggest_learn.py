"""Suggestions learning from a workspace's past tags (bot/domain/suggest_learn.py), and the
minimum a suggestion must clear before the form chooses it (bot.domain.suggest.confident).

Deterministic: the cache is told time by a hand-moved clock; the figures of the labelled
sets behind the chosen rule are in bench/suggest_bench.py and asserted here."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.suggest import MIN_MARGIN, MIN_SCORE, Suggestion, confident, suggest
from bot.domain.suggest_learn import LearnedCache, LearnedIndex, Tagged
from handlers.cli import main
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import suggest_bench  # noqa: E402  (bench/ is scripts, not a package)

CATALOG = ReferentielCatalog.load()


def referentiel(referentiel_id: str) -> Referentiel:
    found = CATALOG.get(referentiel_id)
    assert found is not None
    return found


AE = referentiel("account-executive")
BOOMERANG = [
    Tagged("Atelier Boomerang chez Decathlon avec le DRH", "qualification"),
    Tagged("Atelier Boomerang fait chez Leroy", "qualification"),
    Tagged("Signé chez Fnac", "closing"),
]


# -- the minimum before preselecting ------------------------------------------------------


def _ranked(*scores: float) -> list[Suggestion]:
    competencies = AE.all_competencies()
    return [Suggestion(competencies[i], None, s) for i, s in enumerate(scores)]


def test_a_clear_first_suggestion_is_chosen() -> None:
    ranked = _ranked(MIN_SCORE * 3, MIN_SCORE)
    assert confident(ranked) is ranked[0]
    assert confident(_ranked(MIN_SCORE)) is not None  # alone: no second to be close to


def test_a_low_score_or_a_close_second_chooses_nothing() -> None:
    assert confident(_ranked(MIN_SCORE * 0.9)) is None
    best = MIN_SCORE * 4
    assert confident(_ranked(best, best * (1 - MIN_MARGIN / 2))) is None
    assert confident([]) is None


def test_on_real_texts_a_vague_one_is_not_chosen_and_a_clear_one_is() -> None:
    vague = suggest(AE, "Booked 5 meetings from cold calls this week", top=2)
    assert vague and vague[0].competency.id == "prospection"  # ranked, not chosen
    assert confident(vague) is None
    clear = suggest(AE, "Signé chez Leroy Merlin après une négo serrée sur le prix !", top=2)
    chosen = confident(clear)
    assert chosen is not None and chosen.competency.id == "closing"


def test_the_rule_avoids_more_wrong_preselections_than_it_loses_right_ones() -> None:
    sets = suggest_bench.labelled_sets() + suggest_bench.labelled_sets(
        suggest_bench.DATA / "holdout"
    )
    kept, lost, avoided, wrong = suggest_bench.preselection(sets, MIN_SCORE, MIN_MARGIN)
    assert (kept, lost, avoided, wrong) == (90, 5, 8, 4)
    assert avoided > lost and avoided >= 2 * wrong


# -- learning from what the workspace tagged ----------------------------------------------


def test_past_tags_vote_for_the_competency_of_the_nearest_texts() -> None:
    vote = LearnedIndex(BOOMERANG).vote("Atelier Boomerang chez Orange")
    assert vote.shares == {"qualification": 1.0}
    assert LearnedIndex(BOOMERANG).vote("Rien à voir").shares == {}
    assert LearnedIndex([]).vote("Atelier Boomerang").shares == {}


def test_a_vote_lifts_a_competency_in_proportion_to_its_weight() -> None:
    text = "Atelier Boomerang chez Orange"
    vote = LearnedIndex(BOOMERANG).vote(text)
    alone = suggest(AE, text, top=3)
    assert alone[0].competency.id == "valeurs"
    assert "qualification" not in [s.competency.id for s in alone]
    lifted = suggest(AE, text, top=3, vote=vote)  # the default weight: listed, not first
    assert [s.competency.id for s in lifted][:2] == ["valeurs", "qualification"]
    strong = suggest(AE, text, top=3, vote=vote, weight=2.0)
    assert strong[0].competency.id == "qualification"


def test_the_criterion_most_chosen_before_is_the_one_suggested() -> None:
    key = "aspect:Pricing"
    past = [Tagged("Grille Boomerang présentée au client", "closing", key)]
    text = "Grille Boomerang envoyée au DAF, signature attendue"
    [best] = suggest(AE, text, top=1, vote=LearnedIndex(past).vote(text))
    assert (best.competency.id, best.criterion_key) == ("closing", key)
    # A criterion no longer offered is not suggested.
    stale = [Tagged("Grille Boomerang présentée au client", "closing", "aspect:Disparu")]
    [other] = suggest(AE, text, top=1, vote=LearnedIndex(stale).vote(text))
    assert other.criterion_key != "aspect:Disparu"


def test_a_suggestion_carries_ids_and_a_score_never_a_text() -> None:
    assert {f.name for f in fields(Suggestion)} == {"competency", "criterion_key", "score"}
    vote = LearnedIndex(BOOMERANG).vote("Atelier Boomerang")
    assert set(vote.shares) | set(vote.criteria) <= {c.id for c in AE.all_competencies()}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_cache_loads_once_until_it_expires_or_the_workspace_changes() -> None:
    clock, loads = Clock(), []

    def load(limit: int) -> list[Tagged]:
        loads.append(limit)
        return BOOMERANG

    cache = LearnedCache(clock, timedelta(minutes=5), limit=300)
    first = cache.index(1, "account-executive", load)
    assert cache.index(1, "account-executive", load) is first and loads == [300]
    cache.index(2, "account-executive", load)  # another workspace: its own
    assert loads == [300, 300]
    cache.forget(1)
    assert cache.index(1, "account-executive", load) is not first and len(loads) == 3
    clock.now += timedelta(minutes=5)
    cache.index(2, "account-executive", load)
    assert len(loads) == 4


def test_the_command_line_still_ranks_a_text_the_form_would_not_choose_for() -> None:
    out, err = io.StringIO(), io.StringIO()
    text = "Booked 5 meetings from cold calls this week"
    argv = ["evidence", "suggest", "--referentiel", "account-executive", "--json", text]
    assert main(argv, out=out, err=err) == 0
    rows = json.loads(out.getvalue())
    assert rows[0]["competency"] == "prospection" and 0 < rows[0]["score"] < MIN_SCORE
    assert len(rows) == 3
