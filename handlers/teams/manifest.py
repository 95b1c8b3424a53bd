"""Palier's Microsoft Teams app: its manifest and the package an admin uploads.

A Teams app is a .zip ("app package", learn.microsoft.com/microsoftteams/platform/concepts/
build-and-test/apps-package) holding ``manifest.json``, its two icons and, for a second
language, a localization file. Palier's manifest (schema 1.22, the published
``MicrosoftTeams.schema.json``):

- the app's ``id`` is the bot's Microsoft App ID (``TEAMS_APP_ID``), as for any app whose
  only identity is its bot;
- one bot, in the **personal** scope only (Palier talks to each person in their own chat),
  with a few commands in its menu, and ``supportsFiles`` (exports and one's own data come
  as files, each accepted first; an admin sends a référentiel's export to Palier in the
  chat: "Send and receive files using bot");
- one message-extension **action** command, ``logEvidence``, in the **message** context
  ("Log as evidence" / "Noter comme preuve" on any message), its dialog fetched from the
  bot (``fetchTask``);
- ``validDomains``: the host of ``TEAMS_PUBLIC_URL``, where Microsoft reaches Palier;
- its words from the catalog: the manifest in Palier's default language
  (``PALIER_DEFAULT_LOCALE``), the other language in a localization file.

The icons are drawn here (a staircase — a *palier* is a landing — on Palier's colour):
``color.png`` 192×192, ``outline.png`` 32×32 white on transparent, as Teams asks.
"""

from __future__ import annotations

import io
import json
import zipfile
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from bot.i18n import LOCALES, Locale, Translator, language_of

MANIFEST_VERSION = "1.22"
SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
    "MicrosoftTeams.schema.json"
)
LOCALIZATION_SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
    "MicrosoftTeams.Localization.schema.json"
)
# The message action's id: what Teams sends as commandId in composeExtension/fetchTask and
# submitAction (the listener of "Log as evidence" answers this id).
LOG_EVIDENCE_COMMAND = "logEvidence"
ACCENT = "#1D3557"  # Palier's colour (as in the Slack app)
LANGUAGE_TAGS: dict[Locale, str] = {"fr": "fr-fr", "en": "en-us"}
COLOR_ICON, OUTLINE_ICON = "color.png", "outline.png"
# The bot's command menu: the command words (in each language) and their descriptions,
# under ``teams_manifest.command_<name>`` (``chart``: under ``teams_limits``). Teams
# shows at most 10 (the schema's maxItems); a title at most 32 characters.
BOT_COMMANDS = ("me", "chart", "log", "help")
COMMAND_WORDS = {"chart": "teams_limits"}


def app_version() -> str:
    """The app's version: Palier's own (Teams asks for a new one at each update)."""
    try:
        return metadata.version("palier")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        return "0.1.0"


def localized(t: Translator) -> dict[str, str]:
    """The manifest's words in ``t``'s language, by the manifest's localization keys."""
    words = {
        "name.short": "Palier",
        "name.full": t("teams_manifest.name_full"),
        "description.short": t("teams_manifest.description_short"),
        "description.full": t("teams_manifest.description_full"),
        "composeExtensions[0].commands[0].title": t("teams_manifest.log_evidence"),
        "composeExtensions[0].commands[0].description": t(
            "teams_manifest.log_evidence_description"
        ),
    }
    for index, command in enumerate(BOT_COMMANDS):
        key = f"bots[0].commandLists[0].commands[{index}]"
        section = COMMAND_WORDS.get(command, "teams_manifest")
        words[f"{key}.title"] = t(f"{section}.command_{command}")
        words[f"{key}.description"] = t(f"{section}.command_{command}_description")
    return words


def manifest(
    app_id: str, public_url: str, locale: Locale = "fr", version: str | None = None
) -> dict[str, Any]:
    """``manifest.json``: in ``locale``'s language, the other languages in their own files
    (the manifest has one file per language: a region such as en-GB changes nothing)."""
    locale = language_of(locale)
    words = localized(Translator(locale))
    host = urlsplit(public_url).hostname or public_url
    others = [other for other in LOCALES if other != locale]
    commands = [
        {
            "title": words[f"bots[0].commandLists[0].commands[{index}].title"],
            "description": words[f"bots[0].commandLists[0].commands[{index}].description"],
        }
        for index in range(len(BOT_COMMANDS))
    ]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version or app_version(),
        "id": app_id,
        "developer": {
            "name": "Palier",
            "websiteUrl": public_url,
            "privacyUrl": public_url,
            "termsOfUseUrl": public_url,
        },
        "name": {"short": words["name.short"], "full": words["name.full"]},
        "description": {
            "short": words["description.short"],
            "full": words["description.full"],
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT,
        "localizationInfo": {
            "defaultLanguageTag": LANGUAGE_TAGS[locale],
            "additionalLanguages": [
                {"languageTag": LANGUAGE_TAGS[other], "file": f"{LANGUAGE_TAGS[other]}.json"}
                for other in others
            ],
        },
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal"],
                "isNotificationOnly": False,
                "supportsFiles": True,  # files offered (consent first), files an admin sends
                "commandLists": [{"scopes": ["personal"], "commands": commands}],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "composeExtensionType": "botBased",
                "commands": [
                    {
                        "id": LOG_EVIDENCE_COMMAND,
                        "type": "action",
                        "context": ["message"],
                        "fetchTask": True,
                        "title": words["composeExtensions[0].commands[0].title"],
                        "description": words["composeExtensions[0].commands[0].description"],
                    }
                ],
            }
        ],
        "validDomains": [host],
        "defaultInstallScope": "personal",
    }


def localization(locale: Locale) -> dict[str, Any]:
    """The localization file of ``locale``: the manifest's words in that language."""
    return {"$schema": LOCALIZATION_SCHEMA_URL, **localized(Translator(locale))}


def icons() -> dict[str, bytes]:
    """The two icons Teams asks for, as PNG."""
    color = Image.new("RGBA", (192, 192), ACCENT)
    _stairs(ImageDraw.Draw(color), 192, margin=44)
    outline = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    _stairs(ImageDraw.Draw(outline), 32, margin=4)
    return {COLOR_ICON: _png(color), OUTLINE_ICON: _png(outline)}


def _stairs(draw: ImageDraw.ImageDraw, size: int, *, margin: int) -> None:
    """Three steps rising to the right, in white."""
    span = size - 2 * margin
    step = span // 3
    for index in range(3):
        left = margin + index * step
        top = margin + span - (index + 1) * step
        draw.rectangle((left, top, margin + span - 1, margin + span - 1), fill="white")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def package(
    app_id: str, public_url: str, locale: Locale = "fr", version: str | None = None
) -> bytes:
    """The app package (.zip): the manifest, the other languages' files, the icons."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        document = manifest(app_id, public_url, locale, version)
        archive.writestr("manifest.json", _json(document))
        for language in document["localizationInfo"]["additionalLanguages"]:
            other = next(k for k, v in LANGUAGE_TAGS.items() if v == language["languageTag"])
            archive.writestr(language["file"], _json(localization(other)))
        for name, data in icons().items():
            archive.writestr(name, data)
    return out.getvalue()


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
