"""PALIER_HTTP_THREADS and PALIER_SLACK_WORKERS: how `palier run` serves Slack under load."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from handlers.slack.runner import waitress_options


def test_defaults() -> None:
    settings = load_settings(env_file=None)
    assert (settings.http_threads, settings.slack_workers) == (8, 32)
    assert waitress_options(settings) == {"threads": 8}


def test_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALIER_HTTP_THREADS", "16")
    monkeypatch.setenv("PALIER_SLACK_WORKERS", "64")
    settings = load_settings(env_file=None)
    assert (settings.http_threads, settings.slack_workers) == (16, 64)


@pytest.mark.parametrize("variable", ["PALIER_HTTP_THREADS", "PALIER_SLACK_WORKERS"])
@pytest.mark.parametrize("value", ["0", "257", "beaucoup"])
def test_a_bad_count_is_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert caught.value.lines == [
        f"{variable} : un nombre de fils d'exécution entre 1 et 256 est attendu "
        f"(valeur reçue : {value})"
    ]
