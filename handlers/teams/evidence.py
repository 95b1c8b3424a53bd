"""Evidence any day in Teams: ``log`` typed to Palier, and "Log as evidence" on a message.

A command typed to Palier cannot open a dialog itself: ``log`` (``preuve``,
``evidence``) answers a small card whose button opens the evidence form as a dialog
(``task/fetch``). On any message, the app's message action (``composeExtension/fetchTask``,
command :data:`LOG_EVIDENCE_COMMAND`) opens the same form filled with the message's text;
the message's address (``linkToMessage``, from Teams' own payload, never from the form)
is kept with the evidence, and its submission is ``composeExtension/submitAction``.

A dialog cannot react to a choice: the form's "Show its criteria", beside the
competency, sends the form back as filled in and gets it again with that competency's
criteria (:func:`~handlers.teams.render.Renderer.dialog`). A submission is keyed by its
activity's id, so one delivered twice is stored once; problems bring the form back as it
was filled in, each beside its field; once saved, the dialog closes and the confirmation
is sent to the person's chat with Palier.
"""

from __future__ import annotations

import asyncio
import warnings
from dataclasses import replace
from typing import Any

from bot.app.evidence import EvidenceForm, NewEvidence, SaveEvidence
from bot.domain.commands import Command, Parsed
from bot.i18n import Translator
from bot.views import actions
from bot.views.cards import Form
from bot.views.evidence import (
    EvidenceDraft,
    EvidenceState,
    evidence_form,
    log_card,
    problem_field,
    read_draft,
)
from bot.views.forms import refilled
from bot.views.notice import notice_card, refusal
from handlers.teams.checkin import FORM_KEYS
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.effects import HomeRefresh, carry_out
from handlers.teams.home_card import ShownHome, refresher
from handlers.teams.quoted import message_text
from handlers.teams.replies import dialog, extension_dialog, extension_said, reply, said
from handlers.teams.wording import teams_t

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.models.messaging_extension import MessagingExtensionActionResponse
    from microsoft_teams.api.models.task_module import TaskModuleResponse

# The message action's command id, as the Teams app's manifest declares it
# (``composeExtensions[].commands[].id``, context ``message``, type ``action``).
LOG_EVIDENCE_COMMAND = "logEvidence"


def form_of(view: EvidenceForm, t: Translator) -> Form:
    """The evidence form of a flow's answer (a new one, a message's text, an edit)."""
    draft = EvidenceDraft(
        view.competency_id, view.criterion_key, view.text, view.link, view.happened_on
    )
    state = EvidenceState(permalink=view.permalink, evidence_id=view.evidence_id)
    return evidence_form(view.referentiel, t, draft, state, readers=view.readers, today=view.today)


def form_of_draft(
    view: EvidenceForm, t: Translator, draft: EvidenceDraft, state: EvidenceState
) -> Form:
    """The evidence form of a flow's answer, holding what the person typed (``draft``)."""
    return evidence_form(view.referentiel, t, draft, state, readers=view.readers, today=view.today)


async def handle_log(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``log``: the button that opens the form, for anyone Palier follows."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.evidence.form, actor_ref(activity), None, ActivityDirectory(activity)
    )
    if outcome.view is None:
        await reply(deps, ctx, notice_card(refusal(outcome.refusal, teams_t(outcome))))
        return
    await reply(deps, ctx, log_card(teams_t(outcome), outcome.view.readers))


