"""The demo's story without any platform: its steps, its timeline, what a player must do.

The story and its director import no front end (the import contract says so);
here they play on a scripted player that only records what it is asked, so
these tests check the story's rules (who does what, when) in milliseconds, and
that Slack's player does every step the story has.
"""

from __future__ import annotations

import inspect
import io
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from io import StringIO

import pytest
from docx import Document as WordDocument

from bot.delivery.tick import TickReport
from bot.i18n import Translator
from handlers.demo import story
from handlers.demo.clock import ManualClock
from handlers.demo.director import Director
from handlers.demo.narrator import Narrator
from handlers.demo.player import (
    Answered,
    CheckinAnswers,
    CheckinForm,
    CommentField,
    DemoError,
    EvidenceForm,
    LevelField,
    LivretSent,
    Player,
    Pressed,
    ReviewAnswers,
    ReviewForm,
    SentFile,
    ShareField,
    TeamTables,
)
from handlers.demo.story import TEAM, Expect, Member
from handlers.slack.demo_player import SlackPlayer
from referentiels.loader import ReferentielCatalog

FR = Translator("fr")
BY_HANDLE = {member.handle: member for member in TEAM}
CLAIRE, ALICE, KARIM, EMMA = (BY_HANDLE[h] for h in ("claire", "alice", "karim", "emma"))
WEEKS = 4


class ScriptedPlayer:
    """A player that Palier always answers as the story expects; it records each call."""

    def __init__(self) -> None:
        self.director: Director | None = None
        self.calls: list[tuple[str, str]] = []  # (method, handle)

    def _record(self, method: str, member: Member | None = None) -> None:
        self.calls.append((method, member.handle if member is not None else ""))

    @property
    def me_command(self) -> str:
        return "palier me"

    def tick(self) -> TickReport:
        assert self.director is not None
        self._record("tick")
        due = [what for _member, what in self.director.due(self.director.clock.now())]
        return TickReport(
            planned=0,
            sent=due.count(Expect.PROMPT),
            reminded=due.count(Expect.SNOOZE_BACK) + due.count(Expect.REMINDER),
            missed=due.count(Expect.MISSED),
            welcomed=due.count(Expect.WELCOME),
        )

    def received(self, member: Member, what: Expect) -> str | None:
        self._record(f"received.{what.value}", member)
        return what.value

    def closed(self, member: Member) -> str | None:
        self._record("closed", member)
        return "closed"

    def open_check_in(self, member: Member, on: Expect) -> CheckinForm:
        self._record(f"open_check_in.{on.value}", member)
        assert self.director is not None
        plan = member.week(self.director.index)
        asked = tuple(dict.fromkeys([*plan.levels, *plan.proofs]))
        return CheckinForm("start", "form", asked, "send")

    def submit_check_in(self, member: Member, answers: CheckinAnswers) -> str:
        self._record("submit_check_in", member)
        return "summary"

    def prompt(self, member: Member) -> str | None:
        self._record("prompt", member)
        return "done"

    def edit_check_in(self, member: Member) -> CheckinForm:
        self._record("edit_check_in", member)
        assert self.director is not None
        plan = member.week(self.director.index)
        return CheckinForm("edit", "form", tuple(plan.edit), "send")

    def submit_edit(self, member: Member, levels: Mapping[str, str]) -> str:
        self._record("submit_edit", member)
        return "summary edited"

    def snooze(self, member: Member) -> Pressed:
        self._record("snooze", member)
        return Pressed("later", "snoozed")

    def skip(self, member: Member) -> Pressed:
        self._record("skip", member)
        return Pressed("skip", "skipped", "yes")

    def review_list(self, manager: Member) -> Answered:
        self._record("review_list", manager)
        return Answered("review", "list")

    def open_review(self, manager: Member, report: Member) -> ReviewForm:
        self._record("open_review", report)
        levels = ("Junior", "Intermédiaire", "Senior")
        fields = (
            LevelField("prospection", levels, "Junior"),
            LevelField(story.LOWERED, levels, "Senior"),
            CommentField(),
            ShareField(("show it",)),
        )
        return ReviewForm("open", "review form", fields, "save")

    def submit_review(self, manager: Member, report: Member, answers: ReviewAnswers) -> str:
        self._record("submit_review", report)
        self.review_answers = answers
        return "told"

    def review_saved(self, manager: Member) -> str:
        self._record("review_saved", manager)
        return "saved"

    def team(self, manager: Member, tables: int) -> TeamTables:
        self._record("team", manager)
        return TeamTables("team", ("table",) * tables, "notice")

    def brief(self, manager: Member, report: Member) -> Answered:
        self._record("brief", report)
        return Answered("1on1", "brief")

    def one_on_one_done(self, manager: Member) -> Pressed:
        self._record("one_on_one_done", manager)
        return Pressed("done", "recorded", "yes")

    def me(self, member: Member) -> Answered:
        self._record("me", member)
        return Answered("me", "summary")

    def chart(self, member: Member) -> Answered:
        self._record("chart", member)
        return Answered("me chart", "chart")

    def log_message(self, member: Member, text: str) -> EvidenceForm:
        self._record("log_message", member)
        self.logged = text
        return EvidenceForm("#team", "log it", "evidence form", "C3.1", "C3.1#1", "save")

    def save_evidence(self, member: Member) -> str:
        self._record("save_evidence", member)
        return "evidence saved"

    offers_livret = True

    def livret(self, member: Member) -> LivretSent:
        self._record("livret", member)
        word = WordDocument()
        word.add_heading("Bloc 1", level=1)
        word.add_paragraph("evidence", style="List Bullet")
        word.add_heading("Bloc 2", level=1)
        word.add_heading("Gaps", level=1)
        for gap in ("C1.2", "C1.3"):
            word.add_paragraph(gap, style="List Bullet")
        content = io.BytesIO()
        word.save(content)
        files = (SentFile("livret.pdf", b"%PDF"), SentFile("livret.docx", content.getvalue()))
        return LivretSent("vae", "sent", files)

    def install(self, member: Member) -> str | None:
        self._record("install", member)
        return None  # as on Slack: nothing to install per person


