"""The check-in modal's submission.

Parsed into a :class:`~bot.checkins.CheckinSubmission`, validated and stored
*before* the acknowledgement, so a problem goes back inline
(``response_action: errors``) with nothing stored, and a stored check-in is never
lost to a slow reply. The view id is the idempotency key: a second delivery of
the same submission stores nothing. After the acknowledgement: the prompt
message turns to "done" and the level-progress summary is posted in the DM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app.evidence import SaveEvidence
from bot.app.messages import prompt_messages
from bot.checkin_flow import Refusal, build_form
from bot.checkins import CheckinAnswer, CheckinSubmission, FieldProblem
from bot.evidence import EvidenceInput
from bot.i18n import Translator
from handlers.slack import ids
from handlers.slack.builders import prompt_builder
from handlers.slack.builders.checkin_builder import CheckinMetadata
from handlers.slack.builders.evidence_builder import EvidenceMetadata, draft_from_state
from handlers.slack.builders.summary_builder import summary_blocks, summary_text
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.effects import carry_out, message_ref, parse_ref
from handlers.slack.home import home_publisher, publish_home
from handlers.slack.markup import slack_t
from handlers.slack.payloads import ViewSubmission
from handlers.slack.review_commands import handle_review_submission
from storage.db import session_scope
from storage.models import CheckinPrompt

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
    problems: list[FieldProblem], input_blocks: list[str], t: Translator
) -> dict[str, str]:
    """Problems keyed by the input block they belong to (one that exists in the view)."""
    fallback = input_blocks[0] if input_blocks else ids.TOPIC_BLOCK
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.competency_id is None:
            block = ids.TOPIC_BLOCK
        else:
            prefix = FIELD_BLOCKS.get(problem.field, ids.LEVEL_BLOCK)
            block = ids.competency_block(prefix, problem.competency_id)
        if block not in input_blocks:
            block = fallback  # a forged competency: say so on a block the person can see
        errors.setdefault(block, t(f"checkin.problem.{problem.key}"))
    return errors


def _input_blocks(view: Mapping[str, Any]) -> list[str]:
    return [str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"]


def handle_checkin_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    view = body["view"]
    actor = Actor.from_body(body)
    blocks = _input_blocks(view)
    metadata = CheckinMetadata.load(str(view.get("private_metadata") or ""))
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        if metadata is None:
            ack(response_action="errors", errors={blocks[-1]: t("slack.refusal.unknown_prompt")})
            return
        try:
            submission = parse_submission((view.get("state") or {}).get("values") or {})
        except ValidationError:
            ack(response_action="errors", errors={blocks[0]: t("checkin.problem.level_required")})
            return
        result = deps.checkins.submit(
            session,
            actor.team_id,
            actor.user_id,
            metadata.prompt_id,
            submission,
            idempotency_key=f"slack-view:{view['id']}",
            now=deps.clock(),
        )
    if result.refusal is not None:
        ack(
            response_action="errors",
            errors={blocks[-1]: t(f"slack.refusal.{result.refusal.value}")},
        )
        return
    if result.problems:
        ack(response_action="errors", errors=inline_errors(result.problems, blocks, t))
        return
    ack()  # closes the modal; the check-in is committed already
    if result.duplicate:
        return
    _after_checkin(deps, actor, metadata, submission, client, t)


def _after_checkin(
    deps: SlackDeps,
    actor: Actor,
    metadata: CheckinMetadata,
    submission: CheckinSubmission,
    client: WebClient,
    t: Translator,
) -> None:
    with session_scope(deps.sessions) as session:
        prompt = session.get(CheckinPrompt, metadata.prompt_id)
        summary = deps.checkins.summary(session, actor.team_id, actor.user_id, deps.clock())
        found = deps.checkins.enrolled(session, actor.team_id, actor.user_id)
        form = build_form(session, found[0], prompt, found[1]) if prompt and found else None
        clicked = message_ref(metadata.channel_id, metadata.message_ts)
        targets = prompt_messages(prompt, clicked) if prompt else (clicked,)
        posted = prompt.message_ref if prompt else None
    if form is not None:
        for ref in targets:
            if ref:
                where, ts = parse_ref(ref)
                client.chat_update(
                    channel=where,
                    ts=ts,
                    text=prompt_builder.prompt_text(form, t),
                    blocks=prompt_builder.done_blocks(form, t),
                )
    if isinstance(summary, Refusal):
        return
    channel = metadata.channel_id or (parse_ref(posted)[0] if posted else None)
    if channel is None:
        channel = client.conversations_open(users=actor.user_id)["channel"]["id"]
    rated = {answer.competency_id for answer in submission.answers}
    client.chat_postMessage(
        channel=channel,
        text=summary_text(summary, t),
        blocks=summary_blocks(summary, t, only=rated),
    )
    publish_home(deps, client, actor)  # never raises: a failed refresh is only logged


EVIDENCE_BLOCKS = {
    "competency": ids.EV_COMPETENCY_BLOCK,
    "criterion": ids.EV_CRITERION_BLOCK,
    "evidence_text": ids.EV_TEXT_BLOCK,
    "evidence_link": ids.EV_LINK_BLOCK,
}


def handle_evidence_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient
) -> None:
    """Store logged (or edited) evidence before acknowledging; confirm it in the DM."""
    actor, submission = Actor.from_body(body), ViewSubmission.model_validate(body)
    view = submission.view
    blocks = view.input_blocks
    metadata = EvidenceMetadata.load(view.private_metadata)
    draft = draft_from_state((body["view"].get("state") or {}).get("values") or {})
    data = EvidenceInput(
        competency_id=draft.competency_id,
        criterion_key=draft.criterion_key,
        text=draft.text,
        link=draft.link,
    )
    saving = SaveEvidence(
        data,
        submission_key=f"slack-view:{view.id}",  # a second delivery stores nothing
        evidence_id=metadata.evidence_id,
        permalink=metadata.permalink,
    )
    outcome = deps.flows.evidence.save(actor.ref, saving)
    t = slack_t(outcome)
    if outcome.refusal is not None:
        ack(response_action="errors", errors={blocks[-1]: t(f"slack.refusal.{outcome.refusal}")})
        return
    if outcome.problems:
        errors: dict[str, str] = {}
        for problem in outcome.problems:
            block = EVIDENCE_BLOCKS.get(problem.field, ids.EV_TEXT_BLOCK)
            errors.setdefault(block if block in blocks else blocks[0], t(problem.key))
        ack(response_action="errors", errors=errors)
        return
    ack()  # the evidence is committed already; then the confirmation and the Home
    carry_out(client, outcome.effects, t, home_publisher(deps, actor.team_id))


def register(app: App, deps: SlackDeps) -> None:
    @app.view(ids.REVIEW_VIEW)
    def review_submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_review_submission(deps, ack, body, client)

    @app.view(ids.EVIDENCE_VIEW)
    def evidence_submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_evidence_submission(deps, ack, body, client)

    @app.view(ids.CHECKIN_VIEW)
    def checkin_submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_checkin_submission(deps, ack, body, client)
