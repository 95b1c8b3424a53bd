"""Evidence logged any day: the form to fill in, saving it (new or edited), deleting it.

Every way in — ``/palier log``, a message logged as evidence, the Home's buttons,
the modal's competency choice and its submission — used to look the person up in its
own listener, up to three times a request, and to send the confirmation itself.
Here each operation is one unit of work with the actor resolved once; the domain
(:class:`~bot.domain.evidence.EvidenceService`) is given that person, so another person's
evidence answers exactly like an unknown one. A save answers its effects: the
confirmation in the person's direct conversation, then their Home refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.app.actor import Actor, ActorRef
from bot.app.outcome import Outcome, Problem, RefreshHome, SendDirect
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import Reader, readers_of
from bot.domain.checkin import Refusal
from bot.domain.evidence import EvidenceInput, EvidenceService
from bot.domain.links import is_http_url
from bot.domain.people import Directory
from bot.domain.submissions import MAX_TEXT, FieldProblem
from bot.domain.suggest import Vote, confident, suggest
from bot.domain.suggest_learn import LearnedCache, recent_tagged
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Referentiel
from storage.models import Person


@dataclass(frozen=True)
class EvidenceForm:
    """The evidence form on the person's référentiel, filled in with what is known."""

    referentiel: Referentiel
    readers: tuple[Reader, ...]  # who will see the evidence (bot.domain.access.readers)
    competency_id: str | None = None
    criterion_key: str | None = None
    text: str | None = None
    link: str | None = None
    evidence_id: int | None = None  # editing this evidence
    permalink: str | None = None  # the message it was logged from
    happened_on: date | None = None  # the day it happened (an edit)
    today: date | None = None  # the person's day, in their zone: the date's default


@dataclass(frozen=True)
class EvidenceSaved:
    """The confirmation the person gets: for which competency, which day, with the link
    they gave (as kept: ``https://`` added to an address typed without it)."""

    competency: Competency
    link: str | None
    happened_on: date | None = None


@dataclass(frozen=True)
class NewEvidence:
    """What a new piece of evidence starts from: a message's text, say."""

    text: str | None = None


@dataclass(frozen=True)
class SaveEvidence:
    """A filled-in form. ``submission_key`` identifies the submission (the same key is
    stored once); ``evidence_id`` edits that evidence; ``permalink`` is the message the
    evidence was logged from."""

    data: EvidenceInput
    submission_key: str
    evidence_id: int | None = None
    permalink: str | None = None


def enrolment(actor: Actor, catalog: ReferentielCatalog) -> tuple[Person, Referentiel] | None:
    """The actor and their référentiel; None when Palier does not follow them."""
    person = actor.person
    referentiel = catalog.get(person.referentiel_id or "") if person else None
    if person is None or referentiel is None:
        return None
    return person, referentiel


def problem_of(problem: FieldProblem) -> Problem:
    """A domain problem as the outcome words it (its catalog key, under checkin.problem)."""
    key = problem.key if "." in problem.key else f"checkin.problem.{problem.key}"
    return Problem(problem.field, key, problem.competency_id)


def today_of(actor: Actor, now: datetime) -> date:
    """The actor's own day at ``now``, in their zone."""
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def _permalink(permalink: str | None) -> str | None:
    """The message's address as kept with the evidence (a manager may open it): a web
    address, else none."""
    return permalink if permalink and is_http_url(permalink) else None


