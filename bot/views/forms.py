"""A form shown again as it was filled in, with what to fix beside each field.

Slack keeps what a person typed in a modal and shows a flow's problems inline; a
platform that cannot (a Teams dialog is rebuilt from scratch) shows the same form again
with :func:`refilled`: each field's answer put back, and each problem in a note right
after the field it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, time

from bot.i18n.rich import Rich
from bot.views.cards import (
    Block,
    ChoiceField,
    DateField,
    Field,
    Form,
    Note,
    TextField,
    TimeField,
    field_id,
)


def _answered(field: Field, value: object) -> Field:
    if value is None:
        return field
    if isinstance(field, ChoiceField):
        chosen = tuple(value) if isinstance(value, list | tuple) else tuple(str(value).split(","))
        return replace(field, initial=tuple(v for v in chosen if v))
    if isinstance(field, TextField):
        return replace(field, initial=str(value))
    if isinstance(field, DateField):
        try:
            return replace(field, initial=date.fromisoformat(str(value)))
        except ValueError:
            return field
    try:
        return replace(field, initial=time.fromisoformat(str(value)))
    except ValueError:
        return field


def refilled(form: Form, values: Mapping[str, object], problems: Mapping[str, Rich]) -> Form:
    """``form`` with ``values`` (by field id) put back and ``problems`` (by field id)
    noted after their field; a problem no field has goes at the top."""
    blocks: list[Block | Field] = []
    placed: set[str] = set()
    for block in form.blocks:
        if isinstance(block, TextField | ChoiceField | DateField | TimeField):
            key = field_id(block)
            blocks.append(_answered(block, values.get(key)))
            if key in problems:
                blocks.append(Note(problems[key]))
                placed.add(key)
        else:
            blocks.append(block)
    loose = [Note(text) for key, text in problems.items() if key not in placed]
    return replace(form, blocks=(*loose, *blocks))
