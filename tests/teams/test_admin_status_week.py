"""``admin status`` in Teams: this week's participation and who is late (issue #10).

Alice is asked on Thursday at 16:00 in Paris; on Friday at 16:30, 24.5 hours later and
no answer, she is late (``PALIER_REMINDER_HOURS``, 24); once she checks in, nobody is —
through the real Teams SDK and the emulator, SQLite and PostgreSQL, French and English.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulators.teams import TeamsEmulator, User
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import check_in

ADMIN_ID = "5b0f6d1e-3c2a-4e8b-9f7d-a1b2c3d4e5f6"
FRIDAY_1630_PARIS = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)

WORDS = {
    "fr": {
        "week_before": "0 check-in fait, sur 1 personne sollicitée.",
        "late": "En retard (1), sollicitée il y a plus de 24 heures et sans réponse : Alice Martin",
        "week_after": "1 check-in fait, sur 1 personne sollicitée.",
        "nobody_late": "Personne n'est en retard",
    },
    "en": {
        "week_before": "0 check-ins done, out of 1 person asked.",
        "late": "Late (1), asked more than 24 hours ago with no answer yet: Alice Martin",
        "week_after": "1 check-in done, out of 1 person asked.",
        "nobody_late": "Nobody is late",
    },
}


@pytest.fixture(autouse=True)
def admins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paul's Entra object id is in PALIER_ADMIN_USER_IDS (before the world reads it)."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ADMIN_ID)


def _say(world: TeamsWorld, user: User, text: str) -> str:
    assert world.teams.send_message(user, text).ok
    answer = world.teams.latest_message(user)
    assert answer is not None
    return world.teams.render(answer)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_status_says_who_checked_in_this_week_and_who_is_late(
    world: TeamsWorld, emulator: TeamsEmulator, locale: str
) -> None:
    words = WORDS[locale]
    paul = emulator.add_user(
        "Paul Durand",
        "paul.durand@example.fr",
        aad_object_id=ADMIN_ID,
        locale="fr-FR" if locale == "fr" else "en-GB",
    )
    for user in (paul, world.alice):
        world.teams.install(user)
    assert world.tick().sent == 1  # Alice's check-in
    world.clock.now = FRIDAY_1630_PARIS
    status = _say(world, paul, "admin status")
    assert words["week_before"] in status and words["late"] in status, status
    check_in(world, world.alice, "intermediaire")
    status = _say(world, paul, "admin status")
    assert words["week_after"] in status and words["nobody_late"] in status, status
    # Alice is no administrator: the same refusal as for any admin command.
    assert "Alice" not in _say(world, world.alice, "admin status")
