"""The VAE livret de preuves flow: a person's evidence, per bloc, competency and
criterion of their certification, as a PDF to print and a Word file to edit.

In chat, a person asks for their own livret (``send_my_livret``): both files go to them
privately as two :class:`~bot.app.outcome.DeliverFile`, in their language. Their direct
manager receives it only with the person's consent (:mod:`bot.app.vae_share`, on
:func:`bot.domain.access.livret_recipient`). At the command line an
:class:`~bot.app.operator.Operator` writes anyone's livret on a certification
référentiel they name (``livret_of``), in that person's language. What goes in is
:mod:`bot.domain.vae_livret`'s; how it looks, :mod:`bot.views.vae_livret`'s.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.flow import Flow
from bot.app.operator import Operator, operator_work
from bot.app.outcome import DeliverFile, FileKind, Outcome
from bot.domain.access import Scope, Viewer, scope_over
from bot.domain.people import Directory, find_person, find_tenant, person_locale, zone_of
from bot.domain.vae_livret import Livret, build_livret
from bot.i18n import Translator
from bot.views.vae_livret import WORDS, Document, document, filename
from bot.views.vae_livret_docx import docx_bytes
from bot.views.vae_livret_pdf import pdf_bytes

REFUSAL = f"{WORDS}.refusal"


class LivretFormat(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"


class LivretRefusal(enum.StrEnum):
    NOT_ENROLLED = "not_enrolled"  # Palier does not follow the actor (or not on a référentiel)
    NOT_CERTIFICATION = "not_certification"  # their référentiel has no criteria to prove
    UNKNOWN_PERSON = "unknown_person"  # the operator named nobody Palier follows
    UNKNOWN_REFERENTIEL = "unknown_referentiel"  # the operator named no référentiel


@dataclass(frozen=True)
class LivretFile:
    """One livret written, for an operator: its bytes and what it holds."""

    name: str  # the person's
    content: bytes
    gaps: int
    criteria: int


KINDS = {LivretFormat.PDF: FileKind.LIVRET_PDF, LivretFormat.DOCX: FileKind.LIVRET_DOCX}
SHARED_KINDS = {
    LivretFormat.PDF: FileKind.SHARED_LIVRET_PDF,
    LivretFormat.DOCX: FileKind.SHARED_LIVRET_DOCX,
}
FORMATS = {kind: fmt for kinds in (KINDS, SHARED_KINDS) for fmt, kind in kinds.items()}


def render(doc: Document, fmt: LivretFormat) -> bytes:
    return pdf_bytes(doc) if fmt is LivretFormat.PDF else docx_bytes(doc)


@dataclass(frozen=True)
class Written:
    """A livret worded in its owner's language, ready to be rendered for someone."""

    doc: Document
    name: str  # the file name, without its extension


def write(livret: Livret, t: Translator, now: datetime, zone: str) -> Written:
    return Written(document(livret, t, now, zone), filename(livret, t, now, zone))


def deliveries(
    written: Written,
    user_id: str,
    titles: Callable[[LivretFormat], str],
    comment: str,
    kinds: dict[LivretFormat, FileKind] = KINDS,
    formats: tuple[LivretFormat, ...] = (LivretFormat.PDF, LivretFormat.DOCX),
    **other: str | None,
) -> tuple[DeliverFile, ...]:
    """The PDF then the Word file (``formats``) for ``user_id``, each titled
    ``titles(fmt)``, the ``comment`` beside the first; ``kinds`` say which file each is,
    to build it again; ``other``: the delivery's ``conversation`` and ``grant``, for a
    livret that is not the recipient's own."""
    return tuple(
        DeliverFile(
            user_id=user_id,
            filename=f"{written.name}.{fmt.value}",
            content=render(written.doc, fmt),
            title=titles(fmt),
            comment=comment if fmt is formats[0] else None,
            kind=kinds[fmt],
            conversation=other.get("conversation"),
            grant=other.get("grant"),
        )
        for fmt in formats
    )


class VaeFlow(Flow):
    def send_my_livret(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[None]:
        """The actor's own livret on their référentiel, to them privately: the PDF, then
        the Word file. Someone not on a certification référentiel is told why not."""
        with self.work.begin(ref, directory) as (session, actor):
            person = actor.person
            referentiel = self.catalog.get(person.referentiel_id or "") if person else None
            if person is None or referentiel is None:
                return Outcome.refused(actor.locale, LivretRefusal.NOT_ENROLLED.value)
            if scope_over(session, Viewer(person), person) is not Scope.SELF:
                return Outcome.refused(actor.locale, LivretRefusal.NOT_ENROLLED.value)
            if referentiel.kind != "certification":
                return Outcome.refused(actor.locale, LivretRefusal.NOT_CERTIFICATION.value)
            t = actor.t
            written = write(
                build_livret(session, person, referentiel), t, self.clock(), actor.timezone
            )
            comment = t(f"{WORDS}.comment", referentiel=referentiel.title)
            files = deliveries(
                written, ref.user_id, lambda fmt: t(f"{WORDS}.file_title_{fmt.value}"), comment
            )
            return Outcome(actor.locale, effects=files)

    def livret_of(
        self, operator: Operator, person: ActorRef, referentiel_id: str, fmt: LivretFormat
    ) -> Outcome[LivretFile]:
        """``person``'s livret on ``referentiel_id`` (a certification), in their language,
        for an operator."""
        referentiel = self.catalog.get(referentiel_id)
        if referentiel is None:
            return Outcome.refused(operator.locale, LivretRefusal.UNKNOWN_REFERENTIEL.value)
        if referentiel.kind != "certification":
            return Outcome.refused(operator.locale, LivretRefusal.NOT_CERTIFICATION.value)
        with operator_work(self.work) as session:
            tenant = find_tenant(session, person.platform, person.workspace_id)
            found = find_person(session, tenant.id, person.user_id) if tenant else None
            if found is None:
                return Outcome.refused(operator.locale, LivretRefusal.UNKNOWN_PERSON.value)
            defaults = self.work.defaults
            theirs = Translator(person_locale(found.locale, operator.locale))
            livret: Livret = build_livret(session, found, referentiel)
            zone = zone_of(found, defaults.timezone)
            content = render(document(livret, theirs, self.clock(), zone), fmt)
            gaps, total = len(livret.gaps), livret.criteria_count
            return Outcome(operator.locale, LivretFile(livret.name, content, gaps, total))