async def open_evidence(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> TaskModuleResponse:
    """The card's button: the evidence form, as a dialog."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.evidence.form, actor_ref(activity), None, ActivityDirectory(activity)
    )
    if outcome.view is None:
        return said(refusal(outcome.refusal, teams_t(outcome)).plain())
    return dialog(deps, form_of(outcome.view, teams_t(outcome)))


async def _next(
    deps: TeamsDeps,
    app: Any,
    activity: Any,
    data: dict[str, Any],
    permalink: str | None,
    home: HomeRefresh | None = None,
) -> Form | str | None:
    """A submitted evidence form: the form to show again (rebuilt for the chosen
    competency, or with what to fix), a refusal's text, or None once saved.
    ``permalink``: the message the evidence is logged from, as Teams gave it; ``home``:
    what shows the home card the form was opened from again, once saved."""
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    flow = deps.flows.evidence
    values = {k: v for k, v in data.items() if k not in FORM_KEYS and k != "refresh"}
    draft = read_draft(values)
    sent = EvidenceState.load(str(data.get("state") or ""))
    state = EvidenceState(permalink or sent.permalink, sent.evidence_id)
    if data.get("refresh"):
        shown = await asyncio.to_thread(flow.form, ref, None, directory)
        if shown.view is None:
            return refusal(shown.refusal, teams_t(shown)).plain()
        return form_of_draft(shown.view, teams_t(shown), draft, state)
    saving = SaveEvidence(
        draft.as_input(),
        # One submission, however often Teams delivers it: keyed by the activity's id.
        submission_key=f"teams-activity:{activity.id}",
        evidence_id=state.evidence_id,
        permalink=permalink,
    )
    outcome = await asyncio.to_thread(flow.save, ref, saving, directory)
    t = teams_t(outcome)
    if outcome.refusal is not None:
        return refusal(outcome.refusal, t).plain()
    if outcome.problems:
        shown = await asyncio.to_thread(flow.form, ref, None, directory)
        if shown.view is None:
            return refusal(shown.refusal, t).plain()
        noted = {problem_field(p.field): t.rich(p.key) for p in outcome.problems}
        return refilled(form_of_draft(shown.view, t, draft, state), {}, noted)
    await carry_out(app, outcome.effects, t, deps.renderer, home=home)
    return None  # the dialog closes; the confirmation is in the person's chat


async def submit_evidence(
    deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]
) -> TaskModuleResponse | None:
    """The dialog opened from a card (``task/submit``): ``log``'s, or the home card's
    (Log evidence, Edit), which the dialog carries back (its ``origin``) to update it."""
    origin = data.get("origin")
    home = refresher(deps, ctx, ShownHome.load(origin))
    following = await _next(deps, app, ctx.activity, data, None, home)
    if isinstance(following, str):
        return said(following)
    return dialog(deps, following, origin) if following is not None else None


def _payload(activity: Any) -> Any:
    return getattr(activity.value, "message_payload", None)


def _link(message: Any) -> str | None:
    link = getattr(message, "link_to_message", None)
    return str(link) if link else None


async def open_from_message(deps: TeamsDeps, ctx: Any) -> MessagingExtensionActionResponse:
    """ "Log as evidence" on a message: the form with the message's text and its link."""
    activity = ctx.activity
    message = _payload(activity)
    outcome = await asyncio.to_thread(
        deps.flows.evidence.form,
        actor_ref(activity),
        NewEvidence(text=message_text(message)),
        ActivityDirectory(activity),
    )
    if outcome.view is None:
        return extension_said(refusal(outcome.refusal, teams_t(outcome)).plain())
    form = form_of(replace(outcome.view, permalink=_link(message)), teams_t(outcome))
    return extension_dialog(deps, form)


async def submit_from_message(
    deps: TeamsDeps, app: Any, ctx: Any
) -> MessagingExtensionActionResponse | None:
    """The form opened on a message (``composeExtension/submitAction``)."""
    activity = ctx.activity
    data = activity.value.data
    data = dict(data) if isinstance(data, dict) else {}
    following = await _next(deps, app, activity, data, _link(_payload(activity)))
    if isinstance(following, str):
        return extension_said(following)
    return extension_dialog(deps, following) if following is not None else None


COMMANDS = {Command.LOG: handle_log}
DIALOGS = {actions.EVIDENCE_OPEN: open_evidence}
FORMS = {actions.EVIDENCE_FORM: submit_evidence}
MESSAGE_ACTIONS = {LOG_EVIDENCE_COMMAND: open_from_message}
MESSAGE_ACTION_FORMS = {LOG_EVIDENCE_COMMAND: submit_from_message}
