"""Palier's settings, read from the environment and from a ``.env`` file.

One class, validated at start-up: a missing or malformed value stops the process
with one line per variable naming it and what is expected (see
:func:`load_settings`), never with a traceback.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import DEFAULT_LOCALE, Locale, Translator, to_locale

DEFAULT_DATABASE_URL = "sqlite:///palier.db"
SUPPORTED_DRIVERS = frozenset(
    {"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}
)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone") from None
    return value


def _database_url(value: str) -> str:
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("not a database URL") from None
    # The drivers Palier ships (psycopg2 URLs run on psycopg 3, see storage.db): another
    # one would fail later, at the first connection, as a missing module.
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ValueError("unsupported database")
    return value


def _directory(value: Path) -> Path:
    if not value.is_dir():
        raise ValueError("not a directory")
    return value


def _locale(value: object) -> object:
    """``fr``, ``en``, or either with a region (``en-GB``: British dates); else refused."""
    if isinstance(value, str):
        locale = to_locale(value, "")
        if not locale:
            raise ValueError("not a locale Palier speaks")
        return locale
    return value


def _weekday(value: object) -> object:
    from bot.domain.scheduling import parse_weekday

    if isinstance(value, str):
        try:
            return parse_weekday(value)
        except ValueError:
            raise ValueError("not a weekday") from None
    return value


def _local_time(value: object) -> object:
    from bot.domain.scheduling import parse_local_time

    if isinstance(value, str):
        try:
            return parse_local_time(value)
        except ValueError:
            raise ValueError("not a time") from None
    return value


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("not a URL")
    return value if value.endswith("/") else value + "/"


GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def _user_ids(value: object) -> object:
    # Written as .env.example shows it (U0123ABCD,U0456EFGH): the field is NoDecode, so
    # the raw text comes here rather than to pydantic-settings' JSON decoding. Slack user
    # ids, and Microsoft Entra object ids (Teams: a person's id everywhere in the tenant,
    # lower case as Teams sends it in aadObjectId).
    if isinstance(value, str):
        ids = [part.strip() for part in value.split(",") if part.strip()]
        if not all(SLACK_USER_ID.fullmatch(item) or GUID.fullmatch(item) for item in ids):
            raise ValueError("not user ids")
        return frozenset(item.lower() if GUID.fullmatch(item) else item for item in ids)
    return value


def _guid(value: str) -> str:
    if not GUID.fullmatch(value.strip()):
        raise ValueError("not a GUID")
    return value.strip().lower()


def _tenant(value: str) -> str:
    # A tenant id, or its domain name (contoso.onmicrosoft.com) as the token endpoint takes it.
    value = value.strip()
    if GUID.fullmatch(value):
        return value.lower()
    if not re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", value):
        raise ValueError("not a tenant")
    return value.lower()


def _url(value: str) -> str:
    # An address used as it is written (the SDK reads the OpenID metadata's path as given).
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ValueError("not a URL")
    return value


def _public_url(value: str) -> str:
    # Where Microsoft reaches Palier: Teams calls bots over https only.
    if not re.fullmatch(r"https://[^\s/?#]+/?", value):
        raise ValueError("not an https URL")
    return value.rstrip("/")


def _host(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:-]+", value.strip()):
        raise ValueError("not a host")
    return value.strip()


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _log_level(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _expects(kind: str) -> dict[str, Any]:
    # Names the catalog message (settings.expected.<kind>) a bad value is reported with.
    return {"expected": kind}


class Settings(BaseSettings):
    """Every setting of Palier. The environment variable is the alias."""

    # An empty value (`SLACK_CLIENT_ID=` as in .env.example) means unset, not "".
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    database_url: Annotated[str, AfterValidator(_database_url)] = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL; unset: a SQLite file palier.db in the working directory.",
        json_schema_extra=_expects("database_url"),
    )
    referentiels_dir: Annotated[Path, AfterValidator(_directory)] | None = Field(
        default=None,
        validation_alias="PALIER_REFERENTIELS_DIR",
        description="A directory of extra référentiel YAML files, loaded beside the built-in ones.",
        json_schema_extra=_expects("directory"),
    )
    default_locale: Annotated[Locale, BeforeValidator(_locale)] = Field(
        default=DEFAULT_LOCALE,
        validation_alias="PALIER_DEFAULT_LOCALE",
        description=(
            "Language (and region, for dates: en-GB) when a person's platform locale is "
            "neither French nor English."
        ),
        json_schema_extra=_expects("locale"),
    )
    default_timezone: Annotated[str, AfterValidator(_timezone)] = Field(
        default="Europe/Paris",
        validation_alias="PALIER_DEFAULT_TIMEZONE",
        description="IANA time zone used when Slack does not give a person's own.",
        json_schema_extra=_expects("timezone"),
    )
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_BOT_TOKEN", description="Bot token (xoxb-…)."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_SIGNING_SECRET",
        description="Signing secret that authenticates Slack's requests.",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_APP_TOKEN",
        description="App-level token (xapp-…): when set, `palier run` uses Socket Mode.",
    )
    slack_client_id: str | None = Field(
        default=None,
        validation_alias="SLACK_CLIENT_ID",
        description="Client ID of the Slack app: with the secret, several workspaces install "
        "Palier through Slack's OAuth flow (/slack/install) instead of SLACK_BOT_TOKEN.",
        json_schema_extra=_expects("oauth_pair"),
    )
    slack_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_CLIENT_SECRET",
        description="Client secret of the Slack app, set together with SLACK_CLIENT_ID.",
        json_schema_extra=_expects("oauth_pair"),
    )
    slack_api_url: Annotated[str, AfterValidator(_http_url)] = Field(
        default="https://slack.com/api/",
        validation_alias="SLACK_API_URL",
        description="Base URL of Slack's Web API; the emulator sets its own.",
        json_schema_extra=_expects("url"),
    )
    port: int = Field(
        default=3000,
        ge=1,
        le=65535,
        validation_alias="PORT",
        description="HTTP port of `palier run` when not in Socket Mode (/slack/events).",
        json_schema_extra=_expects("port"),
    )
    http_threads: int = Field(
        default=8,
        ge=1,
        le=256,
        validation_alias="PALIER_HTTP_THREADS",
        description="Threads of `palier run`'s HTTP server (waitress) answering Slack's "
        "requests: each acknowledges one request at a time, the slower work follows on "
        "PALIER_SLACK_WORKERS.",
        json_schema_extra=_expects("threads"),
    )
    slack_workers: int = Field(
        default=32,
        ge=1,
        le=256,
        validation_alias="PALIER_SLACK_WORKERS",
        description="Threads doing what follows Slack's acknowledgements (opening a modal, "
        "answering a command, updating messages): mostly waiting on Slack's Web API.",
        json_schema_extra=_expects("threads"),
    )
    teams_app_id: Annotated[str, AfterValidator(_guid)] | None = Field(
        default=None,
        validation_alias="TEAMS_APP_ID",
        description="Microsoft App ID of Palier's Teams bot (Azure Bot → Configuration): "
        "with TEAMS_APP_SECRET, `palier run` serves Teams too.",
        json_schema_extra=_expects("teams_app_id"),
    )
    teams_app_secret: SecretStr | None = Field(
        default=None,
        validation_alias="TEAMS_APP_SECRET",
        description="A client secret of that app registration, set together with TEAMS_APP_ID.",
        json_schema_extra=_expects("teams_pair"),
    )
    teams_tenant_id: Annotated[str, AfterValidator(_tenant)] | None = Field(
        default=None,
        validation_alias="TEAMS_TENANT_ID",
        description="The app registration's home tenant, for a single-tenant bot (its tokens "
        "come from there); unset: a multi-tenant bot (tokens from botframework.com).",
        json_schema_extra=_expects("teams_tenant"),
    )
    teams_host: Annotated[str, AfterValidator(_host)] = Field(
        default="0.0.0.0",
        validation_alias="TEAMS_HOST",
        description="The address `palier run` listens on for Teams (/api/messages).",
        json_schema_extra=_expects("teams_host"),
    )
    teams_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        validation_alias="TEAMS_PORT",
        description="The port `palier run` listens on for Teams; unset: PORT, unless Slack "
        "listens there in HTTP mode (then TEAMS_PORT is needed).",
        json_schema_extra=_expects("port"),
    )
    teams_public_url: Annotated[str, AfterValidator(_public_url)] | None = Field(
        default=None,
        validation_alias="TEAMS_PUBLIC_URL",
        description="The https address Microsoft reaches Palier at (its messaging endpoint is "
        "this + /api/messages): the Teams app manifest's valid domain.",
        json_schema_extra=_expects("teams_public_url"),
    )
    teams_login_url: Annotated[str, AfterValidator(_url)] = Field(
        default="https://login.microsoftonline.com",
        validation_alias="TEAMS_LOGIN_URL",
        description="Microsoft Entra ID, where Palier gets its tokens; the emulator sets its own.",
        json_schema_extra=_expects("url"),
    )
    teams_openid_metadata_url: Annotated[str, AfterValidator(_url)] = Field(
        default="https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias="TEAMS_OPENID_METADATA_URL",
        description="Bot Framework's OpenID metadata, naming the keys Teams' requests are "
        "signed with; the emulator sets its own.",
        json_schema_extra=_expects("url"),
    )
    teams_service_url: Annotated[str, AfterValidator(_url)] = Field(
        default="https://smba.trafficmanager.net/teams/",
        validation_alias="TEAMS_SERVICE_URL",
        description="The Bot Framework Connector for messages Palier starts (each person's "
        "own, learnt when the app is installed for them, comes first).",
        json_schema_extra=_expects("url"),
    )
    teams_graph_url: Annotated[str, AfterValidator(_url)] = Field(
        default="https://graph.microsoft.com",
        validation_alias="TEAMS_GRAPH_URL",
        description="Microsoft Graph, where Palier finds a tenant's people by e-mail address.",
        json_schema_extra=_expects("url"),
    )
    checkin_weekday: Annotated[int, BeforeValidator(_weekday)] = Field(
        default=3,
        ge=0,
        le=6,
        validation_alias="PALIER_CHECKIN_DAY",
        description="Workspace default check-in day (monday … sunday, lundi … dimanche).",
        json_schema_extra=_expects("weekday"),
    )
    checkin_time: Annotated[time, BeforeValidator(_local_time)] = Field(
        default=time(16, 0),
        validation_alias="PALIER_CHECKIN_TIME",
        description="Workspace default check-in time, HH:MM in each person's time zone.",
        json_schema_extra=_expects("time"),
    )
    competencies_per_week: int = Field(
        default=3,
        ge=1,
        le=10,
        validation_alias="PALIER_COMPETENCIES_PER_WEEK",
        description="Competencies asked each week when a référentiel has more than six.",
        json_schema_extra=_expects("per_week"),
    )
    reminder_hours: float = Field(
        default=24,
        gt=0,
        le=168,
        validation_alias="PALIER_REMINDER_HOURS",
        description="Hours after the prompt before the one reminder.",
        json_schema_extra=_expects("hours"),
    )
    snooze_hours: float = Field(
        default=3,
        gt=0,
        le=168,
        validation_alias="PALIER_SNOOZE_HOURS",
        description=(
            "Hours that the single 'Remind me later' button of a prompt posted before the"
            " snooze choices puts the check-in off by."
        ),
        json_schema_extra=_expects("hours"),
    )
    tick_seconds: int = Field(
        default=60,
        ge=5,
        le=3600,
        validation_alias="PALIER_TICK_SECONDS",
        description="How often `palier run` looks for check-ins to send.",
        json_schema_extra=_expects("tick_seconds"),
    )
    send_lanes: int = Field(
        default=8,
        ge=1,
        le=64,
        validation_alias="PALIER_SEND_LANES",
        description="Workspaces a process sends the weekly prompts of side by side "
        "(PostgreSQL; SQLite sends one at a time).",
        json_schema_extra=_expects("send_lanes"),
    )
    send_width: int = Field(
        default=4,
        ge=1,
        le=16,
        validation_alias="PALIER_SEND_WIDTH",
        description="Messages a process has in flight at once in one workspace (PostgreSQL).",
        json_schema_extra=_expects("send_width"),
    )
    slack_post_messages_per_minute: int = Field(
        default=600,
        ge=0,
        le=6000,
        validation_alias="SLACK_POST_MESSAGES_PER_MINUTE",
        description="The pace of the weekly prompts in one Slack workspace (Slack does not "
        "publish its workspace limit; 0: no pacing, Slack's 429s only). One process at a "
        "time sends a workspace's prompts: not divided among processes.",
        json_schema_extra=_expects("per_minute"),
    )
    review_days_after: int = Field(
        default=1,
        ge=0,
        le=6,
        validation_alias="PALIER_REVIEW_DAYS_AFTER",
        description="Days after the workspace's check-in day that managers get their weekly review.",
        json_schema_extra=_expects("review_days"),
    )
    managers_see_indirect: bool = Field(
        default=False,
        validation_alias="PALIER_MANAGERS_SEE_INDIRECT",
        description="Whether managers also see their reports' reports (team, 1:1, export).",
        json_schema_extra=_expects("boolean"),
    )
    suggest_learn: bool = Field(
        default=False,
        validation_alias="PALIER_SUGGEST_LEARN",
        description="Whether evidence suggestions also learn from what the workspace has "
        "already tagged (off: on the labelled sets it did not help, see bench/RESULTS.md).",
        json_schema_extra=_expects("boolean"),
    )
    suggest_learn_last: int = Field(
        default=300,
        ge=1,
        le=5000,
        validation_alias="PALIER_SUGGEST_LEARN_LAST",
        description="How many of the workspace's last tagged evidence suggestions learn from.",
        json_schema_extra=_expects("positive_integer"),
    )
    admin_user_ids: Annotated[frozenset[str], NoDecode, BeforeValidator(_user_ids)] = Field(
        default=frozenset(),
        validation_alias="PALIER_ADMIN_USER_IDS",
        description="Slack user ids and Microsoft Entra object ids (Teams), comma-separated, "
        "who administer Palier, beside Slack's workspace admins.",
        json_schema_extra=_expects("user_ids"),
    )
    log_level: Annotated[LogLevel, BeforeValidator(_log_level)] = Field(
        default="INFO",
        validation_alias="LOG_LEVEL",
        description="Python logging level.",
        json_schema_extra=_expects("log_level"),
    )

    @model_validator(mode="after")
    def _oauth_pair(self) -> Settings:
        # One without the other can neither install nor authorize: name the missing one.
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = "SLACK_CLIENT_ID" if self.slack_client_id is None else "SLACK_CLIENT_SECRET"
            raise PydanticCustomError("oauth_pair", "{variable} is missing", {"variable": missing})
        return self

    @model_validator(mode="after")
    def _teams_pair(self) -> Settings:
        if (self.teams_app_id is None) != (self.teams_app_secret is None):
            missing = "TEAMS_APP_ID" if self.teams_app_id is None else "TEAMS_APP_SECRET"
            raise PydanticCustomError(
                "teams_pair",
                "{variable} is missing",
                {"variable": missing, "expected": "teams_pair"},
            )
        return self

    @property
    def slack_enabled(self) -> bool:
        """Whether Slack is configured at all (its settings say the rest: build_app checks)."""
        return any(
            value is not None
            for value in (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_client_id,
                self.slack_app_token,
            )
        )

    @property
    def teams_enabled(self) -> bool:
        """Whether Microsoft Teams is configured (its app id and secret, checked together)."""
        return self.teams_app_id is not None and self.teams_app_secret is not None

    @property
    def oauth_enabled(self) -> bool:
        """Several workspaces through Slack's OAuth flow (client id and secret set)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None


