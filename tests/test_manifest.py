"""``manifest.yaml``, Palier's Slack app manifest, against Palier's schema and Palier's code.

The schema, ``tests/support/manifest.schema.json``, is Palier's own: a JSON Schema (draft 7)
of the subset of Slack's manifest format that Palier writes, written from Slack's manifest
reference (https://docs.slack.dev/reference/app-manifest). Every object in it is closed, so
a misspelt key fails here rather than being ignored by Slack, and each limit cites the
reference in a ``$comment``. Adding a manifest field means adding it to the schema too.

Beyond the schema, the tests hold the manifest to what Palier's code does: the slash
command, the shortcut's callback_id, the bot events listened to, and a reviewed allowlist
of bot scopes, each with its reason.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.i18n import LOCALES, translator
from handlers.slack import ids

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifest.yaml"
SCHEMA = Path(__file__).parent / "support" / "manifest.schema.json"
SLACK_HANDLERS = ROOT / "handlers" / "slack"

# Every bot scope Palier asks for, and why. Adding one to manifest.yaml without adding it
# here (with its reason, and to the README's table) fails the test: a reviewed change.
BOT_SCOPES: dict[str, str] = {
    "chat:write": "chat.postMessage / chat.update / chat.postEphemeral: prompts, reminders, "
    "summaries, confirmations, a prompt turned to done",
    "commands": "the /palier slash command and the message shortcut",
    "files:read": "files.info and url_private_download: a référentiel's export an admin "
    "uploads to Palier's DM",
    "files:write": "files.uploadV2 (getUploadURLExternal + completeUploadExternal): team "
    "exports (CSV, PNG) shared in the asker's DM",
    "im:history": "conversations.history on the DM with Palier, to recover a prompt after a "
    "crash (by its message metadata)",
    "im:write": "conversations.open: the DM with each person",
    "users:read": "users.info with include_locale (time zone, language, deactivation); "
    "the user_change event",
    "users:read.email": "users.lookupByEmail for `palier people import`",
}

# The scope each subscribed event needs (Slack's event reference); None: no scope.
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "user_change": "users:read",
    # A file uploaded to Palier's DM (message of subtype file_share): a référentiel's export.
    "message.im": "im:history",
}
# A subscription's name where it is not the event type Bolt listens to.
LISTENED_AS: dict[str, str] = {"message.im": "message"}

# Subscribed before Palier listens to them (the Home tab lands in the next weeks). Until a
# listener exists, Bolt answers these events 404 and logs "Unhandled request".
PLANNED_EVENTS: dict[str, str] = {
    "app_home_opened": "publish the person's Home tab (views.publish)",
}

HTTP_URL = "https://YOUR-HOST/slack/events"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert "not Slack's schema" in schema["$comment"]  # Palier's own, not a copy
    return Draft7Validator(schema)


def _errors(validator: Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def _constant(node: ast.expr) -> str:
    """A listener's argument: a string literal or ``ids.NAME``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ids"
    ):
        value = getattr(ids, node.attr)
        assert isinstance(value, str)
        return value
    raise AssertionError(f"cannot read a listener's argument: {ast.unparse(node)}")


def _listened(kind: str) -> dict[str, Path]:
    """What Palier's Slack front end registers with ``@app.<kind>(...)``, and where."""
    found: dict[str, Path] = {}
    for path in sorted(SLACK_HANDLERS.rglob("*.py")):
        if "emulator" in path.relative_to(SLACK_HANDLERS).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == kind
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and node.args
            ):
                found[_constant(node.args[0])] = path.relative_to(ROOT)
    return found


