"""``palier demo --platform teams``: the same story, played in Teams through the Teams emulator.

The demo runs Palier's Teams front end for real (the Teams SDK served over HTTP, every
activity signed with the emulator's keys and checked by Palier, every answer through
the emulator's Connector, ticks on the demo's clock), so these tests also check, end to
end in Teams, that the app installed for each person lets Palier write to them, that the
check-in is a dialog, the snooze comes back, the reminder goes out 24 h later, an
unanswered week closes as missed, the manager reviews in a dialog, reads her team's
tables and a 1:1 brief, Claire gets her VAE livret into her OneDrive by accepting its
two files, and that what people chose is what is stored. What is printed
is what each person sees in Teams: the emulator's text rendering of Adaptive Cards.
"""

from __future__ import annotations

import inspect
import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import Translator
from emulators.teams import DriveFile
from handlers.cli import main
from handlers.demo import runner
from handlers.demo.player import Player, Scene, Stage
from handlers.demo.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from handlers.demo.story import TEAM, Member, Proof, WeekPlan
from handlers.teams import demo
from handlers.teams.demo import TENANT_ID, aad_object_id, run_demo, teams_stage
from handlers.teams.demo_player import TeamsPlayer
from storage import migrate
from storage.db import make_engine
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneTopic,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    Tenant,
)

FR, EN = Translator("fr"), Translator("en")
BY_NAME = {member.handle: member for member in TEAM}
CLAIRE, ALICE, KARIM, EMMA = (BY_NAME[name] for name in ("claire", "alice", "karim", "emma"))


def _events(output: str) -> list[tuple[str, str]]:
    """The demo's events: each ``▸`` header with the lines under it."""
    events: list[tuple[str, str]] = []
    for line in output.splitlines():
        if line.startswith("▸ "):
            events.append((line, ""))
        elif events and line.startswith("    "):
            header, body = events[-1]
            events[-1] = (header, body + line.strip() + "\n")
    return events


def _event(events: list[tuple[str, str]], member: Member, moment: str, what: str) -> str:
    """The body of the one event of ``member`` at ``moment`` (French demo lines)."""
    header = FR("demo.event", name=member.real_name, moment=moment, what=what)
    found = [body for line, body in events if line == header]
    assert len(found) == 1, f"{header!r} not found once"
    return found[0]


