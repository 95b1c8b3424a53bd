"""``palier demo``: a sales team's weekly check-ins, played end to end without Slack.

Palier runs against the project's own Slack emulator, on a fresh SQLite database
in a temporary directory and on a manual clock that starts on a Thursday morning
in Paris. A manager and three account executives are enrolled; then, week after
week, the clock is moved to each person's local Thursday 16:00 and Palier's tick
sends the prompts. Each person reacts as scripted (checks in, progresses, asks to
be reminded later, skips a week, ignores one) through the real HTTP paths: signed
requests to the Bolt app, Web API calls to the emulator. What each person saw is
printed as text. The day after the last check-ins, the manager plays her part:
``/palier review`` of one report's ratings (one level set lower, a comment shared),
``/palier team``, and a report's 1:1 brief, then "1:1 done". The demo ends with
everyone's ``/palier me``.

The people act as a person would: they find buttons by the label Palier showed
them (in their own language) and choose levels by their visible names. The demo
checks what it expects to see; when Palier does something else, it stops and
says what (exit status 1).
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, TextIO, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from bot.i18n import Locale, Translator, to_locale
from bot.people import ensure_tenant, upsert_person
from bot.planning import PlanningPolicy
from bot.referentiel_text import level_label, local_moment, week_label
from bot.settings import load_settings
from bot.tick import TickReport
from emulators.slack import (
    BoltAppServer,
    DriverError,
    ManualClock,
    Message,
    SlackDriver,
    SlackEmulator,
    View,
    render_blocks,
    render_view,
)
from emulators.slack.listeners import ListenerExecutor
from emulators.slack.render import render_text
from handlers.slack import ids
from handlers.slack.app import PalierSlack, build_app
from handlers.slack.profiles import to_profile
from referentiels.models import Referentiel
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform, Role

T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_WEEKS = 52

# The story starts on Thursday 26 November 2026, 09:00 in Paris: the week's
# check-ins are still ahead, and no clock change falls in the weeks that follow.
PARIS = "Europe/Paris"
FIRST_THURSDAY = date(2026, 11, 26)
START = datetime.combine(FIRST_THURSDAY, time(9, 0), ZoneInfo(PARIS))
# Palier's settings for the demo, passed explicitly so that a PALIER_* variable in
# the shell cannot change the story.
CHECKIN_WEEKDAY = FIRST_THURSDAY.weekday()  # 3: Thursday, Palier's default day
CHECKIN_TIME = time(16, 0)
REMINDER_HOURS = 24
SNOOZE_HOURS = 3
PER_WEEK = 3
SIGNING_SECRET = "palier-demo-signing-secret"  # shared by the driver and Bolt, never printed
COMMAND = "/palier"
ME = "me"

# The manager's day: the Friday after the last Thursday, in her time zone.
MANAGER_DAY = timedelta(days=1)
REVIEW_AT = time(9, 30)
TEAM_AT = time(10, 0)
BRIEF_AT = time(10, 30)  # she reads the brief before the 1:1
ONE_ON_ONE_DONE_AT = time(11, 30)  # and clicks "1:1 done" once it is over
OPEN_AFTER = timedelta(minutes=1)  # from the review list to the click on a report
REVIEW_TAKES = timedelta(minutes=8)  # reading the modal and answering it
REVIEW = "review"
TEAM_COMMAND = "team"
ONE_ON_ONE = "1on1"
REVIEWED = "alice"  # whose self-ratings the manager reviews (a handle)
LOWERED = "closing"  # the one she sets a level lower than the self-rating
REVIEW_COMMENT = "claire_review"  # her comment, a catalog key under demo.typed; shared
MET = "karim"  # whom she has her 1:1 with

MODAL_PREVIEW_LINES = 12  # the modal is long: after the first one, only its top is shown
INDENT = "    "
WAIT_SECONDS = 10.0  # Bolt answers in milliseconds; this only bounds a broken run


class Behaviour(StrEnum):
    """What a person does with the week's prompt."""

    CHECK_IN = "check_in"
    SNOOZE = "snooze"  # "Remind me later", then checks in when it comes back
    SKIP = "skip"
    IGNORE = "ignore"  # gets the reminder, then the week closes as missed


@dataclass(frozen=True)
class Proof:
    """Evidence typed in the modal: a catalog key under ``demo.typed``, and a link."""

    text: str
    link: str | None = None


@dataclass(frozen=True)
class WeekPlan:
    """One person's week: what they do, and what they answer if they check in."""

    behaviour: Behaviour = Behaviour.CHECK_IN
    # competency id → rank on the référentiel's scale, from this week on
    levels: Mapping[str, int] = field(default_factory=dict)
    proofs: Mapping[str, Proof] = field(default_factory=dict)
    topic: str | None = None  # a catalog key under demo.typed


