"""The evidence modal (``/palier log``, the message shortcut, App Home) and its confirmation,
in Block Kit.

The words and the fields are the core's (:mod:`bot.views.evidence`), and so is what the
modal carries back (:class:`~bot.views.evidence.EvidenceState`, its ``private_metadata``);
this is their Slack rendering, and the reading of what the modal holds so far.

When a competency is chosen the modal is updated (``views.update``), and Slack keeps what
was entered in every input whose block_id and action_id the new view keeps (its reference,
"Preserving input entry"): the text typed so far stays, by design, as its ids never change.
The criterion's block id names its competency (``ev_criterion:C4``): a criterion picked for
another competency is not kept on the new one, where it would not be one of its criteria.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import InputBlock
from slack_sdk.models.views import View

from bot.app.evidence import EvidenceForm
from bot.domain.access import Reader
from bot.i18n import Translator
from bot.views.evidence import EvidenceDraft, EvidenceState, evidence_form, read_date
from handlers.slack import ids
from handlers.slack.render import form_view
from referentiels.models import Referentiel


def criterion_block_id(competency_id: str | None) -> str:
    """The criterion block's id for ``competency_id``'s criteria."""
    if not competency_id:
        return ids.EV_CRITERION_BLOCK
    return ids.competency_block(ids.EV_CRITERION_BLOCK, competency_id)


def draft_from_state(values: Mapping[str, Any]) -> EvidenceDraft:
    """What the evidence modal holds so far (``view.state.values``)."""

    def state(block: str, action: str) -> dict[str, Any]:
        return dict((values.get(block) or {}).get(action) or {})

    def selected(block: str, action: str) -> str | None:
        option = state(block, action).get("selected_option") or {}
        return option.get("value")

    competency_id = selected(ids.EV_COMPETENCY_BLOCK, ids.EV_COMPETENCY_ACTION)
    # The criterion of the competency chosen (a modal opened before criterion blocks were
    # keyed by competency: its one block).
    criterion_block = criterion_block_id(competency_id)
    if criterion_block not in values:
        criterion_block = ids.EV_CRITERION_BLOCK
    return EvidenceDraft(
        competency_id=competency_id,
        criterion_key=selected(criterion_block, ids.EV_CRITERION_ACTION),
        text=state(ids.EV_TEXT_BLOCK, ids.EV_TEXT_ACTION).get("value"),
        link=state(ids.EV_LINK_BLOCK, ids.EV_LINK_ACTION).get("value"),
        happened_on=read_date(state(ids.EV_DATE_BLOCK, ids.EV_DATE_ACTION).get("selected_date")),
    )


def evidence_modal(
    referentiel: Referentiel,
    t: Translator,
    draft: EvidenceDraft | None = None,
    state: EvidenceState | None = None,
    *,
    readers: Sequence[Reader],
    today: date | None = None,
) -> View:
    """The evidence modal, filled in with ``draft`` (what it held when a competency was
    chosen); its date the draft's, else ``today``."""
    view = form_view(evidence_form(referentiel, t, draft, state, readers=readers, today=today))
    for block in view.blocks:
        if isinstance(block, InputBlock) and block.block_id == ids.EV_CRITERION_BLOCK:
            block.block_id = criterion_block_id(draft.competency_id if draft else None)
    return view


def form_modal(form: EvidenceForm, t: Translator) -> View:
    """The evidence modal of a flow's form (a new one, a message's text, an edit)."""
    draft = EvidenceDraft(
        form.competency_id, form.criterion_key, form.text, form.link, form.happened_on
    )
    state = EvidenceState(permalink=form.permalink, evidence_id=form.evidence_id)
    return evidence_modal(form.referentiel, t, draft, state, readers=form.readers, today=form.today)
