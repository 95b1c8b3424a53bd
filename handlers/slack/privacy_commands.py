"""``/palier export`` and ``/palier privacy export|delete``: data out, data gone.

Files go to the asker's own DM with Palier (``files.uploadV2``), never to a
channel. What an export contains follows :mod:`bot.access`: a member cannot
export, a manager exports their team, an admin their workspace. Erasure asks for
confirmation first (a button with Slack's confirmation dialog).
"""

from __future__ import annotations

import json

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
    SectionBlock,
)

from bot.access import viewer_for
from bot.checkin_flow import person_for
from bot.exports import exportable_people, ratings_csv
from bot.i18n import Translator
from bot.privacy import erase_person, export_person
from handlers.slack import ids
from handlers.slack.context import Actor, SlackDeps
from storage.db import session_scope
from storage.models import Platform


def _dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def handle_export(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    """Ratings and evidence as CSV, for a manager's team or an admin's workspace."""
    admin = deps.actor_is_admin(client, actor)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        # From the access policy: an admin exports their workspace, enrolled or not.
        viewer = viewer_for(
            session,
            Platform.SLACK,
            actor.team_id,
            actor.user_id,
            is_admin=admin,
            indirect=deps.managers_see_indirect,
        )
        people = exportable_people(session, viewer) if viewer else None
        if people is None:
            respond(text=t("slack.privacy.export_refused"), response_type="ephemeral")
            return
        content = ratings_csv(session, people, deps.checkins.catalog, t)
        count = len(people)
    client.files_upload_v2(
        channel=_dm(client, actor.user_id),
        filename="palier-export.csv",
        content=content,
        title=t("slack.privacy.export_title"),
        initial_comment=t("slack.privacy.export_comment", count=count),
    )
    respond(text=t("slack.privacy.sent_to_dm"), response_type="ephemeral")


def handle_privacy(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """``privacy export`` (a JSON file of all one's data) or ``privacy delete`` (confirm)."""
    action = words[0].lower() if words else ""
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        data = export_person(session, me, deps.checkins.catalog, t) if me else None
    if action in ("export", "exporter"):
        if data is None:
            respond(text=t("slack.privacy.nothing"), response_type="ephemeral")
            return
        client.files_upload_v2(
            channel=_dm(client, actor.user_id),
            filename="palier-mes-donnees.json",
            content=json.dumps(data, ensure_ascii=False, indent=2),
            title=t("slack.privacy.data_title"),
            initial_comment=t("slack.privacy.data_comment"),
        )
        respond(text=t("slack.privacy.sent_to_dm"), response_type="ephemeral")
    elif action in ("delete", "effacer", "supprimer"):
        if data is None:
            respond(text=t("slack.privacy.nothing"), response_type="ephemeral")
            return
        respond(
            text=t("slack.privacy.delete_question"),
            blocks=_confirm_blocks(t),
            response_type="ephemeral",
        )
    else:
        respond(text=t("slack.privacy.usage"), response_type="ephemeral")


def _confirm_blocks(t: Translator) -> list[SectionBlock | ActionsBlock]:
    return [
        SectionBlock(text=MarkdownTextObject(text=t("slack.privacy.delete_question"))),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=t("slack.privacy.delete_button"),
                    action_id=ids.PRIVACY_DELETE,
                    value="erase",
                    style="danger",
                    confirm=ConfirmObject(
                        title=t("slack.privacy.confirm_title"),
                        text=t("slack.privacy.confirm_text"),
                        confirm=t("slack.privacy.confirm_yes"),
                        deny=t("slack.privacy.confirm_no"),
                        style="danger",
                    ),
                )
            ]
        ),
    ]


def handle_privacy_delete(deps: SlackDeps, actor: Actor, respond: Respond) -> None:
    """The confirmed erasure of the actor's own data."""
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        me = person_for(session, Platform.SLACK, actor.team_id, actor.user_id)
        if me is not None:
            erase_person(session, me, "self", deps.clock())
    text = t("slack.privacy.erased")
    respond(text=text, response_type="ephemeral", replace_original=True)