class SettingsError(Exception):
    """The settings could not be read; ``lines`` say which variable and why."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_settings(env_file: Path | str | None = ".env", **overrides: Any) -> Settings:
    """Read the settings, or raise :class:`SettingsError` with one line per bad variable."""
    locale = cli_locale(dict(os.environ))
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as error:
        raise SettingsError(describe_errors(error, locale)) from None
    except UnicodeDecodeError:
        # python-dotenv decodes the whole file: a Latin-1 .env fails before any variable.
        raise SettingsError([Translator(locale)("settings.env_not_utf8", file=env_file)]) from None
    except OSError as error:
        problem = error.strerror or type(error).__name__
        line = Translator(locale)("settings.env_unreadable", file=env_file, problem=problem)
        raise SettingsError([line]) from None


def describe_errors(error: ValidationError, locale: Locale | None = None) -> list[str]:
    """One line per bad variable, in the catalog's words."""
    t = Translator(locale or DEFAULT_LOCALE)
    lines = []
    for item in error.errors(include_url=False):
        # A check across fields (no location) names its variable in its context.
        context = item.get("ctx") or {}
        variable = str(item["loc"][0]) if item["loc"] else str(context.get("variable", "?"))
        field = _field_by_alias(variable)
        extra = field.json_schema_extra if field is not None else None
        kind = str(extra.get("expected", "other")) if isinstance(extra, dict) else "other"
        if not item["loc"]:  # a check across fields may say its own
            kind = str(context.get("expected", kind))
        expected = t(f"settings.expected.{kind}")
        value = item.get("input")
        if value is None or isinstance(value, dict):
            lines.append(t("settings.invalid_no_value", variable=variable, expected=expected))
        else:
            lines.append(t("settings.invalid", variable=variable, expected=expected, value=value))
    return lines


def _field_by_alias(alias: str) -> Any:
    for name, field in Settings.model_fields.items():
        if field.validation_alias == alias or name == alias:
            return field
    return None


def cli_locale(environ: dict[str, str]) -> Locale:
    """The language of command-line messages, readable even when the settings are not."""
    return to_locale(environ.get("PALIER_DEFAULT_LOCALE"))
