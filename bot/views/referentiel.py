"""A référentiel's own words, quoted as neutral text: a matrix cell, a competency's
evaluation criteria. Every front end shows them from here, so they are quoted the
same way in a check-in, a review, a summary and a 1:1 brief."""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Plain, Rich
from referentiels.models import Competency, LevelDescriptor, Referentiel


def descriptor_lines(descriptor: LevelDescriptor, t: Translator) -> list[Rich]:
    """A matrix cell, quoted: its aspects, their outcomes and the expected result."""
    lines = []
    for aspect in descriptor.aspects:
        text: Rich = Rich("{text}", {"text": Plain(aspect.text)})
        if aspect.name:
            label = Rich("**{name}**", {"name": Plain(aspect.name)})
            text = t.rich("common.label_value", label=label, value=Plain(aspect.text))
        lines.append(Rich("• {text}", {"text": text}))
        if aspect.outcome:
            lines.append(Rich("    ⇒ {outcome}", {"outcome": Plain(aspect.outcome)}))
    if descriptor.expected_result:
        label = t.rich("modal.expected_result")
        value = Plain(descriptor.expected_result)
        lines.append(
            Rich("⇒ {line}", {"line": t.rich("common.label_value", label=label, value=value)})
        )
    return lines


def criteria_lines(competency: Competency) -> list[Rich]:
    """A certification competency's evaluation criteria, quoted."""
    lines = []
    for criterion in competency.criteria:
        if criterion.code:
            lines.append(
                Rich(
                    "• {code} {text}",
                    {"code": Plain(criterion.code), "text": Plain(criterion.text)},
                )
            )
        else:
            lines.append(Rich("• {text}", {"text": Plain(criterion.text)}))
        lines.extend(Rich("    – {item}", {"item": Plain(item)}) for item in criterion.items)
        if criterion.conclusion:
            lines.append(Rich("    {conclusion}", {"conclusion": Plain(criterion.conclusion)}))
    return lines


def level_requirements(
    referentiel: Referentiel, competency: Competency, t: Translator
) -> list[Rich]:
    """What each level of the scale asks of one competency, quoted as the check-in quotes
    it: a matrix's cell for each level (named in the catalog's words for the level), and
    a certification's evaluation criteria, which are the same at every level (Palier's
    own scale says what each level means; a form quotes it once)."""
    lines: list[Rich] = []
    for level in referentiel.scale.levels:
        descriptor = competency.levels.get(level.id)
        if descriptor is None:
            continue
        name = Plain(level_label(referentiel, level, t))
        lines.append(t.rich("review_quotes.level", level=name))
        lines.extend(descriptor_lines(descriptor, t))
    if competency.criteria:
        lines.append(t.rich("review_quotes.criteria"))
        lines.extend(criteria_lines(competency))
    return lines
