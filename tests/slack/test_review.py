"""The manager's review of self-ratings, through the emulator."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy import select

from emulators.slack import Message, render_blocks, render_view
from handlers.slack import ids
from storage.models import Person, Rater, Rating
from tests.slack.conftest import ALICE, BOB, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _check_in(world: World, user: str, level: str, evidence: str | None = None) -> None:
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    world.driver.click(user, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {
        b["block_id"]: level for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    if evidence:
        values["evidence:closing"] = evidence
        values["link:closing"] = "https://crm.example.com/deals/9"
    assert world.driver.submit_view(user, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(user)) >= 2 or None)


def _team(world: World) -> None:
    """Chloé manages Alice and Bob, who have checked in once."""
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
        people[BOB].manager_id = people[CHLOE].id
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    world.tick()
    _check_in(world, ALICE, "Intermédiaire", evidence="Acme signé après 3 rendez-vous")
    _check_in(world, BOB, "Junior")


def _ephemerals(world: World, user: str, seen: int) -> list:  # type: ignore[type-arg]
    return world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )


def _manager_ratings(world: World, user: str) -> dict[str, str]:
    with world.session() as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id)
            .join(Person, Person.id == Rating.person_id)
            .where(Person.platform_user_id == user, Rating.rater == Rater.MANAGER)
        ).all()
    return dict(rows)


def test_manager_reviews_a_report_and_the_report_is_told(world: World) -> None:
    _team(world)
    world.driver.slash_command(CHLOE, "/palier", "review")
    listing = _ephemerals(world, CHLOE, 0)[-1]
    text = render_blocks(listing.blocks)
    assert "Alice Martin — 5 compétences à revoir" in text
    assert "Bob Stone — 5 compétences à revoir" in text
    alice_row = next(b for b in listing.blocks if "Alice" in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, listing, action_id=alice_row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    screen = render_view(modal.data)
    assert "Auto-évaluation : Intermédiaire" in screen
    assert "Acme signé après 3 rendez-vous" in screen  # the evidence behind the rating
    answer = world.driver.submit_view(
        CHLOE,
        modal,
        {
            "review_level:closing": "Junior",
            "review_comment": "Bien joué sur Acme ; on reparle de la négociation.",
            "review_share": ["Montrer ce commentaire à Alice Martin"],
        },
    )
    assert answer.outcome == "close"
    told = world.emulator.wait_for(
        lambda: next(
            (m for m in world.dms(ALICE) if "a revu votre check-in" in (m.text or "")), None
        )
    )
    notice = render_blocks(told.blocks)
    assert "Prospection : Intermédiaire (confirmé)" in notice
    assert "Closing : Junior selon votre manager (vous : Intermédiaire)" in notice
    assert "Bien joué sur Acme" in notice
    # Self-ratings are untouched; manager ratings sit beside them.
    ratings = _manager_ratings(world, ALICE)
    assert ratings["closing"] == "junior" and ratings["prospection"] == "intermediaire"
    with world.session() as session:
        selves = session.scalars(
            select(Rating.level_id)
            .join(Person, Person.id == Rating.person_id)
            .where(Person.platform_user_id == ALICE, Rating.rater == Rater.SELF)
        ).all()
    assert sorted(selves) == ["intermediaire"] * 5
    # Alice is no longer awaiting review; Bob still is.
    world.driver.slash_command(CHLOE, "/palier", "review")
    listing = _ephemerals(world, CHLOE, 1)[-1]
    assert "Alice" not in render_blocks(listing.blocks) and "Bob" in render_blocks(listing.blocks)


def _log(world: World, user: str, competency: str, text: str, day: str) -> None:
    """``user`` logs a piece of evidence of that day with /palier log."""
    assert world.driver.slash_command(user, "/palier", "log").ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {ids.EV_COMPETENCY_BLOCK: competency, ids.EV_TEXT_BLOCK: text, ids.EV_DATE_BLOCK: day}
    assert world.driver.submit_view(user, modal, values).outcome == "close"


def _evidence_lines(screen: str) -> list[str]:
    return [line.strip() for line in screen.splitlines() if line.strip().startswith("Preuve du")]


def test_the_review_dates_each_piece_of_evidence_newest_first_in_french(world: World) -> None:
    _team(world)  # Alice's check-in on Friday 27 November, with its evidence
    _log(world, ALICE, "Closing", "Relance Globex signée", "2025-12-03")
    _log(world, ALICE, "Closing", "Démo chez Initech", "2026-01-15")
    world.driver.slash_command(CHLOE, "/palier", "review")
    listing = _ephemerals(world, CHLOE, 0)[-1]
    alice_row = next(b for b in listing.blocks if "Alice" in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, listing, action_id=alice_row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    screen = render_view(modal.data)
    # This year's days without their year, last year's with it, the newest first.
    assert _evidence_lines(screen) == [
        "Preuve du 27 nov. : Acme signé après 3 rendez-vous https://crm.example.com/deals/9",
        "Preuve du 15 janv. : Démo chez Initech",
        "Preuve du 3 déc. 2025 : Relance Globex signée",
    ]


def test_the_review_dates_each_piece_of_evidence_in_english(world: World) -> None:
    for user in (ALICE, BOB):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[BOB].id  # Bob reads English (en-US)
    world.at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    world.tick()
    _check_in(world, ALICE, "Intermédiaire", evidence="Acme signé après 3 rendez-vous")
    _log(world, ALICE, "Closing", "Relance Globex signée", "2025-12-03")
    world.driver.slash_command(BOB, "/palier", "review")
    listing = _ephemerals(world, BOB, 0)[-1]
    alice_row = next(b for b in listing.blocks if "Alice" in b.get("text", {}).get("text", ""))
    world.driver.click(BOB, listing, action_id=alice_row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(BOB))
    screen = render_view(modal.data)
    assert "Evidence from Nov 27: Acme signé après 3 rendez-vous" in screen
    assert "Evidence from Dec 3, 2025: Relance Globex signée" in screen


def test_an_unshared_comment_is_not_told(world: World) -> None:
    _team(world)
    world.driver.slash_command(CHLOE, "/palier", "review")
    listing = _ephemerals(world, CHLOE, 0)[-1]
    bob_row = next(b for b in listing.blocks if "Bob" in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, listing, action_id=bob_row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    first = world.driver.submit_view(CHLOE, modal, {"review_comment": "À suivre de près."})
    assert first.outcome == "close"
    told = world.emulator.wait_for(
        lambda: next(
            (m for m in world.dms(BOB) if "reviewed your check-in" in (m.text or "")), None
        )
    )
    assert "À suivre" not in render_blocks(told.blocks)
    assert "Prospection: Junior (confirmed)" in render_blocks(told.blocks)
    # The same submission delivered again stores nothing more.
    assert first.payload is not None
    body = urlencode({"payload": json.dumps(first.payload)}).encode()
    assert world.driver.post(body, "application/x-www-form-urlencoded").ok
    with world.session() as session:
        count = len(session.scalars(select(Rating).where(Rating.rater == Rater.MANAGER)).all())
    assert count == 5


def test_members_and_other_managers_cannot_review(world: World) -> None:
    _team(world)
    world.driver.slash_command(ALICE, "/palier", "review")
    assert (
        _ephemerals(world, ALICE, 0)[-1].text
        == "La revue est réservée aux managers, pour leur équipe."
    )
    # Alice forges a click on Bob's review: the same words as for anything gone.
    with world.session() as session:
        bob = session.scalars(select(Person).where(Person.platform_user_id == BOB)).one()
    world.forge_click(ALICE, "review_open", str(bob.id))
    assert _ephemerals(world, ALICE, 1)[-1].text == "Cette revue n'est plus disponible."
    assert world.driver.modal(ALICE) is None
    assert _manager_ratings(world, BOB) == {}


def test_the_weekly_review_reaches_the_manager_the_day_after_once(world: World) -> None:
    for user in (ALICE, BOB, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
        people[BOB].manager_id = people[CHLOE].id
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # Thursday 16:00 in Paris
    world.tick()
    _check_in(world, ALICE, "Intermédiaire", evidence="Acme signé après 3 rendez-vous")
    # Chloé is in Kolkata: Friday 16:00 there is 10:30 UTC.
    other = world.process()
    world.at(datetime(2026, 11, 27, 10, 29, tzinfo=UTC))
    assert world.tick().digests == 0
    world.at(datetime(2026, 11, 27, 10, 30, tzinfo=UTC))
    reports = [world.tick(), world.tick(other)]
    assert sum(r.digests for r in reports) == 1
    digest = next(m for m in world.dms(CHLOE) if "Revue de l'équipe" in (m.text or ""))
    text = render_blocks(digest.blocks)
    assert "Alice Martin — check-in fait ✅" in text
    assert "Closing : Intermédiaire (première évaluation)" in text
    assert "Preuve du 26 nov. : Acme signé après 3 rendez-vous" in text  # its day, in French
    assert "5 auto-évaluations à revoir" in text
    assert "Bob Stone — check-in pas encore fait" in text
    # Review opens from the digest, as from /palier review.
    alice_row = next(b for b in digest.blocks if "Alice" in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, digest, action_id=alice_row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    assert "Auto-évaluation : Intermédiaire" in render_view(modal.data)
    # Later ticks that week send nothing more; Alice and Bob get no digest.
    world.at(datetime(2026, 11, 28, 10, 30, tzinfo=UTC))
    assert world.tick().digests == 0
    assert not any(
        "Revue de l'équipe" in (m.text or "") for u in (ALICE, BOB) for m in world.dms(u)
    )


def test_a_weekly_review_whose_connection_dropped_after_it_went_out_is_not_sent_again(
    world: World,
) -> None:
    for user in (ALICE, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    world.tick()
    _check_in(world, ALICE, "Intermédiaire")
    world.emulator.inject("chat.postMessage", reset_after=True)
    world.at(datetime(2026, 11, 27, 10, 30, tzinfo=UTC))  # Friday 16:00 in Kolkata
    report = world.tick()
    assert report.digests == 0 and any("unknown_outcome" in e for e in report.errors)
    world.at(datetime(2026, 11, 27, 10, 31, tzinfo=UTC))
    world.tick()
    digests = [m for m in world.dms(CHLOE) if "Revue de l'équipe" in (m.text or "")]
    assert len(digests) == 1  # Slack posted it once; nobody posts it again


MANY = 120  # more than a message's 50 blocks can list


def _many_reports(world: World) -> list[str]:
    """Chloé manages 120 reports, each with one self-rating awaiting her review."""
    users = [f"U0R{index:03d}" for index in range(MANY)]
    for index, user in enumerate(users):
        world.emulator.add_user(user, f"r{index:03d}", f"Report {index:03d}", None)
    chloe = world.enrol(CHLOE)
    ids = [world.enrol(user) for user in users]
    with world.session() as session, session.begin():
        for person_id in ids:
            person = session.get(Person, person_id)
            assert person is not None
            person.manager_id = chloe
            session.add(
                Rating(
                    tenant_id=person.tenant_id,
                    person_id=person_id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    level_id="senior",
                    rater=Rater.SELF,
                    rater_person_id=person_id,
                    cycle_key="2026-W48",
                    rated_at=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
                )
            )
    return [f"Report {index:03d}" for index in range(MANY)]


def _names(blocks: list[dict[str, object]] | None) -> set[str]:
    return set(re.findall(r"Report \d{3}", render_blocks(blocks)))


def _redrawn(world: World, message: Message) -> Message:
    """The message once redrawn in place (its next version)."""
    seen = len(message.versions)

    def redrawn() -> Message | None:
        current = world.emulator.message(message.channel, message.ts)
        return current if current is not None and len(current.versions) > seen else None

    return world.emulator.wait_for(redrawn)


def _page_through(world: World, first: Message, prefix: str) -> list[set[str]]:
    """Click Next until there is none: the names on each page, each page within limits."""
    shown, message = [], first
    while True:
        blocks = message.blocks or []
        assert len(blocks) <= 50
        shown.append(_names(blocks))
        buttons = [
            e["action_id"]
            for b in blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"].startswith(prefix)
        ]
        if f"{prefix}:next" not in buttons:
            return shown
        world.driver.click(CHLOE, message, action_id=f"{prefix}:next")
        message = _redrawn(world, message)


def test_the_review_list_shows_everyone_a_page_at_a_time(world: World) -> None:
    everyone = _many_reports(world)
    world.driver.slash_command(CHLOE, "/palier", "review")
    [listing] = _ephemerals(world, CHLOE, 0)
    pages = _page_through(world, listing, "review_page")
    assert len(pages) == 3  # 40 a page
    assert set().union(*pages) == set(everyone)
    assert sum(len(page) for page in pages) == MANY  # nobody twice
    assert "Personnes 81 à 120 sur 120" in render_blocks(
        world.emulator.message(listing.channel, listing.ts).blocks  # type: ignore[union-attr]
    )
    assert len(world.emulator.ephemerals_for(CHLOE)) == 1  # redrawn in place


def test_the_weekly_digest_shows_everyone_a_page_at_a_time(world: World) -> None:
    everyone = _many_reports(world)
    world.at(datetime(2026, 11, 27, 10, 30, tzinfo=UTC))  # Friday 16:00 in Kolkata
    assert world.tick().digests == 1
    digest = next(m for m in world.dms(CHLOE) if "Revue de l'équipe" in (m.text or ""))
    pages = _page_through(world, digest, "digest_page")
    assert len(pages) == 6  # 22 a page
    assert set().union(*pages) == set(everyone)
    assert sum(len(page) for page in pages) == MANY
    last = world.emulator.message(digest.channel, digest.ts)
    assert last is not None and "Revue de l'équipe" in render_blocks(last.blocks)
    assert "Personnes 111 à 120 sur 120" in render_blocks(last.blocks)


def test_a_page_number_from_a_button_is_bounded() -> None:
    """A button value is client input: anything but a small number is page 0, and a page
    past the end (a stale or forged button) is the last one."""
    from bot.views.review import clamp_page, page_of

    values = ("2", "-1", "x", "", "9" * 50, "1.5", "²", "99999")
    assert [page_of(v) for v in values] == [2, 0, 0, 0, 0, 0, 0, 10_000]
    assert [clamp_page(p, MANY, 40) for p in (-3, 0, 2, 3, 99_999)] == [0, 0, 2, 2, 2]
    assert clamp_page(5, 0, 40) == 0
