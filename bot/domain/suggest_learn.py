"""Suggestions that learn from what a workspace has already tagged.

The référentiel's words (:mod:`bot.domain.suggest`) do not know a team's own jargon: a
tool's name, a customer's, an internal ritual. What people of the workspace finally
chose for their past evidence does: « séquence Lemlist » tagged « Prospection » twice
makes the third one land there too. This keeps, per workspace and référentiel, a small
BM25 index (``rank_bm25``, the same normalisation as the référentiel's) over the texts of
its last tagged evidence; a text's nearest past texts vote for the competency (and the
criterion) they were tagged with, and the vote is added to the référentiel's score in
proportion to it. The référentiel's ranking stays the base: a workspace with no history
ranks exactly as before.

Privacy: past texts only shape scores; a suggestion carries competency and criterion
ids and a score, never a text (nor whose it was). Cost: one query for at most the last
``limit`` tagged evidence, its index kept a short while per workspace and forgotten as
soon as evidence of that workspace is saved or deleted in this process
(:class:`LearnedCache`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rank_bm25 import BM25Okapi  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.suggest import Vote, query_terms, terms
from storage.models import Evidence

NEIGHBOURS = 5  # past texts that vote for a new one
# How long a workspace's learned index is kept when nothing changes here (another
# process's new evidence is learned from after this at most).
LEARNED_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class Tagged:
    """A past evidence text and what its author finally tagged it with."""

    text: str
    competency_id: str
    criterion_key: str | None = None


class _SmallCorpusBM25(BM25Okapi):  # type: ignore[misc]  # rank_bm25 is untyped
    """BM25 with Lucene's idf, ``log(1 + (N - n + 0.5) / (n + 0.5))``: above zero even for
    a word of every text, so a workspace's first few evidence already count (Okapi's idf
    is zero or below for a word of half the texts or more: with one text, for all)."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


class LearnedIndex:
    """BM25 over a workspace's past tagged evidence texts."""

    def __init__(self, tagged: Sequence[Tagged]) -> None:
        self.tagged = [t for t in tagged if terms(t.text)]
        self._bm25 = _SmallCorpusBM25([terms(t.text) for t in self.tagged]) if self.tagged else None

    def __len__(self) -> int:
        return len(self.tagged)

    def vote(self, text: str) -> Vote:
        """The nearest past texts' tags, weighted by how near they are."""
        query = query_terms(text)
        if self._bm25 is None or not query:
            return Vote({}, {})
        scores = self._bm25.get_scores(query)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:NEIGHBOURS]
        weights: dict[str, float] = {}
        criteria: dict[tuple[str, str], float] = {}
        for i in order:
            if scores[i] <= 0:
                break
            tag = self.tagged[i]
            weights[tag.competency_id] = weights.get(tag.competency_id, 0.0) + float(scores[i])
            if tag.criterion_key:
                pair = (tag.competency_id, tag.criterion_key)
                criteria[pair] = criteria.get(pair, 0.0) + float(scores[i])
        total = sum(weights.values())
        if total <= 0:
            return Vote({}, {})
        best: dict[str, tuple[float, str]] = {}
        for (competency_id, criterion_key), weight in sorted(criteria.items()):
            if weight > best.get(competency_id, (0.0, ""))[0]:
                best[competency_id] = (weight, criterion_key)
        return Vote(
            {cid: weight / total for cid, weight in weights.items()},
            {cid: criterion_key for cid, (_, criterion_key) in best.items()},
        )


def recent_tagged(
    session: Session, tenant_id: int, referentiel_id: str, limit: int
) -> list[Tagged]:
    """The workspace's last ``limit`` evidence on the référentiel, newest first: one query."""
    rows = session.execute(
        select(Evidence.text, Evidence.competency_id, Evidence.criterion_key)
        .where(Evidence.tenant_id == tenant_id, Evidence.referentiel_id == referentiel_id)
        .order_by(Evidence.id.desc())
        .limit(limit)
    )
    return [Tagged(text, competency_id, criterion) for text, competency_id, criterion in rows]


class LearnedCache:
    """Each workspace's learned index per référentiel, kept ``ttl`` at most and forgotten
    when that workspace's evidence changes here (another process's change is seen once
    ``ttl`` has passed)."""

    def __init__(self, clock: Callable[[], datetime], ttl: timedelta, limit: int) -> None:
        self.clock, self.ttl, self.limit = clock, ttl, limit
        self._kept: dict[tuple[int, str], tuple[datetime, LearnedIndex]] = {}
        self._lock = threading.Lock()

    def index(
        self, tenant_id: int, referentiel_id: str, load: Callable[[int], Iterable[Tagged]]
    ) -> LearnedIndex:
        """The workspace's index, built from ``load(limit)`` when none is kept or fresh."""
        now, key = self.clock(), (tenant_id, referentiel_id)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and now - kept[0] < self.ttl:
                return kept[1]
        index = LearnedIndex(list(load(self.limit)))
        with self._lock:
            self._kept[key] = (now, index)
        return index

    def forget(self, tenant_id: int) -> None:
        """The workspace's evidence changed: its indexes are built again on next use."""
        with self._lock:
            for key in [k for k in self._kept if k[0] == tenant_id]:
                del self._kept[key]
