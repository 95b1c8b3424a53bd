"""``palier demo``: the whole story plays, shows every path, and leaves the right data.

The demo runs Palier for real (emulator, Bolt over HTTP, ticks on a manual
clock), so these tests also check, end to end, that the snooze comes back, the
reminder goes out 24 h later, an unanswered week is closed as missed, and the
levels people choose are the ones stored.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from io import StringIO
from pathlib import Path

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.evidence import criterion_choices
from bot.i18n import Translator
from emulators.slack import UploadedFile
from handlers.demo import runner
from handlers.demo.player import Scene, Stage
from handlers.slack import demo
from handlers.slack.demo import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    TEAM,
    Member,
    Proof,
    WeekPlan,
    run_demo,
    slack_stage,
)
from handlers.slack.demo_player import SlackPlayer
from referentiels.loader import ReferentielCatalog
from storage import migrate
from storage.db import make_engine
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Rating,
)

FR = Translator("fr")
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


@dataclass
class Played:
    """One run of the demo: its status, what it printed, its database, and the files in
    the Slack emulator's file store when it ended (with each person's DM channel)."""

    status: int
    output: str
    url: str
    files: list[UploadedFile] = field(default_factory=list)
    dms: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """Four weeks in French on a SQLite file the tests read afterwards (played once)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'palier.db'}"
    out = StringIO()
    seen = Played(0, "", url)

    @contextmanager
    def recorded(scene: Scene) -> Iterator[Stage]:
        with slack_stage(scene) as stage:
            yield stage
            assert isinstance(stage.player, SlackPlayer)
            emulator = stage.player.emulator
            seen.files = emulator.files
            seen.dms = {m.user_id: emulator.dm_channel_id(m.user_id) for m in TEAM}

    seen.status = runner.run_demo(out, recorded, team=TEAM, locale="fr", weeks=4, database_url=url)
    seen.output = out.getvalue()
    return seen


@pytest.fixture(scope="module")
def story(played: Played) -> tuple[int, str, str]:
    return played.status, played.output, played.url


def test_the_story_plays_to_the_end(story: tuple[int, str, str]) -> None:
    status, output, _url = story
    assert status == EXIT_OK, output[-2000:]
    assert output.rstrip().endswith(FR.plural("demo.end", 14))
    assert FR("demo.week", week=48) in output and FR("demo.week", week=51) in output