DRIVES: dict[str, list[DriveFile]] = {}  # each one's OneDrive when the played story ended


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str]:
    """Four weeks in French on a SQLite file the tests read afterwards (played once); what
    each one's OneDrive holds at the end is kept in :data:`DRIVES`."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-teams') / 'palier.db'}"
    out = StringIO()

    @contextmanager
    def recorded(scene: Scene) -> Iterator[Stage]:
        with teams_stage(scene) as stage:
            yield stage
            assert isinstance(stage.player, TeamsPlayer)
            emulator = stage.player.emulator
            DRIVES.update({m.user_id: emulator.drive_files(m.email) for m in TEAM})

    DRIVES.clear()
    status = runner.run_demo(out, recorded, team=TEAM, locale="fr", weeks=4, database_url=url)
    return status, out.getvalue(), url


def test_the_story_plays_to_the_end_in_teams(story: tuple[int, str, str]) -> None:
    status, output, _url = story
    assert status == EXIT_OK, output[-2000:]
    assert output.startswith(FR.plural("teams_demo.title", 4) + "\n" + FR("teams_demo.setup"))
    assert FR("teams_demo.team", workspace="Palier Demo") in output
    assert "Emma Walker — commercial·e, « Account Executive » : 5 compétences" in output
    assert "; Teams en en-US, fuseau America/New_York" in output
    assert output.rstrip().endswith(FR.plural("demo.end", 14))
    for week in (48, 49, 50, 51):
        assert FR("demo.week", week=week) in output
    assert FR("demo.manage.title", name="Claire Dubois") in output
    assert FR("demo.summaries", command="moi / me") in output
    assert "Slack" not in output  # every line of the demo's own says Teams


def test_the_app_is_installed_for_everyone_who_is_welcomed_in_their_language(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    installed = FR("demo.what.installed")
    alice = _event(events, ALICE, "jeudi 26 novembre à 09:00 CET", installed)
    assert FR("welcome.title") in alice
    assert "Votre référentiel : « Account Executive »" in alice
    # The welcome of her enrolment, claimed by the installation (the tick sends none):
    # her first check-in, and the buttons to change the day and time or to pause.
    assert "Votre premier check-in : jeudi 26 novembre à 16:00." in alice
    assert "[ Changer le jour et l'heure ]  [ Mettre en pause ]" in alice
    emma = _event(events, EMMA, "jeudi 26 novembre à 03:00 EST", installed)  # 09:00 in Paris
    assert EN("welcome.title") in emma and "Your framework: “Account Executive”" in emma
    # Installed before Palier's first tick, which plans everyone's week.
    assert output.index(installed) < output.index(FR.plural("demo.tick_planned", 4))


def test_the_weekly_prompt_comes_at_each_person_s_local_time(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    week = FR("demo.what.prompt", week="semaine 48")
    alice = _event(events, ALICE, "jeudi 26 novembre à 16:00 CET", week)
    assert "C'est l'heure de votre check-in de la semaine 48." in alice
    assert (
        "[ Faire mon check-in ]  [ Passer cette semaine ]  [ Rappel dans une heure ]  "
        "[ Rappel ce soir à 18:00 ]  [ Rappel demain à 09:00 ]"
    ) in alice
    emma = _event(events, EMMA, "jeudi 26 novembre à 16:00 EST", week)  # 22:00 in Paris
    assert "Time for your check-in for week 48." in emma
    assert (
        "[ Start my check-in ]  [ Skip this week ]  [ Remind me in an hour ]  "
        "[ Remind me this evening at 6:00\u202fPM ]  [ Remind me tomorrow at 9:00\u202fAM ]"
    ) in emma


def test_the_check_in_is_a_dialog_then_the_summary_comes_and_the_prompt_says_done(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    at = "jeudi 26 novembre à 16:02 CET"
    form = _event(events, ALICE, at, FR("teams_demo.what.start", button="Faire mon check-in"))
    assert form.startswith("── Check-in semaine 48 ──\n")
    assert "Votre niveau aujourd'hui *\n( ) Junior — Niveau 1\n" in form  # radio buttons
    assert "Une preuve: []" in form and "Un sujet pour votre prochain 1:1: []" in form
    assert form.rstrip().endswith("[ Enregistrer ]")
    answered = _event(events, ALICE, at, FR("demo.what.answer", button="Enregistrer"))
    assert FR("demo.answer.link", link="https://crm.example.com/deals/acme-42") in answered
    assert FR("demo.answer.topic", text=FR("demo.typed.alice_topic")) in answered
    summary = _event(events, ALICE, at, FR("demo.what.summary"))
    assert summary.startswith("Votre progression — Account Executive\n")
    assert "Closing : Intermédiaire · 1 preuve" in summary
    done = _event(events, ALICE, at, FR("demo.what.prompt_done"))
    assert done.strip() == "✅ Check-in de la semaine 48 enregistré. Merci !"
    week49 = _event(events, ALICE, "jeudi 3 décembre à 16:02 CET", FR("demo.what.summary"))
    assert "Prospection : Intermédiaire ↑ (avant : Junior)" in week49


def test_snooze_reminder_skip_and_missed_week_all_happen(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    snooze = FR("snooze_choices.evening", time="18:00")
    snoozed = _event(
        events, KARIM, "jeudi 26 novembre à 16:05 CET", FR("demo.what.snooze", button=snooze)
    )
    assert "je vous le rappelle jeudi 26 novembre à 18:00" in snoozed
    back = _event(events, KARIM, "jeudi 26 novembre à 18:00 CET", FR("demo.what.snooze_back"))
    assert "Comme promis, voici votre check-in de la semaine 48" in back
    back_form = FR("teams_demo.what.start", button="Faire mon check-in")
    assert _event(events, KARIM, "jeudi 26 novembre à 18:05 CET", back_form)
    _event(events, KARIM, "jeudi 3 décembre à 16:05 CET", FR("demo.what.ignore"))
    reminder = _event(
        events, KARIM, "vendredi 4 décembre à 16:00 CET", FR("demo.what.reminder", hours=24)
    )
    assert "Petit rappel : votre check-in de la semaine 49 vous attend" in reminder
    missed = _event(events, KARIM, "lundi 7 décembre à 00:00 CET", FR("demo.what.missed"))
    assert missed.strip() == FR("prompt.missed", week="semaine 49")
    # Skip asks on the card first (Teams: a card the button shows); Emma confirms there.
    skip = FR("demo.what.skip", button=EN("prompt.skip"), confirm=EN("prompt.skip_confirm_yes"))
    skipped = _event(events, EMMA, "jeudi 3 décembre à 16:04 EST", skip)
    assert "You are skipping week 49: no reminder." in skipped


def test_the_database_holds_what_was_played(story: tuple[int, str, str]) -> None:
    _status, _output, url = story
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            tenant = session.scalars(select(Tenant)).one()
            assert (tenant.platform, tenant.external_id) == (Platform.TEAMS, TENANT_ID)
            people = {p.platform_user_id: p for p in session.scalars(select(Person))}
            # Each known by their Entra object id, with the chat learnt at the install.
            assert set(people) == {aad_object_id(member.user_id) for member in TEAM}
            assert all(person.conversation_ref for person in people.values())
            ids = {member.handle: people[aad_object_id(member.user_id)].id for member in TEAM}

            def statuses(member: Member) -> list[PromptStatus]:
                return list(
                    session.scalars(
                        select(CheckinPrompt.status)
                        .where(CheckinPrompt.person_id == ids[member.handle])
                        .order_by(CheckinPrompt.cycle_key)
                    )
                )

            done = PromptStatus.DONE
            assert statuses(CLAIRE) == [done] * 4
            assert statuses(ALICE) == [done] * 4
            assert statuses(KARIM) == [done, PromptStatus.MISSED, done, done]
            assert statuses(EMMA) == [done, PromptStatus.SKIPPED, done, done]
            ratings = Counter(
                session.scalars(select(Rating.person_id).where(Rating.rater == Rater.SELF))
            )
            assert {handle: ratings[ids[handle]] for handle in ids} == {
                "claire": 4 * 3,
                "alice": 4 * 5,
                "karim": 3 * 5,
                "emma": 3 * 5,
            }
            evidence = Counter(session.scalars(select(Evidence.person_id)))
            assert {handle: evidence[ids[handle]] for handle in ids} == {
                "claire": 3,  # two in check-ins, a message logged as evidence
                "alice": 3,
                "karim": 1,
                "emma": 2,
            }
            reviewed = dict(
                session.execute(
                    select(Rating.competency_id, Rating.level_id).where(
                        Rating.rater == Rater.MANAGER
                    )
                ).all()
            )
            assert reviewed["closing"] == "intermediaire"  # Senior by herself
            assert len(reviewed) == 5
            meetings = session.scalars(select(OneOnOne)).all()
            assert [(m.manager_id, m.report_id) for m in meetings] == [
                (ids["claire"], ids["karim"])
            ]
            topics = {
                t.person_id: t.discussed_in_id for t in session.scalars(select(OneOnOneTopic))
            }
            assert topics == {ids["alice"]: None, ids["karim"]: meetings[0].id}
    finally:
        engine.dispose()


def test_the_manager_reviews_alice_in_a_dialog_and_alice_is_told(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    listing = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 09:30 CET",
        FR("teams_demo.what.me", command="review"),
    )
    assert "Alice Martin — 5 compétences à revoir\n[ Revoir ]" in listing
    opened = FR("teams_demo.manage.open", button="Revoir", name="Alice Martin")
    form = _event(events, CLAIRE, "vendredi 18 décembre à 09:31 CET", opened)
    assert form.startswith("── Revue ──\nRevue — Alice Martin, « Account Executive »")
    friday = "vendredi 18 décembre à 09:39 CET"
    answered = _event(events, CLAIRE, friday, FR("demo.what.answer", button="Enregistrer"))
    assert FR("demo.manage.lowered", competency="Closing", level="Intermédiaire", own="Senior") in (
        answered
    )
    assert FR("demo.manage.share", option="Montrer ce commentaire à Alice Martin") in answered
    told = _event(events, ALICE, friday, FR("demo.manage.told", manager="Claire Dubois"))
    assert "Claire Dubois a revu votre check-in :" in told
    assert "• Closing : Intermédiaire selon votre manager (vous : Senior)" in told
    assert FR("review.told_comment", comment=FR("demo.typed.claire_review")) in told
    saved = _event(events, CLAIRE, friday, FR("teams_demo.manage.saved"))
    assert saved.strip() == FR("review.saved", name="Alice Martin")


def test_the_team_table_and_the_one_on_one(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    team = _event(
        events, CLAIRE, "vendredi 18 décembre à 10:00 CET", FR("teams_demo.what.me", command="team")
    )
    assert team.startswith("Votre équipe — Account Executive\n")
    rows = [line for line in team.splitlines() if line.count(" | ") == 7]
    assert rows[0].startswith("Personne | Compétence")
    assert Counter(row.split(" | ")[0] for row in rows[1:]) == {
        "Alice Martin": 5,
        "Emma Walker": 5,
        "Karim Haddad": 5,
    }
    assert "Alice Martin | Closing | Senior | Intermédiaire | −1 |" in team
    brief = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 10:30 CET",
        FR("teams_demo.what.me", command="1on1 @Karim Haddad"),
    )
    assert FR("one_on_one.title", name="Karim Haddad") in brief
    assert FR("demo.typed.karim_topic") in brief
    assert "[ 1:1 fait ]  [ Ajouter une note ]" in brief
    done = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 11:30 CET",
        FR("demo.manage.done", button="1:1 fait", confirm=FR("one_on_one.done.confirm_yes")),
    )
    assert "1:1 avec Karim Haddad enregistré (vendredi 18 décembre à 11:30)" in done
    assert FR.plural("one_on_one.done.discussed", 1) in done


def test_every_person_ends_with_their_own_summary(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    streaks = [(CLAIRE, 4), (ALICE, 4), (KARIM, 2), (EMMA, 3)]
    for member, streak in streaks:
        zone = "EST" if member is EMMA else "CET"
        word = "me" if member is EMMA else "moi"  # the command menu of their Teams
        what = FR("teams_demo.what.me", command=word)
        body = _event(events, member, f"lundi 21 décembre à 09:00 {zone}", what)
        t = Translator(member.locale)
        title = "Manager d'équipe de vendeurs B to B" if member is CLAIRE else "Account Executive"
        assert body.startswith(t("summary.title", referentiel=title) + "\n")
        assert t.plural("summary.streak", streak) in body


def test_alice_accepts_her_progress_chart_into_onedrive(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    what = FR("progress_charts.demo.what", command="moi graphique")
    body = _event(events, ALICE, "lundi 21 décembre à 09:10 CET", what)
    lines = body.splitlines()
    assert lines[0].startswith(
        "[file to accept: palier-progression-2026-12-21.png — Votre progression sur quatre"
    )
    assert lines[2:] == [
        "Votre progression des quatre derniers trimestres, compétence par compétence.",
        "[file: palier-progression-2026-12-21.png]",
        "📎 palier-progression-2026-12-21.png — une image de 1040 × 340 pixels",
    ]


def test_in_english_everyone_still_sees_palier_in_their_own_language() -> None:
    out = StringIO()
    assert run_demo(out, locale="en", weeks=2) == EXIT_OK
    output = out.getvalue()
    assert output.startswith(EN.plural("teams_demo.title", 2))
    assert EN("teams_demo.team", workspace="Palier Demo") in output
    assert EN("demo.summaries", command="moi / me") in output
    assert f'clicks "{FR("prompt.start")}": the dialog opens' in output
    assert f'clicks "{EN("prompt.start")}": the dialog opens' in output
    assert EN("demo.what.reminder", hours=24) in output
    assert EN("demo.what.missed") in output
    assert EN("demo.manage.title", name="Claire Dubois") in output
    assert EN("teams_demo.what.me", command="review") in output
    assert EN("demo.manage.done", button="1:1 fait", confirm="C'est fait") in output
    assert EN("teams_demo.what.me", command="me") in output  # Emma's Teams is in English
    assert "Alice Martin | Closing | Intermédiaire | Junior | −1 |" in output
    assert output.rstrip().endswith(EN.plural("demo.end", 6))
    # Claire's message logged as evidence, then her livret accepted: told in English.
    action = FR("teams_manifest.log_evidence")  # her Teams is in French
    assert EN("demo_evidence_livret.teams.logged", action=action) in output
    assert EN("demo_evidence_livret.teams.wrote") in output
    assert EN("demo_teams_livret.livret", command="vae") in output
    assert EN("demo_teams_livret.stored") in output
    assert EN.plural("demo_evidence_livret.blocs", 3) in output
    assert EN.plural("demo_evidence_livret.covered", 2, total=17) in output  # two weeks
    assert EN.plural("demo_evidence_livret.gaps", 15) in output
    assert FR("vae_livret.file_title_pdf") in output  # the card as her French Teams shows it


def test_the_output_is_the_same_every_time() -> None:
    """The demo's clock is the story's: what happens, and when, never depends on today."""
    first, second = StringIO(), StringIO()
    assert run_demo(first, weeks=1) == run_demo(second, weeks=1) == EXIT_OK
    assert first.getvalue() == second.getvalue()
    assert "jeudi 26 novembre à 16:00 CET" in first.getvalue()  # the story's first Thursday


def test_plays_on_a_database_it_is_given(database_url: str) -> None:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL names a server."""
    out = StringIO()
    assert run_demo(out, weeks=1, database_url=database_url) == EXIT_OK, out.getvalue()[-2000:]
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            statuses = Counter(session.scalars(select(CheckinPrompt.status)))
            assert statuses == {PromptStatus.DONE: 4}
            platforms = set(session.scalars(select(Tenant.platform)))
            assert platforms == {Platform.TEAMS}
            assert session.scalar(select(func.count()).select_from(OneOnOne)) == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(("locale", "title"), [("fr", FR), ("en", EN)])
