"""A manager's review of self-ratings in Teams, end to end: the list typed to Palier, a
report's review in a dialog, the report told in their own language, the list shown
again as it now stands; the weekly digest's Review buttons and pages; refusals — through
the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import Evidence, Person, Rater, Rating
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import (
    Team,
    check_in,
    current,
    forged,
    manage,
    manager_ratings,
    person_id,
    sent,
    shown,
    team,
)

FRIDAY_1600_PARIS = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # the digest's day and time


def _checked_in_team(world: TeamsWorld) -> Team:
    """Chloé (English) manages Alice (French), who checked in, and Bob, who did not."""
    people = team(world)
    world.tick()
    check_in(world, people.alice, "intermediaire", evidence="Acme signé après 3 rendez-vous")
    return people


def test_a_manager_reviews_a_report_who_is_told_in_their_own_language(world: TeamsWorld) -> None:
    people = _checked_in_team(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    teams.send_message(chloe, "review")
    listing = teams.latest_message(chloe)
    assert listing is not None
    screen = teams.render(listing)
    assert "Alice Martin — 5 competencies to review" in screen
    assert "Bob" not in screen  # nothing of his awaits review

    assert teams.open_dialog(chloe, listing, "Review").status == 200
    form = teams.screen(chloe)
    assert "Self-rating: Intermédiaire" in form
    # The evidence behind the rating, by the day it happened (en-GB: day then month).
    assert "Evidence from 26 Nov: Acme signé après 3 rendez-vous" in form
    done = teams.submit_dialog(
        chloe,
        {
            "review.level:closing": "junior",
            "review.comment": "Bien joué sur Acme ; on reparle de la négociation.",
            "review.share": "share",
        },
    )
    assert done.outcome == "message"
    assert teams.notice(chloe) == "Review of Alice Martin saved."

    ratings = manager_ratings(world, alice)
    assert ratings["closing"] == "junior" and ratings["prospection"] == "intermediaire"
    notice = sent(world, alice)[-1]
    told = teams.render(notice)
    assert "Chloé Durand a revu votre check-in" in told  # in French, Alice's language
    assert "Prospection : Intermédiaire (confirmé)" in told
    assert "Closing : Junior selon votre manager (vous : Intermédiaire)" in told
    assert "Bien joué sur Acme" in told
    # The list Chloé opened the review from now says there is nothing left to review.
    assert "Nothing to review" in shown(world, listing)
    assert "Review" not in teams.buttons(current(world, listing))

    # Teams delivers the same submission again: nothing more is stored, nobody told twice.
    assert done.activity is not None
    again = teams.deliver(done.activity)
    assert again.status == 200
    with session_scope(world.core.sessions) as session:
        count = session.scalar(
            select(func.count()).select_from(Rating).where(Rating.rater == Rater.MANAGER)
        )
    assert count == 5
    assert sent(world, alice)[-1].id == notice.id


def test_an_unshared_comment_stays_with_the_manager(world: TeamsWorld) -> None:
    people = _checked_in_team(world)
    teams, chloe = world.teams, people.chloe
    teams.send_message(chloe, "revue")
    listing = teams.latest_message(chloe)
    assert listing is not None
    teams.open_dialog(chloe, listing, "Review")
    assert teams.submit_dialog(chloe, {"review.comment": "À suivre de près."}).outcome == "message"
    told = teams.render(sent(world, people.alice)[-1])
    assert "a revu votre check-in" in told and "À suivre" not in told


def test_a_level_that_is_not_one_comes_back_beside_its_field(world: TeamsWorld) -> None:
    """A submission the client would not make (a forged level): nothing stored, the form
    again as it was filled in, the problem beside the competency."""
    people = _checked_in_team(world)
    teams, chloe = world.teams, people.chloe
    teams.send_message(chloe, "review")
    listing = teams.latest_message(chloe)
    assert listing is not None
    teams.open_dialog(chloe, listing, "Review")
    dialog = teams.dialog(chloe)
    assert dialog is not None and dialog.card is not None
    data = {
        **dialog.card["actions"][0]["data"],
        "review.level:closing": "expert",
        "review.comment": "Très bien.",
    }
    answer = teams.deliver(forged(world, chloe, "task/submit", data))
    assert answer.status == 200 and answer.body["task"]["type"] == "continue"
    body = answer.body["task"]["value"]["card"]["content"]["body"]
    ids = [element.get("id") for element in body]
    closing = ids.index("review.level:closing")
    problem = json.dumps(body[closing + 1], ensure_ascii=False)
    assert "This level is not on your framework's scale." in problem  # beside its field
    comment = body[ids.index("review.comment")]
    assert comment["value"] == "Très bien."  # as it was typed
    assert manager_ratings(world, people.alice) == {}  # nothing stored


def test_members_are_refused_politely_and_a_forged_review_says_no_more(world: TeamsWorld) -> None:
    people = _checked_in_team(world)
    teams, alice, bob = world.teams, people.alice, people.bob
    teams.send_message(alice, "revue")
    refused = teams.latest_message(alice)
    assert refused is not None
    assert teams.render(refused).strip() == "La revue est réservée aux managers, pour leur équipe."
    # Bob opens Alice's review from a card he was never sent: the same words as anything gone.
    opening = {
        "msteams": {"type": "task/fetch"},
        "action": "review.open",
        "value": str(person_id(world, alice)),
    }
    answer = teams.deliver(forged(world, bob, "task/fetch", opening))
    assert answer.body == {
        "task": {"type": "message", "value": "This review is no longer available."}
    }
    assert manager_ratings(world, alice) == {}


def test_the_weekly_digest_opens_reviews_and_shows_what_is_left(world: TeamsWorld) -> None:
    people = _checked_in_team(world)
    teams, chloe = world.teams, people.chloe
    world.clock.now = FRIDAY_1600_PARIS - timedelta(minutes=1)
    assert world.tick().digests == 0
    world.clock.now = FRIDAY_1600_PARIS
    assert world.tick().digests == 1
    digest = teams.latest_message(chloe)
    assert digest is not None
    text = teams.render(digest)
    assert "Team review" in text
    assert "Alice Martin — checked in ✅" in text
    assert "Evidence from 26 Nov: Acme signé après 3 rendez-vous" in text
    assert "5 self-ratings to review" in text
    assert "Bob Stone — not checked in yet" in text

    assert teams.open_dialog(chloe, digest, "Review").status == 200
    assert "Self-rating: Intermédiaire" in teams.screen(chloe)
    assert teams.submit_dialog(chloe, {}).outcome == "message"
    assert len(manager_ratings(world, people.alice)) == 5
    # The digest shows the week as it now stands: nothing of Alice's awaits review.
    again = shown(world, digest)
    assert "Alice Martin — checked in ✅" in again and "to review" not in again
    assert "Review" not in teams.buttons(current(world, digest))
    assert world.tick().digests == 0  # sent once


def test_a_manager_reading_french_sees_each_days_evidence_the_french_way(
    world: TeamsWorld,
) -> None:
    """In French, the digest and the review dialog date each piece of evidence « 26 nov. »,
    with its year when it is of another one, the newest first."""
    people = _checked_in_team(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    with session_scope(world.core.sessions) as session:
        person = session.get(Person, person_id(world, alice))
        assert person is not None
        session.add(
            Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="account-executive",
                competency_id="closing",
                text="Relance Globex signée",
                happened_on=date(2025, 12, 3),
            )
        )
    teams.send_message(chloe, "langue fr")
    world.clock.now = FRIDAY_1600_PARIS
    assert world.tick().digests == 1
    digest = teams.latest_message(chloe)
    assert digest is not None
    text = teams.render(digest)
    assert "Revue de l'équipe" in text
    newest, older = "Preuve du 26 nov. : Acme signé", "Preuve du 3 déc. 2025 : Relance Globex"
    assert newest in text  # the digest shows the evidence of the week's check-in

    assert teams.open_dialog(chloe, digest, "Revoir").status == 200
    form = teams.screen(chloe)
    assert newest in form and older in form and form.index(newest) < form.index(older)


def _many_reports(world: TeamsWorld, chloe: User, count: int) -> list[str]:
    """``count`` more reports of Chloé's, each with a self-rating awaiting review."""
    names = [f"Report {index:03d}" for index in range(count)]
    users = [
        world.emulator.add_user(name, f"r{index}@example.fr") for index, name in enumerate(names)
    ]
    for user in users:
        enrol(world.core, user)
    manage(world, chloe, *users)
    with session_scope(world.core.sessions) as session:
        for user in users:
            person = session.scalars(
                select(Person).where(Person.platform_user_id == user.aad_object_id)
            ).one()
            session.add(
                Rating(
                    tenant_id=person.tenant_id,
                    person_id=person.id,
                    referentiel_id="account-executive",
                    competency_id="closing",
                    level_id="senior",
                    rater=Rater.SELF,
                    rater_person_id=person.id,
                    cycle_key="2026-W48",
                    rated_at=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
                )
            )
    return names


