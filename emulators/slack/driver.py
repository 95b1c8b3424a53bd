"""Acting as Slack toward a running Bolt app: signed requests with Slack's payloads.

``SlackDriver`` is the other half of the emulator. Where :class:`SlackEmulator`
answers the bot's Web API calls, the driver plays the person and Slack's platform:
it sends slash commands, button clicks, modal submissions, shortcuts and Events API
callbacks to the bot's request URL over real HTTP, signed with the signing secret,
with the trigger_ids and response_urls the emulator issues. Interactions are built
from what the bot actually sent (the stored message or view), so a click on a
button that is not there fails the test instead of inventing a payload.

``SocketModeDriver`` sends the same payloads to an app connected in Socket Mode
instead: as envelopes on its WebSocket, each answered by an ack whose ``payload``
plays the part of the HTTP body.

``BoltAppServer`` serves a Bolt ``App`` over real HTTP with the standard library's
WSGI server and Bolt's own WSGI adapter, so tests need no web framework.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from emulators.slack.render import render_blocks, render_view
from emulators.slack.server import JsonDict, Message, SlackEmulator, User, View
from emulators.slack.socket_mode import CLOSE_GOING_AWAY, SocketModeError

ACK_DEADLINE = 3.0  # seconds Slack waits for any request's answer


class DriverError(Exception):
    """The test asked for something a person could not do (no such button, no modal…)."""


def sign_request(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's ``X-Slack-Signature``: ``v0=`` + hex HMAC-SHA256 of ``v0:<ts>:<body>``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class DriverResponse:
    """The bot's answer to one request, and what Slack made of it.

    Over HTTP: the response's status, headers and body. In Socket Mode: status 200
    when an ack came back (0 when none did within the driver's timeout), no
    headers, the ack's ``payload`` as JSON text for the body, and ``envelope_id``
    and ``ack`` set.
    """

    status: int
    headers: dict[str, str]
    body: str
    elapsed: float
    kind: str
    trigger_id: str | None = None
    response_url: str | None = None
    event_id: str | None = None
    # view_submission: close | errors | update | push | clear | invalid | push_limit_reached
    outcome: str | None = None
    payload: JsonDict = field(default_factory=dict)
    envelope_id: str | None = None  # Socket Mode only
    ack: JsonDict | None = None  # Socket Mode only: the ack message as the app sent it

    def json(self) -> Any:
        """The body as JSON (None when empty or not JSON)."""
        try:
            return json.loads(self.body) if self.body.strip() else None
        except json.JSONDecodeError:
            return None

    @property
    def ok(self) -> bool:
        """HTTP 200 (in Socket Mode: acknowledged)."""
        return self.status == 200

    @property
    def within_deadline(self) -> bool:
        """Answered within Slack's 3 s; otherwise the person sees an error."""
        return self.status != 0 and self.elapsed <= ACK_DEADLINE

    @property
    def response_action(self) -> str | None:
        """A view_submission answer's ``response_action`` (None if none)."""
        data = self.json()
        return data.get("response_action") if isinstance(data, dict) else None

    @property
    def errors(self) -> dict[str, str]:
        """A ``response_action: errors`` answer's errors, by block_id ({} if none)."""
        data = self.json()
        if isinstance(data, dict) and isinstance(data.get("errors"), dict):
            return dict(data["errors"])
        return {}


def iter_elements(blocks: list[JsonDict]) -> Iterator[tuple[JsonDict, JsonDict]]:
    """(block, element) for every interactive element a person can see in ``blocks``."""
    for block in blocks:
        kind = block.get("type")
        if kind in ("actions", "context_actions"):
            for element in block.get("elements") or []:
                yield block, element
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            if block["accessory"].get("type") != "image":
                yield block, block["accessory"]
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]


def _label(element: Mapping[str, Any]) -> str:
    for key in ("text", "placeholder"):
        value = element.get(key)
        if isinstance(value, Mapping):
            return str(value.get("text", ""))
    return ""


