"""Evidence that tags itself: the competencies (and criterion) a text most likely shows.

A person who logs « J'ai décroché un RDV avec la DSI de Leroy » should not have to hunt
for the competency in a menu of twenty. This ranks the référentiel's competencies for a
text, best first, with a score, offline and in the process: lexical retrieval (BM25, the
``rank_bm25`` library) over the référentiel's own words — competency statements,
criteria, knowledge, level aspects and expected results — after a French-aware
normalisation (case, accents, elision ``l'``/``d'``/``qu'``, Snowball stemming) of both
sides. Sales people write in jargon and sometimes in English while the référentiels are
in French: a small lexicon (:mod:`bot.domain.suggest_lexicon`) adds the référentiel's
words to the text's (``RDV`` → « rendez-vous », ``discount`` → « réduction »), never the
other way round, so the référentiel's text is only ever read, never rewritten.

The criterion (or, on a matrix, the level aspect) is the best-scoring one of the best
competency's :func:`~bot.domain.evidence.criterion_choices`, so its key is the one the
evidence form offers. An index is built once per référentiel and kept (a few ms).

What a workspace has already tagged can lift a competency (a :class:`Vote`, from
:mod:`bot.domain.suggest_learn`), and the form only preselects a suggestion that is
clear enough (:func:`confident`): a low score, or one hardly above the second, is more
often wrong than right on the labelled sets (bench/suggest_bench.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]
from rank_bm25 import BM25Okapi  # type: ignore[import-untyped]

from bot.domain.evidence import ASPECT_PREFIX, criterion_choices
from bot.domain.suggest_lexicon import EXPANSIONS, STOPWORDS
from referentiels.models import Competency, Referentiel

_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_CACHE_SIZE = 32  # référentiels indexed at once (five built in, a workspace's own)
# The form preselects the first suggestion only when its score is at least MIN_SCORE and
# at least MIN_MARGIN (a share of it) above the second's. Chosen on the labelled sets of
# bench/suggest_bench.py, which reports what the rule avoids and what it loses.
MIN_SCORE = 2.0
MIN_MARGIN = 0.10
# What a workspace's past tags add: their share of the vote times the référentiel's best
# score (or 1, when the référentiel's words match nothing) times this.
LEARNED_WEIGHT = 0.25


@dataclass(frozen=True)
class Suggestion:
    """One competency a text may show, with the criterion it fits best, if any."""

    competency: Competency
    criterion_key: str | None
    score: float


@dataclass(frozen=True)
class Vote:
    """What a workspace's past tags say of a text: each competency's share of the
    nearest past texts' weight (0 to 1), and per competency the criterion most voted for."""

    shares: dict[str, float]
    criteria: dict[str, str]


def confident(
    suggestions: Sequence[Suggestion], min_score: float = MIN_SCORE, margin: float = MIN_MARGIN
) -> Suggestion | None:
    """The first suggestion when it is clear enough to choose for the person: its score
    at least ``min_score`` and ``margin`` (a share of it) above the second's; else none."""
    if not suggestions or suggestions[0].score < min_score:
        return None
    best = suggestions[0].score
    second = suggestions[1].score if len(suggestions) > 1 else 0.0
    return suggestions[0] if best - second >= margin * best else None


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return str(_FRENCH.stemWord(word))


_FRENCH = snowballstemmer.stemmer("french")
_LOCK = threading.Lock()  # snowballstemmer's stemmers keep state while they stem


def _fold(text: str) -> str:
    """Lower case without accents (« Négociée » → « negociee »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def terms(text: str) -> list[str]:
    """The words of ``text`` as the index compares them: elisions cut, stop words left
    out, stemmed in French (accents kept for the stemmer, then removed)."""
    words = _WORD.findall(_ELISION.sub(" ", text.casefold().replace("’", "'")))
    out: list[str] = []
    with _LOCK:
        for word in words:
            if _fold(word) in STOPWORDS or (len(word) < 2 and not word.isdigit()):
                continue
            out.append(_fold(_stem(word)))
    return out


# Each lexicon entry as a pattern: its words in a row, each maybe in the plural.
_EXPANSIONS = [
    (re.compile(r"\b" + r"s?\s+".join(map(re.escape, phrase.split())) + r"s?\b"), words)
    for phrase, words in EXPANSIONS.items()
]


def query_terms(text: str) -> list[str]:
    """The text's own terms, plus the référentiel words its jargon stands for."""
    folded = " ".join(_WORD.findall(_fold(_ELISION.sub(" ", text.replace("’", "'")))))
    extra = [words for pattern, words in _EXPANSIONS if pattern.search(folded)]
    return terms(text) + terms(" ".join(extra))


