"""The check-in modal's submission.

Parsed into a :class:`~bot.domain.submissions.CheckinSubmission` and handed to the
check-in flow (:mod:`bot.app.checkin`). Slack closes the modal on the answer, which
must come back fast however many people submit at once (issue #13), so the answer
waits only for what must be in it (``CheckinFlow.receive``): one read — the prompt is
the person's, and the form is checked against their référentiel in memory, so a
problem goes back inline (``response_action: errors``) with nothing kept — and one
insert of the answers into the check-in inbox, keyed by the view id (a second
delivery adds nothing). Right after the answer, a worker (``later``,
:mod:`handlers.slack.workers`) stores the check-in from the inbox in its own
transaction (:func:`store_received`) and carries out its effects: every message of
the prompt turns to "done", the level-progress summary is posted in the DM, the Home
is published again. If the process dies in between, a tick stores it
(:func:`recover_checkins`): acknowledged, never lost; keyed, never stored twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app.actor import ActorRef
from bot.app.checkin import CheckinAnswers
from bot.app.evidence import SaveEvidence
from bot.app.outcome import Problem
from bot.domain.submissions import CheckinAnswer, CheckinSubmission
from bot.i18n import Translator
from bot.views.evidence import EvidenceState
from bot.views.notice import refusal
from handlers.slack import ids
from handlers.slack.builders.checkin_builder import CheckinMetadata, refusal_text
from handlers.slack.builders.evidence_builder import criterion_block_id, draft_from_state
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.effects import HomePublisher, carry_out, message_ref
from handlers.slack.home import home_publisher
from handlers.slack.markup import slack_t
from handlers.slack.payloads import ViewSubmission
from handlers.slack.review_commands import handle_review_submission
from handlers.slack.workers import Later
from storage.models import Platform

log = logging.getLogger(__name__)

FIELD_BLOCKS = {
    "level": ids.LEVEL_BLOCK,
    "evidence_text": ids.EVIDENCE_BLOCK,
    "evidence_link": ids.LINK_BLOCK,
}


def parse_submission(values: Mapping[str, Any]) -> CheckinSubmission:
    """``view.state.values`` → the submission (raises ValidationError when malformed)."""
    answers: dict[str, dict[str, Any]] = {}
    topic = None
    for block_id, actions in values.items():
        prefix, competency_id = ids.split_block(block_id)
        for state in (actions or {}).values():
            if prefix == ids.TOPIC_BLOCK:
                topic = state.get("value")
            elif competency_id is not None:
                answer = answers.setdefault(competency_id, {"competency_id": competency_id})
                if prefix == ids.LEVEL_BLOCK:
                    selected = state.get("selected_option") or {}
                    answer["level_id"] = selected.get("value")
                elif prefix == ids.EVIDENCE_BLOCK:
                    answer["evidence_text"] = state.get("value")
                elif prefix == ids.LINK_BLOCK:
                    answer["evidence_link"] = state.get("value")
    return CheckinSubmission(
        answers=[CheckinAnswer.model_validate(a) for a in answers.values()], topic=topic
    )


def inline_errors(
    problems: Sequence[Problem], input_blocks: list[str], t: Translator
) -> dict[str, str]:
    """Problems keyed by the input block they belong to (one that exists in the view).

    A problem of the form as a whole goes on the topic when it is the topic's, else on
    the first input block (the form could not be read: a level is what it lacks).
    """
    fallback = input_blocks[0] if input_blocks else ids.TOPIC_BLOCK
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.item is None:
            block = ids.TOPIC_BLOCK if problem.field == "topic" else fallback
        else:
            prefix = FIELD_BLOCKS.get(problem.field, ids.LEVEL_BLOCK)
            block = ids.competency_block(prefix, problem.item)
        if block not in input_blocks:
            block = fallback  # a forged competency: say so on a block the person can see
        errors.setdefault(block, t(problem.key))
    return errors


def _input_blocks(view: Mapping[str, Any]) -> list[str]:
    return [str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"]


def checkin_answers(view: Mapping[str, Any]) -> CheckinAnswers:
    """The submitted modal as the check-in flow takes it (keyed by the view id)."""
    metadata = CheckinMetadata.load(str(view.get("private_metadata") or ""))
    try:
        submission: CheckinSubmission | None = parse_submission(
            (view.get("state") or {}).get("values") or {}
        )
    except ValidationError:
        submission = None
    return CheckinAnswers(
        prompt_id=metadata.prompt_id if metadata else None,
        submission=submission,
        idempotency_key=f"slack-view:{view['id']}",
        clicked=message_ref(metadata.channel_id, metadata.message_ts) if metadata else None,
    )


def handle_checkin_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """Checked and kept (or refused, or sent back to fix) before the ack; stored and its
    effects carried out after it."""
    view = body["view"]
    actor = Actor.from_body(body)
    blocks = _input_blocks(view)
    outcome = deps.flows.checkin.receive(actor.ref, checkin_answers(view))
    t = slack_t(outcome)
    if outcome.refusal is not None:
        ack(
            response_action="errors",
            errors={blocks[-1]: refusal_text(outcome.refusal, t, outcome.closed)},
        )
        return
    if outcome.problems:
        ack(response_action="errors", errors=inline_errors(outcome.problems, blocks, t))
        return
    ack()  # closes the modal; the check-in is kept already (in the inbox)
    publish = home_publisher(deps, actor.team_id)
    received = outcome.view
    if received is None:  # answered as a whole (stored, or a delivery stored before)
        later(lambda: carry_out(client, outcome.effects, t, publish))
    else:
        later(lambda: store_received(deps, client, actor.ref, received.key, publish))


def store_received(
    deps: SlackDeps, client: WebClient, ref: ActorRef, key: str, publish: HomePublisher
) -> None:
    """Store a check-in kept in the inbox and carry out its effects. A failure to store
    is logged, not told: the check-in stays in the inbox and a tick stores it (asking
    the person to submit again would store it twice)."""
    try:
        stored = deps.flows.checkin.store_received(ref, key)
    except Exception:
        log.exception("check-in %s not stored yet: a tick will", key)
        return
    carry_out(client, stored.effects, slack_t(stored), publish)


def recover_checkins(deps: SlackDeps, client_of: Callable[[str], WebClient]) -> int:
    """Store the check-ins a process acknowledged but did not store (it died after its
    answer), with their effects, each with its workspace's client; how many were taken."""
    taken = deps.flows.checkin.left_behind(Platform.SLACK)
    for ref, key in taken:
        try:
            client = client_of(ref.workspace_id)
            store_received(deps, client, ref, key, home_publisher(deps, ref.workspace_id))
        except Exception:  # one person's effects failing never stops the others'
            log.exception("recovered check-in %s: its effects failed", key)
    return len(taken)


