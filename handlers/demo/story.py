"""The demo's story, whatever platform plays it: the team, their weeks, the manager's day.

A manager and three account executives (one in New York, with her platform in
English) are enrolled; the story starts on a Thursday morning in Paris, when Palier's
first tick welcomes each of them in a DM (where the platform needs the app installed for
each person, Teams, the installation welcomes them instead). Every
Thursday at 16:00 local time Palier's tick sends each person the week's check-in,
and each reacts as their week's plan says: checks in (with levels, evidence and a
1:1 topic), asks to be reminded later, skips the week, or ignores it (a reminder
comes 24 h later, then the week closes as missed). The day after the last
check-ins the manager reviews a report's ratings (one set a level lower, a
comment shared), looks at her team and at a report's 1:1 brief, then marks the
1:1 done. The Monday after, everyone asks for their level-progress summary, and one
of them for her progress chart (a picture of her levels over the last quarters).
Someone may have second thoughts about a check-in: half an hour later, while the
week is open, they edit it from their summary (a level changed), and the summary
follows. That Monday too the manager, who prepares a certification (her référentiel
is one), logs a message she wrote to the team as evidence: Palier suggests the
competency and criterion it shows, and she saves it as suggested; a little later she
asks for her VAE livret de preuves, which comes to her privately as files (on a
platform that offers it).

This module is data and rules only: the steps are a small vocabulary of plain
values (:data:`Step`), and the functions below say which step follows which, and
when. :mod:`handlers.demo.director` plays them in time order on a
:class:`~handlers.demo.player.Player`, which does them on one chat platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.snooze import EVENING
from bot.i18n import Locale, to_locale
from storage.models import Role

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
SETTINGS: Mapping[str, object] = {
    "PALIER_REFERENTIELS_DIR": None,
    "PALIER_DEFAULT_LOCALE": "fr",
    "PALIER_DEFAULT_TIMEZONE": PARIS,
    "PALIER_CHECKIN_DAY": CHECKIN_WEEKDAY,
    "PALIER_CHECKIN_TIME": CHECKIN_TIME.strftime("%H:%M"),
    "PALIER_REMINDER_HOURS": REMINDER_HOURS,
    "PALIER_SNOOZE_HOURS": SNOOZE_HOURS,
    "PALIER_COMPETENCIES_PER_WEEK": PER_WEEK,
    "PALIER_TICK_SECONDS": 60,  # unused: the story ticks by itself
    "LOG_LEVEL": "WARNING",
}

# The manager's day: the Friday after the last Thursday, in her time zone.
MANAGER_DAY = timedelta(days=1)
REVIEW_AT = time(9, 30)
TEAM_AT = time(10, 0)
BRIEF_AT = time(10, 30)  # she reads the brief before the 1:1
ONE_ON_ONE_DONE_AT = time(11, 30)  # and marks the 1:1 done once it is over
OPEN_AFTER = timedelta(minutes=1)  # from the review list to the click on a report
REVIEW_TAKES = timedelta(minutes=8)  # reading the form and answering it
REVIEWED = "alice"  # whose self-ratings the manager reviews (a handle)
LOWERED = "closing"  # the one she sets a level lower than the self-rating
REVIEW_COMMENT = "claire_review"  # her comment, a catalog key under demo.typed; shared
MET = "karim"  # whom she has her 1:1 with
SUMMARIES_AT = time(9, 0)  # everyone's summary, the Monday after the last week
EDIT_AFTER = timedelta(minutes=30)  # second thoughts about a check-in, while the week is open
CHARTED = "alice"  # who then asks for her progress chart (a picture in her private chat)
CHART_AFTER = timedelta(minutes=10)  # after her summary
# The Monday after the last week: a message of hers logged as evidence (Palier suggests
# its competency and criterion), then her VAE livret (on a certification référentiel).
LOGGER = "claire"
LOGGED_MESSAGE = "claire_challenge"  # a catalog key under demo_evidence_livret.typed
EVIDENCE_AT = time(11, 0)
LIVRET_AFTER = timedelta(minutes=5)


class Behaviour(StrEnum):
    """What a person does with the week's prompt."""

    CHECK_IN = "check_in"
    SNOOZE = "snooze"  # "Remind me this evening", then checks in when it comes back
    SKIP = "skip"
    IGNORE = "ignore"  # gets the reminder, then the week closes as missed


