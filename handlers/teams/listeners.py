"""Teams' activities, registered by kind and dispatched by name to each flow's listeners.

A listener reads the activity (who acts, what they typed or clicked, the form they
filled in), calls a flow in a worker thread (the core is synchronous), renders what the
flow answers as Adaptive Cards, and carries out its effects; it words nothing itself.
Each concern's module gives its listeners by name — typed commands (:data:`COMMANDS`),
card actions (``Action.Execute``, by the core's action name), dialogs to open (by the
action of the button that opens them), forms submitted (by the form's name), and
message actions (a message extension's command on a message, by its command id: its
dialog opened, then submitted), the answer to a file offered (a file consent,
:mod:`handlers.teams.files`), and a file sent to Palier (a référentiel's export,
:mod:`handlers.teams.referentiel_upload`) — and :func:`register` puts them on the SDK's app.

What comes from a conversation others read (a channel, a group chat) goes to no flow:
:mod:`handlers.teams.scope` answers it (a message action excepted, which is private
wherever it is run).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.commands import Command, parse
from handlers.teams import (
    admin,
    checkin,
    commands,
    evidence,
    files,
    home,
    installs,
    language,
    one_on_one,
    privacy,
    progress,
    referentiel_upload,
    review,
    scope,
    team,
    topics,
    vae,
)
from handlers.teams.context import TeamsDeps
from handlers.teams.mentions import command_text
from handlers.teams.replies import extension_said, said, toast

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.apps import App

CardListener = Callable[[TeamsDeps, Any, Any, dict[str, Any]], Awaitable[Any]]
DialogOpener = Callable[[TeamsDeps, Any, dict[str, Any]], Awaitable[Any]]
MessageActionOpener = Callable[[TeamsDeps, Any], Awaitable[Any]]
MessageActionListener = Callable[[TeamsDeps, Any, Any], Awaitable[Any]]

COMMANDS = {
    **commands.COMMANDS,
    **evidence.COMMANDS,
    **language.COMMANDS,
    **privacy.COMMANDS,
    **admin.COMMANDS,
    **review.COMMANDS,
    **team.COMMANDS,
    **one_on_one.COMMANDS,
}
CARD_ACTIONS: dict[str, CardListener] = {**checkin.CARD_ACTIONS, **privacy.CARD_ACTIONS}
CARD_ACTIONS.update(review.CARD_ACTIONS)
CARD_ACTIONS.update(one_on_one.CARD_ACTIONS)
DIALOGS: dict[str, DialogOpener] = {**checkin.DIALOGS, **evidence.DIALOGS}
DIALOGS.update(review.DIALOGS)
DIALOGS.update(one_on_one.DIALOGS)
FORMS: dict[str, CardListener] = {**checkin.FORMS, **evidence.FORMS}
FORMS.update(review.FORMS)
FORMS.update(one_on_one.FORMS)
COMMANDS.update(home.COMMANDS)
COMMANDS.update(progress.COMMANDS)
CARD_ACTIONS.update(home.CARD_ACTIONS)
CARD_ACTIONS.update(progress.CARD_ACTIONS)
CARD_ACTIONS.update(vae.CARD_ACTIONS)
CARD_ACTIONS.update(referentiel_upload.CARD_ACTIONS)
DIALOGS.update(home.DIALOGS)
FORMS.update(home.FORMS)
DIALOGS.update(topics.DIALOGS)
FORMS.update(topics.FORMS)
MESSAGE_ACTIONS: dict[str, MessageActionOpener] = {**evidence.MESSAGE_ACTIONS}
MESSAGE_ACTION_FORMS: dict[str, MessageActionListener] = {**evidence.MESSAGE_ACTION_FORMS}
# The buttons that open a dialog (the renderer makes them ask Teams for one).
DIALOG_ACTIONS = frozenset(DIALOGS)


def _data(value: Any) -> dict[str, Any]:
    data = getattr(value, "data", None) if value is not None else None
    return dict(data) if isinstance(data, dict) else {}


def register(app: App, deps: TeamsDeps) -> None:
    """Every listener of the Teams front end, by kind."""

    @app.on_install_add
    async def on_install(ctx: Any) -> None:
        if scope.shared(ctx.activity):
            await scope.introduce(deps, ctx)  # added to a team or a chat: nothing kept
            return
        await installs.handle_install(deps, ctx)

    @app.on_install_remove
    async def on_uninstall(ctx: Any) -> None:
        await installs.handle_uninstall(deps, ctx)

    @app.on_message
    async def on_message(ctx: Any) -> None:
        if getattr(ctx.activity, "value", None) is not None:
            return  # an Action.Submit of a card: Palier's cards act through invokes
        if scope.shared(ctx.activity):
            await scope.answer_message(deps, ctx)
            return
        if referentiel_upload.sent_files(ctx.activity):  # a file sent in the personal chat
            await referentiel_upload.handle_files(deps, ctx)
            return
        parsed = parse(command_text(ctx.activity))
        if parsed.command is Command.VAE:  # it writes to others first: it needs the app
            await vae.handle_vae(deps, app, ctx, parsed)
            return
        listener = COMMANDS.get(parsed.command, COMMANDS[Command.HELP])
        await listener(deps, ctx, parsed)

    @app.on_card_action_execute
    async def on_card_action(ctx: Any) -> Any:
        if scope.shared(ctx.activity):
            return scope.card_action_refused(deps, ctx)
        action = ctx.activity.value.action
        data = dict(action.data or {})
        listener = CARD_ACTIONS.get(str(data.get("action")))
        return toast("") if listener is None else await listener(deps, app, ctx, data)

    @app.on_dialog_open
    async def on_dialog_open(ctx: Any) -> Any:
        if scope.shared(ctx.activity):
            return scope.dialog_refused(deps, ctx)
        data = _data(ctx.activity.value)
        opener = DIALOGS.get(str(data.get("action")))
        return said("") if opener is None else await opener(deps, ctx, data)

    @app.on_dialog_submit
    async def on_dialog_submit(ctx: Any) -> Any:  # None closes the dialog
        if scope.shared(ctx.activity):
            return scope.dialog_refused(deps, ctx)
        data = _data(ctx.activity.value)
        listener = FORMS.get(str(data.get("form")))
        return said("") if listener is None else await listener(deps, app, ctx, data)

    @app.on_file_consent
    async def on_file_consent(ctx: Any) -> None:  # answered 200, whatever the person chose
        await files.handle_consent(deps, ctx)

    @app.on_message_ext_open
    async def on_message_action(ctx: Any) -> Any:
        opener = MESSAGE_ACTIONS.get(str(ctx.activity.value.command_id))
        return extension_said("") if opener is None else await opener(deps, ctx)

    @app.on_message_ext_submit
    async def on_message_action_submit(ctx: Any) -> Any:  # None closes the dialog
        listener = MESSAGE_ACTION_FORMS.get(str(ctx.activity.value.command_id))
        return extension_said("") if listener is None else await listener(deps, app, ctx)
