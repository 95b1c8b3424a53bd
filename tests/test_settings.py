"""Settings: defaults, the .env file, and one clear line per bad variable."""

from __future__ import annotations

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
            "PALIER_DEFAULT_LOCALE : « fr » ou « en » est attendu (valeur reçue : de)",
        ),
        (
            "DATABASE_URL",
            "mysql://x/y",
            "DATABASE_URL : une URL SQLAlchemy est attendue (sqlite:///… ou postgresql+psycopg://…) "
            "(valeur reçue : mysql://x/y)",
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
