"""Palier's Teams app manifest and package, against Microsoft's published schema.

The schema is Microsoft's own (``../shared/schemas/teams-manifest``, from
OfficeDev/microsoft-teams-app-schema), the file of the manifest's ``manifestVersion``,
Draft 4 as it declares. Beyond it, the manifest is held to what Palier does: one bot in
the personal scope, the "Log as evidence" action on messages, the valid domain where
Microsoft reaches Palier, the words of the catalog in both languages, and icons Teams
takes (192×192 colour, 32×32 white on transparent).
"""

from __future__ import annotations

import copy
import importlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from PIL import Image

from bot.i18n import Locale
from handlers.teams.manifest import (
    LOG_EVIDENCE_COMMAND,
    MANIFEST_VERSION,
    localization,
    manifest,
    package,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "schemas" / "teams-manifest"
APP_ID = "0c9a1a70-5d2b-4c1e-9a55-2f1e3b7c8d90"
PUBLIC = "https://palier.example.com"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(
        (SCHEMAS / f"MicrosoftTeams.schema.{MANIFEST_VERSION}.json").read_text(encoding="utf-8")
    )
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _errors(validator: Draft4Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_manifest_validates_against_microsoft_s_schema(
    validator: Draft4Validator, locale: Locale
) -> None:
    document = manifest(APP_ID, PUBLIC, locale)
    assert _errors(validator, document) == []
    # Draft 4 has no "const": the version is checked here, as Teams does.
    const = validator.schema["properties"]["manifestVersion"]["const"]
    assert document["manifestVersion"] == const == MANIFEST_VERSION
    assert document["$schema"].endswith(f"/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json")


def test_the_schema_has_teeth(validator: Draft4Validator) -> None:
    broken = copy.deepcopy(manifest(APP_ID, PUBLIC))
    broken["composeExtensions"][0]["commands"][0]["title"] = "Noter ce message comme une preuve"
    broken["bots"][0]["scopes"] = ["personal", "everywhere"]
    broken["id"] = "palier"
    broken["acentColor"] = "#1D3557"
    errors = _errors(validator, broken)
    for where in (
        "composeExtensions/0/commands/0/title",
        "bots/0/scopes/1",
        "id",
        "(root): Additional properties",
    ):
        assert any(e.startswith(where) for e in errors), (where, errors)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_command_menu_stays_within_what_teams_shows(
    validator: Draft4Validator, locale: Locale
) -> None:
    """The schema caps a command list (10 commands): the chart's entry fits, and one
    command more than the cap would not."""
    document = manifest(APP_ID, PUBLIC, locale)
    commands = document["bots"][0]["commandLists"][0]["commands"]
    assert commands[1]["title"] == {"fr": "moi graphique", "en": "me chart"}[locale]
    assert "@" in commands[1]["description"]  # says how to ask for a report's
    bot = validator.schema["properties"]["bots"]["items"]["properties"]
    cap = bot["commandLists"]["items"]["properties"]["commands"]["maxItems"]
    assert len(commands) <= cap
    crowded = copy.deepcopy(document)
    crowded["bots"][0]["commandLists"][0]["commands"] = [commands[0]] * (cap + 1)
    assert any(e.startswith("bots/0/commandLists/0/commands") for e in _errors(validator, crowded))


def test_one_bot_in_the_personal_scope_and_the_log_as_evidence_action() -> None:
    document = manifest(APP_ID, PUBLIC, "fr")
    assert document["id"] == APP_ID
    (bot,) = document["bots"]
    assert bot["botId"] == APP_ID and bot["scopes"] == ["personal"]
    assert bot["commandLists"][0]["scopes"] == ["personal"]
    assert [c["title"] for c in bot["commandLists"][0]["commands"]] == [
        "moi",
        "moi graphique",
        "preuve",
        "aide",
    ]
    (extension,) = document["composeExtensions"]
    assert extension["botId"] == APP_ID
    (command,) = extension["commands"]
    assert (command["id"], command["type"], command["context"], command["fetchTask"]) == (
        LOG_EVIDENCE_COMMAND,
        "action",
        ["message"],
        True,
    )
    assert command["title"] == "Noter comme preuve"
    assert document["validDomains"] == ["palier.example.com"]
    assert document["defaultInstallScope"] == "personal"


def test_the_other_language_is_in_its_localization_file() -> None:
    document = manifest(APP_ID, PUBLIC, "fr")
    assert document["localizationInfo"] == {
        "defaultLanguageTag": "fr-fr",
        "additionalLanguages": [{"languageTag": "en-us", "file": "en-us.json"}],
    }
    english = localization("en")
    assert english["composeExtensions[0].commands[0].title"] == "Log as evidence"
    assert english["bots[0].commandLists[0].commands[0].title"] == "me"
    assert english["bots[0].commandLists[0].commands[1].title"] == "me chart"
    assert manifest(APP_ID, PUBLIC, "en")["localizationInfo"]["defaultLanguageTag"] == "en-us"
    # A default locale with its region (PALIER_DEFAULT_LOCALE=en-GB) is its language here.
    assert manifest(APP_ID, PUBLIC, "en-GB") == manifest(APP_ID, PUBLIC, "en")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_each_localized_string_replaces_one_of_the_manifest_within_its_limit(
    validator: Draft4Validator, locale: Locale
) -> None:
    """A localization key names a string of the manifest (Teams ignores any other), and a
    translation respects the limit the schema sets for it."""
    document = manifest(APP_ID, PUBLIC, "fr")
    for key, text in localization(locale).items():
        if key == "$schema":
            continue
        target: Any = document
        schema: Any = validator.schema
        for part in re.findall(r"[A-Za-z]+|\[\d+\]", key):
            if part.startswith("["):
                target = target[int(part[1:-1])]
                schema = schema["items"]
            else:
                target = target[part]
                schema = schema["properties"][part]
        assert isinstance(target, str), key
        assert 1 <= len(text) <= schema.get("maxLength", 4000), key


def test_the_package_holds_what_teams_asks_for(validator: Draft4Validator) -> None:
    archive = zipfile.ZipFile(io.BytesIO(package(APP_ID, PUBLIC, "fr", version="1.2.3")))
    assert sorted(archive.namelist()) == ["color.png", "en-us.json", "manifest.json", "outline.png"]
    document = json.loads(archive.read("manifest.json"))
    assert document["version"] == "1.2.3" and _errors(validator, document) == []
    assert json.loads(archive.read("en-us.json")) == localization("en")
    color = Image.open(io.BytesIO(archive.read("color.png")))
    assert (color.format, color.size) == ("PNG", (192, 192))
    outline = Image.open(io.BytesIO(archive.read("outline.png"))).convert("RGBA")
    assert outline.size == (32, 32)
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    colours = {pixel for pixel in pixels if isinstance(pixel, tuple) and pixel[3] > 0}
    assert colours == {(255, 255, 255, 255)}  # white on transparent, nothing else
    assert any(isinstance(pixel, tuple) and pixel[3] == 0 for pixel in pixels)


def test_the_action_id_is_the_one_palier_listens_to() -> None:
    try:
        evidence = importlib.import_module("handlers.teams.evidence")
    except ModuleNotFoundError:
        pytest.skip("the Teams evidence listeners are not in this tree")
    assert evidence.LOG_EVIDENCE_COMMAND == LOG_EVIDENCE_COMMAND