def test_palier_demo_platform_teams_runs_in_a_fresh_directory(
    locale: str, title: Translator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line, in an empty working directory (the tests' own): exit 0, nothing
    on standard error, nothing left behind."""
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    out, err = StringIO(), StringIO()
    assert main(["demo", "--platform", "teams", "--weeks", "1"], out, err) == 0
    assert err.getvalue() == ""
    assert out.getvalue().startswith(title.plural("teams_demo.title", 1))
    assert out.getvalue().rstrip().endswith(title.plural("demo.end", 4))
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_platform_is_one_clear_line() -> None:
    out, err = StringIO(), StringIO()
    assert main(["demo", "--platform", "discord"], out, err) == EXIT_USAGE
    assert out.getvalue() == ""
    assert err.getvalue() == FR("teams_demo.bad_platform", value="discord") + "\n"


def test_slack_stays_the_default() -> None:
    default, slack, err = StringIO(), StringIO(), StringIO()
    assert main(["demo", "--weeks", "1"], default, err) == 0
    assert main(["demo", "--weeks", "1", "--platform", "slack"], slack, err) == 0
    assert default.getvalue() == slack.getvalue()
    assert default.getvalue().startswith(FR.plural("demo.title", 1))
    assert err.getvalue() == ""


def test_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'used.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    out = StringIO()
    assert run_demo(out, weeks=1, database_url=url) == EXIT_USAGE
    assert out.getvalue().strip() == FR("demo.database_not_empty", url=url)


def test_stops_and_says_why_when_palier_does_not_do_what_the_story_expects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Alice means to give evidence on a competency her check-in does not ask about.
    plan = (WeekPlan(proofs={"C9.9": Proof("alice_closing")}),)
    team = tuple(replace(m, plan=plan) if m is ALICE else m for m in TEAM)
    monkeypatch.setattr(demo, "TEAM", team)
    out = StringIO()
    assert run_demo(out, weeks=1) == EXIT_FAILED
    problem = FR("demo.problem.script", name="Alice Martin", competency="C9.9")
    assert out.getvalue().rstrip().endswith(FR("demo.failed", problem=problem))


def test_teams_player_does_every_step_a_player_must_do() -> None:
    for name in (name for name in vars(Player) if not name.startswith("_")):
        ours = getattr(TeamsPlayer, name, None)
        assert ours is not None, name
        protocol = getattr(Player, name)
        if callable(protocol):
            assert inspect.signature(ours).parameters.keys() == (
                inspect.signature(protocol).parameters.keys()
            ), name


def test_emma_edits_her_first_check_in_in_a_dialog_and_the_summary_card_follows(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    at = "jeudi 26 novembre à 16:34 EST"  # half an hour after her check-in
    opened = _event(
        events, EMMA, at, FR("checkin_edit.demo.edit", button=EN("checkin_edit.button"))
    )
    assert opened.startswith("── Check-in week 48 ──\n")
    assert EN("checkin_edit.intro", week="week 48") in opened
    updated = _event(events, EMMA, at, FR("checkin_edit.demo.updated"))
    assert EN("checkin_edit.updated") in updated
    assert "Qualification: Intermédiaire · 1 piece of evidence" in updated


WORDS = "demo_evidence_livret"


def test_claire_logs_her_message_as_evidence_with_what_palier_suggested(
    story: tuple[int, str, str],
) -> None:
    """ "Noter comme preuve" on her message in the team's group chat: the dialog comes with
    the competency and criterion her text shows chosen (quoted from her référentiel);
    saved as it opened, stored there."""
    _status, output, url = story
    events = _events(output)
    monday = "lundi 21 décembre à 11:00 CET"
    message = FR(f"{WORDS}.typed.claire_challenge")
    assert _event(events, CLAIRE, monday, FR(f"{WORDS}.teams.wrote")) == message + "\n"
    action = FR(f"{WORDS}.teams.logged", action=FR("teams_manifest.log_evidence"))
    form = _event(events, CLAIRE, monday, action)
    assert "── Ajouter une preuve ──" in form and message in form
    # The message's link as Teams gives it, cut where it would differ at each run.
    assert "Depuis ce message : https://teams.microsoft.com/l/message/…\n" in form
    criterion = "Efficacité de la mobilisation collective de l'équipe de vendeurs B to B"
    assert FR(f"{WORDS}.criterion", criterion=criterion) in output
    assert FR(f"{WORDS}.competency", competency="C3.1 Mobiliser collectivement") in output
    saved = _event(events, CLAIRE, monday, FR(f"{WORDS}.what.saved", button="Enregistrer"))
    assert saved.startswith("✅ Preuve enregistrée pour C3.1 Mobiliser collectivement")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            stored = session.scalars(
                select(Evidence)
                .join(Person, Person.id == Evidence.person_id)
                .where(Evidence.text == message)
            ).all()
            assert [(e.competency_id, e.criterion_key) for e in stored] == [("C3.1", "C3.1#1")]
            link = stored[0].source_permalink
            assert link is not None and link.startswith("https://teams.microsoft.com/l/message/")
    finally:
        engine.dispose()


def test_claire_accepts_her_livret_into_onedrive_and_is_told_what_it_holds(
    story: tuple[int, str, str],
) -> None:
    """``vae`` in her chat with Palier: the PDF and the Word file offered as two consent
    cards, accepted one after the other, shown as files and put in her OneDrive; the
    narrator says where they are and what the livret holds, read from the Word file."""
    _status, output, _url = story
    events = _events(output)
    what = FR("demo_teams_livret.livret", command="vae")
    body = _event(events, CLAIRE, "lundi 21 décembre à 11:05 CET", what)
    names = [
        "livret-vae-manager-equipe-vendeurs-b2b-2026-12-21.pdf",
        "livret-vae-manager-equipe-vendeurs-b2b-2026-12-21.docx",
    ]
    lines = body.splitlines()
    assert lines[:4] == [
        f"[file to accept: {names[0]} — {FR('vae_livret.file_title_pdf')} (… bytes)]",
        "[ Allow ] [ Decline ]",
        f"[file to accept: {names[1]} — {FR('vae_livret.file_title_docx')} (… bytes)]",
        "[ Allow ] [ Decline ]",
    ]
    assert f"[file: {names[0]}]" in lines[4:] and f"[file: {names[1]}]" in lines[4:]
    # Both files in her OneDrive, in no one else's.
    assert [f.name for f in DRIVES[CLAIRE.user_id]] == names
    assert all(
        not f.name.startswith("livret-") for m in TEAM if m is not CLAIRE for f in DRIVES[m.user_id]
    )
    pdf, word = (f.content for f in DRIVES[CLAIRE.user_id])
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(word)).paragraphs)
    assert FR(f"{WORDS}.typed.claire_challenge") in text  # the evidence of the day is in
    # The narrator: where they are (Teams' wording), then what the livret holds.
    stored = output.index(FR("demo_teams_livret.stored"))
    for name in names:
        assert output.index(f"📎 {name}", stored) > stored
    assert FR(f"{WORDS}.stored") not in output  # the Slack emulator's file store is not here
    assert FR.plural(f"{WORDS}.blocs", 3) in output
    assert "    Bloc de compétences 3 — Animer, dynamiser" in output
    # C1.1 and C2.2 from her check-ins, C3.1 from her message: 3 of 17 criteria covered.
    assert FR.plural(f"{WORDS}.covered", 3, total=17) in output
    assert FR.plural(f"{WORDS}.gaps", 14) in output
