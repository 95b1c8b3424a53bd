"""The App Home end to end: published on app_home_opened, its buttons, its modals.

Everything goes through the real Bolt app over HTTP and the emulator's Web API
(which validates every published view against Slack's limits). The driver clicks
what the Home shows, as a person would; forged clicks stand for what a person
could not produce from their own Home.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from emulators.slack import SlackDriver, View, render_view
from handlers.slack import ids
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import CheckinPrompt, Evidence, Person, PromptStatus, Rater, Rating
from tests.slack.conftest import ALICE, BOB, CHLOE, World

CATALOG = ReferentielCatalog.load(None)
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # the World's clock: Thursday, 15:00 in Paris
GEMMA = "U0GEMMA"
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
FRIDAY_0930_PARIS = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------


def _screen(view: View | None) -> str:
    assert view is not None
    return render_view(view.data)


def _refreshed(world: World, user: str, before: View | None, contains: str = "") -> View:
    """The Home once published again after ``before`` (and showing ``contains``)."""
    old = before.hash if before is not None else None
    return world.emulator.wait_for(
        lambda: (
            (home := world.driver.home(user)) is not None
            and home.hash != old
            and contains in _screen(home)
            and home
        )
    )


def _open_home(world: World, user: str) -> View:
    before = world.driver.home(user)
    assert world.driver.app_home_opened(user).ok
    return _refreshed(world, user, before)


def _modal(world: World, user: str, title: str) -> View:
    return world.emulator.wait_for(
        lambda: (modal := world.driver.modal(user)) is not None and modal.title == title and modal
    )


def _person(world: World, user: str) -> Person:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == user)).one()


def _add_evidence(world: World, user: str, count: int) -> list[int]:
    """``count`` pieces of evidence, the first one the newest ("Preuve 0 de …", which
    happened today; each next one a day earlier)."""
    with session_scope(world.palier.core.sessions) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == user)).one()
        referentiel = CATALOG.get(person.referentiel_id or "")
        assert referentiel is not None
        competencies = referentiel.all_competencies()
        rows = []
        for n in range(count):
            at = NOW - timedelta(hours=n + 1)
            evidence = Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id=referentiel.id,
                competency_id=competencies[n % len(competencies)].id,
                text=f"Preuve {n} de {user}",
                happened_on=(NOW - timedelta(days=n)).date(),
                created_at=at,
                updated_at=at,
            )
            session.add(evidence)
            rows.append(evidence)
        session.flush()
        return [row.id for row in rows]


def _evidence_ids(world: World, user: str) -> set[int]:
    with world.session() as session:
        return set(
            session.scalars(select(Evidence.id).join(Person).where(Person.platform_user_id == user))
        )


def _levels(referentiel_id: str, label: str) -> dict[str, str]:
    referentiel = CATALOG.get(referentiel_id)
    assert referentiel is not None
    return {f"level:{c.id}": label for c in referentiel.all_competencies()}


# --- opening the Home ----------------------------------------------------------------------


def test_opening_the_home_publishes_the_persons_own_page(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    _add_evidence(world, ALICE, 2)
    _add_evidence(world, BOB, 1)
    home = _open_home(world, ALICE)
    screen = _screen(home)
    assert "Palier — Account Executive" in screen
    assert "Prochain check-in : jeudi 26 novembre à 16:00" in screen
    assert "chaque jeudi à 16:00 (Europe/Paris), le réglage par défaut" in screen
    assert "Preuve 0 de U0ALICE" in screen and "(1–2 sur 2)" in screen
    assert "U0BOB" not in screen  # only the viewer's own data
    assert SlackDriver.button_labels(home)[:5] == [
        "Faire mon check-in maintenant",
        "Ajouter une preuve",
        "Mettre en pause",
        "Changer le jour et l'heure",
        "Changer de langue",
    ]
    bob = _screen(_open_home(world, BOB))
    assert "Next check-in: Thursday, November 26 at 4:00\u202fPM" in bob  # New York, en-US
    assert "Preuve 0 de U0BOB" in bob and "U0ALICE" not in bob


def test_dates_follow_the_persons_region_from_slack(world: World) -> None:
    """Slack's ``locale`` keeps its region: a Londoner in English reads British dates
    (day first), a New Yorker American ones, a French reader French ones."""
    world.emulator.add_user(
        GEMMA, "gemma", "Gemma Hale", "gemma@example.co.uk", tz="Europe/London", locale="en-GB"
    )
    for user in (ALICE, BOB, GEMMA):
        world.enrol(user)
        _add_evidence(world, user, 1)
    gemma = _screen(_open_home(world, GEMMA))
    assert "Next check-in: Thursday 26 November at 16:00" in gemma
    assert "every Thursday at 16:00 (Europe/London)" in gemma
    assert "26/11/2026" in gemma and "11/26" not in gemma
    bob = _screen(_open_home(world, BOB))
    assert "11/26/2026" in bob and "26/11" not in bob
    alice = _screen(_open_home(world, ALICE))
    assert "Prochain check-in : jeudi 26 novembre à 16:00" in alice and "26/11/2026" in alice


def test_the_messages_tab_publishes_nothing(world: World) -> None:
    world.enrol(ALICE)
    assert world.driver.app_home_opened(ALICE, tab="messages").ok
    assert world.driver.app_home_opened(ALICE).ok
    world.emulator.wait_for(lambda: world.driver.home(ALICE))
    assert len(world.emulator.calls_to("views.publish")) == 1


def test_someone_not_enrolled_sees_only_an_explanation(world: World) -> None:
    home = _open_home(world, CHLOE)
    assert "pas encore inscrit·e" in _screen(home)
    assert SlackDriver.button_labels(home) == []
    assert [b["type"] for b in home.blocks] == ["header", "section"]


def test_the_manager_level_shows_once_there_is_one(world: World) -> None:
    alice = world.enrol(ALICE)
    with session_scope(world.palier.core.sessions) as session:
        person = session.get(Person, alice)
        assert person is not None
        for rater, level, days in ((Rater.SELF, "junior", 14), (Rater.SELF, "intermediaire", 7)):
            session.add(
                Rating(
                    tenant_id=person.tenant_id,
                    person_id=alice,
                    referentiel_id="account-executive",
                    competency_id="prospection",
                    level_id=level,
                    rater=rater,
                    rated_at=NOW - timedelta(days=days),
                )
            )
    line = next(li for li in _screen(_open_home(world, ALICE)).splitlines() if "Prospection" in li)
    assert "Intermédiaire" in line and "historique : J → I" in line and "manager" not in line
    with session_scope(world.palier.core.sessions) as session:
        session.add(
            Rating(
                tenant_id=_person(world, ALICE).tenant_id,
                person_id=alice,
                referentiel_id="account-executive",
                competency_id="prospection",
                level_id="senior",
                rater=Rater.MANAGER,
                rated_at=NOW - timedelta(days=1),
            )
        )
    line = next(li for li in _screen(_open_home(world, ALICE)).splitlines() if "Prospection" in li)
    assert "manager : Senior" in line
    assert "historique : J → I" in line  # the manager's rating is not a self-rating


@pytest.mark.parametrize(
    "referentiel_id", ["business-developer", "responsable-developpement-commercial"]
)
def test_two_years_of_history_and_200_evidence_publish_within_slacks_limits(
    world: World, referentiel_id: str
) -> None:
    alice = world.enrol(ALICE, referentiel_id)
    referentiel = CATALOG.get(referentiel_id)
    assert referentiel is not None
    levels = referentiel.scale.levels
    tenant_id = _person(world, ALICE).tenant_id
    rows = [
        {
            "tenant_id": tenant_id,
            "person_id": alice,
            "referentiel_id": referentiel_id,
            "competency_id": competency.id,
            "level_id": levels[(week + index) % len(levels)].id,
            "rater": Rater.SELF,
            "rated_at": NOW - timedelta(weeks=104 - week),
        }
        for week in range(104)
        for index, competency in enumerate(referentiel.all_competencies())
    ]
    rows += [
        {**row, "rater": Rater.MANAGER, "rated_at": NOW - timedelta(days=1)}
        for row in rows[-len(referentiel.all_competencies()) :]
    ]
    with session_scope(world.palier.core.sessions) as session:
        session.execute(insert(Rating), rows)
    _add_evidence(world, ALICE, 200)
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Rating)) == 104 * 20 + 20
    home = _open_home(world, ALICE)  # the emulator refuses a view over Slack's limits
    assert len(home.blocks) <= 100
    screen = _screen(home)
    assert "(1–5 sur 200)" in screen and "manager : " in screen
    assert screen.count("historique : ") == 20
    assert all(call.ok for call in world.emulator.calls_to("views.publish"))


# --- check in now --------------------------------------------------------------------------


def test_check_in_now_counts_for_this_week_and_the_weekly_dm_is_not_sent(world: World) -> None:
    world.enrol(ALICE)
    home = _open_home(world, ALICE)
    world.driver.click(ALICE, home, action_id=ids.HOME_CHECKIN_NOW)
    modal = _modal(world, ALICE, "Check-in semaine 48")
    home = world.driver.home(ALICE)
    answer = world.driver.submit_view(ALICE, modal, _levels("account-executive", "Junior"))
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "Check-in de la semaine 48 fait")
    assert "Niveau atteint : Junior" in _screen(home)
    [prompt] = world.prompts(ALICE)
    assert prompt.status is PromptStatus.DONE and prompt.cycle_key == "2026-W48"
    # The summary DM comes after the acknowledgement; the Home may be refreshed first
    # (the click's own refresh can land after the submission), so wait for the DM.
    summaries = world.emulator.wait_for(
        lambda: (
            (dms := world.dms(ALICE))
            and any("Votre progression" in (m.text or "") for m in dms)
            and dms
        )
    )
    # The week's slot comes: nothing more is sent, and no reminder later either.
    world.at(THURSDAY_1600_PARIS)
    report = world.tick()
    assert report.sent == 0 and report.planned == 0
    world.at(THURSDAY_1600_PARIS + timedelta(hours=30))
    assert world.tick().reminded == 0
    assert world.dms(ALICE) == summaries
    # A second time the same week is refused, in a modal (a Home has no ephemeral replies).
    world.driver.click(ALICE, world.driver.home(ALICE) or home, action_id=ids.HOME_CHECKIN_NOW)
    notice = _modal(world, ALICE, "Palier")
    assert "Ce check-in est déjà fait" in _screen(notice)
    assert len(world.prompts(ALICE)) == 1


def test_check_in_now_uses_the_week_already_planned(world: World) -> None:
    world.enrol(ALICE, "business-developer")  # 20 competencies: a rotation of 3
    assert world.tick().planned == 1
    [planned] = world.prompts(ALICE)
    world.driver.click(ALICE, _open_home(world, ALICE), action_id=ids.HOME_CHECKIN_NOW)
    modal = _modal(world, ALICE, "Check-in semaine 48")
    asked = [b["block_id"] for b in modal.blocks if b["block_id"].startswith("level:")]
    assert asked == [f"level:{c}" for c in planned.competency_ids] and len(asked) == 3


def test_check_in_now_while_paused_then_abandoned_sends_nothing(world: World) -> None:
    alice = world.enrol(ALICE)
    with session_scope(world.palier.core.sessions) as session:
        person = session.get(Person, alice)
        assert person is not None
        person.paused_until = datetime(2026, 12, 6).date()
    world.driver.click(ALICE, _open_home(world, ALICE), action_id=ids.HOME_CHECKIN_NOW)
    modal = _modal(world, ALICE, "Check-in semaine 48")
    world.driver.close_view(ALICE, modal)  # changed their mind
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 0
    assert world.dms(ALICE) == []
    # Its slot came during the pause: held back, like any prompt of a paused person.
    statuses = {p.cycle_key: p.status for p in world.prompts(ALICE)}
    assert statuses["2026-W48"] is PromptStatus.SKIPPED


# --- pause and resume ------------------------------------------------------------------------


def test_pause_refuses_bad_dates_inline_then_holds_the_check_ins_until_resumed(
    world: World,
) -> None:
    world.enrol(ALICE)
    world.driver.click(ALICE, _open_home(world, ALICE), action_id=ids.HOME_PAUSE)
    modal = _modal(world, ALICE, "Mettre en pause")
    for chosen, problem in (
        ("2026-11-25", "Choisissez aujourd'hui ou une date à venir."),
        ("2027-11-27", "Une pause dure au plus un an : choisissez une date plus proche."),
    ):
        answer = world.driver.submit_view(ALICE, modal, {ids.HOME_PAUSE_BLOCK: chosen})
        assert answer.errors == {ids.HOME_PAUSE_BLOCK: problem}
    assert _person(world, ALICE).paused_until is None
    home = world.driver.home(ALICE)
    answer = world.driver.submit_view(ALICE, modal, {ids.HOME_PAUSE_BLOCK: "2026-12-06"})
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "jusqu'au dimanche 6 décembre 2026 inclus")
    assert "Reprise : jeudi 10 décembre à 16:00" in _screen(home)
    assert "Reprendre les check-ins" in SlackDriver.button_labels(home)
    assert "Mettre en pause" not in SlackDriver.button_labels(home)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 0
    assert world.dms(ALICE) == []
    world.driver.click(ALICE, home, action_id=ids.HOME_RESUME)
    home = _refreshed(world, ALICE, home, "Prochain check-in : jeudi 26 novembre à 16:00")
    assert "Mettre en pause" in SlackDriver.button_labels(home)
    assert _person(world, ALICE).paused_until is None
    # This week is still open: its check-in goes out now rather than never.
    assert world.tick().sent == 1


# --- day and time ------------------------------------------------------------------------------


def test_a_new_day_and_time_moves_the_prompt_not_yet_sent(world: World) -> None:
    world.enrol(ALICE)
    assert world.tick().planned == 1  # this week's prompt, Thursday 16:00
    world.driver.click(ALICE, _open_home(world, ALICE), action_id=ids.HOME_SCHEDULE)
    modal = _modal(world, ALICE, "Jour et heure")
    forged = world.driver.submit_view(
        ALICE, modal, {ids.HOME_WEEKDAY_BLOCK: "Vendredi", ids.HOME_TIME_BLOCK: "25:00"}
    )
    assert forged.errors == {ids.HOME_TIME_BLOCK: "Choisissez une heure, par exemple 16:00."}
    home = world.driver.home(ALICE)
    answer = world.driver.submit_view(
        ALICE, modal, {ids.HOME_WEEKDAY_BLOCK: "Vendredi", ids.HOME_TIME_BLOCK: "09:30"}
    )
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "chaque vendredi à 09:30 (Europe/Paris)")
    assert "Prochain check-in : vendredi 27 novembre à 09:30" in _screen(home)
    assert "par défaut" not in _screen(home)
    assert world.prompts(ALICE) == []  # the unsent prompt goes; the next tick re-plans it
    world.at(THURSDAY_1600_PARIS)
    report = world.tick()
    assert report.planned == 1 and report.sent == 0
    assert world.prompts(ALICE)[0].scheduled_at == FRIDAY_0930_PARIS
    world.at(FRIDAY_0930_PARIS - timedelta(minutes=1))
    assert world.tick().sent == 0
    world.at(FRIDAY_0930_PARIS)
    assert world.tick().sent == 1
    assert len(world.dms(ALICE)) == 1
    # Back to the workspace default; the prompt already sent stays as it is.
    world.driver.click(ALICE, world.driver.home(ALICE) or home, action_id=ids.HOME_SCHEDULE)
    modal = _modal(world, ALICE, "Jour et heure")
    home = world.driver.home(ALICE)
    answer = world.driver.submit_view(
        ALICE, modal, {ids.HOME_WEEKDAY_BLOCK: "Par défaut (jeudi)", ids.HOME_TIME_BLOCK: None}
    )
    assert answer.outcome == "close"
    _refreshed(world, ALICE, home, "chaque jeudi à 16:00 (Europe/Paris), le réglage par défaut")
    person = _person(world, ALICE)
    assert person.checkin_weekday is None and person.checkin_time is None
    [sent] = world.prompts(ALICE)
    assert sent.status is PromptStatus.SENT


# --- language ----------------------------------------------------------------------------------


def test_the_home_re_renders_in_the_language_chosen(world: World) -> None:
    world.enrol(ALICE)
    world.driver.click(ALICE, _open_home(world, ALICE), action_id=ids.HOME_LANGUAGE)
    modal = _modal(world, ALICE, "Langue")
    home = world.driver.home(ALICE)
    answer = world.driver.submit_view(ALICE, modal, {ids.HOME_LANGUAGE_BLOCK: "English"})
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "Next check-in: Thursday 26 November at 16:00")
    assert "Check in now" in SlackDriver.button_labels(home)
    person = _person(world, ALICE)
    assert person.locale == "en-FR" and person.locale_chosen
    # Slack's own locale (fr-FR) no longer wins: the DM comes in English too.
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    assert world.driver.button_labels(world.dms(ALICE)[0])[0] == "Start my check-in"


# --- evidence ------------------------------------------------------------------------------------


def test_log_evidence_from_the_home_refreshes_it(world: World) -> None:
    world.enrol(ALICE)
    home = _open_home(world, ALICE)
    assert "Aucune preuve pour l'instant" in _screen(home)
    world.driver.click(ALICE, home, action_id=ids.HOME_LOG_EVIDENCE)
    modal = _modal(world, ALICE, "Ajouter une preuve")
    answer = world.driver.submit_view(
        ALICE,
        modal,
        {ids.EV_COMPETENCY_BLOCK: "Prospection", ids.EV_TEXT_BLOCK: "Salon VivaTech : 12 leads"},
    )
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "Salon VivaTech : 12 leads")
    assert "(1–1 sur 1)" in _screen(home)


def test_edit_and_delete_evidence_from_the_home(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    alice_ids = _add_evidence(world, ALICE, 7)
    _add_evidence(world, BOB, 1)
    home = _open_home(world, ALICE)
    assert "(1–5 sur 7)" in _screen(home) and "U0BOB" not in _screen(home)
    # Edit: the modal comes filled in; the Home shows the new text.
    newest = alice_ids[0]
    world.driver.click(ALICE, home, action_id=f"{ids.HOME_EVIDENCE_EDIT}:{newest}")
    modal = _modal(world, ALICE, "Modifier la preuve")
    assert modal.data["submit"]["text"] == "Mettre à jour"
    text_input = next(b for b in modal.blocks if b.get("block_id") == ids.EV_TEXT_BLOCK)
    assert text_input["element"]["initial_value"] == "Preuve 0 de U0ALICE"
    answer = world.driver.submit_view(ALICE, modal, {ids.EV_TEXT_BLOCK: "Preuve corrigée"})
    assert answer.outcome == "close"
    home = _refreshed(world, ALICE, home, "Preuve corrigée")
    assert "(1–5 sur 7)" in _screen(home) and len(_evidence_ids(world, ALICE)) == 7
    # Delete asks for confirmation first, quoting the evidence.
    button = next(
        b
        for b in SlackDriver.buttons(home)
        if b["action_id"].endswith(f":{alice_ids[1]}")
        and b["action_id"].startswith(ids.HOME_EVIDENCE_DELETE)
    )
    assert button["confirm"]["title"]["text"] == "Supprimer cette preuve ?"
    assert "Preuve 1 de U0ALICE" in button["confirm"]["text"]["text"]
    world.driver.click(ALICE, home, action_id=button["action_id"])
    home = _refreshed(world, ALICE, home, "(1–5 sur 6)")
    assert alice_ids[1] not in _evidence_ids(world, ALICE)
    assert "Preuve 1 de U0ALICE" not in _screen(home)


def test_another_persons_evidence_is_refused_like_an_unknown_one(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(BOB)
    [bob_id] = _add_evidence(world, BOB, 1)
    for action in (ids.HOME_EVIDENCE_EDIT, ids.HOME_EVIDENCE_DELETE):
        assert world.forge_click(ALICE, f"{action}:{bob_id}", str(bob_id)).ok
        notice = _modal(world, ALICE, "Palier")
        assert "Cette preuve n'existe pas ou plus." in _screen(notice)
        world.driver.close_view(ALICE, notice)
    assert _evidence_ids(world, BOB) == {bob_id}
    with world.session() as session:
        assert session.get(Evidence, bob_id).text == "Preuve 0 de U0BOB"  # type: ignore[union-attr]


def test_evidence_pages_older_and_newer_and_a_delete_keeps_the_page(world: World) -> None:
    world.enrol(ALICE)
    alice_ids = _add_evidence(world, ALICE, 12)
    home = _open_home(world, ALICE)
    assert "(1–5 sur 12)" in _screen(home)
    assert "← Plus récentes" not in SlackDriver.button_labels(home)
    world.driver.click(ALICE, home, text="Plus anciennes →")
    home = _refreshed(world, ALICE, home, "(6–10 sur 12)")
    assert "Preuve 5 de U0ALICE" in _screen(home) and "Preuve 4 de" not in _screen(home)
    world.driver.click(ALICE, home, text="Plus anciennes →")
    home = _refreshed(world, ALICE, home, "(11–12 sur 12)")
    assert "Plus anciennes →" not in SlackDriver.button_labels(home)
    world.driver.click(ALICE, home, text="← Plus récentes")
    home = _refreshed(world, ALICE, home, "(6–10 sur 12)")
    world.driver.click(ALICE, home, action_id=f"{ids.HOME_EVIDENCE_DELETE}:{alice_ids[7]}")
    home = _refreshed(world, ALICE, home, "(6–10 sur 11)")
    assert "Preuve 7 de" not in _screen(home)
    # Opening the Home again starts from the newest.
    assert "(1–5 sur 11)" in _screen(_open_home(world, ALICE))


def test_a_prompt_already_out_keeps_its_slot(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1
    home = _open_home(world, ALICE)
    # This week's check-in is out: the next one is next week's.
    assert "Prochain check-in : jeudi 3 décembre à 16:00" in _screen(home)
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckinPrompt)) == 1
