"""Every payload Palier consumes, as pydantic models: parsed at the edge, before a listener.

A signed payload is not a well-formed one. Listeners read these payloads as
dicts; :func:`parse_payload` guarantees the shape they read first — ids that are
Slack ids, numbers that are bounded ASCII integers (no ``1e400``, no ``2**63``, no
``²``), the view and the input blocks a submission needs, a user object that is
an object, emails that fit in 320 characters — so that a malformed payload is
answered politely by :mod:`handlers.slack.edge` and changes nothing, instead of
failing half-way through a listener.

The models accept more than Palier sends (``extra`` fields are ignored: Slack adds
fields freely) and are strict only where a listener relies on a shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from handlers.slack import ids

# A database row id: what an INTEGER column holds on every backend.
MAX_ROW_ID = 2**31 - 1
# The Home's evidence pages: far more than anyone has, far less than an OFFSET overflow.
MAX_PAGE = 100_000

SLACK_ID = re.compile(r"[A-Z0-9][A-Z0-9_]{1,31}")
URL = re.compile(r"https?://[^\s]{1,2000}")

SlackId = Annotated[str, StringConstraints(pattern=rf"^{SLACK_ID.pattern}$")]
Short = Annotated[str, StringConstraints(max_length=255)]
Text = Annotated[str, StringConstraints(max_length=40_000)]  # a message's text at most
# Slack's plain_text_input holds 3,000 characters; the services say "too long" on the
# field itself up to far more than that, so the edge only stops what no input sends.
InputText = Annotated[str, StringConstraints(max_length=40_000)]
TriggerId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z._-]{1,255}$")]
Url = Annotated[str, StringConstraints(pattern=rf"^{URL.pattern}$")]
Ts = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,9})?$")]
Email = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")]
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]

ASCII_ROW_ID = re.compile(r"[0-9]{1,10}")


def row_id(text: object) -> int | None:
    """A row id written in ASCII digits, within an INTEGER column's range; else None."""
    if not isinstance(text, str) or not ASCII_ROW_ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ROW_ID else None


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Team(_Model):
    id: SlackId
    enterprise_id: SlackId | None = None


class InteractionUser(_Model):
    id: SlackId
    team_id: SlackId | None = None


class Option(_Model):
    value: Short


class StateValue(_Model):
    type: Short
    value: InputText | None = None
    selected_option: Option | None = None
    selected_options: Annotated[list[Option], Field(max_length=100)] | None = None
    selected_date: (
        Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | None
    ) = None
    selected_time: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}:[0-9]{2}$")] | None = None


class ViewState(_Model):
    values: Annotated[dict[Short, dict[Short, StateValue]], Field(max_length=100)] = {}


class Block(_Model):
    type: Short
    block_id: Short | None = None


class View(_Model):
    id: SlackId
    type: Short = "modal"
    hash: Short | None = None
    callback_id: Short = ""
    private_metadata: Annotated[str, StringConstraints(max_length=3_000)] = ""
    blocks: Annotated[list[Block], Field(max_length=100)] = []
    state: ViewState = ViewState()

    @property
    def input_blocks(self) -> list[str]:
        return [b.block_id for b in self.blocks if b.type == "input" and b.block_id]


class Action(_Model):
    action_id: Short
    block_id: Short | None = None
    type: Short = "button"
    value: Annotated[str, StringConstraints(max_length=2_000)] | None = None
    selected_option: Option | None = None


class Channel(_Model):
    id: SlackId


class Message(_Model):
    ts: Ts
    text: Text | None = None


class Container(_Model):
    type: Short | None = None
    channel_id: SlackId | None = None
    message_ts: Ts | None = None
    view_id: SlackId | None = None


