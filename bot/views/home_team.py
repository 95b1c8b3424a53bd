"""The team section of a manager's Home, as neutral blocks: what waits for them this week.

Three paragraphs and a row of buttons: the self-ratings waiting for the manager's review;
this week's check-ins (how many of the team are done, then who is done and who is not
yet, by name); the team view's flags, in its own words; then **Open the review** (when
something waits) and **Team view**. A team of sixty stays a few lines: each list of names
shows the first :data:`NAMES_SHOWN`, then "and N others". Names are people's own, shown
as typed (:class:`~bot.i18n.rich.Typed`): never formatting, a mention or a link.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.home_team import TeamPulse
from bot.i18n import Translator, formats
from bot.i18n.rich import Rich, Typed
from bot.views import actions
from bot.views.cards import Actions, Block, Button, Card, Divider, Heading, Paragraph
from bot.views.team import FLAG_ORDER

NAMES_SHOWN = 8  # names listed before "and N others"


def names_text(names: Sequence[str], t: Translator, *, shown: int = NAMES_SHOWN) -> Rich:
    """``Alice, Bob et Chloé``; past ``shown`` names, the first ones and "and N others"."""
    if len(names) <= shown:
        return formats.rich_listing([Typed(name) for name in names], t)
    first = Rich.join((Rich("{name}", {"name": Typed(name)}) for name in names[:shown]), ", ")
    return t.rich_plural("manager_home.and_others", len(names) - shown, names=first)


def _reviews(pulse: TeamPulse, t: Translator) -> Rich:
    if not pulse.reviews:
        return t.rich("manager_home.reviews_none")
    people = t.rich_plural("manager_home.reports", pulse.reviewed_people)
    return t.rich_plural("manager_home.reviews", pulse.reviews, people=people)


def _week(pulse: TeamPulse, t: Translator) -> Paragraph:
    lines = [t.rich_plural("manager_home.done", len(pulse.done), total=pulse.followed)]
    if pulse.done:
        names = names_text(pulse.done, t)
        lines.append(t.rich_plural("manager_home.done_names", len(pulse.done), names=names))
    if pulse.not_yet:
        lines.append(t.rich("manager_home.not_yet_names", names=names_text(pulse.not_yet, t)))
    if pulse.skipped:
        lines.append(t.rich_plural("manager_home.skipped", pulse.skipped))
    return Paragraph(tuple(lines))


def _flags(pulse: TeamPulse, t: Translator) -> Paragraph:
    """The team view's flags, in its words ("Worth a look")."""
    lines = [t.rich("team.large.attention")]
    for flag in FLAG_ORDER:
        names = pulse.flagged.get(flag, ())
        if names:
            lines.append(
                t.rich(f"team.large.{flag.value}", count=len(names), people=names_text(names, t))
            )
    if len(lines) == 1:
        lines.append(t.rich("team.large.all_clear"))
    return Paragraph(tuple(lines))


def team_blocks(pulse: TeamPulse, t: Translator) -> list[Block]:
    """The section: a divider, its title and what waits, the week, the flags, the buttons."""
    buttons = []
    if pulse.reviews:
        review = t.rich("manager_home.button_review")
        buttons.append(Button(review, actions.HOME_TEAM_REVIEW, "review", primary=True))
    buttons.append(Button(t.rich("manager_home.button_team"), actions.HOME_TEAM_VIEW, "team"))
    return [
        Divider(),
        Paragraph((t.rich("manager_home.title"), _reviews(pulse, t))),
        _week(pulse, t),
        _flags(pulse, t),
        Actions(actions.HOME_TEAM_ACTIONS, tuple(buttons)),
    ]


def team_page_card(pulse: TeamPulse, t: Translator) -> Card:
    """The page of a manager Palier does not follow themself: their team's section."""
    title = t.rich("manager_home.page_title")
    return Card(title, (Heading(title), *team_blocks(pulse, t)[1:]))
