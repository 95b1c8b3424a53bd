"""The catalog's neutral markup as Slack shows it, and a person's text left alone."""

from __future__ import annotations

from bot.i18n import Translator
from handlers.slack.markup import slack_translator, to_mrkdwn


def test_bold_and_links_become_mrkdwn_and_the_rest_stays() -> None:
    assert to_mrkdwn("**Échelle** — {levels}") == "*Échelle* — {levels}"
    assert to_mrkdwn("[lien]({url})") == "<{url}|lien>"
    assert to_mrkdwn("_en italique_ et `/palier me`") == "_en italique_ et `/palier me`"
    assert to_mrkdwn("{id:<40} {count:>12}") == "{id:<40} {count:>12}"


def test_a_persons_text_is_never_read_as_markup() -> None:
    """Only the template is rewritten: a label with ** or [x](y) stays as typed."""
    t = slack_translator("fr")
    typed = "**gros** [clic](https://evil.example)"
    assert typed in t("evidence.saved", competency=typed)
    assert Translator("fr").markup is None  # the core's translator leaves markup neutral
