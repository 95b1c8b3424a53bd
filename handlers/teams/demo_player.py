"""Teams' player of the demo: the team's clicks, dialogs and messages through the Teams emulator.

Each person acts as they would in Teams: the app is installed for them, they find
buttons by the title Palier showed them (in their own language), pick levels by their
visible names in a dialog, and write commands to Palier in their chat with it (``me``
as the command menu of their Teams offers it, the others as Palier's help gives them,
a report @mentioned); a file Palier offers (the chart, the VAE livret) they accept on
its consent card, and it is read where Teams puts it, in their OneDrive. Every activity
is signed as Bot Framework signs it and goes to Palier's Teams SDK app over real HTTP;
Palier answers through the emulator's Connector.
What they saw is the emulator's text rendering of the Adaptive Cards: a message's card,
a dialog's card under its title, the short text a dialog closes on. A step Palier does
not answer in time, or refuses, is a :class:`~handlers.demo.player.DemoError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.delivery.tick import Ticker, TickReport
from bot.i18n import LOCALES, Translator
from bot.views import actions
from emulators.teams import (
    Dialog,
    DriverError,
    Message,
    TeamsDriver,
    TeamsEmulator,
    TeamsResponse,
    render_card,
)
from emulators.teams.cards import inputs
from emulators.teams.inputs import find_action
from handlers.demo.player import (
    LATER,
    Answered,
    CheckinAnswers,
    CheckinForm,
    CommentField,
    DemoError,
    EvidenceForm,
    LevelField,
    LivretSent,
    Pressed,
    ReviewAnswers,
    ReviewField,
    ReviewForm,
    SentFile,
    ShareField,
    TeamTables,
    picture_line,
    snooze_label,
)
from handlers.demo.story import Expect, Member
from handlers.teams.evidence import LOG_EVIDENCE_COMMAND

T = TypeVar("T")
JsonDict = dict[str, Any]

REVIEW = "review"  # the commands as Palier's help gives them (in both languages)
TEAM_COMMAND = "team"
ONE_ON_ONE = "1on1"
VAE = "vae"  # the livret: the same word in both languages
LIVRET_FILES = 2  # its PDF and its Word file, each offered on its own consent card
REFUSED = frozenset({"refused", "error", "invalid", "timeout", "login"})  # what Teams showed
MESSAGE_LINK = "/l/message/"  # Teams' deep links to a message: …/l/message/<chat>/<id>
BYTES = re.compile(r"\((\d+) bytes\)")  # a consent card's size, as the emulator shows it
WAIT_SECONDS = 10.0  # Palier answers in milliseconds; this only bounds a broken run


def me_word(member: Member) -> str:
    """``me`` as the command menu of ``member``'s Teams shows it (the app's manifest)."""
    return Translator(member.locale)("teams_manifest.command_me")


class TeamsPlayer:
    """Plays the story's steps on the Teams emulator, against a running Palier."""

    def __init__(
        self,
        emulator: TeamsEmulator,
        driver: TeamsDriver,
        ticker: Ticker,
        clock: Callable[[], datetime],
        team: Sequence[Member],
    ) -> None:
        self.emulator = emulator
        self.driver = driver
        self.ticker = ticker
        self.clock = clock
        self.members = tuple(team)
        self._before: dict[str, int] = {}  # Palier's messages to each before the last tick
        self._received: dict[tuple[str, Expect], Message] = {}
        self._listings: dict[str, Message] = {}  # a manager's review list
        self._briefs: dict[str, Message] = {}  # a manager's last 1:1 brief
        self._saved: dict[str, str] = {}  # what a manager's review dialog closed on
        self._summaries: dict[str, Message] = {}  # the summary of each one's last check-in
        self._team_chat: str | None = None  # the team's group chat, once someone writes there

    @property
    def me_command(self) -> str:
        """``moi / me``: each person writes it in their Teams' language."""
        words = (Translator(locale)("teams_manifest.command_me") for locale in LOCALES)
        return " / ".join(dict.fromkeys(words))

    # -- the app installed -----------------------------------------------------------------

    def install(self, member: Member) -> str:
        """The app installed for ``member`` (as an admin's policy does for everyone):
        Palier learns their chat and welcomes them there."""
        seen = len(self._sent(member))
        for answer in self._act(member, lambda: self.driver.install(self._who(member))):
            self._check(member, answer)
        return self._seen(self._new(member, seen, "installationUpdate"))

    # -- what Palier sends ---------------------------------------------------------------

    def tick(self) -> TickReport:
        self._before = {member.user_id: len(self._sent(member)) for member in self.members}
        return self.ticker.tick(self.clock())

    def received(self, member: Member, what: Expect) -> str | None:
        fresh = self._sent(member)[self._before.get(member.user_id, 0) :]
        if len(fresh) != 1:
            return None
        if what is Expect.PROMPT:  # a new week: last week's reminder is no longer its latest
            for later in LATER:
                self._received.pop((member.user_id, later), None)
        self._received[member.user_id, what] = fresh[0]
        return self._seen(fresh[0])

    def closed(self, member: Member) -> str | None:
        # The week's latest message says it closed (an earlier one points to it).
        sent = (self._received.get((member.user_id, e)) for e in (*LATER, Expect.PROMPT))
        prompt = next((message for message in sent if message is not None), None)
        now = self._current(prompt) if prompt is not None else None
        if prompt is None or now is None or len(now.versions) <= len(prompt.versions):
            return None
        return self._seen(now)

    def prompt(self, member: Member) -> str | None:
        prompt = self._received.get((member.user_id, Expect.PROMPT))
        return None if prompt is None else self._seen(self._current(prompt))

    # -- the prompt's buttons and the check-in dialog ----------------------------------------

    def open_check_in(self, member: Member, on: Expect) -> CheckinForm:
        start = Translator(member.locale)("prompt.start")
        message = self._received[member.user_id, on]
        self._do(member, lambda: self.driver.open_dialog(self._who(member), message, start))
        dialog = self._dialog(member)
        asked = tuple(
            key
            for item in _inputs(dialog)
            for name, _, key in [str(item.get("id")).partition(":")]
            if name == actions.CHECKIN_LEVEL and key
        )
        return CheckinForm(start, _shown(dialog), asked, _submit(dialog))

    def submit_check_in(self, member: Member, answers: CheckinAnswers) -> str:
        dialog = self._dialog(member)
        values: dict[str, Any] = {}
        for answer in answers.answers:
            key = answer.competency_id
            level = f"{actions.CHECKIN_LEVEL}:{key}"
            values[level] = _choice(member, dialog, level, answer.level)
            if answer.proof is not None:
                values[f"{actions.CHECKIN_EVIDENCE}:{key}"] = answer.proof
            if answer.link is not None:
                values[f"{actions.CHECKIN_LINK}:{key}"] = answer.link
        if answers.topic is not None:
            values[actions.CHECKIN_TOPIC] = answers.topic
        seen = len(self._sent(member))
        self._do(member, lambda: self.driver.submit_dialog(self._who(member), values), "close")
        summary = self._new(member, seen, "task/submit")
        self._summaries[member.user_id] = summary
        return self._seen(summary)

    def edit_check_in(self, member: Member) -> CheckinForm:
        label = Translator(member.locale)("checkin_edit.button")
        summary = self._current(self._summaries[member.user_id])
        self._do(member, lambda: self.driver.open_dialog(self._who(member), summary, label))
        dialog = self._dialog(member)
        asked = tuple(
            key
            for item in _inputs(dialog)
            for name, _, key in [str(item.get("id")).partition(":")]
            if name == actions.CHECKIN_LEVEL and key
        )
        return CheckinForm(label, _shown(dialog), asked, _submit(dialog))

    def submit_edit(self, member: Member, levels: Mapping[str, str]) -> str:
        """The rest of the dialog kept as it opened (as sent); the summary card updated."""
        dialog = self._dialog(member)
        values = {
            f"{actions.CHECKIN_LEVEL}:{key}": _choice(
                member, dialog, f"{actions.CHECKIN_LEVEL}:{key}", level
            )
            for key, level in levels.items()
        }
        summary = self._summaries[member.user_id]
        versions = len(self._current(summary).versions)
        self._do(member, lambda: self.driver.submit_dialog(self._who(member), values), "close")

        def updated() -> Message | None:
            now = self._current(summary)
            return now if len(now.versions) > versions else None

        return self._seen(self._wait(member, updated, "task/submit"))

    def snooze(self, member: Member) -> Pressed:
        label = snooze_label(Translator(member.locale))
        return Pressed(label, self._press(member, label))

    def skip(self, member: Member) -> Pressed:
        """Skip asks first, on the card (an ``Action.ShowCard``); the person confirms there."""
        label = Translator(member.locale)("prompt.skip")
        prompt = self._current(self._received[member.user_id, Expect.PROMPT])
        confirm = self._confirmation(member, prompt, label)
        return Pressed(label, self._press(member, confirm, within=label), confirm)

    def _press(self, member: Member, title: str, *, within: str | None = None) -> str:
        """Press ``title`` on this week's prompt; the prompt as Teams then shows it."""
        message = self._received[member.user_id, Expect.PROMPT]
        versions = len(self._current(message).versions)
        self._do(
            member, lambda: self.driver.click(self._who(member), message, title, within=within)
        )

        def changed() -> Message | None:
            now = self._current(message)
            return now if len(now.versions) > versions else None

        return self._seen(self._wait(member, changed, "adaptiveCard/action"))

    # -- the manager's commands --------------------------------------------------------------

    def review_list(self, manager: Member) -> Answered:
        listing = self._write(manager, REVIEW)
        self._listings[manager.user_id] = listing
        return Answered(REVIEW, self._seen(listing))

    def open_review(self, manager: Member, report: Member) -> ReviewForm:
        """Press the button on ``report``'s row of the review list: the dialog opens."""
        listing = self._current(self._listings[manager.user_id])
        label = Translator(manager.locale)("review.button")
        self._do(
            manager,
            lambda: self.driver.open_dialog(
                self._who(manager), listing, label, beside=report.real_name
            ),
        )
        dialog = self._dialog(manager)
        return ReviewForm(label, _shown(dialog), _review_fields(dialog), _submit(dialog))

    def submit_review(self, manager: Member, report: Member, answers: ReviewAnswers) -> str:
        dialog = self._dialog(manager)
        values: dict[str, Any] = {}
        for item in _inputs(dialog):
            input_id = str(item.get("id"))
            name, _, key = input_id.partition(":")
            if name == actions.REVIEW_LEVEL and key in answers.levels:
                values[input_id] = _choice(manager, dialog, input_id, answers.levels[key])
            elif name == actions.REVIEW_COMMENT and answers.comment is not None:
                values[input_id] = answers.comment
            elif name == actions.REVIEW_SHARE:
                values[input_id] = [
                    _choice(manager, dialog, input_id, shared) for shared in answers.share
                ]
        told = len(self._sent(report))
        self._do(manager, lambda: self.driver.submit_dialog(self._who(manager), values), "message")
        self._saved[manager.user_id] = self.driver.notice(self._who(manager)) or ""
        return self._seen(self._new(report, told, "task/submit"))

    def review_saved(self, manager: Member) -> str:
        """What the dialog closed on (Teams shows it in the dialog's place)."""
        return self._saved.pop(manager.user_id)

    def team(self, manager: Member, tables: int) -> TeamTables:
        """``team``: one card per référentiel of her reports, in her chat with Palier."""
        seen = len(self._sent(manager))
        self._say(manager, TEAM_COMMAND)
        cards = self._wait(
            manager,
            lambda: (
                self._sent(manager)[seen : seen + tables]
                if len(self._sent(manager)) >= seen + tables
                else None
            ),
            TEAM_COMMAND,
        )
        return TeamTables(TEAM_COMMAND, tuple(self._seen(card) for card in cards), "")

    def brief(self, manager: Member, report: Member) -> Answered:
        """``1on1 @Name``: Teams sends the mention as a tag and an entity; she sees @Name."""
        text = f"{ONE_ON_ONE} {self.driver.mention(self._who(report))}"
        shown = self._write(manager, text, mentions=(report,))
        self._briefs[manager.user_id] = shown
        return Answered(f"{ONE_ON_ONE} @{report.real_name}", self._seen(shown))

    def one_on_one_done(self, manager: Member) -> Pressed:
        """After the 1:1: "1:1 done" on the brief, confirmed on the card it shows."""
        brief = self._current(self._briefs[manager.user_id])  # shown earlier the same day
        label = Translator(manager.locale)("one_on_one.button.done")
        confirm = self._confirmation(manager, brief, label)
        seen = len(self._sent(manager))
        self._do(
            manager,
            lambda: self.driver.click(self._who(manager), brief, confirm, within=label),
        )
        return Pressed(label, self._seen(self._new(manager, seen, label)), confirm)

    def me(self, member: Member) -> Answered:
        typed = me_word(member)
        return Answered(typed, self._seen(self._write(member, typed)))

    def chart(self, member: Member) -> Answered:
        """``moi graphique``: the chart offered as a file, accepted, then in OneDrive."""
        t = Translator(member.locale)
        typed = f"{me_word(member)} {t('progress_charts.demo.chart_word')}"
        offered = self._write(member, typed)
        shown = self._accept(member, offered, typed)
        stored = self.emulator.drive_files(self._who(member))
        if not stored:
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=typed)
        line = picture_line(stored[-1].name, stored[-1].content, t)
        return Answered(typed, "\n".join((self._seen(offered), self._seen(shown), line)))

    def log_message(self, member: Member, text: str) -> EvidenceForm:
        """Write ``text`` in the team's group chat, then "Log as evidence" from the
        message's menu: the form, as the dialog opened."""
        if self._team_chat is None:
            self._team_chat = self.emulator.add_group_chat([self._who(m) for m in self.members]).id
        message = self.emulator.post_user_message(
            self._who(member), text, conversation_id=self._team_chat
        )
        opened = self._act(
            member,
            lambda: self.driver.message_action(self._who(member), message, LOG_EVIDENCE_COMMAND),
        )
        self._check(member, opened)
        dialog = self._dialog(member)
        values = {str(item.get("id")): item.get("value") for item in _inputs(dialog)}
        competency = values.get(actions.EVIDENCE_COMPETENCY)
        criterion = values.get(actions.EVIDENCE_CRITERION)
        return EvidenceForm(
            "",  # a group chat has no name: the demo's Teams wording says where
            Translator(member.locale)("teams_manifest.log_evidence"),
            _elided(_shown(dialog), opened),
            str(competency) if competency else None,
            str(criterion) if criterion else None,
            _submit(dialog),
        )

    def save_evidence(self, member: Member) -> str:
        """The dialog's save button, the form as it opened; the confirmation in the chat."""
        seen = len(self._sent(member))
        save = _submit(self._dialog(member))
        self._do(member, lambda: self.driver.submit_dialog(self._who(member), button=save), "close")
        return self._seen(self._new(member, seen, "composeExtension/submitAction"))

    @property
    def offers_livret(self) -> bool:
        return True

    def livret(self, member: Member) -> LivretSent:
        """``vae`` in one's chat with Palier: the PDF and the Word file offered as Teams
        asks (two file consent cards), each accepted, then in the person's OneDrive."""
        typed = VAE
        seen = len(self._sent(member))
        self._say(member, typed)
        offered = self._wait(
            member,
            lambda: fresh if len(fresh := self._sent(member)[seen:]) >= LIVRET_FILES else None,
            typed,
        )
        shown = [_unsized(self._seen(card)) for card in offered]
        for card in offered:  # as a person does: one after the other
            shown.append(self._seen(self._accept(member, card, typed)))
        stored = self.emulator.drive_files(self._who(member))[-LIVRET_FILES:]
        if len(stored) < LIVRET_FILES:
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=typed)
        files = tuple(SentFile(file.name, file.content) for file in stored)
        return LivretSent(typed, "\n".join(shown), files)

    # -- Teams' mechanics --------------------------------------------------------------------

    def _who(self, member: Member) -> str:
        """How the emulator knows ``member``: their e-mail address."""
        return member.email

    def _sent(self, member: Member) -> list[Message]:
        """What Palier posted in ``member``'s chat with it, oldest first."""
        return [m for m in self.driver.messages(self._who(member)) if m.from_bot]

    def _current(self, message: Message) -> Message:
        found = self.emulator.message(message.conversation_id, message.id)
        assert found is not None  # Palier never deletes its messages
        return found

    def _wait(self, member: Member, condition: Callable[[], T | None], step: str) -> T:
        try:
            return self.emulator.wait_for(condition, timeout=WAIT_SECONDS)
        except TimeoutError:
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=step) from None

    def _new(self, member: Member, seen: int, step: str) -> Message:
        """The next message Palier posts to ``member`` after the ``seen`` first ones."""
        return self._wait(
            member,
            lambda: self._sent(member)[seen] if len(self._sent(member)) > seen else None,
            step,
        )

    def _act(self, member: Member, act: Callable[[], T]) -> T:
        """Do ``act`` (a click, a dialog sent, a message); a person could do it."""
        try:
            return act()
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None

    def _check(self, member: Member, answer: TeamsResponse, wanted: str | None = None) -> None:
        """Palier accepted what ``member`` did, in time, and Teams shows ``wanted``."""
        refused = answer.outcome in REFUSED or (wanted is not None and answer.outcome != wanted)
        if answer.ok and not answer.late and not refused:
            return
        detail = f"HTTP {answer.status}" + (f", {answer.outcome}" if answer.outcome else "")
        if answer.input_errors:  # the Teams client itself refused the dialog
            detail = "; ".join(f"{key}: {text}" for key, text in answer.input_errors.items())
        raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)

    def _do(
        self, member: Member, act: Callable[[], TeamsResponse], wanted: str | None = None
    ) -> None:
        self._check(member, self._act(member, act), wanted)

    def _dialog(self, member: Member) -> Dialog:
        dialog = self.driver.dialog(self._who(member))
        if dialog is None or dialog.card is None:
            notice = self.driver.notice(self._who(member)) or "task/fetch"
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=notice)
        return dialog

    def _accept(self, member: Member, offered: Message, step: str) -> Message:
        """Allow on the file consent card ``offered``: what Palier then shows (the file,
        in OneDrive; it removes the consent card after: wait for what is new)."""
        before = {message.id for message in self._sent(member)}
        self._do(member, lambda: self.driver.accept_file(self._who(member), offered))
        return self._wait(
            member,
            lambda: next((m for m in self._sent(member) if m.id not in before), None),
            step,
        )

    def _confirmation(self, member: Member, message: Message, label: str) -> str:
        """The title of the button on the card ``label`` (an ``Action.ShowCard``) shows."""
        try:
            shown = find_action(message.card or {}, label).action.get("card") or {}
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        buttons = [a for a in shown.get("actions") or [] if isinstance(a, dict)]
        if not buttons:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=label)
        return str(buttons[0].get("title", ""))

    def _say(self, member: Member, text: str, mentions: Sequence[Member] = ()) -> None:
        """``member`` writes ``text`` to Palier in their chat with it."""
        who = [self._who(m) for m in mentions]
        self._do(member, lambda: self.driver.send_message(self._who(member), text, mentions=who))

    def _write(self, member: Member, text: str, mentions: Sequence[Member] = ()) -> Message:
        """``member`` writes ``text`` to Palier; Palier's answer in their chat."""
        seen = len(self._sent(member))
        self._say(member, text, mentions)
        return self._new(member, seen, text)

    def _seen(self, message: Message) -> str:
        return TeamsDriver.render(message)


