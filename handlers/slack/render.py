"""Neutral views (:mod:`bot.views`) as Block Kit: the Slack renderer.

Text: the catalog's neutral markup becomes mrkdwn (:func:`handlers.slack.markup.to_mrkdwn`)
and each value is escaped for what it is — quoted text escaped (``&``, ``<``, ``>``),
a person's words also made never to be formatting (:func:`builders.mrkdwn.user_text`),
a mention a name or ``<@id>``. Blocks: Slack's limits live here only — a header's
150 characters, a section's 3,000 (split at line ends; a paragraph's ``shorter`` lines
where its whole would not fit), a message's 50 blocks, a Home tab's 100 (a
:class:`Listing` gets the room the rest leaves: run together, or cut with its note), an
option's 75, a modal title's 24, a placeholder's 150. A card's :class:`Table` is not
a block in Slack: it goes in a message's ``attachments`` (:func:`card_tables`). A
:class:`Form` is a modal (:func:`form_view`); its fields' block and action ids come
from :data:`ids.FIELD_IDS`, keyed by the field's ``key`` where the form repeats it.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    RawTextObject,
    SectionBlock,
    StaticSelectElement,
    TableBlock,
    TableBlockColumnSettings,
    TimePickerElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.i18n.rich import Rich
from bot.views.cards import (
    Actions,
    Align,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceStyle,
    DateField,
    Divider,
    Field,
    Form,
    Heading,
    Listing,
    Note,
    Paragraph,
    Table,
    TextField,
    TimeField,
)
from bot.views.cards import (
    Block as CardBlock,
)
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import SECTION_LIMIT, from_rich, sections

HEADER_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100  # a Home tab's (and a modal's)
OPTION_LIMIT = 75  # an option's text and description, an option group's label
OPTIONS_LIMIT = 100  # options of a select, options of a group
GROUPS_LIMIT = 100
PLACEHOLDER_LIMIT = 150
LABEL_LIMIT = 2000
HINT_LIMIT = 2000
TITLE_LIMIT = 24  # a modal's title
BUTTON_LIMIT = 24  # a modal's submit and close
INPUT_LIMIT = 3000  # a text input's max_length


def _keyed(prefix: str, key: str | None) -> str:
    return ids.competency_block(prefix, key) if key else prefix


def _confirm(button: Button) -> ConfirmObject | None:
    confirm = button.confirm
    if confirm is None:
        return None
    return ConfirmObject(
        title=confirm.title.plain(),
        text=PlainTextObject(text=confirm.text.plain())
        if confirm.literal
        else from_rich(confirm.text),
        confirm=confirm.yes.plain(),
        deny=confirm.no.plain(),
        style="danger" if confirm.danger else None,
    )


def _button(button: Button) -> ButtonElement:
    style = "primary" if button.primary else "danger" if button.danger else None
    return ButtonElement(
        text=button.label.plain(),
        action_id=_keyed(ids.ACTION_IDS[button.action], button.key),
        value=button.value,
        style=style,
        confirm=_confirm(button),
    )


def _actions(row: Actions) -> ActionsBlock:
    prefix = ids.BLOCK_IDS.get(row.name)
    return ActionsBlock(
        block_id=_keyed(prefix, row.key) if prefix else None,
        elements=[_button(b) for b in row.buttons],
    )


def _note(note: Note) -> ContextBlock:
    first = (
        PlainTextObject(text=note.text.plain())
        if note.literal
        else MarkdownTextObject(text=from_rich(note.text)[:SECTION_LIMIT])
    )
    more = [MarkdownTextObject(text=from_rich(part)[:SECTION_LIMIT]) for part in note.more]
    return ContextBlock(elements=[first, *more])


def _text(lines: tuple[Rich, ...]) -> str:
    return "\n".join(from_rich(line) for line in lines)


def _paragraph(paragraph: Paragraph) -> list[Block]:
    text = _text(paragraph.lines)
    if paragraph.shorter and len(text) > SECTION_LIMIT:  # the whole would not fit a section
        text = _text(paragraph.shorter)
    if paragraph.button is None and not paragraph.one_piece:
        return list(sections(text))
    button = _button(paragraph.button) if paragraph.button is not None else None
    return [SectionBlock(text=MarkdownTextObject(text=text[:SECTION_LIMIT]), accessory=button)]


def card_text(card: Card) -> str:
    """A message's top-level text (notifications). Slack reads it as mrkdwn too, so it
    is rendered like the blocks: a person's name or words never become a mention."""
    return from_rich(card.fallback)


