"""A person filling a card's inputs and pressing a button, as the Teams client handles it.

Everything here happens in the client, before anything reaches the bot:

- **Finding the button.** Buttons are the card's ``actions`` and its ``ActionSet``s,
  and those of the cards an ``Action.ShowCard`` reveals. A button that is not there
  cannot be pressed (:class:`DriverError`).
- **Associated inputs.** With ``associatedInputs`` ``auto`` (the default) an
  ``Action.Submit``/``Action.Execute`` gathers the inputs of its own card and of the
  cards containing it; ``none`` gathers none (Adaptive Cards 1.3+, adaptivecards.io
  explorer, Action.Submit).
- **Validation.** An input with ``isRequired`` left empty, a value failing an
  ``Input.Text`` ``regex``, or an ``Input.Number`` outside ``min``/``max`` blocks the
  submission, the input's ``errorMessage`` shown under it (Adaptive Cards input
  validation, schema 1.3). Nothing is sent.
- **Values.** Every gathered input's value goes in as a string: the text typed, the
  number, ``YYYY-MM-DD`` dates, ``HH:mm`` times, a toggle's ``valueOn``/``valueOff``
  (``"true"``/``"false"`` by default), the chosen choice's ``value`` (several joined with
  ``,``). An untouched input keeps its ``value``, else ``""``. They are merged over the
  action's ``data`` object (a string ``data`` is sent as it is, without inputs).
- **Choices.** A person can only pick a choice that the ``Input.ChoiceSet`` lists (by
  its ``value`` or its shown ``title``), and only one unless ``isMultiSelect``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulators.teams.cards import INPUT_TYPES, JsonDict, actions, children, inputs
from emulators.teams.render import card_texts

REQUIRED_MESSAGE = "This field is required."
INVALID_MESSAGE = "This value is not valid."


class DriverError(Exception):
    """The test asked for something a person could not do (no such button, no such choice)."""


@dataclass(frozen=True)
class Found:
    """A button, with the cards from the top one down to the one holding it."""

    action: JsonDict
    chain: tuple[JsonDict, ...]


def find_action(
    card: JsonDict, title: str, within: str | None = None, beside: str | None = None
) -> Found:
    """The button showing ``title`` (exact, then case-insensitive), ShowCard cards included.

    ``within``: the button is in the card the ``Action.ShowCard`` titled ``within``
    reveals (a confirmation whose button has the same title as the one that asked it).
    ``beside``: the button is on the row that shows this text — the one element of the
    card's body (a column set, a container) whose texts hold it — as a person picks
    "Review" on the line of the list that names whom (every row's button has one title).
    """
    if beside is not None:
        rows = [
            item
            for item in children(card)
            if item.get("isVisible") is not False
            and any(beside in text for text in card_texts({"type": "AdaptiveCard", "body": [item]}))
        ]
        if len(rows) != 1:
            raise DriverError(f"{len(rows)} rows of the card show {beside!r}, not one")
        inside = find_action({"type": "AdaptiveCard", "body": rows}, title, within)
        return Found(inside.action, (card, *inside.chain[1:]))
    if within is not None:
        opener = find_action(card, within)
        revealed = opener.action.get("card")
        if opener.action.get("type") != "Action.ShowCard" or not isinstance(revealed, dict):
            raise DriverError(f"{within!r} is an {opener.action.get('type')}, not Action.ShowCard")
        inside = find_action(revealed, title)
        return Found(inside.action, (*opener.chain, *inside.chain))
    every = list(_all_actions(card, (card,)))
    for exact in (True, False):
        for found in every:
            shown = str(found.action.get("title", ""))
            if shown == title or (not exact and shown.casefold() == title.casefold()):
                return found
    titles = [str(f.action.get("title", "")) for f in every]
    raise DriverError(f"no button {title!r} in the card; buttons: {titles}")


def button_titles(card: JsonDict) -> list[str]:
    """The titles of the buttons a person sees on ``card`` (not inside closed ShowCards)."""
    return [str(a.get("title", "")) for a in actions(card)]


def _all_actions(card: JsonDict, chain: tuple[JsonDict, ...]) -> Iterable[Found]:
    for action in actions(card):
        yield Found(action, chain)
        shown = action.get("card")
        if action.get("type") == "Action.ShowCard" and isinstance(shown, dict):
            yield from _all_actions(shown, (*chain, shown))


def submission(found: Found, given: Mapping[str, Any] | None = None) -> tuple[Any, dict[str, str]]:
    """(what the button sends, input errors by id): the data merged with its inputs."""
    action = found.action
    gathered: list[JsonDict] = []
    if action.get("associatedInputs", "auto") != "none":
        for card in found.chain:
            gathered.extend(inputs(card))
    values, errors = fill(gathered, given or {})
    data = action.get("data")
    if isinstance(data, str):
        return data, errors
    merged: JsonDict = copy.deepcopy(data) if isinstance(data, dict) else {}
    merged.update(values)
    return merged, errors


def fill(
    card_inputs: list[JsonDict], given: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each input's value after the person typed ``given`` (by input id), and the errors."""
    known = {str(item.get("id")) for item in card_inputs}
    unknown = sorted(set(given) - known)
    if unknown:
        raise DriverError(f"no input {unknown} in the card; inputs: {sorted(known)}")
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in card_inputs:
        input_id = str(item.get("id"))
        value = _value(item, given[input_id]) if input_id in given else _initial(item)
        values[input_id] = value
        problem = _problem(item, value)
        if problem is not None:
            errors[input_id] = str(item.get("errorMessage") or problem)
    return values, errors


def _initial(item: JsonDict) -> str:
    if item.get("type") == "Input.Toggle":
        value = item.get("value")
        return str(value) if value is not None else str(item.get("valueOff", "false"))
    value = item.get("value")
    return "" if value is None else str(value)


def _value(item: JsonDict, raw: Any) -> str:
    """What the person's ``raw`` answer becomes in the submitted data."""
    kind = item.get("type")
    input_id = item.get("id")
    if raw is None:
        return ""
    if kind == "Input.Toggle":
        on, off = str(item.get("valueOn", "true")), str(item.get("valueOff", "false"))
        if isinstance(raw, bool):
            return on if raw else off
        if str(raw) in (on, off):
            return str(raw)
        raise DriverError(f"toggle {input_id!r} is {on!r} or {off!r}, not {raw!r}")
    if kind == "Input.ChoiceSet":
        return _choose(item, raw)
    if kind == "Input.Date" and isinstance(raw, dt.date):
        return raw.isoformat()
    if kind == "Input.Time" and isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    if kind == "Input.Number" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)
    text = str(raw)
    limit = item.get("maxLength")
    if kind == "Input.Text" and isinstance(limit, int) and len(text) > limit:
        raise DriverError(
            f"input {input_id!r} takes at most {limit} characters ({len(text)} given)"
        )
    return text