# -- dialogs, as a person reads them ----------------------------------------------------------


def _inputs(dialog: Dialog) -> list[JsonDict]:
    return inputs(dialog.card or {})


def _shown(dialog: Dialog) -> str:
    """The dialog as Teams shows it: its title, then its card."""
    return f"── {dialog.title or ''} ──\n{render_card(dialog.card or {})}"


def _elided(shown: str, opened: TeamsResponse) -> str:
    """The dialog with the message's link cut after Teams' address for messages: the rest
    (the chat's id, the message's, from the machine's clock) would differ at each run."""
    value = (opened.activity or {}).get("value") or {}
    link = str((value.get("messagePayload") or {}).get("linkToMessage") or "")
    head, found, _ = link.partition(MESSAGE_LINK)
    return shown.replace(link, f"{head}{MESSAGE_LINK}…") if link and found else shown


def _unsized(shown: str) -> str:
    """A livret's consent card with its exact size cut: the livret quotes the link of the
    message logged as evidence, whose ids the emulator draws at each run, so its size in
    bytes would differ by a few (the narrator gives it in Ko, read from the file)."""
    return BYTES.sub("(… bytes)", shown)


def _submit(dialog: Dialog) -> str:
    """The title of the dialog's button that sends it."""
    buttons = [a for a in (dialog.card or {}).get("actions") or [] if isinstance(a, dict)]
    return str(buttons[-1].get("title", "")) if buttons else ""


