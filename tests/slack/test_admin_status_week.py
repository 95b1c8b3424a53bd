"""``/palier admin status``: this week's participation and who is late (issue #10).

A workspace of 151 people with three weeks of history (``tests/support/company.py``) in
the emulator, asked on Thursday at 08:00 in their time zone; on Friday at 09:30 in Paris
an admin asks for the status. This week is each person's own: done out of asked, by
référentiel; late is asked at least ``PALIER_REMINDER_HOURS`` (24) ago and not answered —
so Paris's check-ins still unanswered are late, New York's (asked 19.5 hours before) not
yet. The late are named, the first ten, then how many others; the answer is ephemeral
and for admins only. French and English.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus
from tests.slack.conftest import World
from tests.support.company import MANAGER_USER_ID, Company, build_company, report_user_id

CATALOG = ReferentielCatalog.load(None)
BUILT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
ASKED_AT = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)  # Friday 09:30 in Paris
REPORTS = 150

WORDS = {
    "fr": {
        "week": r"Cette semaine \(la semaine de chacun, dans son fuseau horaire\) : "
        r"(\d+) check-ins faits, sur (\d+) personnes sollicitées\.",
        "late": r"En retard \((\d+)\), sollicitées il y a plus de 24 heures et sans réponse : "
        r"(.*) et (\d+) autres",
        "line": "• Account Executive : {done} sur {asked}",
        "refused": "Cette commande est réservée aux administrateurs",
    },
    "en": {
        "week": r"This week \(each person's week, in their time zone\): "
        r"(\d+) check-ins done, out of (\d+) people asked\.",
        "late": r"Late \((\d+)\), asked more than 24 hours ago with no answer yet: "
        r"(.*) and (\d+) others",
        "line": "• Account Executive: {done} of {asked}",
        "refused": "This command is for Palier's administrators",
    },
}


def _answer(world: World, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def _workspace(world: World, locale: str) -> Company:
    world.emulator.add_user(
        MANAGER_USER_ID,
        "boss",
        "Boss",
        "boss@example.fr",
        locale="fr-FR" if locale == "fr" else "en-US",
        is_admin=True,
    )
    world.emulator.add_user(report_user_id(1), "r1", "Report 00001", "r1@example.fr")
    world.at(BUILT)
    company = build_company(
        world.palier.core.sessions,
        CATALOG,
        reports=REPORTS,
        weeks=3,
        now=BUILT,
        team_id=world.emulator.workspace.team_id,
    )
    with session_scope(world.palier.core.sessions) as session:
        session.execute(
            update(Person)
            .where(Person.id == company.manager_id)
            .values(locale=locale, locale_chosen=True)
        )
    world.at(ASKED_AT)
    return company


def _expected(world: World, company: Company) -> tuple[int, int, list[str], dict[str, int]]:
    """Done, asked, the late people's names (sorted) and asked by référentiel, from the
    rows."""
    with world.session() as session:
        rows = session.execute(
            select(CheckinPrompt.status, CheckinPrompt.sent_at, Person)
            .join(Person, Person.id == CheckinPrompt.person_id)
            .where(CheckinPrompt.closes_at > ASKED_AT, Person.active.is_(True))
        ).all()
    asked = [
        r for r in rows if r[0] in (PromptStatus.SENT, PromptStatus.DONE, PromptStatus.SKIPPED)
    ]
    done = sum(1 for r in asked if r[0] is PromptStatus.DONE)
    late_since = ASKED_AT - timedelta(hours=24)
    late = sorted(
        r[2].display_name or ""
        for r in asked
        if r[0] is PromptStatus.SENT and r[1] is not None and r[1].replace(tzinfo=UTC) <= late_since
    )
    by_referentiel: dict[str, int] = {}
    for r in asked:
        by_referentiel[r[2].referentiel_id] = by_referentiel.get(r[2].referentiel_id, 0) + 1
    return done, len(asked), late, by_referentiel


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_status_says_this_weeks_participation_and_who_is_late(world: World, locale: str) -> None:
    words = WORDS[locale]
    company = _workspace(world, locale)
    done, asked, late, by_referentiel = _expected(world, company)
    assert len(late) > 10 and asked > len(late)  # enough for the list to be cut
    answer = _answer(world, MANAGER_USER_ID, "admin status").replace("*", "")  # bold aside
    week = re.search(words["week"], answer)
    assert week is not None, answer
    assert (int(week.group(1)), int(week.group(2))) == (done, asked)
    cut = re.search(words["late"], answer)
    assert cut is not None, answer
    assert int(cut.group(1)) == len(late)
    assert cut.group(2).split(", ") == late[:10]  # the first ten, by name
    assert int(cut.group(3)) == len(late) - 10
    executives = by_referentiel["account-executive"]
    assert words["line"].format(done=_done_on(world, "account-executive"), asked=executives) in (
        answer
    )
    # New York's check-ins went out at 08:00 there, 19.5 hours ago: not late yet.
    with world.session() as session:
        elsewhere = session.scalars(
            select(Person.display_name).where(Person.timezone == "America/New_York")
        ).all()
    assert elsewhere and not any(name in cut.group(2) for name in elsewhere)


def _done_on(world: World, referentiel_id: str) -> int:
    with world.session() as session:
        return len(
            session.scalars(
                select(CheckinPrompt.id)
                .join(Person, Person.id == CheckinPrompt.person_id)
                .where(
                    CheckinPrompt.closes_at > ASKED_AT,
                    CheckinPrompt.status == PromptStatus.DONE,
                    Person.referentiel_id == referentiel_id,
                    Person.active.is_(True),
                )
            ).all()
        )


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_only_an_admin_gets_the_status(world: World, locale: str) -> None:
    _workspace(world, locale)
    answer = _answer(world, report_user_id(1), "admin status")
    assert answer.startswith(WORDS["fr"]["refused"])  # the report's Slack is in French
    assert "Report" not in answer
