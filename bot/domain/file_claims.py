"""A file delivered once per consent, however often the consent arrives.

Teams may deliver a person's "yes" to a file twice (a retried invoke); the upload must
happen once. The first to insert the consent's key (:class:`storage.models.FileClaim`,
its primary key) delivers; any other insert fails, and that consent delivers nothing. A
delivery that fails gives its claim back, so the person can say yes again. Claims older
than :data:`KEPT` are pruned: a consent is answered within minutes, and a key says
nothing about anyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import FileClaim

KEPT = timedelta(days=30)


def take(session: Session, key: str, now: datetime) -> None:
    """Insert the claim of ``key`` (flushed: raises IntegrityError when it is taken),
    pruning the claims nobody will ask about again."""
    session.execute(delete(FileClaim).where(FileClaim.claimed_at < now - KEPT))
    session.add(FileClaim(key=key, claimed_at=now))
    session.flush()


def release(session: Session, key: str) -> None:
    """``key`` free again: its delivery failed, nothing was delivered."""
    session.execute(delete(FileClaim).where(FileClaim.key == key))
