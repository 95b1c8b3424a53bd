"""What the application layer's tests share: the actors, a fixed time, and a directory
port that says what the test tells it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event

from bot.app.actor import ActorRef
from bot.domain.people import DirectoryError, Profile
from storage.models import Platform

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TEAM = "T0ACME"
ALICE = ActorRef(Platform.SLACK, TEAM, "U0ALICE")
STRANGER = ActorRef(Platform.SLACK, TEAM, "U0NOBODY")


class Directory:
    """The platform's directory as the port describes it, with what it says of people."""

    def __init__(self, *profiles: Profile, failing: bool = False) -> None:
        self.profiles = {profile.user_id: profile for profile in profiles}
        self.failing = failing

    def lookup_by_email(self, email: str) -> Profile | None:
        return next((p for p in self.profiles.values() if p.email == email), None)

    def profile(self, user_id: str) -> Profile | None:
        if self.failing:
            raise DirectoryError("the platform did not answer")
        return self.profiles.get(user_id)


@contextmanager
def counting_sql(engine: Engine) -> Iterator[tuple[list[str], list[object]]]:
    """Every statement the engine runs inside the block, and every transaction begun."""
    seen: list[str] = []
    begun: list[object] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    def begin(connection: Any) -> None:
        begun.append(connection)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        yield seen, begun
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