def _play(weeks: int = WEEKS) -> tuple[ScriptedPlayer, Director, str]:
    out = StringIO()
    clock = ManualClock(story.START)
    player = ScriptedPlayer()
    referentiels = ReferentielCatalog.load(None)
    director = Director(Narrator(out, FR, clock), player, TEAM, referentiels)
    player.director = director
    director.play(weeks)
    return player, director, out.getvalue()


def _protocol_methods() -> set[str]:
    return {name for name in vars(Player) if not name.startswith("_")}


def test_the_story_uses_every_step_kind() -> None:
    """Walk the story's rules over its weeks: every kind of step happens at least once."""
    seen: set[type[story.Step]] = {story.Tick}
    steps: list[story.Step] = []
    for index in range(WEEKS):
        for at, member, what in story.prompts(TEAM, index):
            reply = story.reply(member, index, what)
            assert reply is not None
            steps.append(reply)
            if (edit := story.second_thoughts(reply, at, index)) is not None:
                steps.append(edit[1])
            for _at, _member, later in story.expected_after(reply, at, index):
                if (back := story.reply(member, index, later)) is not None:
                    steps.append(back)
    for manager in story.managers(TEAM):
        for at, step in story.manager_day(TEAM, manager, WEEKS - 1):
            steps.append(step)
            while (follow := story.follow_up(step, at)) is not None:
                at, step = follow
                steps.append(step)
    steps.extend(step for _at, step in story.summaries(TEAM, WEEKS))
    steps.extend(step for _at, step in story.charts(TEAM, WEEKS))
    steps.extend(step for _at, step in story.evidence_and_livret(TEAM, WEEKS, livret=True))
    seen.update(type(step) for step in steps)
    assert seen == set(story.STEP_KINDS)
    assert story.CheckIn(KARIM, Expect.SNOOZE_BACK) in steps  # he checks in when it is back