def _block(block: CardBlock) -> list[Block]:
    if isinstance(block, Heading):
        return [HeaderBlock(text=block.text.plain()[:HEADER_LIMIT])]
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Note):
        return [_note(block)]
    if isinstance(block, Actions):
        return [_actions(block)]
    if isinstance(block, Divider):
        return [DividerBlock()]
    if isinstance(block, Listing):
        return [b for paragraph in block.paragraphs for b in _paragraph(paragraph)]
    return []  # a table: in the message's attachments (card_tables)


def _listing(listing: Listing, room: int) -> list[Block]:
    """A listing in at most ``room`` blocks: a section (or a few) per paragraph, or, should
    there be more than room for, all of them run together, or else the first and ``more``."""
    texts = [_text(paragraph.lines) for paragraph in listing.paragraphs]
    blocks: list[Block] = [b for text in texts for b in sections(text)]
    if len(blocks) > room:
        blocks = list(sections("\n".join(texts)))
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], _note(Note(listing.more))]
    return blocks


def _fitted(card: Card, limit: int) -> list[Block]:
    """The card in at most ``limit`` blocks: its listings get the room the rest leaves;
    beyond that (only with absurdly long texts) the first blocks, then the card's last
    ``keep_last`` blocks whole, however many Slack blocks each becomes."""
    rendered = [None if isinstance(block, Listing) else _block(block) for block in card.blocks]
    room = limit - sum(len(blocks) for blocks in rendered if blocks is not None)
    parts: list[list[Block]] = []
    for block, done in zip(card.blocks, rendered, strict=True):
        if done is None:
            assert isinstance(block, Listing)
            done = _listing(block, max(1, room))
            room -= len(done)
        parts.append(done)
    split = max(len(card.blocks) - card.keep_last, 0)
    blocks = [rendered_block for part in parts[:split] for rendered_block in part]
    kept = [rendered_block for part in parts[split:] for rendered_block in part]
    if len(blocks) + len(kept) > limit:
        blocks = blocks[: max(limit - len(kept), 0)]
    return blocks + kept


def card_blocks(card: Card) -> list[Block]:
    return _fitted(card, MESSAGE_BLOCK_LIMIT)


# -- tables -----------------------------------------------------------------------------

_ALIGN = {Align.LEFT: None, Align.CENTRE: "center", Align.RIGHT: "right"}


def _cell(text: str) -> RawTextObject:
    # A table cell must not be empty: Slack refuses it, and so does slack_sdk.
    return RawTextObject(text=text or "–")


def table_block(table: Table) -> TableBlock:
    """A table as Slack's table block (sent in a message's ``attachments``)."""
    header = [_cell(column.label.plain()) for column in table.columns]
    return TableBlock(
        rows=[header, *([_cell(cell) for cell in row] for row in table.rows)],
        column_settings=[
            TableBlockColumnSettings(align=_ALIGN[column.align], is_wrapped=column.wrap or None)
            for column in table.columns
        ],
    )


def card_tables(card: Card) -> list[TableBlock]:
    return [table_block(block) for block in card.blocks if isinstance(block, Table)]


# -- forms ------------------------------------------------------------------------------


def _plain(text: Rich | None, limit: int) -> str | None:
    return text.plain()[:limit] if text is not None else None


def _option(choice: Choice) -> Option:
    return Option(
        value=choice.value,
        label=choice.label.plain()[:OPTION_LIMIT],
        description=_plain(choice.description, OPTION_LIMIT),
    )


