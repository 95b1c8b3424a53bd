"""What a chat platform must do for the demo: the :class:`Player` and its :class:`Stage`.

The story (:mod:`handlers.demo.story`) says who does what and when; a player does
it on one platform, with Palier running there, as the person would (finding a
button by the label Palier showed them, a level by its visible name), and says
what the person saw, as text. It returns plain values, so that the director
prints the same story whichever platform played it; it raises :class:`DemoError`
when Palier did not answer as a person expects.

A platform's stage (Slack's: :func:`handlers.slack.demo.slack_stage`, Teams':
:func:`handlers.teams.demo.teams_stage`) starts that platform (or its emulator) and
Palier on it for a :class:`Scene`, and gives the player with what the runner needs to
enrol the team and introduce it, and the demo's lines it words its own way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from docx import Document as WordDocument
from PIL import Image
from sqlalchemy import Engine

from bot.app.actor import ActorRef
from bot.delivery.tick import TickReport
from bot.domain.people import Profile
from bot.domain.snooze import EVENING
from bot.i18n import Translator, formats
from handlers.demo.clock import ManualClock
from handlers.demo.story import Expect, Member
from referentiels.loader import ReferentielCatalog


class DemoError(Exception):
    """Palier did not do what the story expects; ``key`` names the catalog message."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Answered:
    """What the person typed, and what Palier showed them in answer."""

    typed: str
    text: str


# The messages of a week after its prompt, latest kind first: the one its close updates.
LATER = (Expect.REMINDER, Expect.SNOOZE_BACK)


def snooze_label(t: Translator) -> str:
    """The button a snoozing member presses: this evening (the story expects it at 18:00)."""
    return t("snooze_choices.evening", time=formats.clock(EVENING, t))


@dataclass(frozen=True)
class Pressed:
    """The button the person pressed (and the confirmation they chose), and what they saw."""

    button: str
    text: str
    confirm: str = ""


@dataclass(frozen=True)
class CheckinForm:
    """The check-in form as it opened: the button that opened it, its text, what it asks."""

    button: str
    text: str
    asked: tuple[str, ...]  # the competency ids it asks a level for, in its order
    submit: str  # the label of the button that sends it


@dataclass(frozen=True)
class CheckinAnswer:
    """What the person enters for one competency: a level by its name, maybe evidence."""

    competency_id: str
    level: str
    proof: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class CheckinAnswers:
    answers: tuple[CheckinAnswer, ...]
    topic: str | None = None  # for the next 1:1


@dataclass(frozen=True)
class LevelField:
    """A review's level for one competency: the names offered, the report's own first."""

    competency_id: str
    options: tuple[str, ...]
    own: str


@dataclass(frozen=True)
class CommentField:
    """The manager's comment."""


@dataclass(frozen=True)
class ShareField:
    """Whom the comment may be shown to."""

    options: tuple[str, ...]


ReviewField = LevelField | CommentField | ShareField


@dataclass(frozen=True)
class ReviewForm:
    """A report's review as it opened, from the list: its fields in their order."""

    button: str
    text: str
    fields: tuple[ReviewField, ...]
    submit: str


@dataclass(frozen=True)
class ReviewAnswers:
    levels: Mapping[str, str] = field(default_factory=dict)  # competency id → level changed
    comment: str | None = None
    share: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamTables:
    """The team command: the tables Palier sent, then its answer to the command."""

    typed: str
    tables: tuple[str, ...]
    notice: str


@dataclass(frozen=True)
class EvidenceForm:
    """The evidence form as it opened on a message logged as evidence."""

    where: str  # where the message was written, as the platform names it (or "")
    action: str  # the entry of the message's menu that logs it, as the person sees it
    text: str  # the form, as shown
    competency_id: str | None  # what the form came with chosen: Palier's suggestion
    criterion_key: str | None
    submit: str  # the label of the button that saves it


@dataclass(frozen=True)
class SentFile:
    """A file Palier sent someone privately: its name and its bytes, as stored."""

    name: str
    content: bytes


@dataclass(frozen=True)
class LivretSent:
    """The livret asked for: what was typed, what Palier said, the files it sent."""

    typed: str
    text: str
    files: tuple[SentFile, ...]


