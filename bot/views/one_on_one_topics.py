"""A topic for one's next 1:1, any day: its button, its form and the answers, as neutral
cards and forms.

The button "Add a 1:1 topic" stands on the person's Home and under their own brief, for
someone with a manager only; the form names the manager the topic goes to. Once stored,
the person is told so, with their words (:class:`~bot.i18n.rich.Typed`: never markup)
and how many topics are open for the next 1:1. The command's answers are cards.
"""

from __future__ import annotations

from bot.domain.one_on_one_topics import TopicAdded, TopicTarget
from bot.domain.one_on_one_views import PersonRef
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator
from bot.i18n.rich import Mention, Rich, Typed
from bot.views import actions
from bot.views.audience import readers_text
from bot.views.cards import Button, Card, Form, Note, Paragraph, TextField
from bot.views.prompt import short_name

SECTION = "one_on_one_topics"
EXCERPT = 280  # the topic, shortened in the answer (it is stored whole)


def mention(person: PersonRef) -> Mention:
    """The manager in a sentence (as :func:`bot.views.one_on_one.mention` names a report)."""
    return Mention(person.user_id, known_as=person.name)


def topic_button(t: Translator) -> Button:
    """ "Add a 1:1 topic": opens :func:`topic_form`."""
    return Button(t.rich(f"{SECTION}.button"), actions.ONE_ON_ONE_TOPIC, "topic")


def topic_form(target: TopicTarget, t: Translator) -> Form:
    """The topic to raise at the next 1:1 with the actor's manager; who may read it."""
    manager = target.manager
    return Form(
        actions.ONE_ON_ONE_TOPIC_FORM,
        t.rich(f"{SECTION}.form.title"),
        t.rich(f"{SECTION}.form.close"),
        (
            Paragraph((t.rich(f"{SECTION}.form.intro", manager=mention(manager)),)),
            TextField(
                actions.ONE_ON_ONE_TOPIC_TEXT,
                t.rich(f"{SECTION}.form.label"),
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t.rich(f"{SECTION}.form.placeholder"),
            ),
            Note(t.rich(f"{SECTION}.form.privacy", readers=readers_text(target.readers, t))),
        ),
        submit=t.rich(f"{SECTION}.form.submit"),
    )


def _added_lines(added: TopicAdded, t: Translator) -> tuple[Rich, ...]:
    text = Typed(short_name(" ".join(added.text.split()), EXCERPT))
    return (
        t.rich(f"{SECTION}.added", manager=mention(added.manager), text=text),
        t.rich_plural(f"{SECTION}.open", added.open_topics),
    )


def topic_added_card(added: TopicAdded, t: Translator) -> Card:
    """The answer to ``1on1 topic …``: stored, for whom, how many are open."""
    lines = _added_lines(added, t)
    return Card(Rich.join(lines), (Paragraph(lines),))


def topic_saved_form(added: TopicAdded, t: Translator) -> Form:
    """What the topic form turns into once the topic is stored: only read, then closed."""
    return Form(
        actions.ONE_ON_ONE_TOPIC_SAVED,
        t.rich(f"{SECTION}.form.title"),
        t.rich(f"{SECTION}.form.ok"),
        (Paragraph(_added_lines(added, t)),),
    )


def topic_refused_card(key: str, t: Translator) -> Card:
    """A refusal or a problem of the topic flow, ``key`` its catalog message."""
    line = t.rich(key)
    return Card(line, (Paragraph((line,)),))
