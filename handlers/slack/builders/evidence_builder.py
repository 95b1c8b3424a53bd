"""The evidence modal (``/palier log``, the message shortcut, App Home) and its confirmation.

Competencies are grouped by bloc or activity in a select Slack lets people search
by typing; once one is chosen, its evaluation criteria (or its levels' aspects)
are offered. Option texts are limited to 75 characters by Slack: long
certification names are shortened there with "…" and quoted whole elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.app.evidence import EvidenceForm, EvidenceSaved
from bot.domain.evidence import criterion_choices
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator
from bot.views.evidence import saved_card
from bot.views.prompt import short_name
from handlers.slack import ids
from handlers.slack.render import card_blocks, card_text
from referentiels.models import Competency, Referentiel

OPTION_LIMIT = 75
OPTIONS_PER_SELECT = 100


@dataclass(frozen=True)
class EvidenceMetadata:
    """What the evidence modal carries: where it came from, and what it edits."""

    permalink: str | None = None  # the Slack message logged as evidence
    evidence_id: int | None = None  # editing existing evidence

    def dump(self) -> str:
        return json.dumps({"permalink": self.permalink, "evidence_id": self.evidence_id})

    @classmethod
    def load(cls, text: str) -> EvidenceMetadata:
        try:
            data = json.loads(text) if text else {}
            evidence_id = data.get("evidence_id")
            return cls(data.get("permalink"), int(evidence_id) if evidence_id else None)
        except (ValueError, TypeError, AttributeError):
            return cls()


@dataclass(frozen=True)
class EvidenceDraft:
    """What the modal shows filled in (a shortcut's message, an edit, a refresh)."""

    competency_id: str | None = None
    criterion_key: str | None = None
    text: str | None = None
    link: str | None = None


def draft_from_state(values: Mapping[str, Any]) -> EvidenceDraft:
    """What the evidence modal holds so far (``view.state.values``)."""

    def state(block: str, action: str) -> dict[str, Any]:
        return dict((values.get(block) or {}).get(action) or {})

    def selected(block: str, action: str) -> str | None:
        option = state(block, action).get("selected_option") or {}
        return option.get("value")

    return EvidenceDraft(
        competency_id=selected(ids.EV_COMPETENCY_BLOCK, ids.EV_COMPETENCY_ACTION),
        criterion_key=selected(ids.EV_CRITERION_BLOCK, ids.EV_CRITERION_ACTION),
        text=state(ids.EV_TEXT_BLOCK, ids.EV_TEXT_ACTION).get("value"),
        link=state(ids.EV_LINK_BLOCK, ids.EV_LINK_ACTION).get("value"),
    )


def _option(label: str, value: str) -> Option:
    return Option(value=value, label=short_name(label, OPTION_LIMIT - 1))


def competency_select(
    referentiel: Referentiel, t: Translator, selected: str | None
) -> StaticSelectElement:
    """All competencies, grouped by their outermost bloc or activity."""
    groups: dict[str, list[Option]] = {}
    for path, competency in referentiel.iter_competencies():
        outer = path[0] if path else None
        title = (
            (f"{outer.code} : {outer.title}" if outer.code else outer.title)
            if outer is not None
            else referentiel.title
        )
        groups.setdefault(title, []).append(_option(competency.label, competency.id))
    options = [o for group in groups.values() for o in group][:OPTIONS_PER_SELECT]
    initial = next((o for o in options if o.value == selected), None)
    placeholder = t("evidence.competency_placeholder")
    if len(groups) > 1:
        return StaticSelectElement(
            action_id=ids.EV_COMPETENCY_ACTION,
            placeholder=placeholder,
            initial_option=initial,
            option_groups=[
                OptionGroup(label=short_name(title, OPTION_LIMIT - 1), options=group)
                for title, group in groups.items()
            ],
        )
    return StaticSelectElement(
        action_id=ids.EV_COMPETENCY_ACTION,
        placeholder=placeholder,
        initial_option=initial,
        options=options,
    )


def _criterion_select(
    competency: Competency, t: Translator, selected: str | None
) -> StaticSelectElement | None:
    choices = criterion_choices(competency)
    if not choices:
        return None
    options = [_option(choice.text, choice.key) for choice in choices][:OPTIONS_PER_SELECT]
    return StaticSelectElement(
        action_id=ids.EV_CRITERION_ACTION,
        placeholder=t("evidence.criterion_placeholder"),
        options=options,
        initial_option=next((o for o in options if o.value == selected), None),
    )


def evidence_modal(
    referentiel: Referentiel,
    t: Translator,
    draft: EvidenceDraft | None = None,
    metadata: EvidenceMetadata | None = None,
) -> View:
    """The evidence modal, filled in with ``draft`` (a message's text, an edit)."""
    draft = draft or EvidenceDraft()
    metadata = metadata or EvidenceMetadata()
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=t("evidence.intro"))),
        InputBlock(
            block_id=ids.EV_COMPETENCY_BLOCK,
            label=t("evidence.competency"),
            dispatch_action=True,
            element=competency_select(referentiel, t, draft.competency_id),
        ),
    ]
    competency = referentiel.competency(draft.competency_id or "")
    if competency is not None:
        select = _criterion_select(competency, t, draft.criterion_key)
        if select is not None:
            blocks.append(
                InputBlock(
                    block_id=ids.EV_CRITERION_BLOCK,
                    label=t("evidence.criterion"),
                    optional=True,
                    element=select,
                )
            )
    blocks.append(
        InputBlock(
            block_id=ids.EV_TEXT_BLOCK,
            label=t("evidence.text"),
            element=PlainTextInputElement(
                action_id=ids.EV_TEXT_ACTION,
                multiline=True,
                max_length=MAX_TEXT,
                initial_value=(draft.text or "")[:MAX_TEXT] or None,
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id=ids.EV_LINK_BLOCK,
            label=t("evidence.link"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.EV_LINK_ACTION,
                max_length=MAX_TEXT,
                placeholder=t("evidence.link_placeholder"),
                initial_value=draft.link or None,
            ),
        )
    )
    if metadata.permalink:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t("evidence.from_message", permalink=metadata.permalink)
                    )
                ]
            )
        )
    return View(
        type="modal",
        callback_id=ids.EVIDENCE_VIEW,
        title=t("evidence.title"),
        submit=t("evidence.submit"),
        close=t("evidence.close"),
        private_metadata=metadata.dump(),
        blocks=blocks,
    )


def saved_message(saved: EvidenceSaved, t: Translator) -> tuple[str, list[Block]]:
    """The confirmation as a message: its notification text, its blocks."""
    card = saved_card(saved.competency, saved.link, t)
    return card_text(card), card_blocks(card)


def form_modal(form: EvidenceForm, t: Translator) -> View:
    """The evidence modal of a flow's form (a new one, a message's text, an edit)."""
    draft = EvidenceDraft(form.competency_id, form.criterion_key, form.text, form.link)
    metadata = EvidenceMetadata(permalink=form.permalink, evidence_id=form.evidence_id)
    return evidence_modal(form.referentiel, t, draft, metadata)