def test_the_director_asks_the_player_for_everything_it_can_do() -> None:
    player, director, _output = _play()
    asked = {method.split(".")[0] for method, _handle in player.calls}
    assert asked | {"me_command", "offers_livret"} == _protocol_methods()
    assert director.checkins == 14  # as on Slack: 4 + 4 + 3 + 3


def test_slack_s_player_does_every_step_a_player_must_do() -> None:
    for name in _protocol_methods():
        ours = getattr(SlackPlayer, name, None)
        assert ours is not None, name
        protocol = getattr(Player, name)
        if callable(protocol):
            assert inspect.signature(ours).parameters.keys() == (
                inspect.signature(protocol).parameters.keys()
            ), name


def test_the_weeks_happen_when_the_story_says() -> None:
    player, _director, output = _play()
    events = [line for line in output.splitlines() if line.startswith("▸ ")]

    def at(member: Member, moment: str, what: str) -> None:
        header = FR("demo.event", name=member.real_name, moment=moment, what=what)
        assert events.count(header) == 1, header

    # Where nothing is installed per person (Slack), the first tick welcomes everyone.
    for member in TEAM:
        moment = (
            "jeudi 26 novembre à 03:00 EST" if member is EMMA else "jeudi 26 novembre à 09:00 CET"
        )
        at(member, moment, FR("french_habits.demo.welcomed"))
    # Karim snoozes to this evening (5 min after the prompt): back at 18:00, he checks in.
    at(KARIM, "jeudi 26 novembre à 16:05 CET", FR("demo.what.snooze", button="later"))
    at(KARIM, "jeudi 26 novembre à 18:00 CET", FR("demo.what.snooze_back"))
    at(KARIM, "jeudi 26 novembre à 18:05 CET", FR("demo.what.start", button="start"))
    # Week 49 he ignores: the reminder 24 h later, missed at his Monday 00:00.
    at(KARIM, "jeudi 3 décembre à 16:05 CET", FR("demo.what.ignore"))
    at(KARIM, "vendredi 4 décembre à 16:00 CET", FR("demo.what.reminder", hours=24))
    at(KARIM, "lundi 7 décembre à 00:00 CET", FR("demo.what.missed"))
    # Emma, in New York, gets hers at her 16:00 and skips 4 minutes later.
    at(EMMA, "jeudi 3 décembre à 16:00 EST", FR("demo.what.prompt", week="semaine 49"))
    at(EMMA, "jeudi 3 décembre à 16:04 EST", FR("demo.what.skip", button="skip", confirm="yes"))
    # The manager's Friday: the list, her click a minute later, her answer 8 minutes on.
    at(CLAIRE, "vendredi 18 décembre à 09:30 CET", FR("demo.what.me", command="review"))
    at(
        CLAIRE,
        "vendredi 18 décembre à 09:31 CET",
        FR("demo.manage.open", button="open", name=ALICE.real_name),
    )
    at(CLAIRE, "vendredi 18 décembre à 09:39 CET", FR("demo.what.answer", button="save"))
    at(ALICE, "vendredi 18 décembre à 09:39 CET", FR("demo.manage.told", manager=CLAIRE.real_name))
    at(
        CLAIRE,
        "vendredi 18 décembre à 11:30 CET",
        FR("demo.manage.done", button="done", confirm="yes"),
    )
    at(EMMA, "lundi 21 décembre à 09:00 EST", FR("demo.what.me", command="me"))
    # She lowers closing by one level, confirms the rest, and shares her comment.
    assert player.review_answers == ReviewAnswers(
        {story.LOWERED: "Intermédiaire"}, FR("demo.typed.claire_review"), ("show it",)
    )
    assert Counter(m for m, _h in player.calls)["received.prompt"] == 4 * len(TEAM)
    assert Counter(m for m, _h in player.calls)["received.welcome"] == len(TEAM)


