"""The App Home (Slack's Home tab): published on ``app_home_opened``, and its buttons and modals.

The Home shows the viewer's own data only: every read and change goes through
:class:`~bot.home.HomeService` (or the check-in and evidence services) with the
identity of the person who clicked, and is published to that same person
(``views.publish`` with their user id). It is published again after each change
it shows: a check-in, evidence logged, edited or deleted (:func:`publish_home`,
called by ``views.py`` too), and every action of its own.

Each listener acknowledges first (a modal's submission once its answer is known,
so a problem goes back inline); a modal is opened with the click's
``trigger_id``. A Home button that cannot be carried out (a check-in already
done, someone else's evidence) answers with a small modal: a Home has no
``response_url`` for an ephemeral reply.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.checkin_flow import Refusal
from bot.home import HomeService, PauseProblem
from bot.i18n import LOCALES, Translator
from bot.scheduling import parse_local_time
from handlers.slack import ids
from handlers.slack.builders.checkin_builder import CheckinMetadata, checkin_modal
from handlers.slack.builders.evidence_builder import (
    EvidenceDraft,
    EvidenceMetadata,
    evidence_modal,
)
from handlers.slack.builders.home_builder import (
    HomeMetadata,
    home_view,
    language_modal,
    local_today,
    not_enrolled_view,
    notice_modal,
    pause_modal,
    schedule_modal,
)
from handlers.slack.context import Actor, SlackDeps
from storage.db import session_scope

log = logging.getLogger(__name__)


def home_service(deps: SlackDeps) -> HomeService:
    return HomeService(deps.checkins, deps.evidence, deps.planning)


def publish_home(deps: SlackDeps, client: WebClient, actor: Actor, page: int = 0) -> bool:
    """Publish the actor's own Home (evidence page ``page``); False when it failed.

    Never raises: it runs after submissions that are already stored, and a Home
    that could not be refreshed must not turn them into errors. A failure is
    logged; the Home is published again the next time the person opens it.
    """
    try:
        with session_scope(deps.sessions) as session:
            t, _timezone = deps.person_settings(session, actor, client)
            home = home_service(deps).load(
                session, actor.team_id, actor.user_id, deps.clock(), page
            )
        view = home_view(home, t) if home is not None else not_enrolled_view(t)
        client.views_publish(user_id=actor.user_id, view=view)
    except Exception:
        log.exception("could not publish the Home of %s", actor.user_id)
        return False
    return True


# --- helpers -------------------------------------------------------------------------


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _shown_page(body: dict[str, Any]) -> int:
    """The evidence page the clicked Home showed (a forged click has no view: page 0)."""
    view = body.get("view") or {}
    return HomeMetadata.load(str(view.get("private_metadata") or "")).page


def _notice(client: WebClient, body: dict[str, Any], t: Translator, text: str) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=notice_modal(text, t))


def _refuse(client: WebClient, body: dict[str, Any], t: Translator, refusal: Refusal) -> None:
    _notice(client, body, t, t(f"slack.refusal.{refusal.value}"))


def _state(body: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return dict((values.get(block) or {}).get(action) or {})


# --- app_home_opened -----------------------------------------------------------------


def handle_home_opened(
    deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """The person opened the Home tab (the Messages tab sends the same event: ignored)."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    actor = Actor(team_id=str(body.get("team_id") or ""), user_id=str(event["user"]))
    publish_home(deps, client, actor)


# --- the Home's buttons ----------------------------------------------------------------


def handle_checkin_now(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Open this week's check-in outside the schedule (it counts for this week)."""
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        form = home_service(deps).check_in_now(session, actor.team_id, actor.user_id, deps.clock())
    # The prompt is committed before the modal opens, so the submission finds it.
    if isinstance(form, Refusal):
        _refuse(client, body, t, form)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=checkin_modal(form, CheckinMetadata(form.prompt_id), t)
    )
    publish_home(deps, client, actor, _shown_page(body))