@dataclass(frozen=True)
class Member:
    """A person of the demo team, as Slack knows them and as the story scripts them."""

    user_id: str
    handle: str
    real_name: str
    email: str
    timezone: str
    slack_locale: str
    referentiel_id: str
    role: Role
    rank: int  # the level (rank on the scale) they give a competency the plan does not raise
    reply_after: timedelta  # how long after a message they act on it
    plan: tuple[WeekPlan, ...]

    @property
    def locale(self) -> Locale:
        return to_locale(self.slack_locale)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def week(self, index: int) -> WeekPlan:
        """The plan of week ``index`` (0-based); past the script, a plain check-in."""
        return self.plan[index] if index < len(self.plan) else WeekPlan()


CRM = "https://crm.example.com/deals/"

TEAM: tuple[Member, ...] = (
    Member(
        "U0CLAIRE",
        "claire",
        "Claire Dubois",
        "claire.dubois@example.fr",
        PARIS,
        "fr-FR",
        "manager-equipe-vendeurs-b2b",
        Role.MANAGER,
        rank=1,
        reply_after=timedelta(minutes=45),
        # 17 competencies, 3 a week, the least recently rated first: C1.1–C1.3,
        # then C1.4–C1.6, C2.1–C2.3, C2.4–C2.6.
        plan=(
            WeekPlan(levels={"C1.1": 2}, proofs={"C1.1": Proof("claire_potential")}),
            WeekPlan(levels={"C1.5": 2}),
            WeekPlan(
                proofs={"C2.2": Proof("claire_coaching", "https://drive.example.com/coaching")}
            ),
            WeekPlan(levels={"C2.4": 2}),
        ),
    ),
    Member(
        "U0ALICE",
        "alice",
        "Alice Martin",
        "alice.martin@example.fr",
        PARIS,
        "fr-FR",
        "account-executive",
        Role.MEMBER,
        rank=0,
        reply_after=timedelta(minutes=2),
        plan=(
            WeekPlan(
                levels={"closing": 1},
                proofs={"closing": Proof("alice_closing", CRM + "acme-42")},
                topic="alice_topic",
            ),
            WeekPlan(levels={"prospection": 1}, proofs={"prospection": Proof("alice_prospection")}),
            WeekPlan(levels={"qualification": 1}),
            WeekPlan(
                levels={"closing": 2}, proofs={"closing": Proof("alice_senior", CRM + "globex-7")}
            ),
        ),
    ),
    Member(
        "U0KARIM",
        "karim",
        "Karim Haddad",
        "karim.haddad@example.fr",
        PARIS,
        "fr-FR",
        "account-executive",
        Role.MEMBER,
        rank=0,
        reply_after=timedelta(minutes=5),
        plan=(
            WeekPlan(Behaviour.SNOOZE),
            WeekPlan(Behaviour.IGNORE),
            WeekPlan(levels={"prospection": 1}, proofs={"prospection": Proof("karim_prospection")}),
            WeekPlan(topic="karim_topic"),
        ),
    ),
    Member(
        "U0EMMA",
        "emma",
        "Emma Walker",
        "emma.walker@example.com",
        "America/New_York",
        "en-US",
        "account-executive",
        Role.MEMBER,
        rank=0,
        reply_after=timedelta(minutes=4),
        plan=(
            WeekPlan(proofs={"qualification": Proof("emma_discovery")}),
            WeekPlan(Behaviour.SKIP),
            WeekPlan(
                levels={"closing": 1}, proofs={"closing": Proof("emma_closing", CRM + "initech-3")}
            ),
            WeekPlan(levels={"valeurs": 1}),
        ),
    ),
)