def _choice_element(field: ChoiceField, action_id: str) -> InputInteractiveElement:
    options = [_option(choice) for choice in field.all_choices()]
    chosen = [option for option in options if option.value in field.initial]
    placeholder = _plain(field.placeholder, PLACEHOLDER_LIMIT)
    if field.style is ChoiceStyle.SEVERAL:
        return CheckboxesElement(
            action_id=action_id, options=options, initial_options=chosen or None
        )
    initial = chosen[0] if chosen else None
    if field.style is ChoiceStyle.LIST:
        return RadioButtonsElement(action_id=action_id, options=options, initial_option=initial)
    if field.groups:
        groups = [
            OptionGroup(
                label=group.label.plain()[:OPTION_LIMIT],
                options=[_option(choice) for choice in group.choices][:OPTIONS_LIMIT],
            )
            for group in field.groups[:GROUPS_LIMIT]
        ]
        return StaticSelectElement(
            action_id=action_id,
            placeholder=placeholder,
            initial_option=initial,
            option_groups=groups,
        )
    return StaticSelectElement(
        action_id=action_id,
        placeholder=placeholder,
        initial_option=initial,
        options=options[:OPTIONS_LIMIT],
    )


def _element(field: Field, action_id: str) -> InputInteractiveElement:
    placeholder = _plain(field.placeholder, PLACEHOLDER_LIMIT)
    if isinstance(field, TextField) and field.url:
        # A URL input has no length bounds of its own (Slack's reference): the domain's.
        return UrlInputElement(
            action_id=action_id, placeholder=placeholder, initial_value=field.initial or None
        )
    if isinstance(field, TextField):
        return PlainTextInputElement(
            action_id=action_id,
            multiline=field.multiline or None,
            max_length=min(field.max_length, INPUT_LIMIT) if field.max_length else None,
            placeholder=placeholder,
            initial_value=field.initial or None,
        )
    if isinstance(field, DateField):
        return DatePickerElement(
            action_id=action_id,
            placeholder=placeholder,
            initial_date=field.initial.isoformat() if field.initial else None,
        )
    if isinstance(field, TimeField):
        return TimePickerElement(
            action_id=action_id,
            placeholder=placeholder,
            initial_time=field.initial.strftime("%H:%M") if field.initial else None,
        )
    return _choice_element(field, action_id)


def input_block(field: Field) -> InputBlock:
    """A form's field as an input block, its ids from :data:`ids.FIELD_IDS`."""
    block_prefix, action_prefix = ids.FIELD_IDS[field.name]
    return InputBlock(
        block_id=_keyed(block_prefix, field.key),
        label=field.label.plain()[:LABEL_LIMIT],
        element=_element(field, _keyed(action_prefix, field.key)),
        optional=field.optional or None,
        hint=_plain(field.hint, HINT_LIMIT),
        dispatch_action=(isinstance(field, ChoiceField) and field.refresh) or None,
    )


def form_view(form: Form) -> View:
    """A form as a modal, its callback id from :data:`ids.FORM_IDS`."""
    blocks: list[Block] = []
    for block in form.blocks:
        if isinstance(block, TextField | ChoiceField | DateField | TimeField):
            blocks.append(input_block(block))
        else:
            blocks.extend(_block(block))
    return View(
        type="modal",
        callback_id=ids.FORM_IDS[form.name],
        title=form.title.plain()[:TITLE_LIMIT],
        submit=_plain(form.submit, BUTTON_LIMIT),
        close=form.close.plain()[:BUTTON_LIMIT],
        private_metadata=form.state or None,
        blocks=blocks,
    )


def home_view(card: Card, callback_id: str) -> View:
    """A card as the App Home tab (its own limit: 100 blocks)."""
    return View(
        type="home",
        callback_id=callback_id,
        private_metadata=card.state or None,
        blocks=_fitted(card, VIEW_BLOCK_LIMIT),
    )
