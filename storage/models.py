"""Palier's tables, as SQLAlchemy 2.0 typed models.

Every row belongs to a tenant (a Slack workspace or enterprise, later a Teams
tenant) and every query is scoped by it. Times are stored in UTC; people's local
times are computed from their IANA time zone, never stored as wall-clock values.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sql_false

# Constraint names that are stable across databases, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 64  # platform ids, référentiel, competency and level ids
URL_LENGTH = 3000  # Slack's own limit for a button URL


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database.

    SQLite has no time zone type: values are stored as naive UTC and given their
    zone back when read, so comparisons never mix naive and aware values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _logged_day(context: Any) -> date:
    """An evidence row's day when none was given: the UTC day it was logged."""
    logged = context.get_current_parameters().get("created_at") if context else None
    if not isinstance(logged, datetime):
        return utcnow().date()
    return (logged if logged.tzinfo else logged.replace(tzinfo=UTC)).astimezone(UTC).date()


# A planning mark meaning "plan at the next tick" (Person.plan_after): long past, so the
# tick's query is one range on an index.
PLAN_NOW = datetime(1970, 1, 1, tzinfo=UTC)
# ... and "nothing to plan until something changes" (inactive, not enrolled, no reports).
PLAN_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
_PLAN_NOW_SQL = text("'1970-01-01 00:00:00'")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    # Stored as strings with a CHECK constraint: portable, and readable in SQL.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Platform(enum.StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


class Role(enum.StrEnum):
    MEMBER = "member"
    MANAGER = "manager"
    ADMIN = "admin"


class PromptStatus(enum.StrEnum):
    PENDING = "pending"  # created, not yet due or not yet claimed
    SENDING = "sending"  # claimed by one process, which is sending it
    SENT = "sent"  # the DM is out; waiting for the person
    DONE = "done"  # the check-in was submitted
    SKIPPED = "skipped"  # the person skipped this cycle
    MISSED = "missed"  # the cycle ended without an answer
    FAILED = "failed"  # could not be delivered (see last_error)


class Rater(enum.StrEnum):
    SELF = "self"
    MANAGER = "manager"


class SubmissionKind(enum.StrEnum):
    CHECKIN = "checkin"
    EVIDENCE = "evidence"
    REVIEW = "review"


