"""The evidence modal (``/palier log``, the message shortcut, App Home) and its confirmation,
in Block Kit.

The words and the fields are the core's (:mod:`bot.views.evidence`), and so is what the
modal carries back (:class:`~bot.views.evidence.EvidenceState`, its ``private_metadata``);
this is their Slack rendering, and the reading of what the modal holds so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.views import View

from bot.app.evidence import EvidenceForm
from bot.domain.access import Reader
from bot.i18n import Translator
from bot.views.evidence import EvidenceDraft, EvidenceState, evidence_form, read_date
from handlers.slack import ids
from handlers.slack.render import form_view
from referentiels.models import Referentiel


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
    return form_view(evidence_form(referentiel, t, draft, state, readers=readers, today=today))


def form_modal(form: EvidenceForm, t: Translator) -> View:
    """The evidence modal of a flow's form (a new one, a message's text, an edit)."""
    draft = EvidenceDraft(
        form.competency_id, form.criterion_key, form.text, form.link, form.happened_on
    )
    state = EvidenceState(permalink=form.permalink, evidence_id=form.evidence_id)
    return evidence_modal(form.referentiel, t, draft, state, readers=form.readers, today=form.today)
