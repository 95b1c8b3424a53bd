"""A file delivered once per consent, however often the consent arrives.

Teams may deliver a person's "yes" to a file twice (a retried invoke); the upload must
happen once. The first to insert the consent's key (:class:`storage.models.FileClaim`,
its primary key) delivers; any other insert fails, and that consent delivers nothing. A
delivery that fails gives its claim back, so the person can say yes again. Claims older
than :data:`KEPT` are pruned: a consent is answered within minutes, and a key says
nothing about anyone.

A person's consent to share their VAE livret with their manager is kept the same way
(:mod:`bot.app.vae_share`): a claim of a key derived from the request, which
:func:`held` finds while the manager accepts the files — for :data:`KEPT` at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import FileClaim

KEPT = timedelta(days=30)


def take(session: Session, key: str, now: datetime) -> None:
    """Insert the claim of ``key`` (flushed: raises IntegrityError when it is taken),
    pruning the claims nobody will ask about again."""
    session.execute(delete(FileClaim).where(FileClaim.claimed_at < now - KEPT))
    session.add(FileClaim(key=key, claimed_at=now))
    session.flush()


def held(session: Session, key: str, now: datetime) -> bool:
    """Whether ``key`` is claimed (and not yet pruned): a consent recorded as a claim
    holds for :data:`KEPT`."""
    found = session.scalar(
        select(FileClaim.key).where(FileClaim.key == key, FileClaim.claimed_at >= now - KEPT)
    )
    return found is not None


def release(session: Session, key: str) -> None:
    """``key`` free again: its delivery failed, nothing was delivered."""
    session.execute(delete(FileClaim).where(FileClaim.key == key))