def _page_through(
    world: TeamsWorld, chloe: User, first: Message, next_title: str
) -> list[set[str]]:
    """Next until there is none (each page in place of the one before): the names on
    each page."""
    teams = world.teams
    pages: list[set[str]] = []
    while True:
        now = current(world, first)
        pages.append(set(re.findall(r"Report \d{3}", teams.render(now))))
        if next_title not in teams.buttons(now):
            return pages
        assert teams.click(chloe, now, next_title).status == 200


def test_the_list_and_the_digest_come_a_page_at_a_time_within_teams_limits(
    world: TeamsWorld,
) -> None:
    people = team(world)
    names = _many_reports(world, people.chloe, 60)
    teams, chloe = world.teams, people.chloe
    teams.send_message(chloe, "review")
    listing = teams.latest_message(chloe)
    assert listing is not None
    pages = _page_through(world, chloe, listing, "Next →")
    assert len(pages) == 3 and set().union(*pages) == set(names)
    assert sum(len(page) for page in pages) == len(names)  # nobody twice, nobody left out
    last = shown(world, listing)
    assert "People 51–60 of 60" in last
    assert teams.click(chloe, current(world, listing), "← Previous").status == 200
    assert "People 26–50 of 60" in shown(world, listing)

    world.clock.now = FRIDAY_1600_PARIS
    assert world.tick().digests == 1
    digest = teams.latest_message(chloe)
    assert digest is not None and "Team review" in teams.render(digest)
    everyone = {*names, "Alice Martin", "Bob Stone"}
    pages = _page_through(world, chloe, digest, "Next →")
    assert len(pages) == 11  # 62 people, 6 a page
    assert set().union(*pages) == {n for n in everyone if n.startswith("Report")}


