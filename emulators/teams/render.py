"""An Adaptive Card as text: what a person reads on it, for assertions and demo transcripts.

One line per block: a ``TextBlock``'s text, a ``RichTextBlock``'s runs joined, a fact as
``Title: value``, a table row as cells joined by `` | ``, an image as ``[image: alt]``,
an input as its label and current value (``[ ]``/``[x]`` for toggles, ``( )``/``(o)`` for
expanded choices), buttons as ``[ Title ]``. Hidden elements (``isVisible: false``) are
left out. A plain text message renders as its text.
"""

from __future__ import annotations

from collections.abc import Mapping

from emulators.teams.cards import INPUT_TYPES, JsonDict, children

_TOGGLE = {True: "[x]", False: "[ ]"}


def render_card(
    card: JsonDict,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> str:
    """The card as lines of text; ``values`` are inputs' current values, ``errors`` shown under them."""
    lines = _block(card, values or {}, errors or {})
    buttons = [a for a in card.get("actions") or [] if isinstance(a, dict)]
    if buttons:
        lines.append(_buttons(buttons))
    return "\n".join(line for line in lines if line)


def card_texts(card: JsonDict) -> list[str]:
    """The texts a person reads on the card (text blocks, facts, table cells, images' alt)."""
    return [
        line
        for line in _block(card, {}, {}, with_inputs=False)
        if line and not line.startswith("[ ")
    ]


def _block(
    element: JsonDict,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    with_inputs: bool = True,
) -> list[str]:
    lines: list[str] = []
    for item in children(element):
        if item.get("isVisible") is False:
            continue
        kind = item.get("type")
        if kind == "TextBlock":
            lines.append(str(item.get("text", "")))
        elif kind == "RichTextBlock":
            runs = item.get("inlines") or []
            lines.append("".join(r if isinstance(r, str) else str(r.get("text", "")) for r in runs))
        elif kind == "Image":
            lines.append(_image(item))
        elif kind == "ImageSet":
            lines.extend(_image(i) for i in item.get("images") or [] if isinstance(i, dict))
        elif kind == "FactSet":
            lines.extend(
                f"{fact.get('title', '')}: {fact.get('value', '')}"
                for fact in item.get("facts") or []
                if isinstance(fact, dict)
            )
        elif kind == "Table":
            lines.extend(_table(item))
        elif kind == "ActionSet":
            buttons = [a for a in item.get("actions") or [] if isinstance(a, dict)]
            lines.append(_buttons(buttons))
        elif kind in INPUT_TYPES:
            if with_inputs:
                lines.extend(_input(item, values, errors))
        else:  # Container, ColumnSet, Column: their content in order
            lines.extend(_block(item, values, errors, with_inputs=with_inputs))
    return lines


def _image(image: JsonDict) -> str:
    alt = image.get("altText")
    return f"[image: {alt}]" if alt else "[image]"


def _table(table: JsonDict) -> list[str]:
    rows = []
    for row in table.get("rows") or []:
        if not isinstance(row, dict):
            continue
        cells = [
            " ".join(_block({"type": "TableCell", **cell}, {}, {}))
            for cell in row.get("cells") or []
            if isinstance(cell, dict)
        ]
        rows.append(" | ".join(cells))
    return rows


def _buttons(buttons: list[JsonDict]) -> str:
    return "  ".join(f"[ {b.get('title', '')} ]" for b in buttons)


def _input(item: JsonDict, values: Mapping[str, str], errors: Mapping[str, str]) -> list[str]:
    input_id = str(item.get("id"))
    label = str(item.get("label") or item.get("placeholder") or input_id)
    if item.get("isRequired"):
        label += " *"
    value = values.get(input_id, str(item.get("value", "") or ""))
    kind = item.get("type")
    if kind == "Input.Toggle":
        on = value == str(item.get("valueOn", "true"))
        lines = [f"{_TOGGLE[on]} {item.get('title', '')}"]
    elif kind == "Input.ChoiceSet" and item.get("style") == "expanded":
        chosen = set(value.split(",")) if value else set()
        lines = [label]
        for choice in item.get("choices") or []:
            if isinstance(choice, dict):
                mark = "(o)" if choice.get("value") in chosen else "( )"
                lines.append(f"  {mark} {choice.get('title', '')}")
    elif kind == "Input.ChoiceSet":
        titles = {c.get("value"): c.get("title") for c in item.get("choices") or []}
        shown = ", ".join(str(titles.get(v, v)) for v in value.split(",")) if value else ""
        lines = [f"{label}: [{shown} ▾]"]
    else:
        lines = [f"{label}: [{value}]"]
    if input_id in errors:
        lines.append(f"  ! {errors[input_id]}")
    return lines