def _competency_text(competency: Competency) -> str:
    parts = [competency.title, *competency.knowledge]
    for criterion in competency.criteria:
        parts += [criterion.text, *criterion.items, criterion.conclusion or ""]
    for descriptor in competency.levels.values():
        parts.append(descriptor.expected_result or "")
        for aspect in descriptor.aspects:
            parts += [aspect.name or "", aspect.text, aspect.outcome or ""]
    return " ".join(parts)


def _choice_text(competency: Competency, key: str, text: str) -> str:
    """A criterion's words with its list; an aspect's name with what every level says."""
    for index, criterion in enumerate(competency.criteria):
        if competency.criterion_key(index) == key:
            return " ".join([criterion.text, *criterion.items, criterion.conclusion or ""])
    if key.startswith(ASPECT_PREFIX):
        said = [
            f"{aspect.text} {aspect.outcome or ''}"
            for descriptor in competency.levels.values()
            for aspect in descriptor.aspects
            if aspect.name == text
        ]
        return " ".join([text, *said])
    return text


class SuggestIndex:
    """The BM25 index of one référentiel: one document per competency, and per competency
    one per criterion (or aspect) to choose among."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.competencies = referentiel.all_competencies()
        self._bm25 = BM25Okapi([terms(_competency_text(c)) or ["_"] for c in self.competencies])
        self._criteria: dict[str, tuple[list[str], list[set[str]]]] = {}
        for competency in self.competencies:
            choices = criterion_choices(competency)
            self._criteria[competency.id] = (
                [choice.key for choice in choices],
                [set(terms(_choice_text(competency, c.key, c.text))) for c in choices],
            )

    def rank(
        self, text: str, top: int = 3, vote: Vote | None = None, weight: float = LEARNED_WEIGHT
    ) -> list[Suggestion]:
        """The ``top`` competencies that ``text`` most likely shows, best first; none for a
        text that shares no word with the référentiel (nor, given a ``vote``, with what the
        workspace tagged before)."""
        query = query_terms(text)
        if not query or top < 1:
            return []
        scores = [float(score) for score in self._bm25.get_scores(query)]
        criteria: dict[str, str] = {}
        if vote is not None and vote.shares:
            scale = max(max(scores, default=0.0), 1.0) * weight
            for i, competency in enumerate(self.competencies):
                scores[i] += scale * vote.shares.get(competency.id, 0.0)
            criteria = vote.criteria
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [
            Suggestion(
                self.competencies[i],
                self._learned_criterion(self.competencies[i], criteria)
                or self._criterion(self.competencies[i], query),
                scores[i],
            )
            for i in order[:top]
            if scores[i] > 0
        ]

    def _learned_criterion(self, competency: Competency, criteria: dict[str, str]) -> str | None:
        """The criterion past tags chose most for this competency, if still offered."""
        key = criteria.get(competency.id)
        return key if key is not None and key in self._criteria[competency.id][0] else None

    def _criterion(self, competency: Competency, query: Sequence[str]) -> str | None:
        """The criterion sharing the most of the text's terms (rarer terms weigh more);
        none when no criterion shares any."""
        keys, bags = self._criteria[competency.id]
        weights = {term: max(float(self._bm25.idf.get(term, 0.0)), 0.1) for term in query}
        best, best_score = None, 0.0
        for key, bag in zip(keys, bags, strict=True):
            score = sum(weights[term] for term in set(query) if term in bag)
            if score > best_score:
                best, best_score = key, score
        return best


_INDEXES: dict[int, tuple[Referentiel, SuggestIndex]] = {}
_INDEXES_LOCK = threading.Lock()


def index_of(referentiel: Referentiel) -> SuggestIndex:
    """The référentiel's index, built on first use and kept (the référentiel with it, so
    its identity stays its own)."""
    with _INDEXES_LOCK:
        kept = _INDEXES.get(id(referentiel))
        if kept is not None and kept[0] is referentiel:
            return kept[1]
    index = SuggestIndex(referentiel)
    with _INDEXES_LOCK:
        if len(_INDEXES) >= _CACHE_SIZE:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[id(referentiel)] = (referentiel, index)
    return index


def suggest(
    referentiel: Referentiel,
    text: str,
    top: int = 3,
    vote: Vote | None = None,
    weight: float = LEARNED_WEIGHT,
) -> list[Suggestion]:
    """The competencies ``text`` most likely shows on ``referentiel``, best first (lifted
    by what the workspace tagged before, given its ``vote``)."""
    return index_of(referentiel).rank(text, top, vote, weight)