@dataclass(frozen=True)
class Proof:
    """Evidence typed in the check-in: a catalog key under ``demo.typed``, and a link."""

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
    # competency id → rank given instead, when the person edits the check-in afterwards
    edit: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Member:
    """A person of the demo team, as their platform knows them and as the story scripts them.

    ``user_id``, ``timezone`` and ``platform_locale`` are what the platform says of
    them (the player creates them with these); the rest is the story's.
    """

    user_id: str
    handle: str
    real_name: str
    email: str
    timezone: str
    platform_locale: str
    referentiel_id: str
    role: Role
    rank: int  # the level (rank on the scale) they give a competency the plan does not raise
    reply_after: timedelta  # how long after a message they act on it
    plan: tuple[WeekPlan, ...]

    @property
    def locale(self) -> Locale:
        return to_locale(self.platform_locale)

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
            # After her discovery call she thinks better of her qualification: she edits.
            WeekPlan(proofs={"qualification": Proof("emma_discovery")}, edit={"qualification": 1}),
            WeekPlan(Behaviour.SKIP),
            WeekPlan(
                levels={"closing": 1}, proofs={"closing": Proof("emma_closing", CRM + "initech-3")}
            ),
            WeekPlan(levels={"valeurs": 1}),
        ),
    ),
)


class Expect(StrEnum):
    """What a tick is expected to deliver to one person."""

    WELCOME = "welcome"  # the welcome of their enrolment, at the first tick
    PROMPT = "prompt"
    SNOOZE_BACK = "snooze_back"
    REMINDER = "reminder"
    MISSED = "missed"  # this week's prompt, closed unanswered


# -- the steps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """Palier's tick; what it must deliver is expected by the steps before it."""


@dataclass(frozen=True)
class CheckIn:
    """The person opens the check-in from the message ``on`` and answers the week's plan."""

    member: Member
    on: Expect = Expect.PROMPT


@dataclass(frozen=True)
class EditCheckIn:
    """The person edits this week's check-in from its summary: some levels changed."""

    member: Member


@dataclass(frozen=True)
class Snooze:
    """The person asks to be reminded of this week's prompt later."""

    member: Member


@dataclass(frozen=True)
class Skip:
    """The person skips this week (and confirms it)."""

    member: Member


@dataclass(frozen=True)
class Ignore:
    """The person leaves this week's prompt unanswered."""

    member: Member


@dataclass(frozen=True)
class ReviewList:
    """The manager asks for her reports' ratings to review, meaning to open ``report``'s."""

    manager: Member
    report: Member


@dataclass(frozen=True)
class OpenReview:
    """The manager opens ``report``'s review from the list."""

    manager: Member
    report: Member


@dataclass(frozen=True)
class SubmitReview:
    """The manager answers the review: each level confirmed but one set lower, a comment."""

    manager: Member
    report: Member


@dataclass(frozen=True)
class TeamView:
    """The manager asks for her team's table, one per référentiel of her reports."""

    manager: Member


@dataclass(frozen=True)
class Brief:
    """The manager asks for ``report``'s 1:1 brief."""

    manager: Member
    report: Member


@dataclass(frozen=True)
class OneOnOneDone:
    """After the 1:1, the manager marks it done on the brief (and confirms)."""

    manager: Member


@dataclass(frozen=True)
class Me:
    """The person asks for their level-progress summary."""

    member: Member


@dataclass(frozen=True)
class Chart:
    """The person asks for their progress chart: a picture of their levels over the last
    quarters, in their private chat with Palier."""

    member: Member


@dataclass(frozen=True)
class LogEvidence:
    """The person writes a message to the team, logs it as evidence from the message's
    menu, and saves the form as Palier filled it in (the competency and criterion it
    suggested)."""

    member: Member


@dataclass(frozen=True)
class Livret:
    """The person asks for their VAE livret de preuves: files in their private chat."""

    member: Member


Step = (
    Tick
    | CheckIn
    | EditCheckIn
    | Snooze
    | Skip
    | Ignore
    | ReviewList
    | OpenReview
    | SubmitReview
    | TeamView
    | Brief
    | OneOnOneDone
    | Me
    | Chart
    | LogEvidence
    | Livret
)
STEP_KINDS: tuple[type[Step], ...] = (
    Tick,
    CheckIn,
    EditCheckIn,
    Snooze,
    Skip,
    Ignore,
    ReviewList,
    OpenReview,
    SubmitReview,
    TeamView,
    Brief,
    OneOnOneDone,
    Me,
    Chart,
    LogEvidence,
    Livret,
)
Timed = tuple[datetime, Step]
Expected = tuple[datetime, Member, Expect]


# -- the rules: which week, which step when ----------------------------------------------


def thursday(index: int) -> date:
    """The check-in day of week ``index`` (0-based)."""
    return FIRST_THURSDAY + timedelta(weeks=index)


def cycle_key(index: int) -> str:
    """Palier's key of week ``index``'s cycle (ISO week)."""
    iso = thursday(index).isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def prompts(team: Sequence[Member], index: int) -> list[Expected]:
    """Week ``index``'s prompts: each person's, at their local check-in time."""
    return [
        (datetime.combine(thursday(index), CHECKIN_TIME, member.zone), member, Expect.PROMPT)
        for member in team
    ]


