"""bot/text.py: what Palier keeps of the text people type (property-tested)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import CONTROL, clean_text


def test_control_characters_go_and_the_rest_stays() -> None:
    assert clean_text("Deal\x00 signé\x1b avec\tACME\x85") == "Deal signé avec\tACME"


def test_carriage_returns_are_line_breaks() -> None:
    assert clean_text("un\r\ndeux\rtrois\nquatre") == "un\ndeux\ntrois\nquatre"


@given(st.text())
def test_clean_text_leaves_no_control_character_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert CONTROL.search(cleaned) is None and "\r" not in cleaned
    assert clean_text(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc",))))
def test_text_without_controls_is_only_trimmed(text: str) -> None:
    assert clean_text(text) == text.strip()