# Buttons whose value is a row id (a prompt, a report, a piece of evidence).
ROW_ID_ACTIONS = (
    ids.START_CHECKIN,
    ids.SKIP_CHECKIN,
    ids.SNOOZE_CHECKIN,
    ids.REVIEW_OPEN,
    ids.HOME_EVIDENCE_EDIT,
    ids.HOME_EVIDENCE_DELETE,
    ids.ONE_ON_ONE_NOTE,
)
PAGE_ACTIONS = (ids.HOME_EVIDENCE_OLDER, ids.HOME_EVIDENCE_NEWER)
# Actions that rewrite the view they were clicked in (views.update with its hash).
VIEW_UPDATING_ACTIONS = (ids.EV_COMPETENCY_ACTION,)


def _base_action_id(action_id: str) -> str:
    """``review_open:12`` → ``review_open`` (per-row action ids end with ``:`` + the id)."""
    return action_id.partition(":")[0]


class _DoneValue(_Model):
    """The "1:1 done" button's value: the report, when the brief was shown, the last 1:1."""

    r: RowId
    s: Annotated[str, StringConstraints(max_length=64)]
    l: RowId | None = None  # noqa: E741 (the builder's own short key)


class _HomeMetadata(_Model):
    page: Annotated[int, Field(ge=0, le=MAX_PAGE)] = 0


class BlockActions(_Model):
    type: Literal["block_actions"]
    team: Team | None = None
    user: InteractionUser
    trigger_id: TriggerId
    response_url: Url | None = None
    actions: Annotated[list[Action], Field(min_length=1, max_length=25)]
    view: View | None = None
    container: Container | None = None
    channel: Channel | None = None
    message: Message | None = None

    @model_validator(mode="after")
    def _values_fit_their_action(self) -> BlockActions:
        for action in self.actions:
            base = _base_action_id(action.action_id)
            if base in ROW_ID_ACTIONS and row_id(action.value) is None:
                raise ValueError(f"{base}: the value is not a row id")
            if base in PAGE_ACTIONS:
                page = action.value or ""
                if not ASCII_ROW_ID.fullmatch(page) or int(page) > MAX_PAGE:
                    raise ValueError(f"{base}: the value is not a page number")
            if base in VIEW_UPDATING_ACTIONS and (self.view is None or not self.view.hash):
                # Without the view's hash, views.update could overwrite any view by its id.
                raise ValueError(f"{base}: no view, or a view without its hash")
            if base == ids.ONE_ON_ONE_DONE:
                _DoneValue.model_validate_json(action.value or "null")
        if self.view is not None and self.view.callback_id == ids.HOME_VIEW:
            _HomeMetadata.model_validate_json(self.view.private_metadata or "{}")
        return self


class _CheckinMetadata(_Model):
    prompt_id: RowId
    channel: SlackId | None = None
    ts: Ts | None = None


class _EvidenceMetadata(_Model):
    permalink: Url | None = None
    evidence_id: RowId | None = None


class _ReviewMetadata(_Model):
    report_id: RowId


# What each modal keeps in private_metadata, as JSON (the note modal: the report's row id).
METADATA: dict[str, type[_Model]] = {
    ids.CHECKIN_VIEW: _CheckinMetadata,
    ids.EVIDENCE_VIEW: _EvidenceMetadata,
    ids.REVIEW_VIEW: _ReviewMetadata,
}


class ViewSubmission(_Model):
    type: Literal["view_submission"]
    team: Team | None = None
    user: InteractionUser
    view: View
    trigger_id: TriggerId | None = None

    @model_validator(mode="after")
    def _a_form_palier_made(self) -> ViewSubmission:
        if not self.view.input_blocks:
            raise ValueError("a submission without input blocks")
        metadata, callback = self.view.private_metadata, self.view.callback_id
        model = METADATA.get(callback)
        if model is not None and (metadata or callback != ids.EVIDENCE_VIEW):
            model.model_validate_json(metadata or "null")  # evidence: none when new
        if callback == ids.ONE_ON_ONE_NOTE_VIEW and row_id(metadata) is None:
            raise ValueError("the note's report is not a row id")
        return self


class MessageAction(_Model):
    type: Literal["message_action"]
    callback_id: Short
    trigger_id: TriggerId
    team: Team | None = None
    user: InteractionUser
    channel: Channel
    message: Message
    response_url: Url | None = None


