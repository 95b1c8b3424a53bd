"""An ``Input.Text``'s ``style`` as the Adaptive Cards schema (1.5) lists them: Text, Tel,
Url, Email, Password, read ignoring case; anything else is refused, so a card Teams would
not read as meant fails the test that sends it."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.teams import validate_card


def _card(**extra: Any) -> dict[str, Any]:
    field = {"type": "Input.Text", "id": "evidence.link", "label": "Lien", **extra}
    return {"type": "AdaptiveCard", "version": "1.5", "body": [field]}


@pytest.mark.parametrize("style", ["Url", "url", "Text", "Tel", "Email", "Password"])
def test_the_schemas_styles_are_accepted(style: str) -> None:
    assert validate_card(_card(style=style)) == []


@pytest.mark.parametrize("style", ["Link", "uri", "", 3])
def test_another_style_is_refused(style: object) -> None:
    [problem] = validate_card(_card(style=style))
    assert problem.path.endswith(".style")
