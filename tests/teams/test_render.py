"""The Teams renderer: neutral cards and forms as Adaptive Cards, in which nobody's words
ever become Markdown, and Teams' size limit is kept."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n.rich import Mention, Plain, Rich, Typed, literal
from bot.views.cards import (
    Actions,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceStyle,
    Confirm,
    DateField,
    Divider,
    Form,
    Heading,
    Note,
    Paragraph,
    TextField,
    TimeField,
)
from handlers.teams.render import CARD_BYTES_LIMIT, Renderer, card_size
from handlers.teams.text import text_runs

RENDER = Renderer(dialog_actions={"checkin.start"})


def _texts(runs: list[dict[str, object]]) -> list[object]:
    return [run["text"] for run in runs]


def test_the_catalogs_markup_becomes_styles_and_values_stay_as_written() -> None:
    rich = Rich(
        "**{name}** : [voir]({url}) `{code}` _{level}_",
        {
            "name": Typed("**Boss** [x](https://evil)"),
            "url": Plain("https://example.org/a?b=1&c=2"),
            "code": Plain("B1"),
            "level": Plain("Senior"),
        },
    )
    runs = text_runs(rich)
    assert runs[0] == {"type": "TextRun", "text": "**Boss** [x](https://evil)", "weight": "Bolder"}
    link = next(run for run in runs if run["text"] == "voir")
    assert link["selectAction"] == {
        "type": "Action.OpenUrl",
        "url": "https://example.org/a?b=1&c=2",
    }
    assert next(run for run in runs if run["text"] == "B1")["fontType"] == "Monospace"
    assert next(run for run in runs if run["text"] == "Senior")["italic"] is True
    assert not any("selectAction" in run for run in runs if run["text"] != "voir")


@given(st.text(min_size=1, max_size=200))
def test_a_persons_words_are_one_run_whatever_they_hold(words: str) -> None:
    runs = text_runs(Rich("{a} — {b}", {"a": Typed(words), "b": Mention("29:x", words)}))
    assert "".join(str(t) for t in _texts(runs)) == f"{words} — {words}"
    assert all(set(run) <= {"type", "text"} for run in runs)


def test_buttons_act_at_once_open_a_dialog_or_ask_first() -> None:
    confirm = Confirm(literal("Passer ?"), literal("Sûr ?"), literal("Oui"), literal("Non"))
    row = Actions(
        "checkin.prompt",
        (
            Button(literal("Commencer"), "checkin.start", "7", primary=True),
            Button(literal("Passer"), "checkin.skip", "7", confirm=confirm),
            Button(literal("Plus tard"), "checkin.snooze", "7"),
        ),
    )
    card = RENDER.card(Card(literal("x"), (Paragraph((literal("Bonjour"),)), Divider(), row)))
    start, skip, later = card["body"][-1]["actions"]
    assert card["body"][-1]["separator"] is True
    assert start["type"] == "Action.Submit" and start["style"] == "positive"
    assert start["data"] == {
        "msteams": {"type": "task/fetch"},
        "action": "checkin.start",
        "value": "7",
    }
    assert skip["type"] == "Action.ShowCard"
    (yes,) = skip["card"]["actions"]
    assert yes == {
        "type": "Action.Execute",
        "title": "Oui",
        "verb": "checkin.skip",
        "data": {"action": "checkin.skip", "value": "7"},
    }
    assert later["type"] == "Action.Execute" and later["verb"] == "checkin.snooze"


def test_a_form_is_a_dialog_whose_inputs_are_named_by_their_field() -> None:
    form = Form(
        name="checkin.form",
        title=literal("Semaine 49"),
        close=literal("Fermer"),
        submit=literal("Enregistrer"),
        state='{"prompt_id": 7}',
        blocks=(
            Heading(literal("Prospection")),
            ChoiceField(
                "checkin.level",
                literal("Votre niveau"),
                (Choice("j", literal("Junior"), literal("Débute")), Choice("s", literal("Senior"))),
                key="prospection",
                initial=("s",),
            ),
            TextField(
                "checkin.evidence",
                literal("Preuve"),
                key="prospection",
                optional=True,
                multiline=True,
                max_length=3000,
            ),
            DateField("home.pause_until", literal("Jusqu'au"), initial=date(2026, 12, 24)),
            TimeField(
                "home.time",
                literal("À"),
                optional=True,
                initial=time(9, 5),
                hint=literal("Heure locale"),
            ),
            ChoiceField(
                "review.share",
                literal("Partager"),
                (Choice("yes", literal("Oui")),),
                style=ChoiceStyle.SEVERAL,
                optional=True,
            ),
        ),
    )
    dialog = RENDER.dialog(form)
    assert dialog["title"] == "Semaine 49"
    body = dialog["card"]["body"]
    inputs = {element["id"]: element for element in body if element["type"].startswith("Input.")}
    level = inputs["checkin.level:prospection"]
    assert level["isRequired"] is True and level["style"] == "expanded" and level["value"] == "s"
    assert level["choices"][0] == {"title": "Junior — Débute", "value": "j"}
    assert "isRequired" not in inputs["checkin.evidence:prospection"]
    assert inputs["checkin.evidence:prospection"]["isMultiline"] is True
    assert inputs["home.pause_until"]["value"] == "2026-12-24"
    assert inputs["home.time"]["value"] == "09:05"
    assert inputs["review.share"]["isMultiSelect"] is True
    (submit,) = dialog["card"]["actions"]
    assert submit["data"] == {"form": "checkin.form", "state": '{"prompt_id": 7}'}


def test_a_card_past_teams_size_keeps_its_first_blocks_and_its_last() -> None:
    long = tuple(Paragraph((literal(f"ligne {i} " + "x" * 400),)) for i in range(200))
    streak = Note(literal("3 semaines d'affilée"))
    card = RENDER.card(Card(literal("x"), (*long, streak), keep_last=1))
    assert card_size(card) <= CARD_BYTES_LIMIT
    assert card["body"][0]["inlines"][0]["text"].startswith("ligne 0 ")
    assert card["body"][-1]["inlines"][0]["text"] == "3 semaines d'affilée"


def test_commands_read_as_typed_to_palier_in_teams() -> None:
    runs = text_runs(Rich("Tapez `/palier me` ou `/palier help`."))
    assert runs == [
        {"type": "TextRun", "text": "Tapez "},
        {"type": "TextRun", "text": "me", "fontType": "Monospace"},
        {"type": "TextRun", "text": " ou "},
        {"type": "TextRun", "text": "help", "fontType": "Monospace"},
        {"type": "TextRun", "text": "."},
    ]