class DemoError(Exception):
    """Palier did not do what the story expects; ``key`` names the catalog message."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Expect(StrEnum):
    """What a tick is expected to deliver to one person."""

    PROMPT = "prompt"
    SNOOZE_BACK = "snooze_back"
    REMINDER = "reminder"
    MISSED = "missed"


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class _Progress:
    """What the story keeps about one person between steps."""

    ranks: dict[str, int] = field(default_factory=dict)
    prompt: Message | None = None  # this week's prompt message
    checkins: int = 0
    brief: Message | None = None  # a manager's 1:1 brief, shown before the meeting


class _Story:
    """Plays the team's weeks on a running Palier; prints what each person sees."""

    def __init__(
        self,
        out: TextIO,
        t: Translator,
        emulator: SlackEmulator,
        clock: ManualClock,
        palier: PalierSlack,
        driver: SlackDriver,
    ) -> None:
        self.out = out
        self.t = t
        self.emulator = emulator
        self.clock = clock
        self.palier = palier
        self.driver = driver
        self.progress = {member.user_id: _Progress() for member in TEAM}
        self._steps: list[_Step] = []
        self._order = 0
        self._ticks: dict[datetime, list[tuple[Member, Expect]]] = {}
        self._full_modal_shown = False
        self.index = 0  # the week being played, 0-based

    # -- output ------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def show(self, text: str) -> None:
        for line in text.splitlines():
            self.say(f"{INDENT}{line}" if line else "")

    def moment(self, instant: datetime, timezone: str) -> str:
        """``jeudi 26/11 à 16:00 CET``: the zone's abbreviation tells Paris from New York."""
        abbreviation = instant.astimezone(ZoneInfo(timezone)).tzname()
        return f"{local_moment(instant, timezone, self.t)} {abbreviation}"

    def event(self, member: Member, what: str) -> None:
        self.say()
        moment = self.moment(self.now(), member.timezone)
        self.say(self.t("demo.event", name=member.real_name, moment=moment, what=what))

    # -- time --------------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def schedule(self, at: datetime, run: Callable[[], None]) -> None:
        self._order += 1  # same instant: in the order scheduled
        heapq.heappush(self._steps, _Step(at.astimezone(UTC), self._order, run))

    def run(self) -> None:
        """Play the scheduled steps in time order, each at its instant (they may add more)."""
        while self._steps:
            step = heapq.heappop(self._steps)
            # The clock only moves forward, to the minute the step is due.
            self.clock.set(max(step.at, self.now()).timestamp())
            step.run()

    def tick_at(self, at: datetime) -> list[tuple[Member, Expect]]:
        """The tick at ``at`` (one per instant, however many people it concerns)."""
        at = at.astimezone(UTC)
        if at not in self._ticks:
            self._ticks[at] = []
            self.schedule(at, lambda: self.tick(at))
        return self._ticks[at]

    def expect(self, at: datetime, member: Member, what: Expect) -> None:
        """A tick at ``at`` delivers ``what`` to ``member``."""
        self.tick_at(at).append((member, what))

    def wait(self, member: Member, condition: Callable[[], T | None], step: str) -> T:
        try:
            return self.emulator.wait_for(condition, timeout=WAIT_SECONDS)
        except TimeoutError:
            seen = self.emulator.ephemerals_for(member.user_id)
            detail = render_blocks(seen[-1].blocks) if seen else step
            raise DemoError(
                "demo.problem.no_answer", name=member.real_name, detail=detail
            ) from None

    # -- the person's view ---------------------------------------------------------------

    def person_t(self, member: Member) -> Translator:
        return Translator(member.locale)

    def referentiel(self, member: Member) -> Referentiel:
        referentiel = self.palier.core.referentiels.get(member.referentiel_id)
        assert referentiel is not None, member.referentiel_id  # built-in référentiels
        return referentiel

    def dms(self, member: Member) -> list[Message]:
        return self.emulator.dm_messages(member.user_id)

    def current(self, message: Message) -> Message:
        found = self.emulator.message(message.channel, message.ts)
        assert found is not None  # Palier never deletes its messages
        return found

    def click(self, member: Member, message: Message, label: str) -> None:
        try:
            answer = self.driver.click(member.user_id, message, text=label)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        if not answer.ok or not answer.within_deadline:
            detail = f"HTTP {answer.status}, {answer.elapsed:.1f} s"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)

    def updated(self, member: Member, message: Message, versions: int) -> Message:
        """``message`` once Palier has updated it (after a click acknowledged first)."""

        def changed() -> Message | None:
            now = self.current(message)
            return now if len(now.versions) > versions else None

        return self.wait(member, changed, "chat.update")

    # -- the weeks -----------------------------------------------------------------------

    def week_start(self, index: int) -> None:
        self.index = index
        self.say()
        self.say(self.t("demo.week", week=self.thursday.isocalendar().week))
        for member in TEAM:
            at = datetime.combine(self.thursday, CHECKIN_TIME, member.zone)
            self.expect(at, member, Expect.PROMPT)

    def tick(self, at: datetime) -> None:
        expected = self._ticks.pop(at)
        before = {member.user_id: len(self.dms(member)) for member in TEAM}
        report = self.palier.tick()
        wanted = TickReport(
            planned=report.planned,
            sent=sum(1 for _, what in expected if what is Expect.PROMPT),
            reminded=sum(
                1 for _, what in expected if what in (Expect.SNOOZE_BACK, Expect.REMINDER)
            ),
            missed=sum(1 for _, what in expected if what is Expect.MISSED),
        )
        self.say()
        self.say(self.t("demo.tick", moment=self.moment(at, "UTC"), what=self.counts(report)))
        got = (report.sent, report.reminded, report.missed, report.failed)
        if got != (wanted.sent, wanted.reminded, wanted.missed, 0):
            raise DemoError(
                "demo.problem.tick",
                moment=self.moment(at, "UTC"),
                got=self.counts(report),
                expected=self.counts(wanted),
            )
        for member, what in expected:
            if what is Expect.MISSED:
                self.missed(member)
                continue
            fresh = self.dms(member)[before[member.user_id] :]
            if len(fresh) != 1:
                moment = self.moment(at, member.timezone)
                raise DemoError("demo.problem.not_delivered", name=member.real_name, moment=moment)
            self.delivered(member, what, fresh[0])

    def counts(self, report: TickReport) -> str:
        parts = [
            self.t.plural(f"demo.tick_{name}", count)
            for name, count in (
                ("planned", report.planned),
                ("sent", report.sent),
                ("reminded", report.reminded),
                ("missed", report.missed),
                ("failed", report.failed),
            )
            if count
        ]
        return ", ".join(parts) if parts else self.t("demo.tick_nothing")

    def delivered(self, member: Member, what: Expect, message: Message) -> None:
        week = week_label(self.cycle_key(), self.t)
        if what is Expect.PROMPT:
            self.event(member, self.t("demo.what.prompt", week=week))
        elif what is Expect.SNOOZE_BACK:
            self.event(member, self.t("demo.what.snooze_back"))
        else:
            self.event(member, self.t("demo.what.reminder", hours=REMINDER_HOURS))
        self.show(render_blocks(message.blocks))
        if what is Expect.REMINDER:
            return  # still ignored: the week will close unanswered
        later = self.now() + member.reply_after
        if what is Expect.SNOOZE_BACK:
            self.schedule(later, lambda: self.check_in(member, message))
            return
        progress = self.progress[member.user_id]
        progress.prompt = message
        behaviour = member.week(self.index).behaviour
        if behaviour is Behaviour.CHECK_IN:
            self.schedule(later, lambda: self.check_in(member, message))
        elif behaviour is Behaviour.SNOOZE:
            self.schedule(later, lambda: self.snooze(member, message))
        elif behaviour is Behaviour.SKIP:
            self.schedule(later, lambda: self.skip(member, message))
        else:
            self.schedule(later, lambda: self.ignore(member))

    @property
    def thursday(self) -> date:
        return FIRST_THURSDAY + timedelta(weeks=self.index)

    def cycle_key(self) -> str:
        iso = self.thursday.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"

    # -- what people do --------------------------------------------------------------------

    def check_in(self, member: Member, message: Message) -> None:
        pt = self.person_t(member)
        start = pt("slack.prompt.start")
        self.click(member, message, start)
        modal = self.wait(member, lambda: self.driver.modal(member.user_id), "views.open")
        self.event(member, self.t("demo.what.start", button=start))
        self.show_modal(modal)
        values, lines = self.answers(member, modal)
        submit = str((modal.data.get("submit") or {}).get("text", ""))
        self.event(member, self.t("demo.what.answer", button=submit))
        self.show("\n".join(lines))
        count = len(self.dms(member))
        try:
            answer = self.driver.submit_view(member.user_id, modal, values)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        if answer.outcome != "close":
            detail = answer.errors or f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)
        summary = self.wait(
            member,
            lambda: self.dms(member)[count] if len(self.dms(member)) > count else None,
            "chat.postMessage",
        )
        self.event(member, self.t("demo.what.summary"))
        self.show(render_blocks(summary.blocks))
        progress = self.progress[member.user_id]
        progress.checkins += 1
        # Palier turns the prompt into "done" before it posts the summary.
        if progress.prompt is not None:
            self.event(member, self.t("demo.what.prompt_done"))
            self.show(render_blocks(self.current(progress.prompt).blocks))

    def show_modal(self, modal: View) -> None:
        lines = render_view(modal.data).splitlines()
        if not self._full_modal_shown:
            self._full_modal_shown = True  # once in full, so the reader sees a whole form
            self.show("\n".join(lines))
            return
        self.show("\n".join(lines[:MODAL_PREVIEW_LINES]))
        more = len(lines) - MODAL_PREVIEW_LINES
        if more > 0:
            self.show(self.t.plural("demo.modal_more", more))

    def answers(self, member: Member, modal: View) -> tuple[dict[str, str], list[str]]:
        """What the person enters in the modal, and the lines that tell it."""
        pt = self.person_t(member)
        plan = member.week(self.index)
        progress = self.progress[member.user_id]
        progress.ranks.update(plan.levels)
        referentiel = self.referentiel(member)
        levels = referentiel.scale.levels
        asked = [
            competency_id
            for block in modal.blocks
            if block.get("type") == "input"
            for prefix, competency_id in [ids.split_block(str(block.get("block_id")))]
            if prefix == ids.LEVEL_BLOCK and competency_id is not None
        ]
        for competency_id in plan.proofs:
            if competency_id not in asked:
                name = member.real_name
                raise DemoError("demo.problem.script", name=name, competency=competency_id)
        values: dict[str, str] = {}
        lines: list[str] = []
        for competency_id in asked:
            competency = referentiel.competency(competency_id)
            assert competency is not None  # Palier only asks about its référentiel's
            rank = min(progress.ranks.get(competency_id, member.rank), len(levels) - 1)
            label = level_label(referentiel, levels[rank], pt)
            values[ids.competency_block(ids.LEVEL_BLOCK, competency_id)] = label
            name = competency.code or competency.label  # a certification's titles are long
            lines.append(self.t("demo.answer.level", competency=name, level=label))
            proof = plan.proofs.get(competency_id)
            if proof is not None:
                text = pt(f"demo.typed.{proof.text}")
                values[ids.competency_block(ids.EVIDENCE_BLOCK, competency_id)] = text
                lines.append(INDENT + self.t("demo.answer.proof", text=text))
                if proof.link:
                    values[ids.competency_block(ids.LINK_BLOCK, competency_id)] = proof.link
                    lines.append(INDENT + self.t("demo.answer.link", link=proof.link))
        if plan.topic:
            topic = pt(f"demo.typed.{plan.topic}")
            values[ids.TOPIC_BLOCK] = topic
            lines.append(self.t("demo.answer.topic", text=topic))
        return values, lines

    def snooze(self, member: Member, message: Message) -> None:
        label = self.person_t(member)("slack.prompt.snooze")
        versions = len(self.current(message).versions)
        self.click(member, message, label)
        updated = self.updated(member, message, versions)
        self.event(member, self.t("demo.what.snooze", button=label))
        self.show(render_blocks(updated.blocks))
        self.expect(self.now() + timedelta(hours=SNOOZE_HOURS), member, Expect.SNOOZE_BACK)

    def skip(self, member: Member, message: Message) -> None:
        label = self.person_t(member)("slack.prompt.skip")
        try:
            button = SlackDriver.find_button(self.current(message), label)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        # Slack asks first; the person confirms with the button the dialog shows.
        confirm = str(((button.get("confirm") or {}).get("confirm") or {}).get("text", ""))
        versions = len(self.current(message).versions)
        self.click(member, message, label)
        updated = self.updated(member, message, versions)
        self.event(member, self.t("demo.what.skip", button=label, confirm=confirm))
        self.show(render_blocks(updated.blocks))

    def ignore(self, member: Member) -> None:
        self.event(member, self.t("demo.what.ignore"))
        thursday = self.thursday
        sent = datetime.combine(thursday, CHECKIN_TIME, member.zone)
        self.expect(sent + timedelta(hours=REMINDER_HOURS), member, Expect.REMINDER)
        # The cycle is the local week: it ends on the next Monday at 00:00 local.
        monday = datetime.combine(thursday + timedelta(days=4), time(0, 0), member.zone)
        self.expect(monday, member, Expect.MISSED)

    def missed(self, member: Member) -> None:
        prompt = self.progress[member.user_id].prompt
        # The prompt as delivered is kept: Palier must have updated it since.
        now = self.current(prompt) if prompt is not None else None
        if prompt is None or now is None or len(now.versions) <= len(prompt.versions):
            moment = self.moment(self.now(), member.timezone)
            raise DemoError("demo.problem.not_delivered", name=member.real_name, moment=moment)
        self.event(member, self.t("demo.what.missed"))
        self.show(render_blocks(now.blocks))

    def command(self, member: Member, text: str, typed: str, answers: int = 1) -> list[Message]:
        """``/palier <text>`` typed by ``member``: the ``answers`` ephemerals Palier shows."""
        count = len(self.emulator.ephemerals_for(member.user_id))
        answer = self.driver.slash_command(member.user_id, COMMAND, text)
        if not answer.ok:
            detail = f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)
        return self.new_ephemerals(member, count, answers, typed)

    def new_ephemerals(self, member: Member, seen: int, answers: int, step: str) -> list[Message]:
        """The ``answers`` ephemerals ``member`` sees after the ``seen`` first ones."""

        def arrived() -> list[Message] | None:
            fresh = self.emulator.ephemerals_for(member.user_id)[seen:]
            return fresh[:answers] if len(fresh) >= answers else None

        return self.wait(member, arrived, step)

    def new_dm(self, member: Member, seen: int, step: str) -> Message:
        """The next message in ``member``'s DM with Palier after the ``seen`` first ones."""
        return self.wait(
            member,
            lambda: self.dms(member)[seen] if len(self.dms(member)) > seen else None,
            step,
        )

    def me(self, member: Member) -> None:
        typed = f"{COMMAND} {ME}"
        (shown,) = self.command(member, ME, typed)
        self.event(member, self.t("demo.what.me", command=typed))
        self.show(render_blocks(shown.blocks))

    # -- the manager's day -----------------------------------------------------------------

    def slack_names(self, text: str) -> str:
        """Mentions as Slack shows them (``@Karim Haddad``): the text renderer leaves ids."""
        for member in TEAM:
            text = text.replace(f"@{member.user_id}", f"@{member.real_name}")
        return text

    def show_blocks(self, message: Message) -> None:
        self.show(self.slack_names(render_blocks(message.blocks) or message.text or ""))

    def manager_day(self, manager: Member) -> None:
        """Schedule the manager's day after the week being played: review, team, 1:1."""
        reports = {m.handle: m for m in TEAM if m.role is Role.MEMBER}
        day = self.thursday + MANAGER_DAY
        for at, step in (
            (REVIEW_AT, partial(self.review, manager, reports[REVIEWED])),
            (TEAM_AT, partial(self.team, manager)),
            (BRIEF_AT, partial(self.brief, manager, reports[MET])),
            (ONE_ON_ONE_DONE_AT, partial(self.one_on_one_done, manager)),
        ):
            self.schedule(datetime.combine(day, at, manager.zone), step)

    def review(self, manager: Member, report: Member) -> None:
        """``/palier review``; the manager opens ``report``'s review from the list."""
        self.say()
        self.say(self.t("demo.manage.title", name=manager.real_name))
        typed = f"{COMMAND} {REVIEW}"
        (listing,) = self.command(manager, REVIEW, typed)
        self.event(manager, self.t("demo.what.me", command=typed))
        self.show_blocks(listing)
        # The row that names the report, and the button on it.
        row = next(
            (
                block
                for block in listing.blocks or []
                if block.get("type") == "section"
                and report.real_name in render_text(block.get("text"))
                and isinstance(block.get("accessory"), dict)
            ),
            None,
        )
        if row is None:
            detail = render_blocks(listing.blocks)
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=detail)
        block_id = str(row.get("block_id"))
        label = render_text(row["accessory"].get("text"))
        later = self.now() + OPEN_AFTER
        self.schedule(later, partial(self.open_review, manager, report, listing, block_id, label))

    def open_review(
        self, manager: Member, report: Member, listing: Message, block_id: str, label: str
    ) -> None:
        """The manager clicks the button on ``report``'s row of the list: the modal opens."""
        try:
            answer = self.driver.click(manager.user_id, listing, text=label, block_id=block_id)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=error) from None
        if not answer.ok:
            detail = f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=detail)
        modal = self.wait(manager, lambda: self.driver.modal(manager.user_id), "views.open")
        self.event(manager, self.t("demo.manage.open", button=label, name=report.real_name))
        self.show_modal(modal)
        self.schedule(
            self.now() + REVIEW_TAKES, partial(self.submit_review, manager, report, modal)
        )

    def submit_review(self, manager: Member, report: Member, modal: View) -> None:
        """Every level confirmed but one, set a level lower; a comment shared with the report."""
        pt = self.person_t(manager)
        referentiel = self.referentiel(report)
        values: dict[str, Any] = {}
        lines: list[str] = []
        asked = False
        for block in modal.blocks:
            if block.get("type") != "input":
                continue
            prefix, competency_id = ids.split_block(str(block.get("block_id")))
            element = block.get("element") or {}
            if prefix == ids.REVIEW_LEVEL_BLOCK and competency_id is not None:
                competency = referentiel.competency(competency_id)
                assert competency is not None  # Palier only asks about the report's référentiel
                options = [render_text(o.get("text")) for o in element.get("options") or []]
                own = render_text((element.get("initial_option") or {}).get("text"))
                name = competency.code or competency.label
                if competency_id == LOWERED and own in options:
                    asked = True
                    level = options[max(options.index(own) - 1, 0)]
                    values[str(block["block_id"])] = level
                    lines.append(
                        self.t("demo.manage.lowered", competency=name, level=level, own=own)
                    )
                else:
                    lines.append(self.t("demo.manage.confirmed", competency=name, level=own))
            elif prefix == ids.REVIEW_COMMENT_BLOCK:
                comment = pt(f"demo.typed.{REVIEW_COMMENT}")
                values[str(block["block_id"])] = comment
                lines.append(self.t("demo.manage.comment", text=comment))
            elif prefix == ids.REVIEW_SHARE_BLOCK:
                options = [render_text(o.get("text")) for o in element.get("options") or []]
                values[str(block["block_id"])] = options[:1]
                lines.extend(self.t("demo.manage.share", option=option) for option in options[:1])
        if not asked:
            raise DemoError("demo.problem.script", name=manager.real_name, competency=LOWERED)
        submit = render_text(modal.data.get("submit"))
        self.event(manager, self.t("demo.what.answer", button=submit))
        self.show("\n".join(lines))
        told, saved = len(self.dms(report)), len(self.dms(manager))
        try:
            answer = self.driver.submit_view(manager.user_id, modal, values)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=error) from None
        if answer.outcome != "close":
            detail = answer.errors or f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=detail)
        notice = self.new_dm(report, told, "chat.postMessage")
        self.event(report, self.t("demo.manage.told", manager=manager.real_name))
        self.show_blocks(notice)
        confirmation = self.new_dm(manager, saved, "chat.postMessage")
        self.event(manager, self.t("demo.manage.saved"))
        self.show_blocks(confirmation)

    def team(self, manager: Member) -> None:
        """``/palier team``: one table per référentiel of her reports."""
        typed = f"{COMMAND} {TEAM_COMMAND}"
        referentiels = {m.referentiel_id for m in TEAM if m.role is Role.MEMBER}
        seen = len(self.dms(manager))
        (notice,) = self.command(manager, TEAM_COMMAND, typed)
        # The tables came to her DM first (Slack takes a table only in chat.postMessage's
        # attachments); the ephemeral answer says so.
        tables = self.dms(manager)[seen : seen + len(referentiels)]
        self.event(manager, self.t("demo.what.me", command=typed))
        for index, table in enumerate(tables):
            if index:
                self.say()
            attached = [b for a in table.attachments or [] for b in a.get("blocks", [])]
            self.show(self.slack_names(render_blocks([*(table.blocks or []), *attached])))
        self.show_blocks(notice)

    def brief(self, manager: Member, report: Member) -> None:
        """``/palier 1on1 @report``: the brief, before the 1:1."""
        # Slack sends the mention escaped; the person typed (and sees) @handle.
        text = f"{ONE_ON_ONE} <@{report.user_id}|{report.handle}>"
        typed = f"{COMMAND} {ONE_ON_ONE} @{report.handle}"
        (shown,) = self.command(manager, text, typed)
        self.event(manager, self.t("demo.what.me", command=typed))
        self.show_blocks(shown)
        self.progress[manager.user_id].brief = shown

    def one_on_one_done(self, manager: Member) -> None:
        """After the 1:1: "1:1 done" on the brief, confirmed in Slack's dialog; Palier's answer."""
        brief = self.progress[manager.user_id].brief
        assert brief is not None  # shown earlier the same day
        label = self.person_t(manager)("one_on_one.button.done")
        try:
            button = SlackDriver.find_button(self.current(brief), label)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=error) from None
        confirm = str(((button.get("confirm") or {}).get("confirm") or {}).get("text", ""))
        seen = len(self.emulator.ephemerals_for(manager.user_id))
        self.click(manager, brief, label)
        (answer,) = self.new_ephemerals(manager, seen, 1, label)
        self.event(manager, self.t("demo.manage.done", button=label, confirm=confirm))
        self.show_blocks(answer)

    def play(self, weeks: int) -> None:
        """A first tick (it plans, sends nothing), the weeks, then everyone's ``/palier me``."""
        self.tick_at(self.now())
        self.run()
        managers = [member for member in TEAM if member.role is Role.MANAGER]
        for index in range(weeks):
            self.week_start(index)
            if index == weeks - 1:
                for manager in managers:  # the day after the last check-ins
                    self.manager_day(manager)
            self.run()  # a week's steps all end before the next Thursday
        self.say()
        self.say(self.t("demo.summaries", command=f"{COMMAND} {ME}"))
        monday = FIRST_THURSDAY + timedelta(weeks=weeks - 1, days=4)
        for member in TEAM:
            at = datetime.combine(monday, time(9, 0), member.zone)
            self.schedule(at, partial(self.me, member))
        self.run()


