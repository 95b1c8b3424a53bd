"""Acting as Teams toward a bot: a person's install, messages, clicks, dialogs, commands, files.

``TeamsDriver`` is the other half of :class:`~emulators.teams.server.TeamsEmulator`.
Where the emulator answers the bot's calls, the driver plays the person and the Teams
client: it POSTs activities to the bot's messaging endpoint (``{bot_url}/api/messages``)
over real HTTP, each with ``Authorization: Bearer <JWT>`` signed as Bot Framework signs
it (RS256 with the emulator's published key, ``iss``, ``aud=<app id>``, ``serviceurl``,
``nbf``/``exp`` from the emulator's clock), plus the ``x-ms-conversation-id`` and
``x-ms-tenant-id`` headers Teams adds ("Request headers of the bot").

Clicks and dialog submissions are built from what the bot actually sent (the stored
message, the open dialog's card), so pressing a button that is not there, picking a
choice that is not offered or leaving a required input empty behaves as in Teams: an
error for the test, or a submission the client refuses. What the client does with an
invoke's answer (replace the card, open or close a dialog, show a notice) is applied to
the emulator's state (:mod:`.responses`). A file the bot offers is accepted or declined
as Teams does it (:meth:`TeamsDriver.accept_file`: an upload session opened in the
person's OneDrive, then ``fileConsent/invoke``, :mod:`.files`); a person sends the bot a
file with :meth:`TeamsDriver.send_file`. Every delivery is recorded
on the emulator (:attr:`TeamsEmulator.inbound`), late ones included.

Looking at a message (:meth:`TeamsDriver.view`) is what makes a Teams client refresh a
card with a ``refresh`` on its own (Universal Actions: ``adaptiveCard/action`` with
``trigger: "automatic"``, when :meth:`TeamsEmulator.refresh_due` says it is due). Beyond
the personal chat: the app added to a team or a group chat (:meth:`TeamsDriver.add_app_to`)
and a message there (:meth:`TeamsDriver.post`), which reaches the bot only when it
@mentions it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from emulators.teams import files
from emulators.teams.activities import ActivityFactory, mention_text
from emulators.teams.identity import SigningKey
from emulators.teams.inputs import DriverError, Found, button_titles, find_action, submission
from emulators.teams.model import Conversation, InboundRecord, JsonDict, Message, User
from emulators.teams.render import card_texts, render_card
from emulators.teams.responses import (
    INVOKE_DEADLINE,
    MESSAGE_EXTENSION_DEADLINE,
    Dialog,
    TeamsResponse,
    card_refresh,
    parse_body,
    task_answer,
)
from emulators.teams.server import TeamsEmulator

MESSAGING_PATH = "/api/messages"


class TeamsDriver:
    """Sends what Teams would send the bot at ``bot_url``, signed; reads what people see.

    ``user`` arguments take a :class:`User` or any key the emulator knows a person by
    (Teams id, Entra object id, UPN, email).
    """

    def __init__(
        self,
        bot_url: str,
        emulator: TeamsEmulator,
        *,
        timeout: float = 30.0,
        platform: str = "Web",
        invoke_deadline: float = INVOKE_DEADLINE,
        message_extension_deadline: float = MESSAGE_EXTENSION_DEADLINE,
    ) -> None:
        url = bot_url.rstrip("/")
        self.endpoint = url if url.endswith(MESSAGING_PATH) else url + MESSAGING_PATH
        self.emulator = emulator
        self.timeout = timeout
        self.invoke_deadline = invoke_deadline
        """Seconds Teams waits for any activity's answer (Bot Framework's ~15 s)."""
        self.message_extension_deadline = message_extension_deadline
        """Seconds Teams waits for a message extension's invoke (5 s)."""
        self.factory = ActivityFactory(emulator.bot, emulator.service_url, platform)
        self._http = httpx.Client(timeout=timeout)
        self._dialogs: dict[str, Dialog] = {}
        self._notices: dict[str, str] = {}

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()

    def __enter__(self) -> TeamsDriver:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def deliver(
        self,
        activity: JsonDict,
        *,
        deadline: float | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        not_before: float | None = None,
        key: SigningKey | None = None,
        service_url_claim: str | None = None,
        authorization: str | None = None,
    ) -> TeamsResponse:
        """POST ``activity`` to the bot, signed; the keywords forge the token for negative tests.

        ``authorization`` replaces the whole header (``""``: none at all).
        """
        if authorization is None:
            signing: dict[str, Any] = {"audience": audience, "not_before": not_before, "key": key}
            if issuer is not None:
                signing["issuer"] = issuer
            token = self.emulator.identity.sign_activity(
                self.emulator.app_id,
                str(activity.get("serviceUrl", self.emulator.service_url)),
                service_url_claim=service_url_claim,
                **signing,
            )
            authorization = f"Bearer {token}"
        conversation = activity.get("conversation") or {}
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Microsoft-SkypeBotApi (Microsoft-BotFramework/3.0)",
            "x-ms-conversation-id": str(conversation.get("id", "")),
            "x-ms-tenant-id": str(conversation.get("tenantId", "")),
        }
        if authorization:
            headers["Authorization"] = authorization
        kind = str(activity.get("name") or activity.get("type"))
        if deadline is None:
            deadline = self.invoke_deadline
        started = time.monotonic()
        try:
            answer = self._http.post(self.endpoint, content=json.dumps(activity), headers=headers)
            status, text, answer_headers = answer.status_code, answer.text, dict(answer.headers)
        except httpx.TimeoutException:
            status, text, answer_headers = 0, "", {}
        response = TeamsResponse(
            kind=kind,
            status=status,
            body=parse_body(text),
            text=text,
            headers=answer_headers,
            elapsed=time.monotonic() - started,
            deadline=deadline,
            activity=activity,
        )
        self.emulator.record_inbound(
            InboundRecord(
                kind=kind,
                activity=activity,
                status=status,
                body=response.body,
                elapsed=response.elapsed,
                deadline=deadline,
                clock=self.emulator.clock(),
            )
        )
        return response

    # -- who, where ------------------------------------------------------------------------------

    def _user(self, user: str | User) -> User:
        return self.emulator.user(user)

    def _personal(self, person: User) -> Conversation:
        conversation_id = self.emulator.personal_conversation_id(person)
        found = self.emulator.conversation(conversation_id) if conversation_id else None
        if found is None:
            raise DriverError(f"{person.name} has no chat with the bot: install the app first")
        return found

    def _current(self, person: User, message: Message) -> tuple[Message, Conversation]:
        """The message as it stands now, in a chat ``person`` is in."""
        current = self.emulator.message(message.conversation_id, message.id)
        conversation = self.emulator.conversation(message.conversation_id)
        if current is None or current.deleted or conversation is None:
            raise DriverError(f"message {message.id} is gone")
        if person.id not in conversation.members:
            raise DriverError(f"{person.name} is not in the chat of message {message.id}")
        return current, conversation

    # -- install, messages -----------------------------------------------------------------------

    def install(self, user: str | User) -> list[TeamsResponse]:
        """The person adds the app (personal scope): ``installationUpdate`` add, then
        ``conversationUpdate`` with the bot in ``membersAdded``."""
        person = self._user(user)
        conversation = self.emulator.install(person)
        now = self.emulator.clock()
        return [
            self.deliver(self.factory.installation_update(person, conversation, now, "add")),
            self.deliver(self.factory.members_changed(person, conversation, now, added=True)),
        ]

    def uninstall(self, user: str | User) -> list[TeamsResponse]:
        """The person removes the app: from now on the bot cannot post to them (403)."""
        person = self._user(user)
        conversation = self._personal(person)
        self.emulator.uninstall(person)
        now = self.emulator.clock()
        self._dialogs.pop(person.id, None)
        return [
            self.deliver(self.factory.installation_update(person, conversation, now, "remove")),
            self.deliver(self.factory.members_changed(person, conversation, now, added=False)),
        ]

    def send_message(
        self, user: str | User, text: str, *, mentions: Sequence[str | User] = ()
    ) -> TeamsResponse:
        """The person writes ``text`` in their chat with the bot, @mentioning ``mentions``
        (each written in ``text`` as :meth:`mention` says: Teams puts the tag there and a
        ``mention`` entity beside it; a mention the text does not hold is a test's error)."""
        person = self._user(user)
        if not self.emulator.is_installed(person):
            raise DriverError(f"{person.name} cannot write to the bot: the app is not installed")
        mentioned = [self._user(m) for m in mentions]
        for someone in mentioned:
            if mention_text(someone) not in text:
                raise DriverError(f"{mention_text(someone)!r} is not in the text {text!r}")
        conversation = self._personal(person)
        message = self.emulator.post_user_message(person, text)
        now = self.emulator.clock()
        return self.deliver(
            self.factory.message(person, conversation, now, text, message.id, mentioned)
        )

    def send_file(self, user: str | User, name: str, data: bytes, text: str = "") -> TeamsResponse:
        """The person sends the file ``name`` (and ``text``) in their chat with the bot: the
        message carries a ``file.download.info`` attachment whose ``downloadUrl`` the
        emulator serves (Teams offers this only to an app whose manifest ``supportsFiles``)."""
        person = self._user(user)
        if not self.emulator.is_installed(person):
            raise DriverError(f"{person.name} cannot write to the bot: the app is not installed")
        conversation = self._personal(person)
        message = self.emulator.send_file(person, name, data, text)
        now = self.emulator.clock()
        activity = self.factory.message(person, conversation, now, text, message.id)
        activity["attachments"] = message.attachments
        return self.deliver(activity)

    def mention(self, user: str | User) -> str:
        """How an @mention of ``user`` reads in a message (``<at>Name</at>``)."""
        return mention_text(self._user(user))

    def bot_mention(self) -> str:
        """How an @mention of the bot reads in a message (``<at>Palier</at>``)."""
        return self.factory.bot_mention_text()

    # -- teams and group chats ------------------------------------------------------------------

    def add_app_to(self, user: str | User, conversation: Conversation) -> list[TeamsResponse]:
        """The person adds the app to a team (``conversation``: its channel) or a group
        chat they are in: ``installationUpdate`` add there, then ``conversationUpdate``
        with the bot in ``membersAdded`` (``eventType`` ``teamMemberAdded`` in a team)."""
        person = self._user(user)
        if person.id not in conversation.members:
            raise DriverError(f"{person.name} is not in {conversation.id}")
        added = self.emulator.add_app_to(conversation.id)
        now = self.emulator.clock()
        return [
            self.deliver(self.factory.installation_update(person, added, now, "add")),
            self.deliver(self.factory.members_changed(person, added, now, added=True)),
        ]

    def post(
        self,
        user: str | User,
        conversation: Conversation,
        text: str,
        *,
        mentions: Sequence[str | User] = (),
    ) -> TeamsResponse | None:
        """The person writes ``text`` in a group chat or a team's channel (a new thread).

        The bot gets it only when the text @mentions it (:meth:`bot_mention`) and the app
        is in that conversation ("Bots in a group or channel only receive messages when
        they're mentioned"); otherwise nothing is delivered and the answer is None. People
        @mentioned are written as :meth:`mention` says.
        """
        person = self._user(user)
        current = self.emulator.conversation(conversation.id)
        if current is None or person.id not in current.members:
            raise DriverError(f"{person.name} is not in {conversation.id}")
        if current.conversation_type == "personal":
            raise DriverError("in the personal chat, use send_message")
        mentioned = [self._user(m) for m in mentions]
        for someone in mentioned:
            if mention_text(someone) not in text:
                raise DriverError(f"{mention_text(someone)!r} is not in the text {text!r}")
        message = self.emulator.post_user_message(person, text, conversation_id=current.id)
        if not current.bot_member or self.bot_mention() not in text:
            return None
        thread = message.id if current.conversation_type == "channel" else None
        activity = self.factory.message(
            person,
            current,
            self.emulator.clock(),
            text,
            message.id,
            mentioned,
            bot_mentioned=True,
            thread=thread,
        )
        return self.deliver(activity)

    # -- buttons -----------------------------------------------------------------------------------

    def click(
        self,
        user: str | User,
        message: Message,
        title: str,
        values: Mapping[str, Any] | None = None,
        *,
        within: str | None = None,
        beside: str | None = None,
    ) -> TeamsResponse:
        """The person fills ``values`` (by input id) and presses the button ``title``
        (``within``: the one in the card the ``Action.ShowCard`` ``within`` reveals;
        ``beside``: the one on the row of the card that shows this text).

        ``Action.Execute`` sends ``adaptiveCard/action`` (a card in the answer replaces the
        message's card); ``Action.Submit`` sends a message with ``value``, or
        ``task/fetch`` (a dialog opens) when its data says ``msteams.type: task/fetch``.
        A submission the client refuses (required input empty…) sends nothing: the
        answer's ``outcome`` is ``refused`` and ``input_errors`` says why.
        """
        person = self._user(user)
        current, conversation = self._current(person, message)
        if current.card is None:
            raise DriverError(f"message {current.id} has no Adaptive Card")
        found = find_action(current.card, title, within, beside)
        kind = found.action.get("type")
        if kind not in ("Action.Execute", "Action.Submit"):
            raise DriverError(f"{title!r} is an {kind}: it does not reach the bot")
        data, errors = submission(found, values)
        if errors:
            return TeamsResponse(kind=str(kind), status=0, outcome="refused", input_errors=errors)
        now = self.emulator.clock()
        if kind == "Action.Execute":
            value = self.factory.execute_value(found.action, data if isinstance(data, dict) else {})
            activity = self.factory.invoke(
                person, conversation, now, "adaptiveCard/action", value, current.id
            )
            response = self.deliver(activity)
            card = card_refresh(response)
            if card is not None:
                self.emulator.refresh_card(conversation.id, current.id, card, person)
            self._note(person, response)
            return response
        teams = data.get("msteams") if isinstance(data, dict) else None
        teams_type = teams.get("type") if isinstance(teams, dict) else None
        if teams_type == "task/fetch":
            dialog = Dialog(conversation.id, "task", source_message_id=current.id)
            value = self.factory.task_value("task/fetch", data)
            activity = self.factory.invoke(
                person, conversation, now, "task/fetch", value, current.id
            )
            return self._dialog_step(person, dialog, activity, self.invoke_deadline)
        if teams_type in ("imBack", "messageBack") and isinstance(teams, dict):
            return self._message_back(person, conversation, teams, current.id)
        return self.deliver(self.factory.submit(person, conversation, now, data, current.id))

    def _message_back(
        self, person: User, conversation: Conversation, teams: JsonDict, reply_to: str
    ) -> TeamsResponse:
        """``imBack``: the person "says" the value; ``messageBack``: text and value to the bot."""
        text = str(teams.get("value" if teams.get("type") == "imBack" else "text", "") or "")
        shown = text if teams.get("type") == "imBack" else str(teams.get("displayText", "") or "")
        message_id = None
        if shown:
            message_id = self.emulator.post_user_message(person, shown).id
        activity = self.factory.base(
            "message", person, conversation, self.emulator.clock(), activity_id=message_id
        )
        activity.update(text=text, replyToId=reply_to)
        if teams.get("type") == "messageBack" and "value" in teams:
            activity["value"] = teams["value"]
        return self.deliver(activity)

    # -- dialogs -------------------------------------------------------------------------------------

    def open_dialog(
        self,
        user: str | User,
        message: Message,
        title: str,
        values: Mapping[str, Any] | None = None,
        *,
        beside: str | None = None,
    ) -> TeamsResponse:
        """Press ``title``, a button that opens a dialog (``msteams.type: task/fetch``);
        ``beside``: the one on the row of the card that shows this text."""
        person = self._user(user)
        current, _ = self._current(person, message)
        found = find_action(current.card or {}, title, beside=beside)
        data = found.action.get("data")
        teams = data.get("msteams") if isinstance(data, dict) else None
        if not isinstance(teams, dict) or teams.get("type") != "task/fetch":
            raise DriverError(f"{title!r} does not open a dialog (no msteams.type task/fetch)")
        return self.click(person, current, title, values, beside=beside)

    def submit_dialog(
        self, user: str | User, values: Mapping[str, Any] | None = None, button: str | None = None
    ) -> TeamsResponse:
        """Fill the open dialog's inputs with ``values`` and press its submit button.

        The client checks the inputs first (required, regex, number range, offered
        choices); when it refuses, nothing is sent, the dialog stays open with the errors
        under the inputs, and the answer's ``outcome`` is ``refused``.
        """
        person = self._user(user)
        dialog = self._dialogs.get(person.id)
        if dialog is None or dialog.card is None:
            raise DriverError(f"{person.name} has no dialog with a card open")
        found = self._dialog_button(dialog.card, button)
        data, errors = submission(found, values)
        if errors:
            dialog.values, dialog.input_errors = dict(values or {}), errors
            return TeamsResponse(kind="dialog", status=0, outcome="refused", input_errors=errors)
        conversation = self.emulator.conversation(dialog.conversation_id)
        assert conversation is not None
        now = self.emulator.clock()
        if dialog.origin == "message_extension":
            value = self.factory.message_action_value(
                str(dialog.command_id),
                dialog.message_payload or {},
                data if isinstance(data, dict) else {},
            )
            name, deadline = "composeExtension/submitAction", self.message_extension_deadline
        else:
            value, name, deadline = (
                self.factory.task_value("task/submit", data),
                "task/submit",
                self.invoke_deadline,
            )
        activity = self.factory.invoke(person, conversation, now, name, value)
        return self._dialog_step(person, dialog, activity, deadline)

    @staticmethod
    def _dialog_button(card: JsonDict, button: str | None) -> Found:
        if button is not None:
            found = find_action(card, button)
        else:
            submits = [
                t
                for t in button_titles(card)
                if find_action(card, t).action.get("type") == "Action.Submit"
            ]
            if len(submits) != 1:
                raise DriverError(f"say which button submits the dialog: {button_titles(card)}")
            found = find_action(card, submits[0])
        # Adaptive Card dialogs send their result with Action.Submit ("Use dialogs in
        # tabs": "AC dialogs send result from Action.Submit"; "Use dialogs with bots").
        if found.action.get("type") != "Action.Submit":
            raise DriverError(
                f"{button!r} is an {found.action.get('type')}: dialogs submit with Action.Submit"
            )
        return found

    def close_dialog(self, user: str | User) -> None:
        """The person closes the dialog (nothing is sent to the bot)."""
        self._dialogs.pop(self._user(user).id, None)

    def _dialog_step(
        self, person: User, dialog: Dialog, activity: JsonDict, deadline: float
    ) -> TeamsResponse:
        response = self.deliver(activity, deadline=deadline)
        following = task_answer(response, dialog)
        if following is None:
            if response.outcome not in ("invalid", "error", "timeout"):
                self._dialogs.pop(person.id, None)
        else:
            self._dialogs[person.id] = following
        self._note(person, response)
        return response

    # -- message extensions -----------------------------------------------------------------------

    def message_action(self, user: str | User, message: Message, command_id: str) -> TeamsResponse:
        """The person runs the app's message action ``command_id`` on ``message`` (``…`` menu)."""
        person = self._user(user)
        current, conversation = self._current(person, message)
        sender = None if current.from_bot else self.emulator.user(current.sender)
        payload = self.factory.message_payload(current, sender)
        value = self.factory.message_action_value(command_id, payload)
        now = self.emulator.clock()
        activity = self.factory.invoke(
            person, conversation, now, "composeExtension/fetchTask", value
        )
        dialog = Dialog(
            conversation.id,
            "message_extension",
            source_message_id=current.id,
            command_id=command_id,
            message_payload=payload,
        )
        return self._dialog_step(person, dialog, activity, self.message_extension_deadline)

    # -- files -----------------------------------------------------------------------------------------

    def accept_file(self, user: str | User, message: Message) -> TeamsResponse:
        """The person presses Allow on the message's file consent card: Teams opens the
        file's upload session in their OneDrive and sends ``fileConsent/invoke`` with the
        card's ``acceptContext`` and the ``uploadInfo``."""
        return self._answer_consent(user, message, "accept")

    def decline_file(self, user: str | User, message: Message) -> TeamsResponse:
        """The person presses Decline: ``fileConsent/invoke`` with the ``declineContext``."""
        return self._answer_consent(user, message, "decline")

    def _answer_consent(self, user: str | User, message: Message, action: str) -> TeamsResponse:
        person = self._user(user)
        current, _ = self._current(person, message)
        attachment = files.consent_attachment(current)
        if attachment is None:
            raise DriverError(f"message {current.id} has no file consent card to answer")
        content = attachment.get("content") or {}
        key = "acceptContext" if action == "accept" else "declineContext"
        return self.file_consent(
            person,
            action,
            content.get(key),
            name=str(attachment.get("name")),
            size=int(content.get("sizeInBytes") or 0),
            reply_to_id=current.id,
        )

    def file_consent(
        self,
        user: str | User,
        action: str,
        context: Any,
        *,
        name: str = "file.txt",
        size: int = 0,
        reply_to_id: str | None = None,
    ) -> TeamsResponse:
        """``fileConsent/invoke`` from the person's own chat, with ``context`` as given (a
        test replaying another's card), an upload session in their OneDrive when accepted."""
        person = self._user(user)
        conversation = self._personal(person)
        upload = self.emulator.open_upload(person, name, size) if action == "accept" else None
        value = files.consent_value(action, context, upload)
        now = self.emulator.clock()
        activity = self.factory.invoke(
            person, conversation, now, files.FILE_CONSENT_INVOKE, value, reply_to_id
        )
        response = self.deliver(activity)
        if response.late:
            response.outcome = "timeout"
        elif not response.ok:
            response.outcome = "error"
        return response

    def replay(self, response: TeamsResponse) -> TeamsResponse:
        """Teams delivers the same activity again (a retry): same id, same value."""
        if response.activity is None:
            raise DriverError("nothing was delivered: there is nothing to replay")
        return self.deliver(response.activity, deadline=response.deadline)

    # -- what a person sees ------------------------------------------------------------------------

    def _note(self, person: User, response: TeamsResponse) -> None:
        if response.notice is not None:
            self._notices[person.id] = response.notice

    def view(self, user: str | User, message: Message) -> Message:
        """The person looks at ``message``: what they see.

        A card with a ``refresh`` the client refreshes on its own first, when it is due
        (:meth:`TeamsEmulator.refresh_due`): an ``adaptiveCard/action`` invoke with the
        refresh's ``Action.Execute`` and ``trigger: "automatic"``, whose card answer
        takes the card's place (the invoke and its answer are in
        :attr:`TeamsEmulator.inbound`; a refresh that fails leaves the card as it was, and
        is tried again the next time). The card answered is the one the person sees, as
        the answer to a click is.
        """
        person = self._user(user)
        current, conversation = self._current(person, message)
        action = self.emulator.refresh_due(conversation.id, current.id, person)
        if action is not None:
            data = action.get("data")
            value = self.factory.execute_value(
                action, dict(data) if isinstance(data, dict) else {}, trigger="automatic"
            )
            activity = self.factory.invoke(
                person,
                conversation,
                self.emulator.clock(),
                "adaptiveCard/action",
                value,
                current.id,
            )
            response = self.deliver(activity)
            card = card_refresh(response)
            if card is not None:
                self.emulator.refresh_card(conversation.id, current.id, card, person)
        seen = self.emulator.message(conversation.id, current.id)
        assert seen is not None
        return seen

    def messages(self, user: str | User) -> list[Message]:
        """The person's chat with the bot, oldest first (their own messages included)."""
        return self.emulator.messages_of(self._user(user))

    def latest_message(self, user: str | User) -> Message | None:
        """The newest message the bot sent the person."""
        sent = [m for m in self.messages(user) if m.from_bot]
        return sent[-1] if sent else None

    def dialog(self, user: str | User) -> Dialog | None:
        """The dialog open in front of the person, if any."""
        return self._dialogs.get(self._user(user).id)

    def notice(self, user: str | User) -> str | None:
        """The last notice Teams showed the person (a card action's or a dialog's message)."""
        return self._notices.get(self._user(user).id)

    @staticmethod
    def card_texts(message: Message) -> list[str]:
        """The texts on the message's cards (or its text)."""
        found = [line for card in message.cards for line in card_texts(card)]
        return ([message.text] if message.text else []) + found

    @staticmethod
    def buttons(message: Message) -> list[str]:
        """The titles of the buttons on the message's first card."""
        return button_titles(message.card) if message.card else []

    @staticmethod
    def render(message: Message) -> str:
        """A message as text: its text, then its cards."""
        parts = [message.text] if message.text else []
        parts.extend(render_card(card) for card in message.cards)
        parts.extend(filter(None, map(files.render_file_card, message.attachments)))
        return "\n".join(parts)

    def screen(self, user: str | User) -> str:
        """What the person sees: the bot's latest message, the open dialog, the last notice."""
        person = self._user(user)
        parts = []
        latest = self.latest_message(person)
        if latest is not None:
            parts.append(self.render(latest))
        dialog = self._dialogs.get(person.id)
        if dialog is not None:
            body = (
                render_card(dialog.card, _strings(dialog.values), dialog.input_errors)
                if dialog.card
                else f"<{dialog.url}>"
            )
            parts.append(f"── {dialog.title or 'dialog'} ──\n{body}")
        notice = self._notices.get(person.id)
        if notice:
            parts.append(f"(notice) {notice}")
        return "\n\n".join(p for p in parts if p)


def _strings(values: Mapping[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
