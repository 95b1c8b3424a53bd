"""Slack's player of the demo: the team's clicks and commands through the Slack emulator.

Each person acts as a person would on Slack: they find buttons by the label
Palier showed them (in their own language), choose levels by their visible
names, type ``/palier …``; every request is signed and goes to the Bolt app over
real HTTP, and Palier answers through the emulator's Web API. What they saw is
the emulator's text rendering of the Block Kit, with mentions as Slack shows
them. The player waits for Palier's listeners to finish, never for a poll; a
step Palier does not answer in time, or refuses, is a
:class:`~handlers.demo.player.DemoError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from bot.delivery.tick import TickReport
from bot.i18n import Translator
from emulators.slack import (
    DriverError,
    Message,
    SlackDriver,
    SlackEmulator,
    View,
    render_blocks,
    render_view,
)
from emulators.slack.render import render_text
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
from handlers.slack import ids
from handlers.slack.app import PalierSlack
from handlers.slack.builders.evidence_builder import criterion_block_id
from handlers.slack.markup import slack_translator

T = TypeVar("T")

COMMAND = "/palier"
ME = "me"
CHART = "chart"  # after ``me``: the progress chart
REVIEW = "review"
TEAM_COMMAND = "team"
ONE_ON_ONE = "1on1"
VAE = "vae"
# Where the team talks, and the message shortcut as the app's manifest names it
# (manifest.yaml, ``features.shortcuts``).
TEAM_CHANNEL = ("C0VENTES", "equipe-ventes")
SHORTCUT_NAME = "Palier · preuve/evidence"
WAIT_SECONDS = 10.0  # Bolt answers in milliseconds; this only bounds a broken run


class SlackPlayer:
    """Plays the story's steps on the Slack emulator, against a running Palier."""

    def __init__(
        self,
        palier: PalierSlack,
        emulator: SlackEmulator,
        driver: SlackDriver,
        team: Sequence[Member],
    ) -> None:
        self.palier = palier
        self.emulator = emulator
        self.driver = driver
        self.members = tuple(team)
        self._before: dict[str, int] = {}  # DMs each person had before the last tick
        self._received: dict[tuple[str, Expect], Message] = {}
        self._forms: dict[str, View] = {}  # the modal each person has open
        self._listings: dict[str, Message] = {}  # a manager's review list
        self._briefs: dict[str, Message] = {}  # a manager's last 1:1 brief
        self._saved_after: dict[str, int] = {}  # a manager's DMs before her review
        self._summaries: dict[str, Message] = {}  # the summary of each one's last check-in

    @property
    def me_command(self) -> str:
        return f"{COMMAND} {ME}"

    # -- what Palier sends ---------------------------------------------------------------

    def tick(self) -> TickReport:
        self._before = {member.user_id: len(self._dms(member)) for member in self.members}
        return self.palier.tick()

    def received(self, member: Member, what: Expect) -> str | None:
        fresh = self._dms(member)[self._before.get(member.user_id, 0) :]
        if len(fresh) != 1:
            return None
        if what is Expect.PROMPT:  # a new week: last week's reminder is no longer its latest
            for later in LATER:
                self._received.pop((member.user_id, later), None)
        self._received[member.user_id, what] = fresh[0]
        return render_blocks(fresh[0].blocks)

    def closed(self, member: Member) -> str | None:
        # The week's latest message says it closed (an earlier one points to it).
        sent = (self._received.get((member.user_id, e)) for e in (*LATER, Expect.PROMPT))
        prompt = next((message for message in sent if message is not None), None)
        now = self._current(prompt) if prompt is not None else None
        if prompt is None or now is None or len(now.versions) <= len(prompt.versions):
            return None
        return render_blocks(now.blocks)

    def prompt(self, member: Member) -> str | None:
        prompt = self._received.get((member.user_id, Expect.PROMPT))
        return None if prompt is None else render_blocks(self._current(prompt).blocks)

    # -- the prompt's buttons --------------------------------------------------------------

    def open_check_in(self, member: Member, on: Expect) -> CheckinForm:
        start = slack_translator(member.locale)("prompt.start")
        self._click(member, self._received[member.user_id, on], start)
        modal = self._wait(member, lambda: self.driver.modal(member.user_id), "views.open")
        self._forms[member.user_id] = modal
        asked = tuple(
            competency_id
            for block in modal.blocks
            if block.get("type") == "input"
            for prefix, competency_id in [ids.split_block(str(block.get("block_id")))]
            if prefix == ids.LEVEL_BLOCK and competency_id is not None
        )
        submit = str((modal.data.get("submit") or {}).get("text", ""))
        return CheckinForm(start, render_view(modal.data), asked, submit)

    def submit_check_in(self, member: Member, answers: CheckinAnswers) -> str:
        values: dict[str, Any] = {}
        for answer in answers.answers:
            competency_id = answer.competency_id
            values[ids.competency_block(ids.LEVEL_BLOCK, competency_id)] = answer.level
            if answer.proof is not None:
                values[ids.competency_block(ids.EVIDENCE_BLOCK, competency_id)] = answer.proof
            if answer.link is not None:
                values[ids.competency_block(ids.LINK_BLOCK, competency_id)] = answer.link
        if answers.topic is not None:
            values[ids.TOPIC_BLOCK] = answers.topic
        count = len(self._dms(member))
        self._submit(member, self._forms.pop(member.user_id), values)
        summary = self._new_dm(member, count, "chat.postMessage")
        self._summaries[member.user_id] = summary
        return render_blocks(summary.blocks)

    def edit_check_in(self, member: Member) -> CheckinForm:
        label = slack_translator(member.locale)("checkin_edit.button")
        self._click(member, self._current(self._summaries[member.user_id]), label)
        modal = self._wait(member, lambda: self.driver.modal(member.user_id), "views.open")
        self._forms[member.user_id] = modal
        asked = tuple(
            competency_id
            for block in modal.blocks
            if block.get("type") == "input"
            for prefix, competency_id in [ids.split_block(str(block.get("block_id")))]
            if prefix == ids.LEVEL_BLOCK and competency_id is not None
        )
        submit = str((modal.data.get("submit") or {}).get("text", ""))
        return CheckinForm(label, render_view(modal.data), asked, submit)

    def submit_edit(self, member: Member, levels: Mapping[str, str]) -> str:
        """The rest of the form kept as it opened (as sent); the summary updated in place."""
        values = {ids.competency_block(ids.LEVEL_BLOCK, c): level for c, level in levels.items()}
        summary = self._summaries[member.user_id]
        versions = len(self._current(summary).versions)
        self._submit(member, self._forms.pop(member.user_id), values)

        def updated() -> Message | None:
            now = self._current(summary)
            return now if len(now.versions) > versions else None

        return render_blocks(self._wait(member, updated, "chat.update").blocks)

    def snooze(self, member: Member) -> Pressed:
        label = snooze_label(slack_translator(member.locale))
        return Pressed(label, self._press(member, label))

    def skip(self, member: Member) -> Pressed:
        label = slack_translator(member.locale)("prompt.skip")
        # Slack asks first; the person confirms with the button the dialog shows.
        confirm = self._confirm(member, self._received[member.user_id, Expect.PROMPT], label)
        return Pressed(label, self._press(member, label), confirm)

    def _press(self, member: Member, label: str) -> str:
        """Click ``label`` on this week's prompt; the prompt once Palier has updated it."""
        message = self._received[member.user_id, Expect.PROMPT]
        versions = len(self._current(message).versions)
        self._click(member, message, label)

        def changed() -> Message | None:
            now = self._current(message)
            return now if len(now.versions) > versions else None

        return render_blocks(self._wait(member, changed, "chat.update").blocks)

    # -- the manager's commands --------------------------------------------------------------

    def review_list(self, manager: Member) -> Answered:
        typed = f"{COMMAND} {REVIEW}"
        (listing,) = self._command(manager, REVIEW, typed)
        self._listings[manager.user_id] = listing
        return Answered(typed, self._seen(listing))

    def open_review(self, manager: Member, report: Member) -> ReviewForm:
        """Click the button on ``report``'s row of the review list: the modal opens."""
        listing = self._listings[manager.user_id]
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
        label = render_text(row["accessory"].get("text"))
        try:
            answer = self.driver.click(
                manager.user_id, listing, text=label, block_id=str(row.get("block_id"))
            )
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=error) from None
        if not answer.ok:
            detail = f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=manager.real_name, detail=detail)
        modal = self._wait(manager, lambda: self.driver.modal(manager.user_id), "views.open")
        self._forms[manager.user_id] = modal
        submit = render_text(modal.data.get("submit"))
        return ReviewForm(label, render_view(modal.data), _review_fields(modal), submit)

    def submit_review(self, manager: Member, report: Member, answers: ReviewAnswers) -> str:
        modal = self._forms.pop(manager.user_id)
        values: dict[str, Any] = {}
        for block in modal.blocks:
            if block.get("type") != "input":
                continue
            block_id = str(block.get("block_id"))
            prefix, competency_id = ids.split_block(block_id)
            if prefix == ids.REVIEW_LEVEL_BLOCK:
                if competency_id is not None and competency_id in answers.levels:
                    values[block_id] = answers.levels[competency_id]
            elif prefix == ids.REVIEW_COMMENT_BLOCK and answers.comment is not None:
                values[block_id] = answers.comment
            elif prefix == ids.REVIEW_SHARE_BLOCK:
                values[block_id] = list(answers.share)
        told = len(self._dms(report))
        self._saved_after[manager.user_id] = len(self._dms(manager))
        self._submit(manager, modal, values)
        return self._seen(self._new_dm(report, told, "chat.postMessage"))

    def review_saved(self, manager: Member) -> str:
        saved = self._saved_after.pop(manager.user_id)
        return self._seen(self._new_dm(manager, saved, "chat.postMessage"))

    def team(self, manager: Member, tables: int) -> TeamTables:
        """``/palier team``: one table per référentiel of her reports."""
        typed = f"{COMMAND} {TEAM_COMMAND}"
        seen = len(self._dms(manager))
        (notice,) = self._command(manager, TEAM_COMMAND, typed)
        # The tables came to her DM first (Slack takes a table only in chat.postMessage's
        # attachments); the ephemeral answer says so.
        shown = tuple(
            self._slack_names(
                render_blocks(
                    [
                        *(table.blocks or []),
                        *(b for a in table.attachments or [] for b in a.get("blocks", [])),
                    ]
                )
            )
            for table in self._dms(manager)[seen : seen + tables]
        )
        return TeamTables(typed, shown, self._seen(notice))

    def brief(self, manager: Member, report: Member) -> Answered:
        # Slack sends the mention escaped; the person typed (and sees) @handle.
        text = f"{ONE_ON_ONE} <@{report.user_id}|{report.handle}>"
        typed = f"{COMMAND} {ONE_ON_ONE} @{report.handle}"
        (shown,) = self._command(manager, text, typed)
        self._briefs[manager.user_id] = shown
        return Answered(typed, self._seen(shown))

    def one_on_one_done(self, manager: Member) -> Pressed:
        """After the 1:1: "1:1 done" on the brief, confirmed in Slack's dialog."""
        brief = self._briefs[manager.user_id]  # shown earlier the same day
        label = slack_translator(manager.locale)("one_on_one.button.done")
        confirm = self._confirm(manager, brief, label)
        seen = len(self.emulator.ephemerals_for(manager.user_id))
        self._click(manager, brief, label)
        (answer,) = self._new_ephemerals(manager, seen, 1, label)
        return Pressed(label, self._seen(answer), confirm)

    def me(self, member: Member) -> Answered:
        typed = f"{COMMAND} {ME}"
        (shown,) = self._command(member, ME, typed)
        return Answered(typed, render_blocks(shown.blocks))

    def chart(self, member: Member) -> Answered:
        """``/palier me chart``: the answer, and the picture that came to the DM."""
        text = f"{ME} {CHART}"
        typed = f"{COMMAND} {text}"
        before = len(self.emulator.files)
        (shown,) = self._command(member, text, typed)
        dm = self.emulator.dm_channel_id(member.user_id)
        sent = [f for f in self.emulator.files[before:] if f.channels == [dm]]
        if len(sent) != 1:
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=typed)
        (file,) = sent
        upload = next(m for m in reversed(self._dms(member)) if m.files)
        line = picture_line(file.name, file.content or b"", Translator(member.locale))
        return Answered(typed, "\n".join((self._seen(shown), upload.text or "", line)))

    def log_message(self, member: Member, text: str) -> EvidenceForm:
        """Post ``text`` in the team's channel, then "Palier · preuve/evidence" on it: the
        modal, once Palier has added the message's link to it."""
        channel_id, name = TEAM_CHANNEL
        if self.emulator.channel(channel_id) is None:
            members = [m.user_id for m in self.members]
            self.emulator.add_channel(channel_id, name, members=members)
        message = self.emulator.post_user_message(member.user_id, text, channel=channel_id)
        try:
            answer = self.driver.message_shortcut(
                member.user_id, message, ids.LOG_EVIDENCE_SHORTCUT
            )
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        if not answer.ok:
            detail = f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)

        def linked() -> View | None:
            modal = self.driver.modal(member.user_id)
            shown = render_view(modal.data) if modal is not None else ""
            return modal if f"archives/{channel_id}" in shown else None

        modal = self._wait(member, linked, "views.update")
        self._forms[member.user_id] = modal
        return EvidenceForm(
            f"#{name}",
            SHORTCUT_NAME,
            render_view(modal.data),
            competency := _chosen(modal, ids.EV_COMPETENCY_BLOCK),
            _chosen(modal, criterion_block_id(competency)),
            render_text(modal.data.get("submit")),
        )

    def save_evidence(self, member: Member) -> str:
        count = len(self._dms(member))
        self._submit(member, self._forms.pop(member.user_id), {})
        return render_blocks(self._new_dm(member, count, "chat.postMessage").blocks)

    @property
    def offers_livret(self) -> bool:
        return True

    def livret(self, member: Member) -> LivretSent:
        """``/palier vae``: the answer, and the files that came to the DM (its file store)."""
        typed = f"{COMMAND} {VAE}"
        before, seen = len(self.emulator.files), len(self._dms(member))
        (shown,) = self._command(member, VAE, typed)
        dm = self.emulator.dm_channel_id(member.user_id)

        def uploaded() -> list[SentFile] | None:
            sent = [f for f in self.emulator.files[before:] if f.channels == [dm]]
            return [SentFile(f.name, f.content or b"") for f in sent] if len(sent) == 2 else None

        files = self._wait(member, uploaded, "files.completeUploadExternal")
        comments = [m.text for m in self._dms(member)[seen:] if m.files and m.text]
        return LivretSent(typed, "\n".join((self._seen(shown), *comments)), tuple(files))

    def install(self, member: Member) -> None:
        """Nothing to install per person: the workspace's app writes to anyone in it."""
        return None

    # -- Slack's mechanics -------------------------------------------------------------------

    def _dms(self, member: Member) -> list[Message]:
        return self.emulator.dm_messages(member.user_id)

    def _current(self, message: Message) -> Message:
        found = self.emulator.message(message.channel, message.ts)
        assert found is not None  # Palier never deletes its messages
        return found

    def _wait(self, member: Member, condition: Callable[[], T | None], step: str) -> T:
        try:
            return self.emulator.wait_for(condition, timeout=WAIT_SECONDS)
        except TimeoutError:
            seen = self.emulator.ephemerals_for(member.user_id)
            detail = render_blocks(seen[-1].blocks) if seen else step
            raise DemoError(
                "demo.problem.no_answer", name=member.real_name, detail=detail
            ) from None

    def _click(self, member: Member, message: Message, label: str) -> None:
        try:
            answer = self.driver.click(member.user_id, message, text=label)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        if not answer.ok or not answer.within_deadline:
            detail = f"HTTP {answer.status}, {answer.elapsed:.1f} s"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)

    def _confirm(self, member: Member, message: Message, label: str) -> str:
        """The label of the confirming button of the dialog ``label`` opens first."""
        try:
            button = SlackDriver.find_button(self._current(message), label)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        return str(((button.get("confirm") or {}).get("confirm") or {}).get("text", ""))

    def _submit(self, member: Member, modal: View, values: dict[str, Any]) -> None:
        try:
            answer = self.driver.submit_view(member.user_id, modal, values)
        except DriverError as error:
            raise DemoError("demo.problem.refused", name=member.real_name, detail=error) from None
        if answer.outcome != "close":
            detail = answer.errors or f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)

    def _command(self, member: Member, text: str, typed: str, answers: int = 1) -> list[Message]:
        """``/palier <text>`` typed by ``member``: the ``answers`` ephemerals Palier shows."""
        count = len(self.emulator.ephemerals_for(member.user_id))
        answer = self.driver.slash_command(member.user_id, COMMAND, text)
        if not answer.ok:
            detail = f"HTTP {answer.status}"
            raise DemoError("demo.problem.refused", name=member.real_name, detail=detail)
        return self._new_ephemerals(member, count, answers, typed)

    def _new_ephemerals(self, member: Member, seen: int, answers: int, step: str) -> list[Message]:
        """The ``answers`` ephemerals ``member`` sees after the ``seen`` first ones."""

        def arrived() -> list[Message] | None:
            fresh = self.emulator.ephemerals_for(member.user_id)[seen:]
            return fresh[:answers] if len(fresh) >= answers else None

        return self._wait(member, arrived, step)

    def _new_dm(self, member: Member, seen: int, step: str) -> Message:
        """The next message in ``member``'s DM with Palier after the ``seen`` first ones."""
        return self._wait(
            member,
            lambda: self._dms(member)[seen] if len(self._dms(member)) > seen else None,
            step,
        )

    def _slack_names(self, text: str) -> str:
        """Mentions as Slack shows them (``@Karim Haddad``): the text renderer leaves ids."""
        for member in self.members:
            text = text.replace(f"@{member.user_id}", f"@{member.real_name}")
        return text

    def _seen(self, message: Message) -> str:
        return self._slack_names(render_blocks(message.blocks) or message.text or "")


def _chosen(modal: View, block_id: str) -> str | None:
    """The value a modal's menu shows chosen (its initial option), if any."""
    for block in modal.blocks:
        if block.get("block_id") == block_id:
            option = (block.get("element") or {}).get("initial_option") or {}
            value = option.get("value")
            return str(value) if value is not None else None
    return None


def _review_fields(modal: View) -> tuple[ReviewField, ...]:
    """The review modal's inputs, in their order, as the manager reads them."""
    fields: list[ReviewField] = []
    for block in modal.blocks:
        if block.get("type") != "input":
            continue
        prefix, competency_id = ids.split_block(str(block.get("block_id")))
        element = block.get("element") or {}
        options = tuple(render_text(o.get("text")) for o in element.get("options") or [])
        if prefix == ids.REVIEW_LEVEL_BLOCK and competency_id is not None:
            own = render_text((element.get("initial_option") or {}).get("text"))
            fields.append(LevelField(competency_id, options, own))
        elif prefix == ids.REVIEW_COMMENT_BLOCK:
            fields.append(CommentField())
        elif prefix == ids.REVIEW_SHARE_BLOCK:
            fields.append(ShareField(options))
    return tuple(fields)
