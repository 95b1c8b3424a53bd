"""The check-in and evidence forms as Slack modals: the ids the listeners read back, and
the private_metadata Slack hands back on submit, exactly as before they were core forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.app.evidence import EvidenceForm
from bot.domain.access import readers_of
from bot.domain.checkin import CheckinForm, CheckinItem, next_level_of
from bot.views import actions
from emulators.slack import validate_view
from handlers.slack import ids
from handlers.slack.builders.checkin_builder import CheckinMetadata, checkin_modal
from handlers.slack.builders.evidence_builder import draft_from_state, form_modal
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog

CATALOG = ReferentielCatalog.load(None)


def test_the_checkin_modal_keeps_its_ids_and_its_metadata() -> None:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    competency = referentiel.all_competencies()[0]
    upcoming = next_level_of(referentiel, None)
    item = CheckinItem(competency, (), None, upcoming, None)
    form = CheckinForm(7, "2026-W48", datetime(2026, 11, 29, tzinfo=UTC), referentiel, [item])
    view = checkin_modal(form, CheckinMetadata(7, "D1", "1.0"), slack_translator("fr")).to_dict()
    assert validate_view(view) == []
    assert view["callback_id"] == "checkin_submit"
    assert view["private_metadata"] == '{"prompt_id": 7, "channel": "D1", "ts": "1.0"}'
    inputs = [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"] if "element" in b]
    key = competency.id
    assert inputs == [
        (f"level:{key}", f"level_choice:{key}"),
        (f"evidence:{key}", f"evidence_text:{key}"),
        (f"link:{key}", f"evidence_link:{key}"),
        ("topic", "topic_text"),
    ]


def test_the_evidence_modal_keeps_its_ids_and_its_metadata() -> None:
    referentiel = CATALOG.get("manager-equipe-vendeurs-b2b")
    assert referentiel is not None
    chosen = referentiel.all_competencies()[0]
    form = EvidenceForm(
        referentiel,
        readers_of(None, indirect=False),
        chosen.id,
        None,
        "Un deal",
        None,
        3,
        "https://a.slack.com/p1",
    )
    view = form_modal(form, slack_translator("en")).to_dict()
    assert validate_view(view) == []
    assert view["callback_id"] == "evidence_submit"
    assert json.loads(view["private_metadata"]) == {
        "permalink": "https://a.slack.com/p1",
        "evidence_id": 3,
    }
    inputs = [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"] if "element" in b]
    assert inputs == [
        ("ev_competency", "ev_competency_choice"),
        # Keyed by its competency: Slack keeps a choice across views.update only in a
        # block of the same id, and another competency's criterion is not this one's.
        (f"ev_criterion:{chosen.id}", "ev_criterion_choice"),
        ("ev_text", "ev_text_value"),
        ("ev_date", "ev_date_value"),
        ("ev_link", "ev_link_value"),
    ]
    competency = view["blocks"][1]
    assert competency["dispatch_action"] is True
    assert competency["element"]["initial_option"]["value"] == chosen.id


# Rows Slack leaves without a block id (their buttons' own ids suffice).
ROWS_WITHOUT_BLOCK_ID = {
    actions.ERASURE_ACTIONS,
    actions.REVIEW_PAGES,
    actions.DIGEST_PAGES,
    actions.LIVRET_ACTIONS,
}
# Names of cards Slack never shows: ``/palier log`` opens the evidence modal itself, where
# a Teams command answers a card whose button opens the form.
NOT_IN_SLACK = {actions.EVIDENCE_OPEN}


def test_every_name_the_core_gives_has_one_slack_id_and_no_two_share_one() -> None:
    names = {v for k, v in vars(actions).items() if k.isupper() and isinstance(v, str)}
    maps = (ids.ACTION_IDS, ids.BLOCK_IDS, ids.FORM_IDS, ids.FIELD_IDS)
    mapped = {name for mapping in maps for name in mapping}
    assert names - mapped == ROWS_WITHOUT_BLOCK_ID | NOT_IN_SLACK
    assert mapped <= names
    for mapping in maps:
        assert len(set(mapping.values())) == len(mapping)


def test_the_criterion_is_read_from_the_chosen_competencys_block_only() -> None:
    def select(value: str) -> dict[str, object]:
        return {"type": "static_select", "selected_option": {"value": value}}

    competency = {"ev_competency": {"ev_competency_choice": select("C3")}}
    stale = {"ev_criterion:C4": {"ev_criterion_choice": select("C4#2")}}
    assert draft_from_state({**competency, **stale}).criterion_key is None
    mine = {"ev_criterion:C3": {"ev_criterion_choice": select("C3#1")}}
    assert draft_from_state({**competency, **mine}).criterion_key == "C3#1"
    # A modal opened before the block was keyed by competency: its one criterion block.
    legacy = {"ev_criterion": {"ev_criterion_choice": select("C3#2")}}
    assert draft_from_state({**competency, **legacy}).criterion_key == "C3#2"
