"""The composition root of Palier's domain.

:func:`build_core` wires what every front end shares — settings, the database
engine and its sessions, the référentiel catalog — with no chat-platform code, so
the Slack front end (``handlers.slack``) and later Teams build on the same core.
:func:`build_flows` builds the application layer's flows (:mod:`bot.app`) on it.
Nothing here is a module global: each process, and each test, builds its own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app.admin import AdminFlow
from bot.app.checkin import CheckinFlow
from bot.app.enrolment import EnrolmentFlow
from bot.app.evidence import EvidenceFlow
from bot.app.exports import ExportFlow
from bot.app.files import FileFlow
from bot.app.home import HomeFlow
from bot.app.one_on_one import OneOnOneFlow
from bot.app.one_on_one_topics import TopicFlow
from bot.app.privacy import PrivacyFlow
from bot.app.progress import ProgressFlow
from bot.app.referentiel_upload import ReferentielUploadFlow
from bot.app.review import ReviewFlow
from bot.app.summary import SummaryFlow
from bot.app.team import TeamFlow
from bot.app.unit_of_work import Defaults, UnitOfWork
from bot.app.vae import VaeFlow
from bot.app.vae_share import LivretShareFlow
from bot.delivery.policy import Lanes, TickPolicy
from bot.domain.admin import AdminService
from bot.domain.checkin import CheckinService
from bot.domain.evidence import EvidenceService
from bot.domain.home import HomeService
from bot.domain.one_on_one import OneOnOneService
from bot.domain.planning import PlanningPolicy
from bot.domain.review import ReviewService
from bot.domain.suggest_learn import LEARNED_TTL, LearnedCache
from bot.domain.team import TeamService
from bot.settings import Settings
from referentiels.loader import ReferentielCatalog
from storage.db import make_engine, make_session_factory
from storage.migrate import SchemaState, schema_state
from storage.referentiel_store import DatabaseReferentiels, StoredEntry


class SchemaNotCurrentError(Exception):
    """The database is behind (or ahead of) the code's migrations."""

    def __init__(self, state: SchemaState) -> None:
        super().__init__(f"database at {state.current}, code expects {state.head}")
        self.state = state


class ReferentielShadowedError(Exception):
    """A file of the installation has the id of a référentiel a workspace added: the file
    would silently win over the stored one (``catalog.get`` reads files first)."""

    def __init__(self, clashes: list[StoredEntry]) -> None:
        super().__init__(", ".join(c.referentiel_id for c in clashes))
        self.clashes = clashes


@dataclass
class Core:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    referentiels: ReferentielCatalog

    def require_current_schema(self) -> None:
        """Refuse to run on a database whose migrations are not those of this code, or
        whose référentiels added by a workspace a file of the installation would shadow
        (:class:`ReferentielShadowedError`)."""
        state = schema_state(self.engine)
        if not state.up_to_date:
            raise SchemaNotCurrentError(state)
        clashes = DatabaseReferentiels(self.engine).entries(self.referentiels.ids())
        if clashes:
            raise ReferentielShadowedError(clashes)

    def close(self) -> None:
        self.engine.dispose()


def build_core(settings: Settings, *, engine: Engine | None = None) -> Core:
    """Wire the engine, sessions and référentiels; loading fails on a bad référentiel file."""
    engine = engine or make_engine(settings.database_url)
    # Those an admin added to a workspace are read from the database when first asked.
    referentiels = ReferentielCatalog.load(
        settings.referentiels_dir, stored=DatabaseReferentiels(engine)
    )
    return Core(settings, engine, make_session_factory(engine), referentiels)


@dataclass(frozen=True)
class Services:
    """The domain services the flows are built on, built once per process."""

    checkins: CheckinService
    evidence: EvidenceService
    reviews: ReviewService
    admin: AdminService
    planning: PlanningPolicy


def build_services(core: Core) -> Services:
    settings = core.settings
    checkins = CheckinService(
        core.referentiels,
        default_timezone=settings.default_timezone,
        snooze_hours=settings.snooze_hours,
    )
    planning = PlanningPolicy(
        default_timezone=settings.default_timezone,
        per_week=settings.competencies_per_week,
        default_weekday=settings.checkin_weekday,
        default_time=settings.checkin_time,
        review_days_after=settings.review_days_after,
    )
    admin = AdminService(
        core.referentiels,
        default_weekday=settings.checkin_weekday,
        default_time=settings.checkin_time,
        reminder_hours=settings.reminder_hours,
    )
    return Services(
        checkins=checkins,
        evidence=EvidenceService(),
        reviews=ReviewService(core.referentiels),
        admin=admin,
        planning=planning,
    )


