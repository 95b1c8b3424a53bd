"""A person's VAE livret de preuves to their manager, only with the person's consent.

The access policy (:func:`bot.domain.access.livret_recipient`): a livret goes to its
owner, and to their *direct* manager when the owner says so — nobody else, never a
channel. Two ways there:

- the manager asks (``ask``): the person gets, in their own direct conversation and
  language, a request naming the manager, the certification and what sharing sends,
  with Share and Decline; the manager is told the request went. The request is carried
  by the buttons (:class:`ShareRequest`), nothing is stored until it is answered;
- the person answers (``answer``). The policy is asked again at that moment: if the
  asker is no longer their manager, or they follow another référentiel now, nothing is
  sent. The first answer claims the request (:mod:`bot.domain.file_claims`, a key
  derived from it), so a double click or two processes deliver once; on Share both files
  go to the manager's direct conversation, on Decline the manager is told;
- or the person shares on their own initiative (``share_mine``): the command is the
  consent, the files go to their current manager.

The livret is written in its owner's language (it is theirs, the same as they get it),
its file titles and the words around it in the manager's.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.app.actor import ActorRef
from bot.app.flow import Flow
from bot.app.outcome import DeliverFile, Effect, Outcome, SendDirect
from bot.app.vae import SHARED_KINDS, LivretFormat, deliveries, write
from bot.domain import file_claims
from bot.domain.access import may_receive_livret
from bot.domain.people import Directory, find_person, person_locale, zone_of
from bot.domain.vae_livret import build_livret
from bot.i18n import Locale, Translator
from bot.i18n.rich import Mention, Param, Plain
from bot.views.vae_share import WORDS, LivretAsked, LivretNotice
from referentiels.models import Referentiel
from storage.db import session_scope
from storage.models import Person


class ShareRefusal(enum.StrEnum):
    NOT_ENROLLED = "not_enrolled"  # Palier does not follow the actor
    NOT_YOUR_REPORT = "not_your_report"  # the one named is not a direct report (or unknown)
    NOT_CERTIFICATION = "not_certification"  # the report follows no certification
    OWN_NOT_CERTIFICATION = "own_not_certification"  # the actor follows none
    NO_MANAGER = "no_manager"  # sharing on one's own: nobody to share with
    NOT_MANAGER_NOW = "not_manager_now"  # the asker is no longer the person's manager
    CHANGED = "changed"  # the person follows another référentiel than the one asked for
    NOT_SHARED_NOW = "not_shared_now"  # a shared file accepted once that no longer holds
    ANSWERED = "answered"  # the request was answered already (a double click)
    UNKNOWN_REQUEST = "unknown_request"  # a button's value that is not a request


@dataclass(frozen=True)
class ShareRequest:
    """A manager's request, as its buttons carry it: who asked, for which
    certification, when (which tells one request from another)."""

    manager_user_id: str
    referentiel_id: str
    asked_at: str  # ISO instant

    def value(self) -> str:
        return json.dumps([self.manager_user_id, self.referentiel_id, self.asked_at])

    @classmethod
    def parse(cls, value: str) -> ShareRequest | None:
        try:
            found = json.loads(value)
        except ValueError:
            return None
        if not (isinstance(found, list) and len(found) == 3):
            return None
        if not all(isinstance(part, str) and part for part in found):
            return None
        return cls(*found)

    def key(self, person: Person) -> str:
        """The claim that makes the request answered once (an opaque digest)."""
        parts = f"livret-share|{person.tenant_id}|{person.id}|{self.value()}"
        return hashlib.sha256(parts.encode()).hexdigest()

    def consent(self, person: Person) -> str:
        """The claim that records the person's yes to this request (an opaque digest)."""
        parts = f"livret-consent|{person.tenant_id}|{person.id}|{self.value()}"
        return hashlib.sha256(parts.encode()).hexdigest()


def grant_of(person: Person, request: ShareRequest) -> str:
    """What a shared file carries to be built again: whose livret, which request."""
    return json.dumps([person.platform_user_id, request.value()])


def parse_grant(grant: str | None) -> tuple[str, ShareRequest] | None:
    try:
        found = json.loads(grant or "")
    except ValueError:
        return None
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(p, str) for p in found)):
        return None
    request = ShareRequest.parse(found[1])
    return (found[0], request) if found[0] and request else None