class Player(Protocol):
    """The team's hands and eyes on one platform: one method per thing a person does.

    Messages stay on the player's side: it remembers, for each person, the last
    message each kind of delivery brought (the week's prompt, a snooze's return),
    the forms they opened and the brief they read, and acts on those.
    """

    @property
    def me_command(self) -> str:
        """How a person asks Palier for their summary there (``/palier me`` on Slack)."""
        ...

    def tick(self) -> TickReport:
        """Palier's tick, now; the player notes what it delivers to whom."""
        ...

    def received(self, member: Member, what: Expect) -> str | None:
        """The one message the last tick brought ``member`` (remembered as ``what``)."""
        ...

    def closed(self, member: Member) -> str | None:
        """This week's latest message (its reminder, else its prompt) if Palier changed it
        since it came (the week closed)."""
        ...

    def open_check_in(self, member: Member, on: Expect) -> CheckinForm: ...

    def submit_check_in(self, member: Member, answers: CheckinAnswers) -> str:
        """Send the open check-in form; the summary Palier sends back."""
        ...

    def prompt(self, member: Member) -> str | None:
        """This week's prompt as it reads now (None before any)."""
        ...

    def edit_check_in(self, member: Member) -> CheckinForm:
        """Edit the check-in from the summary it brought: the form, filled in as sent."""
        ...

    def submit_edit(self, member: Member, levels: Mapping[str, str]) -> str:
        """Send the open edit with ``levels`` (competency id → level name) changed, the
        rest as it was; the summary once Palier updated it."""
        ...

    def snooze(self, member: Member) -> Pressed: ...

    def skip(self, member: Member) -> Pressed: ...

    def review_list(self, manager: Member) -> Answered: ...

    def open_review(self, manager: Member, report: Member) -> ReviewForm: ...

    def submit_review(self, manager: Member, report: Member, answers: ReviewAnswers) -> str:
        """Send the open review; what ``report`` is told."""
        ...

    def review_saved(self, manager: Member) -> str:
        """What the manager is told once her review is saved."""
        ...

    def team(self, manager: Member, tables: int) -> TeamTables: ...

    def brief(self, manager: Member, report: Member) -> Answered: ...

    def one_on_one_done(self, manager: Member) -> Pressed: ...

    def me(self, member: Member) -> Answered: ...

    def chart(self, member: Member) -> Answered:
        """Ask for one's progress chart: what was typed, and what came — Palier's words
        and the picture (its name and size, as :func:`picture_line` says it)."""
        ...

    def log_message(self, member: Member, text: str) -> EvidenceForm:
        """``member`` writes ``text`` to the team (where the team talks on the platform),
        then logs that message as evidence from its menu: the form as it opened."""
        ...

    def save_evidence(self, member: Member) -> str:
        """Save the open evidence form as it is (one click); the confirmation Palier
        sends in the person's private chat with it."""
        ...

    @property
    def offers_livret(self) -> bool:
        """Whether Palier offers the VAE livret on this platform yet."""
        ...

    def livret(self, member: Member) -> LivretSent:
        """Ask for one's VAE livret: what was typed, Palier's answer, the files that came."""
        ...

    def install(self, member: Member) -> str | None:
        """The app installed for ``member`` before the story starts: what Palier then
        shows them; None on a platform where Palier needs no installing per person
        (Slack: the workspace's app writes to anyone)."""
        ...


@dataclass(frozen=True)
class Scene:
    """What a stage is started for: the database, the clock, the team, Palier's settings."""

    engine: Engine
    database_url: str
    clock: ManualClock
    team: Sequence[Member]
    settings: Mapping[str, object]


@dataclass(frozen=True)
class Account:
    """A member as the platform knows them: who they are there, and their profile."""

    ref: ActorRef
    profile: Profile


@dataclass(frozen=True)
class Stage:
    """A platform with Palier running on it, and the team on the platform (not yet enrolled)."""

    player: Player
    referentiels: ReferentielCatalog  # Palier's, as it runs there
    workspace: str  # its name
    accounts: Mapping[str, Account]  # member's user id → their account there
    # The demo's lines this platform says its own way: a ``demo.`` key → the one in its
    # place (a Teams chat is not a Slack DM); any other is the demo's own.
    words: Mapping[str, str] = field(default_factory=dict)


StageOpener = Callable[[Scene], AbstractContextManager[Stage]]


def picture_line(name: str, content: bytes, t: Translator) -> str:
    """A picture Palier sent, as the demo prints it: its name and its size in pixels."""
    with Image.open(io.BytesIO(content)) as picture:
        width, height = picture.size
    return t("progress_charts.demo.file", name=name, width=width, height=height)


def file_line(file: SentFile, t: Translator) -> str:
    """A livret's file as the demo prints it: its name, its kind, its size."""
    kind = file.name.rsplit(".", 1)[-1].lower()
    kilobytes = max(1, round(len(file.content) / 1024))
    return t(f"demo_evidence_livret.file.{kind}", name=file.name, size=kilobytes)


@dataclass(frozen=True)
class LivretContents:
    """What a livret's Word file holds, read from it: its blocs' titles (its first-level
    headings but the last) and the criteria listed as gaps (under the last)."""

    blocs: tuple[str, ...]
    gaps: tuple[str, ...]


def livret_contents(docx: bytes) -> LivretContents:
    """Read a livret's Word file as Word shows it: ``Heading 1`` for each bloc and, last,
    for the criteria still without evidence, listed in ``List Bullet``."""
    headings: list[str] = []
    gaps: list[str] = []
    for paragraph in WordDocument(io.BytesIO(docx)).paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Heading 1":
            headings.append(paragraph.text)
            gaps = []  # only the last section's bullets are the gaps
        elif style == "List Bullet" and headings:
            gaps.append(paragraph.text)
    return LivretContents(tuple(headings[:-1]), tuple(gaps))