def test_every_person_ends_with_their_own_summary(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    me = FR("demo.what.me", command="/palier me")
    # The Monday after the last week, 09:00 in each person's own time zone.
    # Karim missed week 49: his streak restarts. Emma skipped it: a skip neither counts
    # nor breaks the streak (her three check-ins run on).
    streaks = [(CLAIRE, 4), (ALICE, 4), (KARIM, 2), (EMMA, 3)]
    for member, streak in streaks:
        zone = "EST" if member is EMMA else "CET"
        body = _event(events, member, f"lundi 21 décembre à 09:00 {zone}", me)
        t = Translator(member.locale)
        title = "Manager d'équipe de vendeurs B to B" if member is CLAIRE else "Account Executive"
        assert t("summary.title", referentiel=title) in body
        assert t.plural("summary.streak", streak) in body


def test_each_newly_enrolled_person_is_welcomed_in_a_dm_before_their_first_check_in(
    story: tuple[int, str, str],
) -> None:
    _status, output, _url = story
    events = _events(output)
    welcomed = FR("french_habits.demo.welcomed")
    alice = _event(events, ALICE, "jeudi 26 novembre à 09:00 CET", welcomed)
    assert FR("welcome.title") in alice and "Votre référentiel : « Account Executive »." in alice
    assert "Votre premier check-in : jeudi 26 novembre à 16:00." in alice
    emma = _event(events, EMMA, "jeudi 26 novembre à 03:00 EST", welcomed)  # in English
    assert "Welcome to Palier" in emma and "Your framework: “Account Executive”." in emma
    assert FR.plural("french_habits.demo.tick_welcomed", 4) in output
    # Before the week's first prompt, and only once.
    assert output.index(welcomed) < output.index(FR("demo.week", week=48))
    assert output.count(welcomed) == 4


def test_alice_gets_her_progress_chart_in_her_dm(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    what = FR("progress_charts.demo.what", command="/palier me chart")
    body = _event(events, ALICE, "lundi 21 décembre à 09:10 CET", what)
    assert body.splitlines() == [
        "Votre graphique de progression est dans votre message privé avec Palier.",
        "Votre progression des quatre derniers trimestres, compétence par compétence.",
        "📎 palier-progression-2026-12-21.png — une image de 1040 × 340 pixels",
    ]


def test_progress_shows_as_an_arrow(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    me = FR("demo.what.me", command="/palier me")
    alice = _event(events, ALICE, "lundi 21 décembre à 09:00 CET", me)
    # Claire reviewed Alice: her level beside Alice's own (Closing lowered to Intermédiaire).
    assert "Closing : vous : Senior" + FR("summary.up", previous="Intermédiaire") in alice
    assert "· manager : Intermédiaire · 2 preuves" in alice
    karim = _event(events, KARIM, "lundi 21 décembre à 09:00 CET", me)
    assert "manager" not in karim  # nobody reviewed Karim
    emma = _event(events, EMMA, "lundi 21 décembre à 09:00 EST", me)
    en = Translator("en")
    assert "Valeurs: Intermédiaire" + en("summary.up", previous="Junior") in emma
    # The week it happened, the summary DM already said so.
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
    assert FR("demo.what.ignore") in output
    reminder = _event(
        events, KARIM, "vendredi 4 décembre à 16:00 CET", FR("demo.what.reminder", hours=24)
    )
    assert "Petit rappel : votre check-in de la semaine 49 vous attend" in reminder
    missed = _event(events, KARIM, "lundi 7 décembre à 00:00 CET", FR("demo.what.missed"))
    assert missed.strip() == FR("prompt.missed", week="semaine 49")
    en = Translator("en")
    skip = FR(
        "demo.what.skip",
        button=en("prompt.skip"),
        confirm=en("prompt.skip_confirm_yes"),
    )
    skipped = _event(events, EMMA, "jeudi 3 décembre à 16:04 EST", skip)
    assert "You are skipping week 49: no reminder." in skipped
    # The 1:1 topic and a link went in with Alice's first check-in.
    assert FR("demo.answer.topic", text=FR("demo.typed.alice_topic")) in output
    assert FR("demo.answer.link", link="https://crm.example.com/deals/acme-42") in output


def test_the_database_holds_what_was_played(story: tuple[int, str, str]) -> None:
    _status, _output, url = story
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            people = {p.platform_user_id: p.id for p in session.scalars(select(Person))}
            assert set(people) == {member.user_id for member in TEAM}

            def statuses(member: Member) -> list[PromptStatus]:
                return list(
                    session.scalars(
                        select(CheckinPrompt.status)
                        .where(CheckinPrompt.person_id == people[member.user_id])
                        .order_by(CheckinPrompt.cycle_key)
                    )
                )

            done = PromptStatus.DONE
            assert statuses(CLAIRE) == [done] * 4
            assert statuses(ALICE) == [done] * 4
            assert statuses(KARIM) == [done, PromptStatus.MISSED, done, done]
            assert statuses(EMMA) == [done, PromptStatus.SKIPPED, done, done]

            # Every competency asked in a check-in that was done is rated once.
            ratings = Counter(
                session.scalars(select(Rating.person_id).where(Rating.rater == Rater.SELF))
            )
            for member, expected in (
                (CLAIRE, 4 * 3),
                (ALICE, 4 * 5),
                (KARIM, 3 * 5),
                (EMMA, 3 * 5),
            ):
                asked = sum(
                    len(prompt.competency_ids)
                    for prompt in session.scalars(
                        select(CheckinPrompt).where(
                            CheckinPrompt.person_id == people[member.user_id],
                            CheckinPrompt.status == done,
                        )
                    )
                )
                assert ratings[people[member.user_id]] == asked == expected, member.handle

            twice = session.execute(
                select(CheckinPrompt.person_id, CheckinPrompt.cycle_key)
                .group_by(CheckinPrompt.person_id, CheckinPrompt.cycle_key)
                .having(func.count() > 1)
            ).all()
            assert twice == []

            evidence = Counter(session.scalars(select(Evidence.person_id)))
            assert {member.handle: evidence[people[member.user_id]] for member in TEAM} == {
                "claire": 3,  # two in check-ins, a message logged as evidence
                "alice": 3,
                "karim": 1,
                "emma": 2,
            }
            # Alice's topic in week 48, Karim's in week 51.
            assert session.scalar(select(func.count()).select_from(OneOnOneTopic)) == 2
            latest_closing = session.scalar(
                select(Rating.level_id)
                .where(
                    Rating.person_id == people[ALICE.user_id],
                    Rating.competency_id == "closing",
                    Rating.rater == Rater.SELF,
                )
                .order_by(Rating.rated_at.desc(), Rating.id.desc())
                .limit(1)
            )
            assert latest_closing == "senior"
    finally:
        engine.dispose()


def test_the_manager_reviews_alice_and_alice_is_told(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    friday = "vendredi 18 décembre à 09:39 CET"
    comment = FR("demo.typed.claire_review")
    told = _event(events, ALICE, friday, FR("demo.manage.told", manager="Claire Dubois"))
    assert FR("review.told", manager="Claire Dubois").replace("*", "") in told
    assert "• Closing : Intermédiaire selon votre manager (vous : Senior)" in told
    assert "• Prospection : Intermédiaire (confirmé)" in told
    assert FR("review.told_comment", comment=comment) in told
    # What she answered, read from the modal: one level lower, the comment shared.
    answered = _event(events, CLAIRE, friday, FR("demo.what.answer", button="Enregistrer"))
    assert FR("demo.manage.lowered", competency="Closing", level="Intermédiaire", own="Senior") in (
        answered
    )
    assert FR("demo.manage.share", option="Montrer ce commentaire à Alice Martin") in answered


def test_the_team_table_and_the_one_on_one(story: tuple[int, str, str]) -> None:
    _status, output, _url = story
    events = _events(output)
    team = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 10:00 CET",
        FR("demo.what.me", command="/palier team"),
    )
    assert "Votre équipe — Account Executive" in team
    rows = [line for line in team.splitlines() if line.count(" | ") == 7]
    assert rows[0].startswith("Personne | Compétence")
    assert Counter(row.split(" | ")[0] for row in rows[1:]) == {
        "Alice Martin": 5,
        "Emma Walker": 5,
        "Karim Haddad": 5,
    }
    # Alice's closing: Senior by herself, a level lower by Claire.
    assert "Alice Martin | Closing | Senior | Intermédiaire | −1 |" in team
    brief = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 10:30 CET",
        FR("demo.what.me", command="/palier 1on1 @karim"),
    )
    assert FR("one_on_one.title", name="Karim Haddad") in brief
    assert FR("demo.typed.karim_topic") in brief  # his open topic
    assert "[ 1:1 fait ]" in brief
    done = _event(
        events,
        CLAIRE,
        "vendredi 18 décembre à 11:30 CET",
        FR("demo.manage.done", button="1:1 fait", confirm=FR("one_on_one.done.confirm_yes")),
    )
    assert "1:1 avec @Karim Haddad enregistré (vendredi 18 décembre à 11:30)" in done
    assert FR.plural("one_on_one.done.discussed", 1) in done


def test_the_manager_leaves_her_review_and_the_one_on_one_in_the_database(
    story: tuple[int, str, str],
) -> None:
    _status, _output, url = story
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            people = {p.platform_user_id: p.id for p in session.scalars(select(Person))}
            managers = dict(
                session.execute(select(Person.platform_user_id, Person.manager_id)).all()
            )
            assert managers == {
                CLAIRE.user_id: None,
                ALICE.user_id: people[CLAIRE.user_id],
                KARIM.user_id: people[CLAIRE.user_id],
                EMMA.user_id: people[CLAIRE.user_id],
            }
            reviewed = session.execute(
                select(
                    Rating.person_id, Rating.rater_person_id, Rating.competency_id, Rating.level_id
                ).where(Rating.rater == Rater.MANAGER)
            ).all()
            assert len(reviewed) == 5  # each of Alice's competencies, once
            assert {(person, rater) for person, rater, _c, _l in reviewed} == {
                (people[ALICE.user_id], people[CLAIRE.user_id])
            }
            assert {competency: level for _p, _r, competency, level in reviewed} == {
                "prospection": "intermediaire",
                "qualification": "intermediaire",
                "justification": "junior",
                "closing": "intermediaire",  # Senior by herself
                "valeurs": "junior",
            }
            comments = set(
                session.scalars(select(Rating.comment).where(Rating.rater == Rater.MANAGER))
            )
            assert comments == {FR("demo.typed.claire_review")}

            meetings = session.scalars(select(OneOnOne)).all()
            assert [(m.manager_id, m.report_id) for m in meetings] == [
                (people[CLAIRE.user_id], people[KARIM.user_id])
            ]
            topics = {
                topic.person_id: topic.discussed_in_id
                for topic in session.scalars(select(OneOnOneTopic))
            }
            assert topics == {people[ALICE.user_id]: None, people[KARIM.user_id]: meetings[0].id}
    finally:
        engine.dispose()


def test_in_english_everyone_still_sees_palier_in_their_own_language() -> None:
    out = StringIO()
    assert run_demo(out, locale="en", weeks=2) == EXIT_OK
    output = out.getvalue()
    en = Translator("en")
    assert output.startswith(en.plural("demo.title", 2))
    assert en("demo.summaries", command="/palier me") in output
    # The demo speaks English; Alice's Palier still speaks French, Emma's English.
    assert f'clicks "{FR("prompt.start")}": the form opens' in output
    assert f'clicks "{en("prompt.start")}": the form opens' in output
    assert en("demo.what.reminder", hours=24) in output
    assert en("demo.what.missed") in output
    # The manager's day plays too; Claire's Palier speaks French.
    assert en("demo.manage.title", name="Claire Dubois") in output
    assert en("demo.manage.told", manager="Claire Dubois") in output
    assert en("demo.manage.done", button="1:1 fait", confirm="C'est fait") in output
    assert "Alice Martin | Closing | Intermédiaire | Junior | −1 |" in output
    assert en("french_habits.demo.welcomed") in output and "Welcome to Palier" in output
    # Claire's message logged as evidence, then her livret: told in English; her Palier
    # (and the référentiel) still in French.
    assert en("demo_evidence_livret.what.logged", action="Palier · preuve/evidence") in output
    criterion = "Efficacité de la mobilisation collective de l'équipe de vendeurs B to B"
    assert en("demo_evidence_livret.criterion", criterion=criterion) in output
    assert en("demo_evidence_livret.what.livret", command="/palier vae") in output
    assert en("demo_evidence_livret.stored") in output


def test_the_output_is_the_same_every_time() -> None:
    first, second = StringIO(), StringIO()
    assert run_demo(first, weeks=1) == run_demo(second, weeks=1) == EXIT_OK
    assert first.getvalue() == second.getvalue()


def test_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'used.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    out = StringIO()
    assert run_demo(out, weeks=1, database_url=url) == EXIT_USAGE
    assert out.getvalue().strip() == FR("demo.database_not_empty", url=url)


@pytest.mark.parametrize("weeks", [0, 53])
def test_refuses_a_number_of_weeks_out_of_range(weeks: int) -> None:
    out = StringIO()
    assert run_demo(out, weeks=weeks) == EXIT_USAGE
    assert out.getvalue().strip() == FR("demo.bad_weeks", max=52, weeks=weeks)


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


def test_emma_edits_her_first_check_in_and_her_summary_follows(
    story: tuple[int, str, str],
) -> None:
    _status, output, url = story
    events = _events(output)
    en = Translator("en")
    at = "jeudi 26 novembre à 16:34 EST"  # half an hour after her check-in
    opened = _event(
        events, EMMA, at, FR("checkin_edit.demo.edit", button=en("checkin_edit.button"))
    )
    assert en("checkin_edit.intro", week="week 48") in opened
    changed = _event(events, EMMA, at, FR("checkin_edit.demo.changed", button="Save"))
    assert "Qualification : Intermédiaire" in changed
    updated = _event(events, EMMA, at, FR("checkin_edit.demo.updated"))
    assert en("checkin_edit.updated") in updated
    assert "Qualification: Intermédiaire · 1 piece of evidence" in updated
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            emma = session.scalars(select(Person).where(Person.platform_user_id == EMMA.user_id))
            week48 = session.execute(
                select(Rating.competency_id, Rating.level_id).where(
                    Rating.person_id == emma.one().id,
                    Rating.cycle_key == "2026-W48",
                    Rating.rater == Rater.SELF,
                )
            ).all()
    finally:
        engine.dispose()
    assert len(week48) == 5 and ("qualification", "intermediaire") in week48  # replaced, once


WORDS = "demo_evidence_livret"
MONDAY = "lundi 21 décembre à {} CET"


def test_claire_logs_her_message_as_evidence_with_what_palier_suggested(played: Played) -> None:
    """The message shortcut on her message in the team's channel: the form comes with the
    competency and criterion her text shows chosen, quoted from her référentiel; one click
    saves it there, and Palier confirms in her DM."""
    events = _events(played.output)
    message = FR(f"{WORDS}.typed.claire_challenge")
    wrote = _event(
        events, CLAIRE, MONDAY.format("11:00"), FR(f"{WORDS}.what.wrote", where="#equipe-ventes")
    )
    assert wrote == message + "\n"
    action = FR(f"{WORDS}.what.logged", action="Palier · preuve/evidence")
    form = _event(events, CLAIRE, MONDAY.format("11:00"), action)
    assert "Ajouter une preuve" in form and message in form
    assert "Depuis ce message : https://palier-demo.slack.com/archives/C0VENTES/" in form
    referentiel = ReferentielCatalog.load(None).get(CLAIRE.referentiel_id)
    assert referentiel is not None
    competency = referentiel.competency("C3.1")
    assert competency is not None
    [criterion] = criterion_choices(competency)
    told = FR(f"{WORDS}.suggested", referentiel=referentiel.title)
    assert (
        f"{told}\n"
        f"    {FR(f'{WORDS}.competency', competency=competency.label)}\n"
        f"    {FR(f'{WORDS}.criterion', criterion=criterion.text)}\n"
    ) in played.output
    saved = _event(
        events, CLAIRE, MONDAY.format("11:00"), FR(f"{WORDS}.what.saved", button="Enregistrer")
    )
    assert saved.startswith("✅ Preuve enregistrée pour C3.1 Mobiliser collectivement")
    engine = make_engine(played.url)
    try:
        with Session(engine) as session:
            stored = session.scalars(
                select(Evidence)
                .join(Person, Person.id == Evidence.person_id)
                .where(Person.platform_user_id == CLAIRE.user_id, Evidence.text == message)
            ).all()
            assert [(e.competency_id, e.criterion_key) for e in stored] == [("C3.1", criterion.key)]
            assert stored[0].source_permalink is not None
            assert "/archives/C0VENTES/" in stored[0].source_permalink
    finally:
        engine.dispose()


def test_claire_gets_her_livret_in_her_dm_and_is_told_what_it_holds(played: Played) -> None:
    events = _events(played.output)
    answer = _event(
        events, CLAIRE, MONDAY.format("11:05"), FR(f"{WORDS}.what.livret", command="/palier vae")
    )
    assert FR("vae_livret.sent") in answer
    # Both files in the emulator's file store, shared in her DM only.
    livret = [f for f in played.files if f.name.startswith("livret-vae-")]
    names = [f.name for f in livret]
    assert names == [
        "livret-vae-manager-equipe-vendeurs-b2b-2026-12-21.pdf",
        "livret-vae-manager-equipe-vendeurs-b2b-2026-12-21.docx",
    ]
    assert all(f.channels == [played.dms[CLAIRE.user_id]] for f in livret)
    pdf, word = (f.content or b"" for f in livret)
    assert pdf.startswith(b"%PDF")
    # The narrator says where they are and what the livret holds, as the Word file says.
    stored = played.output.index(FR(f"{WORDS}.stored"))
    for name in names:
        assert played.output.index(name, stored) > stored
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(word)).paragraphs)
    assert FR(f"{WORDS}.typed.claire_challenge") in text  # the evidence of the day is in
    assert FR.plural(f"{WORDS}.blocs", 3) in played.output
    assert "    Bloc de compétences 3 — Animer, dynamiser" in played.output
    # C1.1 and C2.2 from her check-ins, C3.1 from her message: 3 of 17 criteria covered.
    assert FR.plural(f"{WORDS}.covered", 3, total=17) in played.output
    assert FR.plural(f"{WORDS}.gaps", 14) in played.output