def _mention(person: Person) -> Mention:
    return Mention(person.platform_user_id, person.display_name)


class LivretShareFlow(Flow):
    def _locale(self, person: Person) -> Locale:
        return person_locale(person.locale, self.work.defaults.locale)

    def _certification(self, person: Person) -> Referentiel | None:
        referentiel = self.catalog.get(person.referentiel_id or "")
        return referentiel if referentiel and referentiel.kind == "certification" else None

    def ask(
        self, ref: ActorRef, person_user_id: str, directory: Directory | None = None
    ) -> Outcome[LivretNotice]:
        """The manager asks a direct report for their livret: the request to the
        person; the manager told it went. Anyone else named — not a direct report, or
        unknown to Palier — gets the same refusal, so it reveals nothing."""
        with self.work.begin(ref, directory) as (session, actor):
            manager = actor.person
            if manager is None:
                return Outcome.refused(actor.locale, ShareRefusal.NOT_ENROLLED.value)
            person = find_person(session, manager.tenant_id, person_user_id)
            if person is None or not may_receive_livret(person, manager, consented=True):
                return Outcome.refused(actor.locale, ShareRefusal.NOT_YOUR_REPORT.value)
            referentiel = self._certification(person)
            if referentiel is None:
                return Outcome.refused(actor.locale, ShareRefusal.NOT_CERTIFICATION.value)
            request = ShareRequest(ref.user_id, referentiel.id, self.clock().isoformat())
            asked = LivretAsked(
                self._locale(person), _mention(manager), referentiel.title, request.value()
            )
            to_person = SendDirect(
                person.platform_user_id, asked, conversation=person.conversation_ref
            )
            told = LivretNotice(
                actor.locale,
                "asked",
                {"name": _mention(person), "referentiel": Plain(referentiel.title)},
            )
            return Outcome(actor.locale, told, effects=(to_person,))

    def answer(
        self, ref: ActorRef, value: str, share: bool, directory: Directory | None = None
    ) -> Outcome[LivretNotice]:
        """The person's Share or Decline: the request checked against the policy, claimed
        once, checked again, then the files to the manager (Share) or the manager told
        (Decline). ``view`` is what the request becomes for the person."""
        request = ShareRequest.parse(value)
        with self.work.begin(ref, directory) as (session, actor):
            locale = actor.locale
            found = self._checked(session, actor.person, request)
            if isinstance(found, ShareRefusal):
                return Outcome.refused(locale, found.value)
            key, consent = found[2].key(found[0]), found[2].consent(found[0])
        if not self._claim(key):
            return Outcome.refused(locale, ShareRefusal.ANSWERED.value)
        if share:
            self._record(consent)
        with self.work.begin(ref, directory) as (session, actor):
            found = self._checked(session, actor.person, request)
            if isinstance(found, ShareRefusal):  # changed in between: answer again later
                self._release(key)
                return Outcome.refused(locale, found.value)
            person, manager, request, referentiel = found
            about: dict[str, Param] = {
                "manager": _mention(manager),
                "referentiel": Plain(referentiel.title),
            }
            if share:
                files = self._files(session, person, manager, request, actor.timezone)
                return Outcome(locale, LivretNotice(locale, "shared", about), effects=files)
            theirs = LivretNotice(
                self._locale(manager),
                "declined_notice",
                {"name": _mention(person), "referentiel": Plain(referentiel.title)},
            )
            told = SendDirect(
                manager.platform_user_id, theirs, conversation=manager.conversation_ref
            )
            return Outcome(locale, LivretNotice(locale, "declined", about), effects=(told,))

    def _checked(
        self, session: Session, person: Person | None, request: ShareRequest | None
    ) -> ShareRefusal | tuple[Person, Person, ShareRequest, Referentiel]:
        """The request as the policy lets it be answered now, or why not."""
        if request is None or person is None:
            return ShareRefusal.UNKNOWN_REQUEST
        manager = find_person(session, person.tenant_id, request.manager_user_id)
        if manager is None or not may_receive_livret(person, manager, consented=True):
            return ShareRefusal.NOT_MANAGER_NOW
        referentiel = self._certification(person)
        if referentiel is None or referentiel.id != request.referentiel_id:
            return ShareRefusal.CHANGED
        return person, manager, request, referentiel

    def share_mine(
        self, ref: ActorRef, directory: Directory | None = None
    ) -> Outcome[LivretNotice]:
        """The person sends their livret to their manager themself: the command is the
        consent."""
        with self.work.begin(ref, directory) as (session, actor):
            person = actor.person
            if person is None:
                return Outcome.refused(actor.locale, ShareRefusal.NOT_ENROLLED.value)
            referentiel = self._certification(person)
            if referentiel is None:
                return Outcome.refused(actor.locale, ShareRefusal.OWN_NOT_CERTIFICATION.value)
            manager = session.get(Person, person.manager_id) if person.manager_id else None
            if manager is None or not may_receive_livret(person, manager, consented=True):
                return Outcome.refused(actor.locale, ShareRefusal.NO_MANAGER.value)
            about: dict[str, Param] = {
                "manager": _mention(manager),
                "referentiel": Plain(referentiel.title),
            }
            request = ShareRequest(
                manager.platform_user_id, referentiel.id, self.clock().isoformat()
            )
            file_claims.take(session, request.consent(person), self.clock())
            files = self._files(session, person, manager, request, actor.timezone)
            return Outcome(actor.locale, LivretNotice(actor.locale, "shared", about), effects=files)

    def rebuild(
        self,
        ref: ActorRef,
        fmt: LivretFormat,
        grant: str | None,
        directory: Directory | None = None,
    ) -> Outcome[None]:
        """One file of a livret shared with the actor, built again when they accept it
        (Teams): only while the person's consent to that request holds and the actor is
        still their direct manager; the refusal otherwise is ``not_shared_now``."""
        found = parse_grant(grant)
        with self.work.begin(ref, directory) as (session, actor):
            manager = actor.person
            tenant = manager.tenant_id if manager else None
            person = find_person(session, tenant, found[0]) if found and tenant else None
            checked = self._checked(session, person, found[1] if found else None)
            refused = Outcome[None].refused(actor.locale, ShareRefusal.NOT_SHARED_NOW.value)
            if isinstance(checked, ShareRefusal) or manager is None:
                return refused
            person, owner_manager, request, _ = checked
            consented = file_claims.held(session, request.consent(person), self.clock())
            if owner_manager.id != manager.id or not consented:
                return refused
            files = self._files(
                session,
                person,
                manager,
                request,
                zone_of(person, self.work.defaults.timezone),
                (fmt,),
            )
            return Outcome(actor.locale, effects=files)

    def _files(
        self,
        session: Session,
        person: Person,
        manager: Person,
        request: ShareRequest,
        zone: str,
        formats: tuple[LivretFormat, ...] = (LivretFormat.PDF, LivretFormat.DOCX),
    ) -> tuple[Effect, ...]:
        """The files for the manager (both, unless ``formats`` says): the livret in the
        person's language, the titles and the comment in the manager's; each can be built
        again under the consent to ``request``."""
        referentiel = self._certification(person)
        assert referentiel is not None  # checked by every caller
        own = Translator(self._locale(person))
        theirs = Translator(self._locale(manager))
        written = write(build_livret(session, person, referentiel), own, self.clock(), zone)
        name = person.display_name or person.platform_user_id

        def title(fmt: LivretFormat) -> str:
            return theirs(f"{WORDS}.file_title_{fmt.value}", name=name)

        comment = theirs(f"{WORDS}.received", name=name, referentiel=referentiel.title)
        found: tuple[DeliverFile, ...] = deliveries(
            written,
            manager.platform_user_id,
            title,
            comment,
            SHARED_KINDS,
            formats,
            conversation=manager.conversation_ref,
            grant=grant_of(person, request),
        )
        return found

    def _record(self, key: str) -> None:
        """The person's yes, kept (already kept: nothing to do)."""
        try:
            with session_scope(self.work.sessions) as session:
                file_claims.take(session, key, self.clock())
        except IntegrityError:
            pass

    def _release(self, key: str) -> None:
        with session_scope(self.work.sessions) as session:
            file_claims.release(session, key)

    def _claim(self, key: str) -> bool:
        """Whether this is the request's first answer (its claim, in a transaction of
        its own, so that a second answer finds it however the first one ends)."""
        try:
            with session_scope(self.work.sessions) as session:
                file_claims.take(session, key, self.clock())
        except IntegrityError:
            return False
        return True
