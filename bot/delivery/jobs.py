"""What the tick's jobs share around sending: a failed send kept claimed or given back.

Every job (:class:`bot.delivery.claims.Job`) decides the same first thing when a send
fails: a message that may have gone out, or whose person cannot be written to, stays
claimed and is never sent twice (:func:`stays_claimed`); any other failure gives it back
for a later tick. :class:`GivenBackJob` is that rule for the jobs that record nothing
else for a lost message (the welcomes, the 1:1 briefs), built from the tick's shared
parts: each only says its own state (:meth:`GivenBackJob.setup`) and how it gives a
message back. The digests (which mark a lost one
failed) and the reminders (which count an unreachable person) use :func:`stays_claimed`
and record the rest their own way; the prompts, sent in batches, have a recovery of
their own (:mod:`bot.delivery.dispatch`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.claims import Claimed, Failed, Failure
from bot.delivery.policy import TickPolicy, TickReport
from bot.delivery.workspaces import Workspaces
from referentiels.loader import ReferentielCatalog


def stays_claimed(failed: Failed) -> bool:
    """Whether a failed message stays claimed, never sent again: the person cannot be
    written to, or it may have gone out and cannot be looked for."""
    return failed.failure in (Failure.UNREACHABLE, Failure.LOST)


class GivenBackJob:
    """A job whose failed message is given back unless it stays claimed."""

    kind: str

    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalog: ReferentielCatalog,
        policy: TickPolicy,
        workspaces: Workspaces,
        report: TickReport,
    ) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.policy = policy
        self.workspaces = workspaces
        self.report = report
        self.setup()

    def setup(self) -> None:
        """The job's own state for the tick (none here)."""

    def failed(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        if stays_claimed(failed):
            return  # it may have gone out, or cannot: never sent twice
        self.give_back(claimed, failed, now)

    def give_back(self, claimed: Claimed, failed: Failed, now: datetime) -> None:
        """Give a failed message back for a later tick."""
        raise NotImplementedError
