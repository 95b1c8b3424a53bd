"""What Palier's DM answers an admin who uploaded a référentiel's export.

The review (:func:`review_card`) is the import's own report (:mod:`bot.views.referentiel_import`,
the same words as the command line's): competencies per bloc, then the layout
decisions, at most :data:`SHOWN_DECISIONS` of them with how many more, and Add /
Cancel. Every other answer is one paragraph (:func:`answer_card`). File names and the
source's words are quoted as :class:`Plain`, never read as markup.
"""

from __future__ import annotations

from bot.domain.referentiel_upload import (
    MAX_UPLOAD_BYTES,
    Refusal,
    UploadAdded,
    UploadCancelled,
    UploadPreview,
    UploadRefused,
    UploadView,
)
from bot.i18n import Translator
from bot.i18n.referentiel_text import render_problem
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views import referentiel_import as report
from bot.views.cards import Actions, Button, Card, Note, Paragraph
from bot.views.notice import notice_card
from referentiels.importers import Note as ImportNote

WORDS = "referentiel_upload."
SHOWN_DECISIONS = 12  # a message stays readable; the command line lists them all


def review_card(view: UploadPreview, t: Translator) -> Card:
    heading = t.rich(
        WORDS + "review",
        title=Plain(view.title),
        file=Plain(view.filename),
        shape=report.shape(view.shape, t),
        competencies=report.competencies(view.competencies, t),
        id=Plain(view.referentiel_id),
    )
    counts = report.count_lines(view.counts, t)
    shown = report.decision_lines(view.decisions[:SHOWN_DECISIONS], t)
    if view.decisions:
        # The heading counts them all, whatever is shown.
        shown[0] = t.rich_plural(report.WORDS + "decisions_heading", len(view.decisions))
    hidden = len(view.decisions) - SHOWN_DECISIONS
    if hidden > 0:
        shown.append(t.rich_plural(WORDS + "more_decisions", hidden))
    buttons = (
        Button(t.rich(WORDS + "add"), actions.REFERENTIEL_ADD, view.pending_id, primary=True),
        Button(t.rich(WORDS + "cancel"), actions.REFERENTIEL_CANCEL, view.pending_id),
    )
    return Card(
        heading,
        (
            Paragraph((heading,)),
            Paragraph(tuple(counts)),
            Paragraph(tuple(shown)),
            Note(t.rich(WORDS + "check")),
            Actions(actions.REFERENTIEL_UPLOAD_ACTIONS, buttons),
        ),
    )


def _problem(note: ImportNote, t: Translator) -> Rich:
    if note.key == "problem.unknown_shape":  # the command line's words name its --shape
        message = t.rich(WORDS + "unknown_shape")
    else:
        message = report.note_message(note, t)
    return t.rich(WORDS + "problem_line", row=note.row, message=message)


def refusal_text(view: UploadRefused, t: Translator) -> Rich:
    """Why nothing was kept, with each problem the file has on a line of its own."""
    key = WORDS + "refused." + view.code
    if view.code == Refusal.TOO_LARGE:
        return t.rich(key, file=Plain(view.filename), max=MAX_UPLOAD_BYTES // 1024 // 1024)
    if view.code in (Refusal.INSTALLED, Refusal.TAKEN):
        return t.rich(key, id=Plain(view.referentiel_id))
    if view.code == Refusal.EXPIRED:
        return t.rich(key)
    lines = [t.rich(key, file=Plain(view.filename))]
    lines += [_problem(note, t) for note in view.problems]
    lines += [
        t.rich(WORDS + "invalid_line", problem=Plain(render_problem(problem, t)))
        for problem in view.invalid
    ]
    return Rich.join(lines)


def answer_text(view: UploadView, t: Translator) -> Rich:
    """Any answer but the review, as one text."""
    if isinstance(view, UploadRefused):
        return refusal_text(view, t)
    if isinstance(view, UploadAdded):
        key = WORDS + ("already_added" if view.already else "added")
        return t.rich(key, title=Plain(view.title), id=Plain(view.referentiel_id))
    if isinstance(view, UploadCancelled):
        return t.rich(WORDS + "cancelled", id=Plain(view.referentiel_id))
    if isinstance(view, UploadPreview):
        return review_card(view, t).fallback
    return Rich("")  # an upload delivered again: nothing more to say


def card(view: UploadView | None, refusal: str | None, t: Translator) -> Card:
    """The card answering an upload, an Add or a Cancel."""
    if refusal is not None or view is None:
        return notice_card(t.rich(WORDS + "not_admin"))
    if isinstance(view, UploadPreview):
        return review_card(view, t)
    return notice_card(answer_text(view, t))


def download_failed(filename: str, t: Translator) -> Card:
    return notice_card(t.rich(WORDS + "download_failed", file=Plain(filename)))


def link_not_read(t: Translator) -> Card:
    """A link that is not a Slack file's, written to Palier: it fetches no link."""
    return notice_card(t.rich("referentiel_upload_teams.other_link"))