def _enrol(palier: PalierSlack, emulator: SlackEmulator, now: float) -> None:
    """Enrol the team directly in the database, as an import would (manager first)."""
    with session_scope(palier.core.sessions) as session:
        manager_id: int | None = None
        for member in TEAM:
            user = emulator.user(member.user_id)
            tenant = ensure_tenant(session, Platform.SLACK, user.team_id, emulator.workspace.name)
            person, _ = upsert_person(
                session, tenant, to_profile(user.to_api(now, include_locale=True))
            )
            person.referentiel_id = member.referentiel_id
            person.role = member.role
            if member.role is Role.MANAGER:
                session.flush()
                manager_id = person.id
            else:
                person.manager_id = manager_id


def _introduce(out: TextIO, t: Translator, weeks: int, workspace: str, palier: PalierSlack) -> None:
    def say(text: str = "") -> None:
        print(text, file=out)

    say(t.plural("demo.title", weeks))
    say(t("demo.setup"))
    say()
    say(t("demo.team", workspace=workspace))
    rotate_above = PlanningPolicy().rotate_above
    for member in TEAM:
        referentiel = palier.core.referentiels.get(member.referentiel_id)
        assert referentiel is not None
        count = len(referentiel.all_competencies())
        key = "demo.member_rotation" if count > rotate_above else "demo.member_all"
        say(
            INDENT
            + t(
                key,
                name=member.real_name,
                role=t(f"demo.role.{member.role.value}"),
                referentiel=referentiel.title,
                count=count,
                per_week=PER_WEEK,
                locale=member.slack_locale,
                timezone=member.timezone,
            )
        )
    say(
        t(
            "demo.rules",
            weekday=t(f"calendar.weekday.{CHECKIN_WEEKDAY}"),
            time=CHECKIN_TIME.strftime("%H:%M"),
            reminder=REMINDER_HOURS,
            snooze=SNOOZE_HOURS,
        )
    )