def _titles(item: JsonDict) -> Mapping[str, str]:
    """A choice set's choices: their titles as shown, each to its value."""
    return {
        str(choice.get("title", "")): str(choice.get("value", ""))
        for choice in item.get("choices") or []
        if isinstance(choice, dict)
    }


def _name(title: str) -> str:
    """A choice's name without the description Teams shows beside it (``Junior — …``)."""
    return title.split(" — ", 1)[0]


def _choice(member: Member, dialog: Dialog, input_id: str, name: str) -> str:
    """The value of the choice of ``input_id`` named ``name``, as the person picks it."""
    item = next((i for i in _inputs(dialog) if i.get("id") == input_id), {})
    for title, value in _titles(item).items():
        if name in (title, _name(title)):
            return value
    raise DemoError("demo.problem.refused", name=member.real_name, detail=f"{input_id}: {name}")


def _review_fields(dialog: Dialog) -> tuple[ReviewField, ...]:
    """The review dialog's inputs, in their order, as the manager reads them."""
    fields: list[ReviewField] = []
    for item in _inputs(dialog):
        name, _, key = str(item.get("id")).partition(":")
        titles = _titles(item)
        options = tuple(_name(title) for title in titles)
        if name == actions.REVIEW_LEVEL and key:
            chosen = str(item.get("value") or "")
            own = next((_name(t) for t, v in titles.items() if v == chosen), "")
            fields.append(LevelField(key, options, own))
        elif name == actions.REVIEW_COMMENT:
            fields.append(CommentField())
        elif name == actions.REVIEW_SHARE:
            shown = options or (str(item.get("title", "")),)
            fields.append(ShareField(shown))
    return tuple(fields)
