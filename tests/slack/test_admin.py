"""``/palier admin``: enrol, remove, schedule, status — and refusals — through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from storage.models import Person, PromptStatus, Role, Tenant
from tests.slack.conftest import ALICE, BOB, CHLOE, DAVID, World


def _answer(world: World, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def _person(world: World, user: str) -> Person | None:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == user)).one_or_none()


def test_only_admins_may_administer_and_the_refusal_says_nothing(world: World) -> None:
    world.enrol(ALICE)
    answer = _answer(world, ALICE, f"admin enrol <@{CHLOE}|chloe> account-executive")
    assert (
        answer
        == "Cette commande est réservée aux administrateurs de Palier dans cet espace de travail."
    )
    assert _person(world, CHLOE) is None
    # The same refusal for every subcommand, whatever the target.
    assert _answer(world, ALICE, f"admin remove <@{BOB}|bob>") == answer
    assert _answer(world, ALICE, "admin status") == answer


def test_a_workspace_admin_enrols_someone_with_a_manager(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    answer = _answer(
        world, BOB, f"admin enrol <@{ALICE}|alice> account-executive manager <@{CHLOE}|chloe>"
    )
    assert answer == f"<@{ALICE}> is enrolled on “Account Executive”. Manager: <@{CHLOE}>."
    alice, chloe = _person(world, ALICE), _person(world, CHLOE)
    assert alice is not None and chloe is not None
    assert alice.referentiel_id == "account-executive" and alice.manager_id == chloe.id
    assert chloe.role is Role.MANAGER and chloe.referentiel_id is None
    # She gets her check-in at her local time like anyone enrolled.
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    assert world.tick().sent == 1


def test_enrol_problems_are_one_clear_line_and_change_nothing(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    assert _answer(world, BOB, f"admin enrol <@{ALICE}|alice> chef-de-gare").startswith(
        "There is no such framework. Available: account-executive, "
    )
    assert _answer(world, BOB, f"admin enrol <@{DAVID}|david> account-executive") == (
        "This Slack account is deactivated."
    )
    usage = _answer(world, BOB, "admin enrol alice account-executive")
    assert usage.startswith("Usage:") and "by their e-mail address" in usage
    assert _answer(world, BOB, f"admin enrol <@{ALICE}> account-executive manager <@{ALICE}>") == (
        "Nobody can be their own manager."
    )
    assert _answer(world, BOB, "admin enrol <@U0NOBODY> account-executive").startswith(
        "I cannot find this person in Slack"
    )
    assert all(_person(world, u) is None for u in (ALICE, DAVID))


def test_remove_stops_check_ins_and_keeps_the_data(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.enrol(ALICE)
    world.at(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    world.tick()  # planned for 16:00, not sent yet
    assert _answer(world, BOB, f"admin remove <@{ALICE}|alice>") == (
        f"<@{ALICE}> will get no more check-ins. Their data is kept."
    )
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    assert world.tick().sent == 0
    assert world.prompts(ALICE)[0].status is PromptStatus.SKIPPED
    person = _person(world, ALICE)
    assert person is not None and not person.active and person.referentiel_id == "account-executive"
    assert _answer(world, BOB, f"admin remove <@{CHLOE}|chloe>") == "This person is not enrolled."


def test_schedule_moves_unsent_prompts_to_the_new_slot(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.enrol(ALICE)
    world.at(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday 09:00 in Paris
    world.tick()  # planned for Thursday 16:00
    answer = _answer(world, BOB, "admin schedule mardi 10:30")
    assert answer.startswith("Workspace check-in: Tuesday at 10:30\u202fAM")
    assert "(1 check-in not yet sent moves to the new time)" in answer
    with world.session() as session:
        tenant = session.scalars(select(Tenant)).one()
        assert (tenant.checkin_weekday, tenant.checkin_time) == (1, time(10, 30))
    world.at(datetime(2026, 11, 24, 9, 29, tzinfo=UTC))
    world.tick()
    assert world.dms(ALICE) == []
    world.at(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))  # Tuesday 10:30 in Paris
    assert world.tick().sent == 1
    usage = _answer(world, BOB, "admin schedule someday")
    assert usage.startswith("Usage:") and "thursday 9:30" in usage


def test_status_counts_people_and_lists_recent_problems(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.enrol(ALICE)
    world.enrol(CHLOE, "business-developer")
    world.emulator.update_user(ALICE, deleted=True)
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    world.tick()
    answer = _answer(world, BOB, "admin status")
    assert "1 person enrolled, 0 of them paused; 1 inactive." in answer
    assert "Business Developer: 1" in answer
    assert "Alice Martin (2026-W48): user_disabled" in answer  # what Slack answered the post
    assert "Account Executive" not in answer  # Alice is inactive: not counted per référentiel