def reply(member: Member, index: int, delivered: Expect) -> Step | None:
    """What ``member`` does, ``reply_after`` later, with what a tick ``delivered``."""
    if delivered is Expect.SNOOZE_BACK:
        return CheckIn(member, Expect.SNOOZE_BACK)
    if delivered is not Expect.PROMPT:
        return None  # a reminder stays ignored: the week will close unanswered
    behaviour = member.week(index).behaviour
    if behaviour is Behaviour.CHECK_IN:
        return CheckIn(member)
    if behaviour is Behaviour.SNOOZE:
        return Snooze(member)
    if behaviour is Behaviour.SKIP:
        return Skip(member)
    return Ignore(member)


def expected_after(step: Step, at: datetime, index: int) -> list[Expected]:
    """What later ticks must deliver because of ``step``, played at ``at`` in week ``index``."""
    if isinstance(step, Snooze):  # this evening: the same day at 18:00, local time
        evening = datetime.combine(
            at.astimezone(step.member.zone).date(), EVENING, step.member.zone
        )
        return [(evening, step.member, Expect.SNOOZE_BACK)]
    if isinstance(step, Ignore):
        member, day = step.member, thursday(index)
        sent = datetime.combine(day, CHECKIN_TIME, member.zone)
        # The cycle is the local week: it ends on the next Monday at 00:00 local.
        monday = datetime.combine(day + timedelta(days=4), time(0, 0), member.zone)
        return [
            (sent + timedelta(hours=REMINDER_HOURS), member, Expect.REMINDER),
            (monday, member, Expect.MISSED),
        ]
    return []


def follow_up(step: Step, at: datetime) -> Timed | None:
    """The manager's next step in her review, after ``step`` played at ``at``."""
    if isinstance(step, ReviewList):
        return at + OPEN_AFTER, OpenReview(step.manager, step.report)
    if isinstance(step, OpenReview):
        return at + REVIEW_TAKES, SubmitReview(step.manager, step.report)
    return None


def second_thoughts(step: Step, at: datetime, index: int) -> Timed | None:
    """The edit of a check-in the week's plan changes afterwards, ``EDIT_AFTER`` later."""
    if isinstance(step, CheckIn) and step.member.week(index).edit:
        return at + EDIT_AFTER, EditCheckIn(step.member)
    return None


def managers(team: Sequence[Member]) -> list[Member]:
    return [member for member in team if member.role is Role.MANAGER]


def reports(team: Sequence[Member]) -> list[Member]:
    return [member for member in team if member.role is Role.MEMBER]


def manager_day(team: Sequence[Member], manager: Member, index: int) -> list[Timed]:
    """The manager's day after week ``index``'s check-ins: review, team, 1:1."""
    by_handle = {member.handle: member for member in reports(team)}
    day = thursday(index) + MANAGER_DAY
    steps: list[tuple[time, Step]] = [
        (REVIEW_AT, ReviewList(manager, by_handle[REVIEWED])),
        (TEAM_AT, TeamView(manager)),
        (BRIEF_AT, Brief(manager, by_handle[MET])),
        (ONE_ON_ONE_DONE_AT, OneOnOneDone(manager)),
    ]
    return [(datetime.combine(day, at, manager.zone), step) for at, step in steps]


def summaries(team: Sequence[Member], weeks: int) -> list[Timed]:
    """Everyone's ``me``, the Monday after the last week, in their own time zone."""
    monday = FIRST_THURSDAY + timedelta(weeks=weeks - 1, days=4)
    return [(datetime.combine(monday, SUMMARIES_AT, member.zone), Me(member)) for member in team]


def charts(team: Sequence[Member], weeks: int) -> list[Timed]:
    """:data:`CHARTED` asks for her progress chart, a little after her summary."""
    monday = FIRST_THURSDAY + timedelta(weeks=weeks - 1, days=4)
    return [
        (datetime.combine(monday, SUMMARIES_AT, member.zone) + CHART_AFTER, Chart(member))
        for member in team
        if member.handle == CHARTED
    ]


def evidence_and_livret(team: Sequence[Member], weeks: int, *, livret: bool) -> list[Timed]:
    """:data:`LOGGER` logs a message as evidence the Monday after the last week, then
    (where the platform offers it: ``livret``) asks for her VAE livret."""
    monday = FIRST_THURSDAY + timedelta(weeks=weeks - 1, days=4)
    steps: list[Timed] = []
    for member in team:
        if member.handle != LOGGER:
            continue
        at = datetime.combine(monday, EVIDENCE_AT, member.zone)
        steps.append((at, LogEvidence(member)))
        if livret:
            steps.append((at + LIVRET_AFTER, Livret(member)))
    return steps