@contextmanager
def _database(database_url: str | None) -> Iterator[str]:
    """The demo's database URL: the one given, else a SQLite file in a temporary directory."""
    if database_url is not None:
        yield database_url
        return
    with tempfile.TemporaryDirectory(prefix="palier-demo-") as directory:
        yield f"sqlite:///{Path(directory) / 'palier-demo.db'}"


def run_demo(
    out: TextIO, *, locale: Locale = "fr", weeks: int = 4, database_url: str | None = None
) -> int:
    """Play ``weeks`` weeks of a sales team's check-ins on the Slack emulator; print them.

    ``locale`` is the language of the demo's own lines (each person still sees
    Palier in their Slack language). ``database_url`` must name an empty database
    (its tables are created); without it, a temporary SQLite file is used and
    removed. Returns 0, 1 when Palier did not behave as the story expects (the
    reason is printed), 2 for a bad ``weeks`` or a database that is not empty.
    Everything started is stopped and removed, whatever happens.
    """
    t = Translator(locale)
    if not 1 <= weeks <= MAX_WEEKS:
        print(t("demo.bad_weeks", max=MAX_WEEKS, weeks=weeks), file=out)
        return EXIT_USAGE
    with ExitStack() as stack:
        url = stack.enter_context(_database(database_url))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        # Palier's tick writes to every enrolled person it finds: never run it on
        # a database that holds anything.
        if inspect(engine).get_table_names():
            shown = make_url(url).render_as_string(hide_password=True)
            print(t("demo.database_not_empty", url=shown), file=out)
            return EXIT_USAGE
        migrate.upgrade(engine)
        clock = ManualClock(START.timestamp())
        emulator = stack.enter_context(SlackEmulator(clock=clock))
        for member in TEAM:
            emulator.add_user(
                member.user_id,
                member.handle,
                member.real_name,
                member.email,
                tz=member.timezone,
                locale=member.slack_locale,
            )
        settings = load_settings(
            env_file=None,
            **{
                "SLACK_BOT_TOKEN": emulator.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": emulator.api_url,
                "SLACK_APP_TOKEN": None,
                "DATABASE_URL": url,
                "PALIER_REFERENTIELS_DIR": None,
                "PALIER_DEFAULT_LOCALE": "fr",
                "PALIER_DEFAULT_TIMEZONE": PARIS,
                "PALIER_CHECKIN_DAY": CHECKIN_WEEKDAY,
                "PALIER_CHECKIN_TIME": CHECKIN_TIME.strftime("%H:%M"),
                "PALIER_REMINDER_HOURS": REMINDER_HOURS,
                "PALIER_SNOOZE_HOURS": SNOOZE_HOURS,
                "PALIER_COMPETENCIES_PER_WEEK": PER_WEEK,
                "PALIER_TICK_SECONDS": 60,  # unused: the story ticks by itself
                "PORT": 3000,  # unused: the Bolt app is served on a free port
                "LOG_LEVEL": "WARNING",
            },
        )
        # The story waits for Palier's listeners to finish, not for a poll to see them.
        listeners = ListenerExecutor()
        emulator.watch(listeners)
        palier = build_app(
            settings,
            engine=engine,
            clock=lambda: datetime.fromtimestamp(clock(), UTC),
            worker="palier-demo",
            listener_executor=listeners,
        )
        stack.callback(palier.close)
        stack.callback(listeners.shutdown)
        server = BoltAppServer(palier.bolt).start()
        stack.callback(server.stop)
        driver = SlackDriver(server.url, SIGNING_SECRET, emulator)
        _enrol(palier, emulator, clock())
        _introduce(out, t, weeks, emulator.workspace.name, palier)
        story = _Story(out, t, emulator, clock, palier, driver)
        try:
            story.play(weeks)
        except DemoError as error:
            print(file=out)
            print(t("demo.failed", problem=t(error.key, **error.params)), file=out)
            return EXIT_FAILED
        checkins = sum(progress.checkins for progress in story.progress.values())
        print(file=out)
        print(t.plural("demo.end", checkins, weeks=weeks, people=len(TEAM)), file=out)
    return EXIT_OK
