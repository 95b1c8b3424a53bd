"""A form whose choice rebuilds it, as a Teams dialog: the button beside the choice sends
the form back as filled in, and only that choice is checked by Teams first; and a
message's HTML body read back as its author typed it."""

from __future__ import annotations

from bot.i18n.rich import Rich
from bot.views.cards import Choice, ChoiceField, Form, TextField
from handlers.teams.quoted import html_text
from handlers.teams.render import Renderer

RENDER = Renderer()


def _form(label: Rich | None) -> Form:
    return Form(
        "f.form",
        Rich("Title"),
        Rich("Close"),
        (
            ChoiceField(
                "f.kind",
                Rich("Kind"),
                (Choice("a", Rich("A")), Choice("b", Rich("B"))),
                refresh=True,
                refresh_label=label,
            ),
            TextField("f.text", Rich("Text")),
        ),
        submit=Rich("Save"),
        state='{"s": 1}',
    )


def test_the_button_beside_the_choice_sends_the_form_back_to_be_rebuilt() -> None:
    body = RENDER.dialog(_form(Rich("Show more")))["card"]["body"]
    assert [e.get("id") or e["type"] for e in body] == ["f.kind", "ActionSet", "f.text"]
    [refresh] = body[1]["actions"]
    assert refresh == {
        "type": "Action.Submit",
        "title": "Show more",
        "data": {"form": "f.form", "state": '{"s": 1}', "refresh": "f.kind"},
    }
    # Teams checks the choice only: an empty text must not stop the rebuild.
    assert body[0]["isRequired"] is True and "isRequired" not in body[2]


def test_without_a_label_the_form_is_as_before() -> None:
    body = RENDER.dialog(_form(None))["card"]["body"]
    assert [e.get("id") for e in body] == ["f.kind", "f.text"]
    assert body[0]["isRequired"] is True and body[1]["isRequired"] is True


def test_a_message_body_is_read_as_its_author_typed_it() -> None:
    html = (
        "<p>Signé **Acme** [x](https://evil) &lt;at&gt;Bob&lt;/at&gt; &amp; co</p>"
        '<p>Vu avec <at id="0">Chloé Petit</at>&nbsp;<emoji alt="🎉" title="party"></emoji>'
        '<br>ligne 3</p><attachment id="1"></attachment>'
    )
    assert html_text(html) == (
        "Signé **Acme** [x](https://evil) <at>Bob</at> & co\nVu avec Chloé Petit 🎉\nligne 3"
    )
    assert html_text("<div><div>un</div><div>deux</div></div>") == "un\ndeux"
    assert html_text("<script>alert(1)</script>ok") == "ok"


def test_a_plain_text_body_is_taken_as_it_is() -> None:
    from types import SimpleNamespace

    from handlers.teams.quoted import message_text

    plain = SimpleNamespace(body=SimpleNamespace(content_type="text", content=" <b>x</b> "))
    assert message_text(plain) == "<b>x</b>"
    assert message_text(SimpleNamespace(body=None)) is None
    assert message_text(None) is None