@dataclass(frozen=True)
class Flows:
    """The application layer's flows, one per user flow, built once per process."""

    services: Services  # what the flows share (and what front ends read until they move)
    summary: SummaryFlow
    admin: AdminFlow
    enrolment: EnrolmentFlow
    one_on_one: OneOnOneFlow
    privacy: PrivacyFlow
    export: ExportFlow
    evidence: EvidenceFlow
    home: HomeFlow
    review: ReviewFlow
    team: TeamFlow
    checkin: CheckinFlow
    files: FileFlow  # files built again when a person accepts them (Teams' file consent)
    topics: TopicFlow  # a topic for one's next 1:1, any day
    progress: ProgressFlow  # a person's progress chart (PNG)
    vae: VaeFlow  # a person's VAE livret de preuves (PDF and Word)
    vae_share: LivretShareFlow  # ... to their manager, with their consent
    # An admin adds a référentiel to their workspace by uploading its export (issue #14).
    referentiel_upload: ReferentielUploadFlow


def build_flows(core: Core, clock: Callable[[], datetime]) -> Flows:
    """The flows on ``core``, telling time by ``clock`` (injected in tests and the demo)."""
    settings = core.settings
    defaults = Defaults(
        settings.default_locale,
        settings.default_timezone,
        settings.admin_user_ids,
        managers_see_indirect=settings.managers_see_indirect,
    )
    work = UnitOfWork(core.sessions, defaults)
    services = build_services(core)
    home = HomeService(services.checkins, services.evidence, services.planning)
    indirect = settings.managers_see_indirect
    privacy = PrivacyFlow(work, core.referentiels, clock)
    export = ExportFlow(work, core.referentiels, clock, indirect=indirect)
    team_service = TeamService(core.referentiels, default_timezone=settings.default_timezone)
    team = TeamFlow(work, core.referentiels, clock, team_service, indirect=indirect)
    progress = ProgressFlow(work, core.referentiels, clock, indirect=indirect)
    vae = VaeFlow(work, core.referentiels, clock)
    vae_share = LivretShareFlow(work, core.referentiels, clock)
    return Flows(
        services=services,
        summary=SummaryFlow(work, core.referentiels, clock),
        admin=AdminFlow(work, core.referentiels, clock, services.admin),
        enrolment=EnrolmentFlow(work, core.referentiels, clock, services.admin, services.planning),
        one_on_one=OneOnOneFlow(
            work,
            core.referentiels,
            clock,
            OneOnOneService(core.referentiels, default_timezone=settings.default_timezone),
            indirect=settings.managers_see_indirect,
        ),
        privacy=privacy,
        export=export,
        evidence=EvidenceFlow(
            work,
            core.referentiels,
            clock,
            services.evidence,
            learned=LearnedCache(clock, LEARNED_TTL, settings.suggest_learn_last)
            if settings.suggest_learn
            else None,
        ),
        home=HomeFlow(
            work, core.referentiels, clock, home, reviews=services.reviews, team=team_service
        ),
        review=ReviewFlow(work, core.referentiels, clock, services.reviews),
        team=team,
        checkin=CheckinFlow(work, core.referentiels, clock, services.checkins),
        files=FileFlow(work, clock, export, privacy, team, progress, vae=vae, vae_share=vae_share),
        topics=TopicFlow(work, clock),
        progress=progress,
        vae=vae,
        vae_share=vae_share,
        referentiel_upload=ReferentielUploadFlow(work, core.referentiels, clock),
    )


def tick_policy(core: Core, planning: PlanningPolicy) -> TickPolicy:
    """What every process's tick is told, from the settings."""
    settings = core.settings
    return TickPolicy(
        planning=planning,
        reminder_hours=settings.reminder_hours,
        default_locale=settings.default_locale,
        lanes=Lanes(lanes=settings.send_lanes, width=settings.send_width),
        managers_see_indirect=settings.managers_see_indirect,
    )


def settle_start_up() -> None:
    """Once a serving process has built what it keeps (the modules, référentiels,
    SQLAlchemy's mappers and statements, the SDKs' apps): collect what start-up threw
    away, then move the rest out of the garbage collector's sight (``gc.freeze``), so
    the full collections a large read sets off do not walk it all again — the team view
    of 300 reports sets off one or two (bench/RESULTS.md). Objects frozen are still freed
    when nothing refers to them any more; only a cycle among them would stay."""
    gc.collect()
    gc.freeze()