EVIDENCE_BLOCKS = {
    "competency": ids.EV_COMPETENCY_BLOCK,
    "criterion": ids.EV_CRITERION_BLOCK,
    "evidence_text": ids.EV_TEXT_BLOCK,
    "evidence_link": ids.EV_LINK_BLOCK,
    "evidence_date": ids.EV_DATE_BLOCK,
}


def handle_evidence_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """Store logged (or edited) evidence before acknowledging; confirm it in the DM."""
    actor, submission = Actor.from_body(body), ViewSubmission.model_validate(body)
    view = submission.view
    blocks = view.input_blocks
    state = EvidenceState.load(view.private_metadata)
    draft = draft_from_state((body["view"].get("state") or {}).get("values") or {})
    saving = SaveEvidence(
        draft.as_input(),
        submission_key=f"slack-view:{view.id}",  # a second delivery stores nothing
        evidence_id=state.evidence_id,
        permalink=state.permalink,
    )
    outcome = deps.flows.evidence.save(actor.ref, saving)
    t = slack_t(outcome)
    if outcome.refusal is not None:
        ack(response_action="errors", errors={blocks[-1]: refusal(outcome.refusal, t).plain()})
        return
    if outcome.problems:
        errors: dict[str, str] = {}
        for problem in outcome.problems:
            block = EVIDENCE_BLOCKS.get(problem.field, ids.EV_TEXT_BLOCK)
            if block == ids.EV_CRITERION_BLOCK:  # its id names its competency
                block = criterion_block_id(draft.competency_id)
            errors.setdefault(block if block in blocks else blocks[0], t(problem.key))
        ack(response_action="errors", errors=errors)
        return
    ack()  # the evidence is committed already; then the confirmation and the Home
    publish = home_publisher(deps, actor.team_id)
    later(lambda: carry_out(client, outcome.effects, t, publish))


def register(app: App, deps: SlackDeps) -> None:
    @app.view(ids.REVIEW_VIEW)
    def review_submission(ack: Ack, body: dict[str, Any], client: WebClient, later: Later) -> None:
        handle_review_submission(deps, ack, body, client, later)

    @app.view(ids.EVIDENCE_VIEW)
    def evidence_submission(
        ack: Ack, body: dict[str, Any], client: WebClient, later: Later
    ) -> None:
        handle_evidence_submission(deps, ack, body, client, later)

    @app.view(ids.CHECKIN_VIEW)
    def checkin_submission(ack: Ack, body: dict[str, Any], client: WebClient, later: Later) -> None:
        handle_checkin_submission(deps, ack, body, client, later)