class Tenant(Base):
    """A workspace: a Slack team or enterprise, later a Teams tenant."""

    __tablename__ = "tenants"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform, "platform"))
    external_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str | None] = mapped_column(String(255))
    # Workspace defaults; None means Palier's settings apply.
    checkin_weekday: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday
    checkin_time: Mapped[time | None] = mapped_column(Time)
    # Set while the workspace's token fails (invalid_auth, token_revoked …): its sending
    # pauses, without burning prompts' attempts, until a probe finds the token working.
    delivery_paused_at: Mapped[datetime | None] = mapped_column()
    delivery_error: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    delivery_checked_at: Mapped[datetime | None] = mapped_column()  # the last probe
    # The workspace's sending lease: the one process (its worker id) that sends its
    # prompts, until when unless renewed (so a dead process's workspace is taken over).
    send_lease_owner: Mapped[str | None] = mapped_column(String(128))
    send_lease_until: Mapped[datetime | None] = mapped_column()
    # Nothing is sent to the workspace before this (the platform's Retry-After), by any
    # process.
    send_hold_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Person(Base):
    """Someone Palier knows in a tenant: enrolled on a référentiel or not (yet)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("tenant_id", "platform_user_id"),
        Index("ix_people_tenant_email", "tenant_id", "email"),
        Index("ix_people_plan_after", "plan_after"),
        Index("ix_people_digest_plan_after", "digest_plan_after"),
        Index("ix_people_profile_checked", "profile_checked_at"),
        Index("ix_people_welcome_after", "welcome_after"),  # the welcomes due (migration 0014)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    platform_user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    display_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    # A language Palier speaks with the platform's region, "en-GB", "fr-FR" (or just "fr"):
    # the language picks the catalog, the region the formats of dates (bot/i18n/formats).
    locale: Mapped[str | None] = mapped_column(String(8))
    # True once the person chose a language: the platform's language no longer overrides
    # it (its region still does).
    locale_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name
    # True once an admin (CSV import) or the person set it: Slack's tz no longer overrides it.
    timezone_chosen: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sql_false()
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.MEMBER)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    referentiel_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    checkin_weekday: Mapped[int | None] = mapped_column(SmallInteger)  # override, 0 = Monday
    checkin_time: Mapped[time | None] = mapped_column(Time)  # override, local time
    paused_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why Palier stopped writing to this person (deactivated, cannot be messaged …).
    inactive_reason: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    # Failures that say "this person cannot be reached" (user_not_found …), not yet
    # confirmed: the person is deactivated only once they persist across days.
    delivery_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivery_failed_at: Mapped[datetime | None] = mapped_column()  # the first of them
    # The direct conversation with Palier, as the platform needs it to write first (Teams:
    # its service address and conversation id, learnt when the app is installed for them;
    # Slack: the DM's id, kept from the first message, so none is opened per message).
    conversation_ref: Mapped[str | None] = mapped_column(Text)
    # When the platform's profile (language, zone, deactivated) was last read (PLAN_NOW:
    # never): the tick reads a few of the oldest each minute (bot.delivery.profiles),
    # never one per message.
    profile_checked_at: Mapped[datetime] = mapped_column(
        default=PLAN_NOW, server_default=_PLAN_NOW_SQL
    )
    # When the tick must plan this person's check-ins again (the end of the cycle planned
    # last), and, for a manager, their weekly review; PLAN_NOW: at the next tick. Reset
    # whenever what planning depends on changes (see storage.planning_marks).
    plan_after: Mapped[datetime] = mapped_column(default=PLAN_NOW, server_default=_PLAN_NOW_SQL)
    digest_plan_after: Mapped[datetime] = mapped_column(
        default=PLAN_NOW, server_default=_PLAN_NOW_SQL
    )
    # The welcome of their enrolment (bot.domain.welcome): due from ``welcome_after`` (set
    # when they are enrolled and were never welcomed; NULL: none due), taken — by the tick,
    # or Teams' installation — at ``welcomed_at``, once.
    welcome_after: Mapped[datetime | None] = mapped_column()
    welcomed_at: Mapped[datetime | None] = mapped_column()
    welcome_attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tenant: Mapped[Tenant] = relationship()
    manager: Mapped[Person | None] = relationship(remote_side=[id])


class CheckinPrompt(Base):
    """The one check-in of a person for one cycle (an ISO week by default).

    The unique (person, cycle) pair and the claim (status ``sending`` set in one
    conditional UPDATE) are what keep two processes from prompting anyone twice.
    """

    __tablename__ = "checkin_prompts"
    __table_args__ = (
        UniqueConstraint("person_id", "cycle_key"),
        Index("ix_checkin_prompts_due", "status", "scheduled_at"),
        Index("ix_checkin_prompts_closes", "closes_at"),
        # A person's check-ins by the end of their cycle (the team view: migration 0013).
        Index("ix_checkin_prompts_person_closes", "person_id", "closes_at", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    cycle_key: Mapped[str] = mapped_column(String(16))  # e.g. 2026-W48
    scheduled_at: Mapped[datetime]
    closes_at: Mapped[datetime]  # end of the cycle: unanswered by then means missed
    status: Mapped[PromptStatus] = mapped_column(
        _enum(PromptStatus, "prompt_status"), default=PromptStatus.PENDING
    )
    competency_ids: Mapped[list[str]] = mapped_column(default=list)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Where the prompt's messages are: references only the front end that posted them reads
    # (bot.app.messages; Slack's is ``channel:ts``).
    message_ref: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    reminder_ref: Mapped[str | None] = mapped_column(Text)  # the latest reminder, same DM
    completed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))

    person: Mapped[Person] = relationship()


class Submission(Base):
    """One thing a person submitted, keyed so that a second delivery stores nothing."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SubmissionKind] = mapped_column(_enum(SubmissionKind, "submission_kind"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_prompts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckinInbox(Base):
    """A check-in received and acknowledged but not stored yet (Slack's modal closed).

    The answer to a modal's submission waits only for the checks that must come back
    inline and for this one row; a worker stores the check-in from it right after the
    answer, in its own transaction, and deletes it there (whoever deletes it stores it:
    never twice). A row whose lease ran out (the process died after answering) is taken
    up by a tick. ``answers`` is the submission as the person filled it in; ``problem``
    says why it could not be stored (the person was told, with their answers), and such
    a row is kept, never taken up again.
    """

    __tablename__ = "checkin_inbox"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_checkin_inbox_lease", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_prompts.id", ondelete="CASCADE"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(255))
    answers: Mapped[dict[str, Any]]
    clicked: Mapped[str | None] = mapped_column(Text)  # the message the form was opened from
    received_at: Mapped[datetime]
    lease_until: Mapped[datetime]  # nobody else takes it up before
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    problem: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class Rating(Base):
    """A level given to one competency of a person, by themself or their manager."""

    __tablename__ = "ratings"
    __table_args__ = (
        Index("ix_ratings_person_competency", "person_id", "competency_id", "rated_at"),
        # One track (a person's ratings of a competency by one rater) in order: its latest
        # rating before any instant is one backward scan (migration 0013).
        Index("ix_ratings_track", "person_id", "competency_id", "rater", "rated_at", "id"),
        # A team's ratings since an instant: one range per person (migration 0016).
        Index("ix_ratings_person_rater_time", "person_id", "rater", "rated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    referentiel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    competency_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    level_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    rater: Mapped[Rater] = mapped_column(_enum(Rater, "rater"))
    rater_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    cycle_key: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The rating just before this one on its track (by time, then id), whatever its level:
    # kept on write by storage.rating_tracks (migration 0016), so a reader of the
    # ratings since an instant knows the level each track had then without a lookup.
    replaced_level_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    replaced_at: Mapped[datetime | None] = mapped_column()


class RatingTrack(Base):
    """A track's latest rating (a person's ratings of one competency of one référentiel by
    one rater), with the rating it replaced: kept on write by :mod:`storage.rating_tracks`
    (migration 0016), so a team's current levels are read without a lookup per track."""

    __tablename__ = "rating_tracks"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    referentiel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    competency_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    rater: Mapped[Rater] = mapped_column(_enum(Rater, "rater"), primary_key=True)
    rating_id: Mapped[int] = mapped_column(Integer)  # the latest rating (ratings.id)
    level_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    rated_at: Mapped[datetime] = mapped_column()
    replaced_level_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    replaced_at: Mapped[datetime | None] = mapped_column()


class Evidence(Base):
    """Something a person did that shows a competency: a deal, a call, a document."""

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_person_competency", "person_id", "competency_id"),
        Index("ix_evidence_person_happened", "person_id", "happened_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    referentiel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    competency_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    criterion_key: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    source_permalink: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The day the deal or the call happened, as its author gave it (their own calendar
    # day). Palier's flows always set it; a row written without it takes the UTC day it
    # was logged (after created_at, whose default comes first).
    happened_on: Mapped[date] = mapped_column(Date, default=_logged_day)


class OneOnOne(Base):
    """A 1:1 meeting between a manager and a report, once it took place."""

    __tablename__ = "one_on_ones"
    __table_args__ = (Index("ix_one_on_ones_pair", "manager_id", "report_id", "held_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    held_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OneOnOneTopic(Base):
    """A topic someone wants to raise at a person's next 1:1; open until discussed.

    Raised in the weekly check-in (``submission_id``) or any day on its own
    (``idempotency_key``: the form's or the command's id, so a second delivery of the
    same one stores nothing).
    """

    __tablename__ = "one_on_one_topics"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    discussed_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("one_on_ones.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Erasure(Base):
    """That a person's data was erased, when and at whose request — and nothing personal.

    ``person_id`` is kept without a foreign key: it names a row that may later be
    deleted, and it is a number, not a name or an address.
    """

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(16))  # self | admin
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class OneOnOneNote(Base):
    """A manager's private note about a report, written for their 1:1s.

    Shown only to its author, never in the report's own brief; still personal data
    about the report, so it goes with their erasure and into their privacy export.
    ``idempotency_key`` (the modal's view id) makes a second delivery store nothing.
    """

    __tablename__ = "one_on_one_notes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_one_on_one_notes_about", "person_id", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OneOnOneSchedule(Base):
    """A manager's recurring 1:1 with a report; its brief is DMed an hour before each one.

    ``weekday`` and ``local_time`` are the meeting's, in the manager's time zone;
    ``next_meeting_at`` is the next occurrence in UTC. Moving it forward in one
    conditional UPDATE is the claim that keeps two processes from sending a brief twice.
    """

    __tablename__ = "one_on_one_schedules"
    __table_args__ = (UniqueConstraint("manager_id", "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # 0 = Monday
    local_time: Mapped[time] = mapped_column(Time)
    next_meeting_at: Mapped[datetime] = mapped_column(index=True)
    last_brief_at: Mapped[datetime | None]  # when the latest brief went out
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# -- Slack's OAuth install flow (several workspaces) -------------------------------------
# slack_sdk's SQLAlchemyInstallationStore and SQLAlchemyOAuthStateStore read and write these
# three tables through Table objects of their own (SQLAlchemyInstallationStore.
# build_installations_table / build_bots_table, SQLAlchemyOAuthStateStore.
# build_oauth_states_table). They are declared here, column for column as the SDK builds
# them, so that Palier's migrations create them and the models-vs-migrations check covers
# them; tests/slack/test_oauth.py holds the migrated database to the SDK's own tables, so an
# SDK upgrade that changes them fails there instead of at the first install. Written as the
# SDK writes them: naive UTC datetimes (not UTCDateTime) and no tenant: an installation
# exists before anyone in the workspace is enrolled.

slack_installations = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


class ReviewDigest(Base):
    """A manager's weekly team review message: one per manager and cycle.

    Like check-in prompts, the unique (manager, cycle) row and a conditional claim
    keep two processes from sending it twice.
    """

    __tablename__ = "review_digests"
    __table_args__ = (
        UniqueConstraint("manager_id", "cycle_key"),
        Index("ix_review_digests_due", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    cycle_key: Mapped[str] = mapped_column(String(16))
    scheduled_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[PromptStatus] = mapped_column(
        _enum(PromptStatus, "digest_status"), default=PromptStatus.PENDING
    )
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(255))


class FileClaim(Base):
    """That a file a person consented to receive is being (or was) delivered, once.

    A platform that asks before it sends a file (Teams' file consent) may deliver the
    person's "yes" twice; the first to insert the consent's key delivers, any other finds
    it there and delivers nothing. ``key`` is opaque (the front end's digest of the
    consent: nothing personal); rows older than a month are pruned when one is claimed.
    """

    __tablename__ = "file_claims"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(index=True)


class WorkspaceReferentiel(Base):
    """A référentiel an admin added to their workspace (uploaded to Palier's DM).

    Stored beside the built-in ones and the operator's directory: its id is unique
    across the whole installation (the primary key), so every look-up by id keeps
    working, while ``tenant_id`` says which workspace may list and enrol people on it.
    A row is never replaced: people's ratings were given against its words, so a new
    version is added under a new id. Being immutable, a row each process parses once
    and keeps (:class:`referentiels.loader.ReferentielCatalog`).
    """

    __tablename__ = "workspace_referentiels"

    referentiel_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    yaml_text: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    added_at: Mapped[datetime]


class ReferentielUpload(Base):
    """A référentiel uploaded and reviewed, waiting for its admin's confirmation.

    The confirm button carries only ``id`` (opaque), so any process can confirm; the
    référentiel is stored once (:class:`WorkspaceReferentiel`) whoever clicks twice.
    Rows past a day are pruned when another is uploaded. ``source_key`` names the
    platform's delivery of the file (Slack: the file's id), unique per workspace, so an
    upload delivered twice is reviewed once.
    """

    __tablename__ = "referentiel_uploads"
    __table_args__ = (UniqueConstraint("tenant_id", "source_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    referentiel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str] = mapped_column(Text)
    yaml_text: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    uploaded_at: Mapped[datetime] = mapped_column(index=True)
    source_key: Mapped[str | None] = mapped_column(String(255))