def test_a_step_the_player_refuses_stops_the_story() -> None:
    class Refusing(ScriptedPlayer):
        def skip(self, member: Member) -> Pressed:
            raise DemoError("demo.problem.refused", name=member.real_name, detail="no")

    out = StringIO()
    clock = ManualClock(story.START)
    player = Refusing()
    director = Director(Narrator(out, FR, clock), player, TEAM, ReferentielCatalog.load(None))
    player.director = director
    with pytest.raises(DemoError) as raised:
        director.play(WEEKS)
    assert raised.value.params == {"name": EMMA.real_name, "detail": "no"}
    assert clock.now() == datetime.fromisoformat("2026-12-03T21:04:00+00:00")
    assert not any(method == "me" for method, _handle in player.calls)


def test_the_manager_logs_a_message_then_gets_her_livret_and_is_told_what_it_holds() -> None:
    player, _director, output = _play()
    events = [line for line in output.splitlines() if line.startswith("▸ ")]
    words = "demo_evidence_livret"

    def at(moment: str, what: str) -> None:
        header = FR("demo.event", name=CLAIRE.real_name, moment=moment, what=what)
        assert events.count(header) == 1, header

    # The Monday after the last week, 11:00 in Paris: her message, the form, one click.
    at("lundi 21 décembre à 11:00 CET", FR(f"{words}.what.wrote", where="#team"))
    at("lundi 21 décembre à 11:00 CET", FR(f"{words}.what.logged", action="log it"))
    at("lundi 21 décembre à 11:00 CET", FR(f"{words}.what.saved", button="save"))
    at("lundi 21 décembre à 11:05 CET", FR(f"{words}.what.livret", command="vae"))
    assert player.logged == FR(f"{words}.typed.claire_challenge")  # in her language
    # What Palier suggested, quoted from her référentiel.
    referentiel = ReferentielCatalog.load(None).get(CLAIRE.referentiel_id)
    competency = referentiel.competency("C3.1") if referentiel is not None else None
    assert competency is not None
    assert FR(f"{words}.competency", competency=competency.label) in output
    assert FR(f"{words}.criterion", criterion=competency.criteria[0].text) in output
    # What the livret holds, read from its Word file: two blocs, the two gaps after them.
    assert FR.plural(f"{words}.blocs", 2) in output
    assert "    Bloc 1\n    Bloc 2\n" in output
    assert FR.plural(f"{words}.covered", 15, total=17) in output
    assert FR.plural(f"{words}.gaps", 2) in output
    steps = [m for m, h in player.calls if h == CLAIRE.handle]
    assert steps[-3:] == ["log_message", "save_evidence", "livret"]


def test_where_the_platform_offers_no_livret_it_is_not_asked_for_nor_told() -> None:
    class NoLivret(ScriptedPlayer):
        offers_livret = False

    out = StringIO()
    clock = ManualClock(story.START)
    player = NoLivret()
    director = Director(Narrator(out, FR, clock), player, TEAM, ReferentielCatalog.load(None))
    player.director = director
    director.play(WEEKS)
    assert ("save_evidence", CLAIRE.handle) in player.calls
    assert not any(method == "livret" for method, _handle in player.calls)
    assert "livret" not in out.getvalue().casefold()


def test_no_suggestion_stops_the_story_and_says_so() -> None:
    class Unsuggested(ScriptedPlayer):
        def log_message(self, member: Member, text: str) -> EvidenceForm:
            return EvidenceForm("#team", "log it", "evidence form", None, None, "save")

    out = StringIO()
    clock = ManualClock(story.START)
    player = Unsuggested()
    director = Director(Narrator(out, FR, clock), player, TEAM, ReferentielCatalog.load(None))
    player.director = director
    with pytest.raises(DemoError) as raised:
        director.play(WEEKS)
    assert raised.value.key == "demo_evidence_livret.problem.no_suggestion"
    assert not any(method == "save_evidence" for method, _handle in player.calls)