class EvidenceFlow:
    def __init__(
        self,
        work: UnitOfWork,
        catalog: ReferentielCatalog,
        clock: Callable[[], datetime],
        evidence: EvidenceService,
        learned: LearnedCache | None = None,
    ) -> None:
        self.work = work
        self.catalog = catalog
        self.clock = clock
        self.evidence = evidence
        # What the workspace tagged before, when suggestions learn from it
        # (PALIER_SUGGEST_LEARN); None: the référentiel's words alone.
        self.learned = learned

    def _vote(
        self, session: Session, person: Person, referentiel: Referentiel, text: str
    ) -> Vote | None:
        """What the person's workspace tagged before says of ``text`` (ids and weights,
        never another person's text); None when suggestions do not learn."""
        if self.learned is None:
            return None
        index = self.learned.index(
            person.tenant_id,
            referentiel.id,
            lambda limit: recent_tagged(session, person.tenant_id, referentiel.id, limit),
        )
        return index.vote(text)

    def _forget(self, tenant_id: int | None) -> None:
        """The workspace's evidence changed: what suggestions learned of it is rebuilt."""
        if self.learned is not None and tenant_id is not None:
            self.learned.forget(tenant_id)

    def form(
        self, ref: ActorRef, start: NewEvidence | None = None, directory: Directory | None = None
    ) -> Outcome[EvidenceForm]:
        """A new evidence form (the text cut to what the form holds, the competency it most
        likely shows chosen); refused when not followed."""
        text = ((start.text if start else None) or "")[:MAX_TEXT] or None
        with self.work.begin(ref, directory) as (_session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            readers = readers_of(found[0], self.work.defaults.managers_see_indirect)
            today = today_of(actor, self.clock())
            # A text known at open time (a message logged as evidence): its most likely
            # competency and criterion are chosen already when the suggestion is clear
            # enough (bot.domain.suggest.confident); the person can change them.
            best = None
            if text:
                vote = self._vote(_session, found[0], found[1], text)
                best = confident(suggest(found[1], text, top=2, vote=vote))
            form = EvidenceForm(
                found[1],
                readers,
                competency_id=best.competency.id if best else None,
                criterion_key=best.criterion_key if best else None,
                text=text,
                today=today,
            )
            return Outcome(actor.locale, form)

    def edit_form(
        self, ref: ActorRef, evidence_id: int, directory: Directory | None = None
    ) -> Outcome[EvidenceForm]:
        """The form filled with the actor's own evidence; anyone else's is unknown."""
        with self.work.begin(ref, directory) as (session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            person, referentiel = found
            evidence = self.evidence.get(session, person, evidence_id)
            if evidence is None:
                return Outcome.refused(actor.locale, Refusal.UNKNOWN_EVIDENCE.value)
            form = EvidenceForm(
                referentiel,
                readers_of(person, self.work.defaults.managers_see_indirect),
                competency_id=evidence.competency_id,
                criterion_key=evidence.criterion_key,
                text=evidence.text,
                link=evidence.link,
                evidence_id=evidence.id,
                permalink=evidence.source_permalink,
                happened_on=evidence.happened_on,
                today=today_of(actor, self.clock()),
            )
            return Outcome(actor.locale, form)

    def save(
        self, ref: ActorRef, submitted: SaveEvidence, directory: Directory | None = None
    ) -> Outcome[None]:
        """Store the evidence (or the edit) before answering; problems leave nothing stored.

        A submission already stored answers like a success with nothing to do. Once
        stored (committed), what suggestions learned of the workspace is rebuilt.
        """
        changed: list[int] = []
        outcome = self._save(ref, submitted, directory, changed)
        for tenant_id in changed:
            self._forget(tenant_id)
        return outcome

    def _save(
        self,
        ref: ActorRef,
        submitted: SaveEvidence,
        directory: Directory | None,
        changed: list[int],
    ) -> Outcome[None]:
        with self.work.begin(ref, directory) as (session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            person, referentiel = found
            data, now = submitted.data, self.clock()
            today = today_of(actor, now)
            if submitted.evidence_id is not None:
                result = self.evidence.update(
                    session, person, referentiel, submitted.evidence_id, data, now, today
                )
            else:
                result = self.evidence.log(
                    session,
                    person,
                    referentiel,
                    data,
                    submitted.submission_key,
                    now,
                    today,
                    source_permalink=_permalink(submitted.permalink),
                )
            if result.refusal is not None:
                return Outcome.refused(actor.locale, result.refusal.value)
            if result.problems:
                return Outcome.to_fix(actor.locale, tuple(map(problem_of, result.problems)))
            competency = referentiel.competency(data.competency_id or "")
            if result.duplicate or competency is None:
                return Outcome(actor.locale)
            kept = result.evidence
            saved = EvidenceSaved(
                competency, kept.link if kept else data.link, kept.happened_on if kept else None
            )
            direct = SendDirect(ref.user_id, saved, conversation=person.conversation_ref)
            changed.append(person.tenant_id)
            return Outcome(actor.locale, effects=(direct, RefreshHome(ref.user_id)))

    def delete(
        self, ref: ActorRef, evidence_id: int, directory: Directory | None = None
    ) -> Outcome[None]:
        """Delete the actor's own evidence. Gone already, or someone else's: refused alike;
        the Home is refreshed either way (it may show what is gone)."""
        with self.work.begin(ref, directory) as (session, actor):
            found = enrolment(actor, self.catalog)
            if found is None:
                return Outcome.refused(actor.locale, Refusal.NOT_ENROLLED.value)
            deleted = self.evidence.delete(session, found[0], evidence_id)
            refusal = None if deleted else Refusal.UNKNOWN_EVIDENCE.value
            tenant_id = found[0].tenant_id if deleted else None
        self._forget(tenant_id)  # once the deletion is committed
        return Outcome(actor.locale, refusal=refusal, effects=(RefreshHome(ref.user_id),))
