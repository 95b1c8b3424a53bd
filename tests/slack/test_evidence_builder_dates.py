"""The evidence modal's date, link and title as Block Kit (no request involved): the
edit form titled and labelled as an edit within Slack's 24 characters, valid for the
emulator's Block Kit check, in French and in English."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app.evidence import EvidenceForm
from emulators.slack import validate_view
from handlers.slack import ids
from handlers.slack.builders.evidence_builder import form_modal
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog

AE = ReferentielCatalog.load(None).get("account-executive")
assert AE is not None


@pytest.mark.parametrize(
    ("locale", "new", "edit"),
    [
        ("fr", ("Ajouter une preuve", "Enregistrer"), ("Modifier la preuve", "Mettre à jour")),
        ("en", ("Log evidence", "Save"), ("Edit evidence", "Save changes")),
    ],
)
def test_the_edit_modal_is_titled_as_an_edit(
    locale: str, new: tuple[str, str], edit: tuple[str, str]
) -> None:
    t = slack_translator(locale)  # type: ignore[arg-type]
    today = date(2026, 11, 26)
    for form, (title, submit) in (
        (EvidenceForm(AE, (), today=today), new),
        (
            EvidenceForm(
                AE,
                (),
                competency_id="closing",
                text="Signé",
                link="https://crm.acme.fr/deals/42",
                evidence_id=7,
                happened_on=date(2026, 11, 20),
                today=today,
            ),
            edit,
        ),
    ):
        view = form_modal(form, t).to_dict()
        assert validate_view(view) == []
        assert (view["title"]["text"], view["submit"]["text"]) == (title, submit)
        assert len(title) <= 24 and len(submit) <= 24  # Slack's limit, never cut
        blocks = {b.get("block_id"): b for b in view["blocks"]}
        picker = blocks[ids.EV_DATE_BLOCK]["element"]
        assert picker["initial_date"] == ("2026-11-20" if form.evidence_id else "2026-11-26")
        assert blocks[ids.EV_LINK_BLOCK]["element"]["type"] == "url_text_input"
        assert blocks[ids.EV_LINK_BLOCK]["optional"] is True