class SlashCommand(_Model):
    team_id: SlackId
    user_id: SlackId
    command: Short
    text: Annotated[str, StringConstraints(max_length=4_000)] = ""
    trigger_id: TriggerId
    response_url: Url | None = None
    enterprise_id: SlackId | None = None


class Authorization(_Model):
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    user_id: SlackId | None = None
    is_bot: bool = False
    is_enterprise_install: bool = False


class Profile(_Model):
    email: Email | None = None
    real_name: Short | None = None
    display_name: Short | None = None


class SlackUser(_Model):
    id: SlackId
    team_id: SlackId | None = None
    name: Short | None = None
    real_name: Short | None = None
    deleted: bool = False
    is_bot: bool = False
    is_admin: bool = False
    is_owner: bool = False
    tz: Short | None = None
    locale: Annotated[str, StringConstraints(max_length=35)] | None = None
    profile: Profile | None = None


class UserChange(_Model):
    type: Literal["user_change"]
    user: SlackUser


class AppHomeOpened(_Model):
    type: Literal["app_home_opened"]
    user: SlackId
    tab: Short = "home"
    view: View | None = None


class SharedFile(_Model):
    id: SlackId
    name: Annotated[str, StringConstraints(max_length=1_000)] = ""


class MessageEvent(_Model):
    """A message in a conversation Palier is in (``message.im``: its DMs). Palier reads
    only a person's ``file_share`` (a référentiel's export uploaded to its DM) and a
    link in their DM (a Slack file's permalink given instead of the upload); for a
    ``file_share``, who, where and which files must be there."""

    type: Literal["message"]
    subtype: Short | None = None
    channel: SlackId | None = None
    channel_type: Short | None = None
    user: SlackId | None = None
    bot_id: Short | None = None
    ts: Short | None = None
    text: Text = ""
    files: Annotated[list[SharedFile], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _a_file_share_says_who_and_where(self) -> MessageEvent:
        if self.subtype == "file_share" and (self.user is None or self.channel is None):
            raise ValueError("a file_share names its user and channel")
        return self


EVENTS: dict[str, type[_Model]] = {
    "user_change": UserChange,
    "app_home_opened": AppHomeOpened,
    "message": MessageEvent,
}


class EventCallback(_Model):
    type: Literal["event_callback"]
    team_id: SlackId
    enterprise_id: SlackId | None = None
    api_app_id: Short | None = None
    event_id: Short | None = None
    authorizations: Annotated[list[Authorization], Field(max_length=10)] = []
    event: dict[str, Any]

    @model_validator(mode="after")
    def _an_event_palier_reads(self) -> EventCallback:
        model = EVENTS.get(str(self.event.get("type")))
        if model is not None:
            model.model_validate(self.event)
        return self

    @property
    def workspaces(self) -> frozenset[str]:
        """The workspaces this delivery is for: the envelope's and its authorizations'."""
        return frozenset({self.team_id} | {a.team_id for a in self.authorizations if a.team_id})


Payload = BlockActions | ViewSubmission | MessageAction | SlashCommand | EventCallback

KINDS: dict[str, type[_Model]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "message_action": MessageAction,
    "event_callback": EventCallback,
}


def parse_payload(body: Mapping[str, Any]) -> Payload | None:
    """The payload's model; None for a kind Palier does not read (Bolt handles those).

    Raises :class:`pydantic.ValidationError` (or ``ValueError``) when malformed.
    """
    kind = body.get("type")
    if kind is None and "command" in body:
        return SlashCommand.model_validate(body)
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    parsed = model.model_validate(body)
    assert isinstance(parsed, BlockActions | ViewSubmission | MessageAction | EventCallback)
    return parsed


def problems(error: Exception) -> str:
    """Where a payload is malformed, without its values (they may be personal data)."""
    if isinstance(error, ValidationError):
        return json.dumps(
            [{"loc": e["loc"], "type": e["type"]} for e in error.errors(include_input=False)],
            default=str,
        )
    return type(error).__name__
