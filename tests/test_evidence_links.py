"""A link given with evidence: a scheme-less address is taken as https, only http(s) is
kept, anything else is refused (pure rules, :mod:`bot.domain.links`)."""

from __future__ import annotations

import pytest

from bot.domain.evidence import EvidenceInput
from bot.domain.links import is_link, normalise_link
from bot.domain.submissions import CheckinAnswer


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("crm.acme.fr/deals/42", "https://crm.acme.fr/deals/42"),
        ("  crm.acme.fr/deals/42  ", "https://crm.acme.fr/deals/42"),
        ("www.acme.fr", "https://www.acme.fr"),
        ("crm.acme.fr:8443/deals?id=42#notes", "https://crm.acme.fr:8443/deals?id=42#notes"),
        ("//crm.acme.fr/deals/42", "https://crm.acme.fr/deals/42"),
        ("https://crm.acme.fr/deals/42", "https://crm.acme.fr/deals/42"),
        ("http://intranet.acme.fr/x", "http://intranet.acme.fr/x"),
        ("HTTPS://CRM.acme.fr/Deals", "HTTPS://CRM.acme.fr/Deals"),
        (
            "acme.sharepoint.com/:w:/r/sites/ventes",
            "https://acme.sharepoint.com/:w:/r/sites/ventes",
        ),
    ],
)
def test_web_addresses_are_kept_with_a_scheme(typed: str, kept: str) -> None:
    assert normalise_link(typed) == kept
    assert is_link(kept)


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "javascript:1",
        "data:text/html;base64,PHNjcmlwdD4=",
        "mailto:daf@acme.fr",
        "file:///etc/passwd",
        "ftp://files.acme.fr/deal.pdf",
        "vbscript:msgbox(1)",
        "salon du recrutement",
        "localhost:8080",
        "crm",
        "https://",
        "",
        "   ",
        "crm.acme.fr/" + "a" * 3000,
    ],
)
def test_anything_else_is_refused(typed: str) -> None:
    assert normalise_link(typed) is None


def test_an_address_typed_without_scheme_is_not_kept_as_typed() -> None:
    assert not is_link("crm.acme.fr/deals/42")  # kept only once normalised


def test_forms_normalise_as_they_parse_and_leave_the_rest_to_be_refused() -> None:
    assert EvidenceInput(link="crm.acme.fr/deals/42").link == "https://crm.acme.fr/deals/42"
    assert EvidenceInput(link="javascript:alert(1)").link == "javascript:alert(1)"
    answer = CheckinAnswer(competency_id="closing", evidence_link="crm.acme.fr/d/1")
    assert answer.evidence_link == "https://crm.acme.fr/d/1"