def handle_log_evidence(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """The evidence modal, as ``/palier log`` opens it."""
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
    if found is None:
        _refuse(client, body, t, Refusal.NOT_ENROLLED)
        return
    client.views_open(trigger_id=body["trigger_id"], view=evidence_modal(found[1], t))


def handle_pause_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor = Actor.from_body(body)
    now = deps.clock()
    with session_scope(deps.sessions) as session:
        t, timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
        paused_until = found[0].paused_until if found else None
    if found is None:
        _refuse(client, body, t, Refusal.NOT_ENROLLED)
        return
    view = pause_modal(local_today(now, timezone), paused_until, t)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_resume(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        refusal = home_service(deps).resume(session, actor.team_id, actor.user_id)
    if refusal is not None:
        _refuse(client, body, t, refusal)
        return
    publish_home(deps, client, actor, _shown_page(body))


def handle_schedule_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
        schedule = home_service(deps).schedule(session, found[0], deps.clock()) if found else None
    if schedule is None:
        _refuse(client, body, t, Refusal.NOT_ENROLLED)
        return
    client.views_open(trigger_id=body["trigger_id"], view=schedule_modal(schedule, timezone, t))


def handle_language_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor = Actor.from_body(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
    if found is None:
        _refuse(client, body, t, Refusal.NOT_ENROLLED)
        return
    client.views_open(trigger_id=body["trigger_id"], view=language_modal(t.locale, t))


def _evidence_id(body: dict[str, Any]) -> int | None:
    try:
        return int(_value(body))
    except ValueError:
        return None


def handle_evidence_edit(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """The evidence modal filled with one's own evidence; its submission updates it."""
    actor = Actor.from_body(body)
    evidence_id = _evidence_id(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
        evidence = (
            deps.evidence.get(session, actor.team_id, actor.user_id, evidence_id)
            if evidence_id is not None
            else Refusal.UNKNOWN_EVIDENCE
        )
        if isinstance(evidence, Refusal) or found is None:
            refusal = evidence if isinstance(evidence, Refusal) else Refusal.NOT_ENROLLED
            draft, metadata = None, None
        else:
            refusal = None
            draft = EvidenceDraft(
                competency_id=evidence.competency_id,
                criterion_key=evidence.criterion_key,
                text=evidence.text,
                link=evidence.link,
            )
            metadata = EvidenceMetadata(
                permalink=evidence.source_permalink, evidence_id=evidence.id
            )
    if refusal is not None or found is None:
        _refuse(client, body, t, refusal or Refusal.NOT_ENROLLED)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=evidence_modal(found[1], t, draft, metadata)
    )


def handle_evidence_delete(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Delete one's own evidence (the button asked for confirmation), then refresh."""
    actor = Actor.from_body(body)
    evidence_id = _evidence_id(body)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        deleted = (
            deps.evidence.delete(session, actor.team_id, actor.user_id, evidence_id)
            if evidence_id is not None
            else False
        )
    if isinstance(deleted, Refusal):
        _refuse(client, body, t, deleted)
        return
    if not deleted:  # gone already, or someone else's: answered alike
        _refuse(client, body, t, Refusal.UNKNOWN_EVIDENCE)
    publish_home(deps, client, actor, _shown_page(body))


def handle_evidence_page(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Older or newer evidence: the page to show is the button's value."""
    try:
        page = max(0, int(_value(body)))
    except ValueError:
        page = 0
    publish_home(deps, client, Actor.from_body(body), page)


# --- the modals' submissions -------------------------------------------------------------


def handle_pause_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    """Pause until the chosen day; a day past or more than a year ahead is refused inline."""
    actor = Actor.from_body(body)
    chosen = _state(body, ids.HOME_PAUSE_BLOCK, ids.HOME_PAUSE_ACTION).get("selected_date")
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        try:
            until = date.fromisoformat(str(chosen))
        except ValueError:
            ack(
                response_action="errors",
                errors={ids.HOME_PAUSE_BLOCK: t("home.pause.problem.missing")},
            )
            return
        outcome = home_service(deps).pause(
            session, actor.team_id, actor.user_id, until, deps.clock()
        )
    if outcome is not None:
        key = (
            f"home.pause.problem.{outcome.value}"
            if isinstance(outcome, PauseProblem)
            else f"slack.refusal.{outcome.value}"
        )
        ack(response_action="errors", errors={ids.HOME_PAUSE_BLOCK: t(key)})
        return
    ack()
    publish_home(deps, client, actor)


def _weekday(value: object) -> int | ValueError | None:
    """The chosen weekday option: None for the workspace default."""
    if value in (None, ids.HOME_DEFAULT_WEEKDAY):
        return None
    try:
        weekday = int(str(value))
    except ValueError as error:
        return error
    return weekday if 0 <= weekday <= 6 else ValueError(value)


def handle_schedule_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    """One's own check-in day and time; a prompt not sent yet follows the new slot."""
    actor = Actor.from_body(body)
    option = _state(body, ids.HOME_WEEKDAY_BLOCK, ids.HOME_WEEKDAY_ACTION).get("selected_option")
    weekday = _weekday((option or {}).get("value"))
    chosen_time = _state(body, ids.HOME_TIME_BLOCK, ids.HOME_TIME_ACTION).get("selected_time")
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        errors: dict[str, str] = {}
        if isinstance(weekday, ValueError):
            errors[ids.HOME_WEEKDAY_BLOCK] = t("home.schedule.problem.bad_weekday")
        local_time: time | None = None
        if chosen_time:
            try:
                local_time = parse_local_time(str(chosen_time))
            except ValueError:
                errors[ids.HOME_TIME_BLOCK] = t("home.schedule.problem.bad_time")
        if errors or isinstance(weekday, ValueError):
            ack(response_action="errors", errors=errors)
            return
        refusal = home_service(deps).set_schedule(
            session, actor.team_id, actor.user_id, weekday, local_time, deps.clock()
        )
    if refusal is not None:
        ack(
            response_action="errors",
            errors={ids.HOME_WEEKDAY_BLOCK: t(f"slack.refusal.{refusal.value}")},
        )
        return
    ack()
    publish_home(deps, client, actor)


def handle_language_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    """The language Palier writes in from now on; the Home re-renders in it."""
    actor = Actor.from_body(body)
    option = _state(body, ids.HOME_LANGUAGE_BLOCK, ids.HOME_LANGUAGE_ACTION).get("selected_option")
    wanted = str((option or {}).get("value") or "")
    locale = next((candidate for candidate in LOCALES if candidate == wanted), None)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        refusal = (
            home_service(deps).set_language(session, actor.team_id, actor.user_id, locale)
            if locale is not None
            else Refusal.NOT_ENROLLED
        )
    if refusal is not None:
        key = f"slack.refusal.{refusal.value}" if locale else "slack.language.usage"
        ack(response_action="errors", errors={ids.HOME_LANGUAGE_BLOCK: t(key)})
        return
    ack()
    publish_home(deps, client, actor)


# --- wiring -------------------------------------------------------------------------------


Click = Callable[[SlackDeps, dict[str, Any], WebClient], None]
Submit = Callable[[SlackDeps, Ack, dict[str, Any], WebClient], None]


def _suffixed(prefix: str) -> re.Pattern[str]:
    """Action ids ``prefix:<evidence id>`` (one per piece of evidence on the Home)."""
    return re.compile(rf"^{re.escape(prefix)}:[0-9]+$")


def _on_click(deps: SlackDeps, handler: Click) -> Callable[[Ack, dict[str, Any], WebClient], None]:
    # Bolt passes listener arguments by name, so each listener is its own closure.
    def click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        handler(deps, body, client)

    return click


def _on_submit(deps: SlackDeps, submit: Submit) -> Callable[[Ack, dict[str, Any], WebClient], None]:
    def submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit(deps, ack, body, client)  # acknowledges once the answer is known

    return submission


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_home_opened")
    def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        handle_home_opened(deps, body, event, client)

    clicks: dict[str | re.Pattern[str], Click] = {
        ids.HOME_CHECKIN_NOW: handle_checkin_now,
        ids.HOME_LOG_EVIDENCE: handle_log_evidence,
        ids.HOME_PAUSE: handle_pause_open,
        ids.HOME_RESUME: handle_resume,
        ids.HOME_SCHEDULE: handle_schedule_open,
        ids.HOME_LANGUAGE: handle_language_open,
        ids.HOME_EVIDENCE_OLDER: handle_evidence_page,
        ids.HOME_EVIDENCE_NEWER: handle_evidence_page,
        _suffixed(ids.HOME_EVIDENCE_EDIT): handle_evidence_edit,
        _suffixed(ids.HOME_EVIDENCE_DELETE): handle_evidence_delete,
    }
    for action_id, handler in clicks.items():
        app.action(action_id)(_on_click(deps, handler))
    submissions: dict[str, Submit] = {
        ids.HOME_PAUSE_VIEW: handle_pause_submission,
        ids.HOME_SCHEDULE_VIEW: handle_schedule_submission,
        ids.HOME_LANGUAGE_VIEW: handle_language_submission,
    }
    for callback_id, submit in submissions.items():
        app.view(callback_id)(_on_submit(deps, submit))