def test_a_form_claiming_to_come_from_someone_elses_chat_changes_nothing_there(
    world: TeamsWorld,
) -> None:
    """What a dialog carries back is client input: the card shown again is only ever one
    of the chat the review was submitted from."""
    people = _checked_in_team(world)
    teams, chloe, alice = world.teams, people.chloe, people.alice
    teams.send_message(chloe, "review")
    listing = teams.latest_message(chloe)
    assert listing is not None
    teams.open_dialog(chloe, listing, "Review")
    dialog = teams.dialog(chloe)
    assert dialog is not None and dialog.card is not None
    data = dict(dialog.card["actions"][0]["data"])
    for element in dialog.card["body"]:  # each level as preselected
        if str(element.get("id", "")).startswith("review.level:"):
            data[element["id"]] = element["value"]
    state = json.loads(data["state"])
    back = json.loads(state["back"])
    target = sent(world, alice)[-1]  # Alice's own summary, in her chat
    back["clicked"] = json.dumps(
        {
            "service": world.emulator.service_url,
            "conversation": target.conversation_id,
            "activity": target.id,
        }
    )
    data["state"] = json.dumps({**state, "back": json.dumps(back)})
    answer = teams.deliver(forged(world, chloe, "task/submit", data))
    assert answer.status == 200 and answer.body["task"]["type"] == "message"
    assert len(manager_ratings(world, alice)) == 5  # the review itself stands
    assert current(world, target).versions == []  # Alice's message untouched
    assert "Alice Martin" in shown(world, listing)  # and Chloé's list not redrawn either