def _choose(item: JsonDict, raw: Any) -> str:
    input_id = item.get("id")
    wanted = list(raw) if isinstance(raw, (list, tuple, set)) else [raw]
    if len(wanted) > 1 and not item.get("isMultiSelect"):
        raise DriverError(f"{input_id!r} takes one choice, not {wanted}")
    choices = [c for c in item.get("choices") or [] if isinstance(c, dict)]
    if not choices and isinstance(item.get("choices.data"), dict):
        return ",".join(str(w) for w in wanted)  # typeahead: whatever the bot offered
    picked = []
    for one in wanted:
        match = next((c for c in choices if c.get("value") == one), None) or next(
            (c for c in choices if str(c.get("title", "")).casefold() == str(one).casefold()),
            None,
        )
        if match is None:
            offered = [f"{c.get('value')!r} ({c.get('title')!r})" for c in choices]
            raise DriverError(f"no choice {one!r} in {input_id!r}: {', '.join(offered)}")
        picked.append(str(match.get("value")))
    return ",".join(picked)


def _problem(item: JsonDict, value: str) -> str | None:
    """Why the client refuses ``value`` for ``item`` (None when it is fine)."""
    if item.get("type") not in INPUT_TYPES:
        return None
    if value == "":
        return REQUIRED_MESSAGE if item.get("isRequired") else None
    kind = item.get("type")
    pattern = item.get("regex")
    if kind == "Input.Text" and isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
        return INVALID_MESSAGE
    if kind == "Input.Number":
        try:
            number = float(value)
        except ValueError:
            return INVALID_MESSAGE
        low, high = item.get("min"), item.get("max")
        if (isinstance(low, (int, float)) and number < low) or (
            isinstance(high, (int, float)) and number > high
        ):
            return INVALID_MESSAGE
    if kind == "Input.Date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return INVALID_MESSAGE
    if kind == "Input.Time" and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value) is None:
        return INVALID_MESSAGE
    return None
