"""The welcomes: the one a person gets once, when they are enrolled (:func:`greeting_card`:
what Palier is, their référentiel, when their first check-in comes, who sees their data,
how to change the day or pause), and the one of a conversation opening (Teams: the app
installed for them, :func:`welcome_card`) — whether Palier follows them yet, who sees
their data, where the help is, and, while Palier knows no time zone of theirs, the
question of it (the day-and-time form shows the zone used)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.access import Reader
from bot.domain.welcome import Greeting
from bot.i18n import Translator, formats
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views.audience import readers_text
from bot.views.cards import Actions, Block, Button, Card, Heading, Note, Paragraph


def _first(greeting: Greeting, t: Translator) -> Rich:
    """When the first check-in comes, then the weekly slot, in the person's zone."""
    schedule = greeting.schedule
    slot = {
        "weekday": Plain(formats.weekday(schedule.weekday, t)),
        "time": Plain(formats.clock(schedule.local_time, t)),
        "zone": Plain(greeting.timezone),
    }
    if schedule.next_at is None:
        return t.rich("welcome_dm.slot", **slot)
    moment = Plain(formats.moment(schedule.next_at, greeting.timezone, t))
    if schedule.paused_until is not None:
        until = Plain(formats.long_day(schedule.paused_until, t))
        return t.rich("welcome_dm.first_paused", date=until, moment=moment, **slot)
    if greeting.soon:
        return t.rich("welcome_dm.first_soon", **slot)
    return t.rich("welcome_dm.first", moment=moment, **slot)


def greeting_card(greeting: Greeting, t: Translator, *, ask_zone: bool = False) -> Card:
    """The welcome of someone just enrolled, with the buttons to change the day and time
    or to pause (the same forms as on their page). ``ask_zone``: say that the platform has
    not told their time zone yet (Teams, until they write)."""
    schedule = greeting.schedule
    fallback = (
        t.rich(
            "welcome_dm.fallback",
            moment=Plain(formats.moment(schedule.next_at, greeting.timezone, t)),
        )
        if schedule.next_at is not None and not greeting.soon
        else t.rich("welcome_dm.fallback_later")
    )
    buttons = (
        Button(t.rich("home.button.schedule"), actions.HOME_SCHEDULE, "schedule", primary=True),
        Button(t.rich("home.button.pause"), actions.HOME_PAUSE, "pause"),
    )
    blocks: list[Block] = [
        Heading(t.rich("welcome_dm.title")),
        Paragraph((t.rich("welcome_dm.what"),)),
        Paragraph(
            (
                t.rich("welcome_dm.referentiel", referentiel=Plain(greeting.referentiel_title)),
                _first(greeting, t),
            )
        ),
    ]
    if ask_zone:
        blocks.append(Paragraph((t.rich("teams_home.zone_unknown"),)))
    blocks.extend(
        [
            Paragraph((t.rich("welcome_dm.change"),)),
            Actions(actions.WELCOME_ACTIONS, buttons),
            Note(t.rich("welcome_dm.privacy", readers=readers_text(greeting.readers, t))),
        ]
    )
    return Card(fallback, tuple(blocks))


def welcome_card(
    referentiel_title: str | None,
    t: Translator,
    *,
    readers: Sequence[Reader],
    zone_known: bool = True,
) -> Card:
    """A conversation opening with someone Palier knows (``referentiel_title`` None: not
    followed yet); ``readers``: who sees their data."""
    standing = (
        t.rich("welcome.followed", referentiel=Plain(referentiel_title))
        if referentiel_title is not None
        else t.rich("welcome.not_followed")
    )
    blocks: list[Block] = [
        Heading(t.rich("welcome.title")),
        Paragraph((t.rich("welcome.what"), standing)),
    ]
    if referentiel_title is not None:
        buttons = [Button(t.rich("teams_home.show"), actions.HOME_SHOW, "home", primary=True)]
        if not zone_known:
            blocks.append(Paragraph((t.rich("teams_home.zone_unknown"),)))
            buttons.append(
                Button(t.rich("home.button.schedule"), actions.HOME_SCHEDULE, "schedule")
            )
        blocks.append(Actions(actions.WELCOME_ACTIONS, tuple(buttons)))
    privacy = t.rich("help.privacy", readers=readers_text(readers, t))
    blocks.extend([Paragraph((t.rich("welcome.help"),)), Note(privacy)])
    return Card(t.rich("welcome.fallback"), tuple(blocks))