def test_manifest_validates_against_palier_s_schema(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    # Palier writes a v1 manifest (the schema allows 1 or 2, as the reference does).
    assert manifest["_metadata"]["major_version"] == 1
    assert _errors(validator, manifest) == []


def test_http_mode_variant_validates_too(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    """The README's HTTP mode: Socket Mode off, the three request URLs on /slack/events."""
    http = copy.deepcopy(manifest)
    http["settings"]["socket_mode_enabled"] = False
    http["settings"]["event_subscriptions"]["request_url"] = HTTP_URL
    http["settings"]["interactivity"]["request_url"] = HTTP_URL
    for command in http["features"]["slash_commands"]:
        command["url"] = HTTP_URL
    assert _errors(validator, http) == []
    assert HTTP_URL in MANIFEST.read_text(encoding="utf-8")  # the comment showing the variant


def test_http_mode_without_its_urls_is_refused(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    """Socket Mode off but no request URLs: Slack would have nowhere to send anything."""
    http = copy.deepcopy(manifest)
    http["settings"]["socket_mode_enabled"] = False
    errors = _errors(validator, http)
    assert any(e.startswith("features/slash_commands/0") and "'url'" in e for e in errors)
    assert any(e.startswith("settings/event_subscriptions") for e in errors), errors
    assert any(e.startswith("settings/interactivity") for e in errors), errors


def test_the_schema_catches_a_broken_manifest(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    """The validation has teeth: an unknown key and a too-long shortcut name are refused."""
    broken = copy.deepcopy(manifest)
    broken["features"]["shortcuts"][0]["name"] = "Ajouter comme preuve, vite"
    broken["settings"]["socket_mode"] = True
    errors = _errors(validator, broken)
    assert any(e.startswith("features/shortcuts/0/name") for e in errors), errors
    assert any(e.startswith("settings") and "socket_mode" in e for e in errors), errors


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        # A misspelt key, at the top and deep down: every object Palier writes is closed.
        (("setings",), {}, "(root)"),
        (("features", "slash_commands", 0, "should_escap"), True, "features/slash_commands/0"),
        (("features", "app_home", "home_tab"), True, "features/app_home"),
        # Limits from the manifest reference.
        (("features", "shortcuts", 0, "name"), "x" * 25, "features/shortcuts/0/name"),
        (("features", "shortcuts", 0, "description"), "x" * 151, "features/shortcuts/0/desc"),
        (("features", "shortcuts", 0, "type"), "action", "features/shortcuts/0/type"),
        (("features", "slash_commands", 0, "command"), "palier", "features/slash_commands/0"),
        (("features", "slash_commands", 0, "command"), "/" + "p" * 32, "features/slash_comm"),
        (("features", "bot_user", "display_name"), "Palier Bot", "features/bot_user"),
        (("display_information", "name"), "P" * 36, "display_information/name"),
        (("display_information", "description"), "d" * 141, "display_information/desc"),
        (("display_information", "long_description"), "trop court", "display_information/long"),
        # Colours: #RRGGBB only.
        (("display_information", "background_color"), "#1d355", "display_information/back"),
        (("display_information", "background_color"), "1d3557", "display_information/back"),
        (("display_information", "background_color"), "#1d355g", "display_information/back"),
        # Scopes and event names are well-formed strings; the version is 1 or 2.
        (("oauth_config", "scopes", "bot", 0), "Chat Write", "oauth_config/scopes/bot/0"),
        (("settings", "event_subscriptions", "bot_events", 0), "User Change", "settings/event"),
        (("_metadata", "major_version"), 3, "_metadata/major_version"),
    ],
)
def test_the_schema_refuses(
    manifest: dict[str, Any],
    validator: Draft7Validator,
    path: tuple[str | int, ...],
    value: object,
    where: str,
) -> None:
    broken = copy.deepcopy(manifest)
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = _errors(validator, broken)
    assert any(e.startswith(where) for e in errors), errors


def test_slash_command_is_palier(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/palier"] == [ids.COMMAND]
    assert set(_listened("command")) == {"/palier"}
    (command,) = commands
    # Escaped, so `/palier admin enrol @person` arrives as <@U…|name>, the form
    # handlers/slack/admin_commands.py reads the user ID from.
    assert command["should_escape"] is True
    hints = command["usage_hint"].split(" | ")
    assert hints[0] == "me"
    assert "help" in hints
    assert any(hint.split()[0] == "admin" for hint in hints)
    assert "url" not in command  # Socket Mode; see the HTTP variant


def test_message_shortcut_is_the_one_palier_listens_to(manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"]) for s in shortcuts] == [
        ("message", ids.LOG_EVIDENCE_SHORTCUT)
    ]
    assert ids.LOG_EVIDENCE_SHORTCUT == "log_evidence_shortcut"
    assert set(_listened("shortcut")) == {s["callback_id"] for s in shortcuts}


def test_the_help_names_the_shortcut_as_slack_shows_it(manifest: dict[str, Any]) -> None:
    """A manifest has one name per shortcut, shown as is whatever the user's language:
    the help and the evidence list in both languages must use that very name."""
    (shortcut,) = manifest["features"]["shortcuts"]
    name = shortcut["name"]
    assert name.startswith("Palier")  # found by typing the app's name, in any language
    for locale in LOCALES:
        t = translator(locale)
        assert name in t("help.commands"), locale
        assert name in t("home.evidence.empty"), locale


def test_bot_events_are_exactly_those_palier_listens_to(manifest: dict[str, Any]) -> None:
    subscribed = [
        LISTENED_AS.get(event, event)
        for event in manifest["settings"]["event_subscriptions"]["bot_events"]
    ]
    assert len(subscribed) == len(set(subscribed))
    listened = _listened("event")
    assert "user_change" in listened  # the scan finds handlers/slack/events.py's listener
    missing = set(listened) - set(subscribed)
    assert not missing, f"listened to but not subscribed in manifest.yaml: {missing}"
    extra = set(subscribed) - set(listened) - set(PLANNED_EVENTS)
    assert not extra, f"subscribed but nothing listens (nor planned): {extra}"
    assert set(PLANNED_EVENTS) <= set(subscribed)
    assert "user_events" not in manifest["settings"]["event_subscriptions"]


def test_each_event_s_scope_is_granted(manifest: dict[str, Any]) -> None:
    bot_scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"{event}: say which scope it needs in EVENT_SCOPES"
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in bot_scopes, f"{event} needs {needed}"


def test_bot_scopes_are_the_reviewed_allowlist(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}  # no user token, no optional scopes
    bot = scopes["bot"]
    assert len(bot) == len(set(bot))
    assert set(bot) == set(BOT_SCOPES), (
        f"unreviewed: {set(bot) - set(BOT_SCOPES)}; unused: {set(BOT_SCOPES) - set(bot)}"
    )
    assert "users:read" in bot  # Slack grants users:read.email only with users:read
    text = MANIFEST.read_text(encoding="utf-8")
    for scope in bot:  # each scope has its reason in the manifest, on the lines above it
        before = text[: text.index(f"- {scope}\n")].rstrip().splitlines()[-1].strip()
        assert before.startswith("#"), f"{scope}: no comment giving its reason"


def test_socket_mode_and_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"] == {"is_enabled": True}  # no URL in Socket Mode
    assert "request_url" not in settings["event_subscriptions"]
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_app_home_and_bot_user(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    assert features["bot_user"] == {"display_name": "palier", "always_online": False}


def test_texts_within_slack_s_limits(manifest: dict[str, Any]) -> None:
    """Slack's limits (manifest reference), checked again outside the schema."""
    display = manifest["display_information"]
    assert display["name"] == "Palier"
    assert 1 <= len(display["name"]) <= 35
    assert 1 <= len(display["description"]) <= 140
    # The reference says 174 to 4,000 (App Settings errors below 174): keep 175.
    assert 175 <= len(display["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", display["background_color"])

    bot_name = manifest["features"]["bot_user"]["display_name"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", bot_name)  # the reference's allowed characters

    (command,) = manifest["features"]["slash_commands"]
    assert 2 <= len(command["command"]) <= 32
    assert 1 <= len(command["description"]) <= 2000
    assert 1 <= len(command["usage_hint"]) <= 1000

    (shortcut,) = manifest["features"]["shortcuts"]
    assert shortcut["name"] == "Palier · preuve/evidence"
    assert 1 <= len(shortcut["name"]) <= 24
    assert 1 <= len(shortcut["description"]) <= 150
    assert 1 <= len(shortcut["callback_id"]) <= 255