def _options(element: Mapping[str, Any]) -> list[JsonDict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _pick_option(element: Mapping[str, Any], wanted: Any) -> JsonDict:
    """An option by its value, else by its visible text (exact, then case-insensitive).

    External selects have no options in the view: the test gives the option
    object itself, or a value used as both value and text.
    """
    options = _options(element)
    if not options and str(element.get("type")).endswith("external_select"):
        if isinstance(wanted, Mapping):
            return dict(wanted)
        return {"text": {"type": "plain_text", "text": str(wanted)}, "value": str(wanted)}
    for option in options:
        if option.get("value") == wanted:
            return dict(option)
    for option in options:
        if _label(option) == wanted:
            return dict(option)
    for option in options:
        if (
            isinstance(wanted, str)
            and _label(option).strip().casefold() == wanted.strip().casefold()
        ):
            return dict(option)
    available = [f"{o.get('value')!r} ({_label(o)!r})" for o in options]
    raise DriverError(f"no option {wanted!r} in {element.get('action_id')}: {', '.join(available)}")


class SlackDriver:
    """Sends what Slack would send to the bot at ``request_url``, signed.

    ``user`` arguments take a user id or a :class:`User`. Each interaction gets a
    fresh trigger_id (and response_url where Slack gives one) from ``emulator``.
    """

    def __init__(
        self,
        request_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        *,
        timeout: float = 10.0,
        verification_token: str = "emulator-verification-token",
    ) -> None:
        self.request_url = request_url
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.timeout = timeout
        self.verification_token = verification_token

    # -- transport ---------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        kind: str = "raw",
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        signing_secret: str | None = None,
    ) -> DriverResponse:
        """POST a signed body; ``timestamp``/``signing_secret`` override for negative tests."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        request_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign_request(signing_secret or self.signing_secret, stamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }
        request = urllib.request.Request(
            self.request_url, data=body, method="POST", headers=request_headers
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = answer.status
                answer_headers = dict(answer.headers.items())
                text = answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as failure:
            status = failure.code
            answer_headers = dict(failure.headers.items())
            text = failure.read().decode("utf-8", "replace")
        return DriverResponse(
            status=status,
            headers=answer_headers,
            body=text,
            elapsed=time.monotonic() - started,
            kind=kind,
        )

    def _post_form(self, fields: Mapping[str, str], kind: str) -> DriverResponse:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded", kind=kind)

    # The three ways Slack reaches an app; SocketModeDriver overrides them.

    def _send_command(self, fields: Mapping[str, str]) -> DriverResponse:
        """A slash command: a form post."""
        return self._post_form(fields, "slash_command")

    def _post_payload(self, payload: JsonDict, kind: str) -> DriverResponse:
        """An interaction: a form post with the JSON in ``payload``."""
        response = self._post_form({"payload": json.dumps(payload)}, kind)
        response.payload = payload
        return response

    def _send_event(
        self, envelope: JsonDict, retry_num: int | None, retry_reason: str
    ) -> DriverResponse:
        """An Events API callback: a JSON post, with Slack's retry headers when replayed."""
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post(
            json.dumps(envelope).encode(), "application/json", kind="event", headers=headers
        )

    # -- who is acting --------------------------------------------------------------------

    def _user(self, user: str | User) -> User:
        return self.emulator.user(user.id if isinstance(user, User) else user)

    def _user_obj(self, user: User) -> JsonDict:
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}

    def _team_obj(self, user: User) -> JsonDict:
        workspace = self.emulator.workspace_of(user.team_id)
        return {"id": workspace.team_id, "domain": workspace.domain}

    def _channel_obj(self, channel_id: str) -> JsonDict:
        channel = self.emulator.channel(channel_id)
        name = "directmessage" if channel is None or channel.is_im else channel.name
        return {"id": channel_id, "name": name}

    def _common(self, user: User) -> JsonDict:
        workspace = self.emulator.workspace_of(user.team_id)
        return {
            "api_app_id": workspace.app_id,
            "token": self.verification_token,
            "team": self._team_obj(user),
            "user": self._user_obj(user),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # -- slash commands -------------------------------------------------------------------

    def slash_command(
        self,
        user: str | User,
        command: str = "/palier",
        text: str = "",
        *,
        channel_id: str | None = None,
    ) -> DriverResponse:
        """``/palier <text>`` typed by ``user`` (in their DM with the bot by default).

        A non-empty HTTP answer is shown as Slack shows it (ephemeral unless
        ``response_type: in_channel``), without using up the response_url.
        """
        person = self._user(user)
        workspace = self.emulator.workspace_of(person.team_id)
        channel = channel_id or self.emulator.dm_channel_id(person.id)
        trigger_id = self.emulator.issue_trigger(person.id)
        response_url = self.emulator.issue_response_url(person.id, channel)
        fields = {
            "token": self.verification_token,
            "team_id": workspace.team_id,
            "team_domain": workspace.domain,
            "channel_id": channel,
            "channel_name": self._channel_obj(channel)["name"],
            "user_id": person.id,
            "user_name": person.name,
            "command": command,
            "text": text,
            "api_app_id": workspace.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
        response = self._send_command(fields)
        response.trigger_id, response.response_url = trigger_id, response_url
        response.payload = dict(fields)
        if response.ok and response.body.strip():
            answer = response.json()
            self.emulator.deliver_command_ack(
                response_url, answer if isinstance(answer, dict) else {"text": response.body}
            )
        return response

    # -- block_actions ----------------------------------------------------------------------

    def _current(self, target: Message | View) -> Message | View:
        """What the person sees now: the stored message or view, after any update."""
        if isinstance(target, Message):
            current = self.emulator.message(target.channel, target.ts)
            if current is None:
                raise DriverError(f"message {target.ts} in {target.channel} no longer exists")
            return current
        view = self.emulator.view(target.id)
        if view is None:
            raise DriverError(f"view {target.id} is no longer open")
        return view

    def _find_element(
        self,
        blocks: list[JsonDict],
        action_id: str | None,
        text: str | None,
        block_id: str | None,
    ) -> tuple[JsonDict, JsonDict]:
        candidates = [
            (block, element)
            for block, element in iter_elements(blocks)
            if block_id is None or block.get("block_id") == block_id
        ]
        for block, element in candidates:
            if action_id is not None and element.get("action_id") == action_id:
                return block, element
        if text is not None:
            for exact in (True, False):
                for block, element in candidates:
                    label = _label(element)
                    if (
                        (label == text)
                        if exact
                        else (label.strip().casefold() == text.strip().casefold())
                    ):
                        return block, element
        seen = [f"{e.get('action_id')} ({_label(e)!r})" for _, e in candidates]
        wanted = action_id if action_id is not None else text
        raise DriverError(f"no element {wanted!r}; the person sees: {', '.join(seen) or 'none'}")

    def _action(self, block: JsonDict, element: JsonDict, value: Any) -> JsonDict:
        kind = str(element.get("type"))
        action: JsonDict = {
            "action_id": element.get("action_id"),
            "block_id": block.get("block_id"),
            "type": kind,
            "action_ts": f"{time.time():.6f}",
        }
        if kind == "button":
            if value is not None and value != element.get("value"):
                raise DriverError(
                    f"button {element.get('action_id')} has value {element.get('value')!r}"
                )
            action["text"] = element.get("text")
            if "value" in element:
                action["value"] = element["value"]
            if "style" in element:
                action["style"] = element["style"]
        elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
            action["selected_option"] = _pick_option(element, value)
        elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
            wanted = value if isinstance(value, list | tuple) else [value]
            action["selected_options"] = [_pick_option(element, w) for w in wanted]
        elif kind == "datepicker":
            action["selected_date"] = value
        elif kind == "timepicker":
            action["selected_time"] = value
        elif kind == "datetimepicker":
            action["selected_date_time"] = value
        elif kind == "users_select":
            action["selected_user"] = value
        elif kind == "conversations_select":
            action["selected_conversation"] = value
        elif kind == "channels_select":
            action["selected_channel"] = value
        elif kind.startswith("multi_"):
            action[f"selected_{kind.removeprefix('multi_').removesuffix('_select')}s"] = list(
                value or []
            )
        else:
            action["value"] = value
        return action

    def click(
        self,
        user: str | User,
        target: Message | View,
        action_id: str | None = None,
        *,
        text: str | None = None,
        value: Any = None,
        block_id: str | None = None,
    ) -> DriverResponse:
        """The person uses an element of a message or view the bot sent.

        The element is found by ``action_id`` or by its visible ``text`` (a button's
        label, a select's placeholder) in the current blocks; ``value`` picks an
        option (by value or visible text) for selects, radio buttons, overflows and
        checkboxes (a list), or is the date/time/user chosen.
        """
        if action_id is None and text is None:
            raise DriverError("click needs action_id or text")
        person = self._user(user)
        current = self._current(target)
        block, element = self._find_element(current.blocks or [], action_id, text, block_id)
        if block.get("type") == "input" and not block.get("dispatch_action"):
            raise DriverError(
                f"input {element.get('action_id')} has no dispatch_action: Slack sends nothing"
            )
        trigger_id = self.emulator.issue_trigger(person.id)
        payload: JsonDict = {
            "type": "block_actions",
            **self._common(person),
            "trigger_id": trigger_id,
            "actions": [self._action(block, element, value)],
        }
        response_url = None
        if isinstance(current, Message):
            self._check_can_see(person, current)
            response_url = self.emulator.issue_response_url(
                person.id, current.channel, message_ts=current.ts
            )
            payload["container"] = {
                "type": "message",
                "message_ts": current.ts,
                "channel_id": current.channel,
                "is_ephemeral": current.is_ephemeral,
            }
            payload["channel"] = self._channel_obj(current.channel)
            if not current.is_ephemeral:
                # Slack leaves ``message`` out for clicks in ephemeral messages.
                payload["message"] = current.to_api()
            payload["state"] = {"values": {}}
            payload["response_url"] = response_url
        else:
            if current.user_id != person.id:
                raise DriverError(
                    f"view {current.id} belongs to {current.user_id}, not {person.id}"
                )
            payload["container"] = {"type": "view", "view_id": current.id}
            if block.get("type") == "input":
                # The choice just made in an input (dispatch_action) is entered in the view.
                picked = self._entry(element, value, True)
                state = self._typed(current)
                state[str(block.get("block_id"))] = {str(element.get("action_id")): picked}
                self.emulator.set_view_state(current.id, state)
                current = self._current(target)
            assert isinstance(current, View)
            payload["view"] = current.to_api()
            # view.state: what every input holds now (entered, else its initial value).
            payload["view"]["state"] = {"values": self._shown(current)}
        response = self._post_payload(payload, "block_actions")
        response.trigger_id, response.response_url = trigger_id, response_url
        return response

    def _check_can_see(self, person: User, message: Message) -> None:
        if message.ephemeral_for is not None and message.ephemeral_for != person.id:
            raise DriverError(
                f"ephemeral {message.ts} is for {message.ephemeral_for}, not {person.id}"
            )
        channel = self.emulator.channel(message.channel)
        if channel is not None and person.id not in channel.members:
            raise DriverError(f"{person.id} is not in {message.channel}")

    # -- modals ------------------------------------------------------------------------------

    def _entry(self, element: JsonDict, raw: Any, given: bool) -> JsonDict:
        """One ``state.values`` entry for an input element, from what the person entered."""
        kind = str(element.get("type"))
        entry: JsonDict = {"type": kind}
        if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_text_input"):
            value = (
                (str(raw) if raw is not None else None) if given else element.get("initial_value")
            )
            if value is not None:
                minimum, maximum = element.get("min_length"), element.get("max_length")
                if isinstance(maximum, int) and len(value) > maximum:
                    raise DriverError(
                        f"{element.get('action_id')}: Slack stops typing at {maximum} characters"
                    )
                if isinstance(minimum, int) and 0 < len(value) < minimum:
                    raise DriverError(
                        f"{element.get('action_id')}: Slack requires {minimum} characters"
                    )
            entry["value"] = value if value != "" else None
        elif kind == "rich_text_input":
            text = raw if given else None
            entry["rich_value"] = (
                {
                    "type": "rich_text",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                    ],
                }
                if text
                else None
            )
        elif kind in ("static_select", "external_select", "radio_buttons"):
            if given:
                entry["selected_option"] = _pick_option(element, raw) if raw is not None else None
            else:
                entry["selected_option"] = element.get("initial_option")
        elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
            if given:
                wanted = raw if isinstance(raw, list | tuple) else [raw]
                entry["selected_options"] = [_pick_option(element, w) for w in wanted]
            else:
                entry["selected_options"] = list(element.get("initial_options") or [])
        elif kind == "datepicker":
            entry["selected_date"] = raw if given else element.get("initial_date")
        elif kind == "timepicker":
            entry["selected_time"] = raw if given else element.get("initial_time")
        elif kind == "datetimepicker":
            entry["selected_date_time"] = raw if given else element.get("initial_date_time")
        elif kind in ("users_select", "conversations_select", "channels_select"):
            noun = kind.removesuffix("_select").rstrip("s")
            entry[f"selected_{noun}"] = raw if given else element.get(f"initial_{noun}")
        elif kind.startswith("multi_"):
            noun = kind.removeprefix("multi_").removesuffix("_select")
            entry[f"selected_{noun}"] = (
                list(raw or []) if given else list(element.get(f"initial_{noun}") or [])
            )
        elif kind == "file_input":
            entry["files"] = list(raw or []) if given else []
        return entry

    @staticmethod
    def _typed(view: View) -> JsonDict:
        """What the person has typed or chosen in the view so far (``state.values``)."""
        return copy.deepcopy((view.data.get("state") or {}).get("values") or {})

    def _shown(self, view: View) -> JsonDict:
        """What each input of ``view`` holds: what was entered there, else its initial value."""
        typed, shown = self._typed(view), {}
        for block in view.blocks:
            if block.get("type") != "input":
                continue
            element = block.get("element") or {}
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            kept = (typed.get(block_id) or {}).get(action_id)
            entry = kept if isinstance(kept, dict) else self._entry(element, None, False)
            shown[block_id] = {action_id: entry}
        return shown

    def type_in(self, user: str | User, view: View, values: Mapping[str, Any]) -> View:
        """The person types or chooses in some of the open modal's inputs, without
        submitting: Slack keeps it in the view's ``state.values`` (what a later
        ``block_actions`` carries, and what ``views.update`` preserves for inputs whose
        block_id and action_id it keeps). ``values`` keyed as for :meth:`submit_view`."""
        person = self._user(user)
        current = self._current(view)
        assert isinstance(current, View)
        stack = self.emulator.open_views(person.id)
        if not stack or stack[-1].id != current.id:
            raise DriverError(f"view {current.id} is not the modal {person.id} sees on top")
        state = self._typed(current)
        matched: set[str] = set()
        for block in current.blocks:
            if block.get("type") != "input":
                continue
            element = block.get("element") or {}
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            label = str((block.get("label") or {}).get("text", ""))
            key = next((k for k in (block_id, action_id, label) if k in values), None)
            if key is not None:
                matched.add(key)
                state[block_id] = {action_id: self._entry(element, values[key], True)}
        if set(values) - matched:
            raise DriverError(f"no input {sorted(set(values) - matched)} in the view")
        self.emulator.set_view_state(current.id, state)
        updated = self._current(current)
        assert isinstance(updated, View)
        return updated

    @staticmethod
    def _is_empty(entry: JsonDict) -> bool:
        return all(v in (None, "", []) for k, v in entry.items() if k != "type")

    def build_state(self, view: View, values: Mapping[str, Any]) -> JsonDict:
        """``view.state.values`` for ``values`` keyed by block_id, action_id or label.

        Inputs not given keep what the person typed or chose before (:meth:`type_in`,
        kept across ``views.update`` when the input's block_id and action_id are), else
        their initial value: Slack shows what was entered, not a new ``initial_value``.
        A required input left empty, or a key matching no input, raises
        :class:`DriverError` (Slack's client would not let the person submit).
        """
        typed = self._typed(view)
        inputs = [b for b in view.blocks if b.get("type") == "input"]
        known: set[str] = set()
        for block in inputs:
            element = block.get("element") or {}
            label = (block.get("label") or {}).get("text", "")
            known |= {str(block.get("block_id")), str(element.get("action_id")), str(label)}
        unknown = set(values) - known
        if unknown:
            names = [
                f"{b.get('block_id')}/{(b.get('element') or {}).get('action_id')}" for b in inputs
            ]
            raise DriverError(f"no input {sorted(unknown)} in the view; inputs: {names}")
        state: JsonDict = {}
        for block in inputs:
            element = block.get("element") or {}
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            label = str((block.get("label") or {}).get("text", ""))
            key = next((k for k in (block_id, action_id, label) if k in values), None)
            entry = self._entry(element, values.get(key) if key else None, key is not None)
            kept = (typed.get(block_id) or {}).get(action_id)
            if key is None and isinstance(kept, dict):
                entry = copy.deepcopy(kept)
            if not block.get("optional") and self._is_empty(entry):
                raise DriverError(f"required input {label!r} ({block_id}) left empty")
            state[block_id] = {action_id: entry}
        return state

    def submit_view(
        self, user: str | User, view: View, values: Mapping[str, Any] | None = None
    ) -> DriverResponse:
        """The person fills the top modal and presses its submit button.

        Sends ``view_submission`` with ``view.state.values`` built from the view's
        input blocks, then applies the bot's answer as Slack does (close, errors,
        update, push, clear); ``response.outcome`` says which.
        """
        person = self._user(user)
        current = self._current(view)
        assert isinstance(current, View)
        stack = self.emulator.open_views(person.id)
        if not stack or stack[-1].id != current.id:
            raise DriverError(f"view {current.id} is not the modal {person.id} sees on top")
        if not current.data.get("submit") and any(b.get("type") == "input" for b in current.blocks):
            raise DriverError("the modal has no submit button")
        state = self.build_state(current, values or {})
        self.emulator.set_view_state(current.id, state)
        view_object = current.to_api()
        view_object["state"] = {"values": state}
        trigger_id = self.emulator.issue_trigger(person.id)
        payload: JsonDict = {
            "type": "view_submission",
            **self._common(person),
            "trigger_id": trigger_id,
            "view": view_object,
            "response_urls": [],
        }
        response = self._post_payload(payload, "view_submission")
        response.trigger_id = trigger_id
        if response.ok:
            answer = response.json()
            response.outcome = self.emulator.apply_view_submission_answer(
                person.id, current.id, answer if isinstance(answer, dict) else {}
            )
        return response

    def close_view(self, user: str | User, view: View) -> DriverResponse | None:
        """The person closes the modal; ``view_closed`` is sent if it asked (notify_on_close)."""
        person = self._user(user)
        closed = self.emulator.close_view(person.id, view.id)
        if closed is None:
            raise DriverError(f"view {view.id} is not open for {person.id}")
        if not closed.data.get("notify_on_close"):
            return None
        payload: JsonDict = {
            "type": "view_closed",
            **self._common(person),
            "view": closed.to_api(),
            "is_cleared": False,
        }
        return self._post_payload(payload, "view_closed")

    # -- shortcuts ------------------------------------------------------------------------------

    def message_shortcut(
        self, user: str | User, message: Message, callback_id: str
    ) -> DriverResponse:
        """The person runs a message shortcut on ``message``."""
        person = self._user(user)
        current = self._current(message)
        assert isinstance(current, Message)
        self._check_can_see(person, current)
        trigger_id = self.emulator.issue_trigger(person.id)
        response_url = self.emulator.issue_response_url(
            person.id, current.channel, message_ts=current.ts
        )
        payload: JsonDict = {
            "type": "message_action",
            **self._common(person),
            "action_ts": f"{time.time():.6f}",
            "callback_id": callback_id,
            "trigger_id": trigger_id,
            "response_url": response_url,
            "channel": self._channel_obj(current.channel),
            "message_ts": current.ts,
            "message": current.to_api(),
        }
        response = self._post_payload(payload, "message_action")
        response.trigger_id, response.response_url = trigger_id, response_url
        return response

    def global_shortcut(self, user: str | User, callback_id: str) -> DriverResponse:
        """The person runs a global shortcut."""
        person = self._user(user)
        trigger_id = self.emulator.issue_trigger(person.id)
        payload: JsonDict = {
            "type": "shortcut",
            **self._common(person),
            "action_ts": f"{time.time():.6f}",
            "callback_id": callback_id,
            "trigger_id": trigger_id,
        }
        response = self._post_payload(payload, "shortcut")
        response.trigger_id = trigger_id
        return response

    # -- Events API --------------------------------------------------------------------------------

    def event(
        self,
        type: str,
        user: str | User | None = None,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        team_id: str | None = None,
        user_object: JsonDict | None = None,
        **fields: Any,
    ) -> DriverResponse:
        """An Events API ``event_callback`` of ``type`` (``fields`` go into ``event``).

        Reuse ``event_id`` with ``retry_num=1..3`` to replay a delivery the way
        Slack retries it (``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason``).
        """
        person = self._user(user) if user is not None else None
        team = team_id or (person.team_id if person else self.emulator.workspace.team_id)
        workspace = self.emulator.workspace_of(team)
        event: JsonDict = {"type": type}
        if person is not None:
            event["user"] = person.id
        event.update(fields)
        if user_object is not None:  # events such as user_change carry the whole user
            event["user"] = user_object
        event.setdefault("event_ts", f"{time.time():.6f}")
        event_id = event_id or f"Ev{secrets.token_hex(5).upper()}"
        envelope: JsonDict = {
            "token": self.verification_token,
            "team_id": team,
            "api_app_id": workspace.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": workspace.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }
        response = self._send_event(envelope, retry_num, retry_reason)
        response.event_id, response.payload = event_id, envelope
        return response

    def user_change(
        self, user: str | User, *, event_id: str | None = None, retry_num: int | None = None
    ) -> DriverResponse:
        """``user_change`` as Slack sends it: ``event.user`` is the whole user object
        (with ``tz`` and ``locale``), as the emulator holds it now."""
        person = self._user(user)
        return self.event(
            "user_change",
            None,
            event_id=event_id,
            retry_num=retry_num,
            team_id=person.team_id,
            user_object=person.to_api(self.emulator.clock(), include_locale=True),
        )

    def app_home_opened(self, user: str | User, tab: str = "home") -> DriverResponse:
        """The person opens the app's Home (or Messages) tab."""
        person = self._user(user)
        home = self.emulator.home_view(person.id)
        fields: JsonDict = {"channel": self.emulator.dm_channel_id(person.id), "tab": tab}
        if home is not None and tab == "home":
            fields["view"] = home.to_api()
        return self.event("app_home_opened", person, **fields)

    def send_dm(self, user: str | User, text: str) -> DriverResponse:
        """The person writes to the bot in their DM (stored, then a ``message`` event)."""
        person = self._user(user)
        message = self.emulator.post_user_message(person.id, text)
        return self.event(
            "message",
            person,
            channel=message.channel,
            channel_type="im",
            text=text,
            ts=message.ts,
            client_msg_id=str(uuid.uuid4()),
        )

    def upload_file(
        self,
        user: str | User,
        filename: str,
        content: bytes,
        *,
        text: str = "",
        channel: str | None = None,
        mimetype: str = "text/plain",
        file_shared: bool = False,
    ) -> DriverResponse:
        """The person uploads a file with ``text`` (in their DM with the bot unless
        ``channel``): stored, then the ``message`` event of subtype ``file_share`` with
        the file objects (``message.im`` / ``message.channels``), and, with
        ``file_shared``, the ``file_shared`` event too (an app subscribed to it, with
        ``files:read``). The answer is the message event's."""
        person = self._user(user)
        message, shown = self.emulator.share_user_file(
            person.id, filename, content, text=text, channel=channel, mimetype=mimetype
        )
        is_dm = channel is None or channel.startswith("D")
        response = self.event(
            "message",
            person,
            subtype="file_share",
            channel=message.channel,
            channel_type="im" if is_dm else "channel",
            text=text,
            ts=message.ts,
            files=[shown],
            upload=False,
            display_as_bot=False,
            client_msg_id=str(uuid.uuid4()),
        )
        if file_shared:
            self.event(
                "file_shared",
                None,
                team_id=person.team_id,
                channel_id=message.channel,
                file_id=shown["id"],
                user_id=person.id,
                file={"id": shown["id"]},
            )
        return response

    def url_verification(self, challenge: str = "emulator-challenge") -> DriverResponse:
        """Slack's URL check when the request URL is saved."""
        body = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.post(json.dumps(body).encode(), "application/json", kind="url_verification")

    # -- what a person sees ------------------------------------------------------------------------

    # Each first waits for the listeners the requests so far started (SlackEmulator.settle).

    def latest_dm(self, user: str | User) -> Message | None:
        """The newest message in the person's DM with the bot."""
        self.emulator.settle()
        messages = self.emulator.dm_messages(self._user(user).id)
        return messages[-1] if messages else None

    def modal(self, user: str | User) -> View | None:
        """The modal on top of the person's stack, if any."""
        self.emulator.settle()
        stack = self.emulator.open_views(self._user(user).id)
        return stack[-1] if stack else None

    def home(self, user: str | User) -> View | None:
        """The person's Home tab, if published."""
        self.emulator.settle()
        return self.emulator.home_view(self._user(user).id)

    @staticmethod
    def buttons(target: Message | View) -> list[JsonDict]:
        """The buttons in a message or view (each with its ``block_id`` added)."""
        return [
            {**element, "block_id": block.get("block_id")}
            for block, element in iter_elements(target.blocks or [])
            if element.get("type") == "button"
        ]

    @classmethod
    def find_button(cls, target: Message | View, label: str) -> JsonDict:
        """The button showing ``label`` (exact, else case-insensitive); DriverError if none."""
        buttons = cls.buttons(target)
        for exact in (True, False):
            for candidate in buttons:
                shown = _label(candidate)
                if shown == label or (not exact and shown.casefold() == label.casefold()):
                    return candidate
        raise DriverError(f"no button {label!r}; buttons: {[_label(b) for b in buttons]}")

    @classmethod
    def button_labels(cls, target: Message | View) -> list[str]:
        """The visible labels of the buttons in a message or view."""
        return [_label(b) for b in cls.buttons(target)]

    def screen(self, user: str | User) -> str:
        """What the person sees, as text: latest DM, their ephemerals, the top modal."""
        person = self._user(user)
        self.emulator.settle()
        parts = []
        latest = self.latest_dm(person)
        if latest is not None:
            parts.append(render_blocks(latest.blocks) if latest.blocks else latest.text or "")
        for ephemeral in self.emulator.ephemerals_for(person.id):
            body = render_blocks(ephemeral.blocks) if ephemeral.blocks else ephemeral.text or ""
            parts.append(f"(only visible to you)\n{body}")
        top = self.modal(person)
        if top is not None:
            parts.append(render_view(top.data))
        return "\n\n".join(p for p in parts if p)


class SocketModeDriver(SlackDriver):
    """:class:`SlackDriver` for an app connected in Socket Mode: envelopes, not HTTP.

    The payloads are the same, built the same way; they go to the app's WebSocket
    as ``slash_commands``, ``interactive`` or ``events_api`` envelopes, and the
    driver waits (up to ``timeout``) for the ack. The ack's ``payload`` is then
    used exactly as :class:`SlackDriver` uses an HTTP body: a slash command's
    immediate answer is shown, a view_submission's ``response_action`` applied.
    Nothing is signed: the WebSocket is the authentication. Raises
    :class:`DriverError` when the app has no open connection.
    """

    def __init__(
        self,
        emulator: SlackEmulator,
        *,
        app_id: str | None = None,
        timeout: float = 10.0,
        verification_token: str = "emulator-verification-token",
    ) -> None:
        super().__init__("", "", emulator, timeout=timeout, verification_token=verification_token)
        self.app_id = app_id or emulator.workspace.app_id

    def send(
        self,
        type: str,
        payload: JsonDict,
        *,
        kind: str = "raw",
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> DriverResponse:
        """One envelope of ``type`` around ``payload``; the ack as a :class:`DriverResponse`.

        ``accepts_response_payload`` defaults to Slack's: true for slash commands
        and interactions, false for events.
        """
        accepts = (
            type != "events_api" if accepts_response_payload is None else accepts_response_payload
        )
        started = time.monotonic()
        try:
            delivery = self.emulator.socket_mode.deliver(
                self.app_id,
                type,
                payload,
                accepts_response_payload=accepts,
                retry_attempt=retry_attempt,
                retry_reason=retry_reason,
                timeout=self.timeout,
            )
        except SocketModeError as failure:
            raise DriverError(str(failure)) from failure
        if delivery.ack is None:
            # No answer: as an HTTP request that timed out, but reported, not raised.
            return DriverResponse(
                status=0,
                headers={},
                body="",
                elapsed=time.monotonic() - started,
                kind=kind,
                payload=payload,
                envelope_id=delivery.envelope_id,
            )
        answer = delivery.payload
        if answer is None:
            body = ""
        elif isinstance(answer, str):
            body = answer
        else:
            body = json.dumps(answer)
        return DriverResponse(
            status=200,
            headers={},
            body=body,
            elapsed=delivery.elapsed or 0.0,
            kind=kind,
            payload=payload,
            envelope_id=delivery.envelope_id,
            ack=delivery.ack,
        )

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        kind: str = "raw",
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        signing_secret: str | None = None,
    ) -> DriverResponse:
        """Not in Socket Mode: there is no request URL. Use :meth:`send`."""
        raise DriverError("a Socket Mode app has no request URL: use send()")

    def url_verification(self, challenge: str = "emulator-challenge") -> DriverResponse:
        """Not in Socket Mode: Slack verifies request URLs only."""
        raise DriverError("Socket Mode has no URL verification")

    def _send_command(self, fields: Mapping[str, str]) -> DriverResponse:
        # The form's fields, as a JSON object.
        return self.send("slash_commands", dict(fields), kind="slash_command")

    def _post_payload(self, payload: JsonDict, kind: str) -> DriverResponse:
        return self.send("interactive", payload, kind=kind)

    def _send_event(
        self, envelope: JsonDict, retry_num: int | None, retry_reason: str
    ) -> DriverResponse:
        # A first delivery says retry_attempt 0 and an empty reason, as Slack's do.
        if retry_num is None:
            return self.send("events_api", envelope, kind="event")
        return self.send(
            "events_api",
            envelope,
            kind="event",
            retry_attempt=retry_num,
            retry_reason=retry_reason,
        )


def close_socket_mode_handler(handler: Any, emulator: SlackEmulator) -> None:
    """Close slack_bolt's builtin ``SocketModeHandler`` at once, for test teardowns.

    Its ``close()`` alone takes about 4 s: it waits for a socket read with a 3 s
    timeout and a queue poll with a 1 s one. Here the client is told not to
    reconnect, the emulator ends each of the app's connections with a close frame
    (which ends the read at once), and a ``None`` in the queue (which the client
    skips) ends the poll.
    """
    client = handler.client
    client.auto_reconnect_enabled = False
    for connection in emulator.socket_mode.connections():
        emulator.socket_mode.close(connection.id, CLOSE_GOING_AWAY, "closing")
    # Its disconnect() checks the socket outside its lock: let the reader finish first.
    emulator.wait_for(lambda: not client.is_connected())
    client.closed = True  # what close() sets first; the poll loop checks it on waking
    client.message_queue.put(None)
    handler.close()


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class BoltAppServer:
    """A Bolt ``App`` served over real HTTP (stdlib WSGI + Bolt's WSGI adapter).

    ``url`` is the request URL to give :class:`SlackDriver`.
    """

    def __init__(
        self,
        app: Any,
        *,
        path: str = "/slack/events",
        host: str = "127.0.0.1",
        port: int = 0,
        wsgi: Any = None,
    ) -> None:
        """``wsgi``: the app's own WSGI application, instead of Bolt's plain adapter."""
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        self.path = path
        self._server = make_server(
            host,
            port,
            wsgi or SlackRequestHandler(app, path=path),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietWSGIHandler,
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/slack/events``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def start(self) -> BoltAppServer:
        """Serve in a daemon thread; return self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.01,), name="bolt-app", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> BoltAppServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
