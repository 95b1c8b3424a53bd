"""Settings: defaults, the .env file, and one clear line per bad variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def test_defaults_need_nothing() -> None:
    settings = load_settings(env_file=None)
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///palier.db"
    assert settings.default_locale == "fr"
    assert settings.default_timezone == "Europe/Paris"
    assert settings.slack_bot_token is None


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("DATABASE_URL=postgresql+psycopg://u@db/palier\nSLACK_BOT_TOKEN=xoxb-123\n")
    settings = load_settings(env_file=env)
    assert settings.database_url == "postgresql+psycopg://u@db/palier"
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-123"
    assert "xoxb-123" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        (
            "PALIER_DEFAULT_LOCALE",
            "de",
            "PALIER_DEFAULT_LOCALE : « fr » ou « en » est attendu, avec sa région si besoin "
            "(fr-CA, en-GB) (valeur reçue : de)",
        ),
        (
            "DATABASE_URL",
            "mysql://x/y",
            "DATABASE_URL : une URL SQLAlchemy est attendue (sqlite:///… ou postgresql+psycopg://…) "
            "(valeur reçue : mysql://x/y)",
        ),
        (
            "DATABASE_URL",
            "postgresql+asyncpg://u@db/palier",
            "DATABASE_URL : une URL SQLAlchemy est attendue (sqlite:///… ou postgresql+psycopg://…) "
            "(valeur reçue : postgresql+asyncpg://u@db/palier)",
        ),
        (
            "PALIER_REFERENTIELS_DIR",
            "/nonexistent/dir",
            "PALIER_REFERENTIELS_DIR : un dossier existant est attendu (valeur reçue : /nonexistent/dir)",
        ),
    ],
)
def test_bad_value_gives_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, line: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [line]


def test_env_example_lists_every_variable() -> None:
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if "=" in line
    }
    variables = {str(field.validation_alias) for field in Settings.model_fields.values()}
    assert variables <= documented, variables - documented


# -- values as operators write them: through the environment and a .env file ------------

ADMIN_IDS = [
    ("U0123ABCD,U0456EFGH", frozenset({"U0123ABCD", "U0456EFGH"})),
    # Teams: Entra object ids, kept in lower case as Teams sends aadObjectId.
    (
        "U0123ABCD,3F2B1C9E-8A7D-4E6F-9B0A-1C2D3E4F5A6B",
        frozenset({"U0123ABCD", "3f2b1c9e-8a7d-4e6f-9b0a-1c2d3e4f5a6b"}),
    ),
    (" U0123ABCD , U0456EFGH, ", frozenset({"U0123ABCD", "U0456EFGH"})),
    ("U0123ABCD", frozenset({"U0123ABCD"})),
    ("", frozenset()),
]


@pytest.mark.parametrize(("value", "ids"), ADMIN_IDS)
def test_admin_user_ids_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, ids: frozenset[str]
) -> None:
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", value)
    assert load_settings(env_file=None).admin_user_ids == ids


@pytest.mark.parametrize(("value", "ids"), ADMIN_IDS)
def test_admin_user_ids_from_a_dotenv_file(tmp_path: Path, value: str, ids: frozenset[str]) -> None:
    env = tmp_path / ".env"
    env.write_text(f"PALIER_ADMIN_USER_IDS={value}\n", encoding="utf-8")
    assert load_settings(env_file=env).admin_user_ids == ids


def test_a_bad_admin_user_id_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", "U0123ABCD,alice")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [
        "PALIER_ADMIN_USER_IDS : des identifiants d'utilisateur séparés par des virgules sont "
        "attendus : Slack (U…) ou Microsoft Entra pour Teams (GUID) "
        "(valeur reçue : U0123ABCD,alice)"
    ]


def test_log_level_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "VERBOSE")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [
        "LOG_LEVEL : DEBUG, INFO, WARNING, ERROR ou CRITICAL est attendu (valeur reçue : VERBOSE)"
    ]
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings(env_file=None).log_level == "DEBUG"


def test_a_dotenv_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes("PALIER_DEFAULT_TIMEZONE=Europe/Paris\n# café\n".encode("latin-1"))
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=env)
    assert caught.value.lines == [
        f"{env} : ce fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8"
    ]


def test_an_empty_value_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # `cp .env.example .env` then uncommenting `SLACK_CLIENT_ID=` must not turn OAuth on.
    for variable in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "PORT"):
        monkeypatch.setenv(variable, "")
    settings = load_settings(env_file=None)
    assert settings.slack_bot_token is None and not settings.oauth_enabled
    assert settings.port == 3000


def test_env_example_values_load(tmp_path: Path) -> None:
    # Every `# VARIABLE=value` line of .env.example, uncommented, is a valid .env.
    lines = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"# ([A-Z_]+)=(.*)", line)
        if match and match[1] != "PALIER_REFERENTIELS_DIR":  # a directory of the reader's
            lines.append(f"{match[1]}={match[2]}")
    example = re.search(r"Example: PALIER_ADMIN_USER_IDS=(\S+)", ENV_EXAMPLE.read_text())
    assert example is not None
    env = tmp_path / ".env"
    env.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings(env_file=env)
    assert settings.slack_bot_token is None and settings.admin_user_ids == frozenset()
    env.write_text(f"PALIER_ADMIN_USER_IDS={example[1]}\n", encoding="utf-8")
    assert load_settings(env_file=env).admin_user_ids == {"U0123ABCD", "U0456EFGH"}


def test_an_unreadable_dotenv_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Permissions cannot be made to fail for root: the read itself is refused here.
    from pydantic_settings.sources.providers import dotenv

    def refused(path: Path, **_: object) -> dict[str, str | None]:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(dotenv, "dotenv_values", refused)
    env = tmp_path / ".env"
    env.write_text("LOG_LEVEL=INFO\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=env)
    assert caught.value.lines == [f"{env} : fichier illisible (Permission denied)"]


# -- Microsoft Teams ----------------------------------------------------------------------

APP_ID = "0c9a1a70-5d2b-4c1e-9a55-2f1e3b7c8d90"


def test_teams_needs_both_its_app_id_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings(env_file=None).teams_enabled
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [
        "TEAMS_APP_SECRET : manquant : l'ID d'application et le secret client de l'app Teams "
        "se renseignent ensemble, ou aucun des deux"
    ]
    monkeypatch.setenv("TEAMS_APP_SECRET", "s3cret~value")
    settings = load_settings(env_file=None)
    assert settings.teams_enabled and not settings.slack_enabled
    assert settings.teams_app_id == APP_ID and "s3cret" not in repr(settings)
    # Microsoft's own services unless told otherwise.
    assert settings.teams_login_url == "https://login.microsoftonline.com"
    assert settings.teams_openid_metadata_url == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert settings.teams_service_url == "https://smba.trafficmanager.net/teams/"
    assert settings.teams_graph_url == "https://graph.microsoft.com"
    assert (settings.teams_host, settings.teams_port) == ("0.0.0.0", None)


@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        (
            "TEAMS_APP_ID",
            "palier-bot",
            "TEAMS_APP_ID : l'ID d'application Microsoft est attendu : un GUID "
            "(Azure Bot → Configuration → Microsoft App ID) (valeur reçue : palier-bot)",
        ),
        (
            "TEAMS_TENANT_ID",
            "contoso",
            "TEAMS_TENANT_ID : un ID de locataire Microsoft Entra (GUID) ou son domaine "
            "(contoso.onmicrosoft.com) est attendu (valeur reçue : contoso)",
        ),
        (
            "TEAMS_PUBLIC_URL",
            "http://palier.example.com",
            "TEAMS_PUBLIC_URL : une adresse https sans chemin est attendue, par exemple "
            "https://palier.example.com (valeur reçue : http://palier.example.com)",
        ),
        (
            "TEAMS_PORT",
            "70000",
            "TEAMS_PORT : un numéro de port entre 1 et 65535 est attendu (valeur reçue : 70000)",
        ),
        (
            "TEAMS_GRAPH_URL",
            "graph.microsoft.com",
            "TEAMS_GRAPH_URL : une URL est attendue (valeur reçue : graph.microsoft.com)",
        ),
    ],
)
def test_a_bad_teams_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, line: str
) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_SECRET", "secret")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [line]


def test_teams_settings_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID.upper())
    monkeypatch.setenv("TEAMS_APP_SECRET", "secret")
    monkeypatch.setenv("TEAMS_TENANT_ID", "Contoso.onmicrosoft.com")
    monkeypatch.setenv("TEAMS_PUBLIC_URL", "https://palier.example.com/")
    settings = load_settings(env_file=None)
    assert settings.teams_app_id == APP_ID  # as Microsoft writes it, in lower case
    assert settings.teams_tenant_id == "contoso.onmicrosoft.com"
    assert settings.teams_public_url == "https://palier.example.com"
