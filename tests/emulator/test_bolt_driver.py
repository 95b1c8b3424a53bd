"""The driver against a real Bolt app served over HTTP, Web API calls going to the emulator.

Most apps here use ``process_before_response=True`` so a listener has finished when
the driver's request returns; one test shows the default mode with ``wait_for``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from emulators.slack import (
    BoltAppServer,
    DriverError,
    ManualClock,
    SlackDriver,
    SlackEmulator,
    render_view,
    sign_request,
)
from emulators.slack.listeners import ListenerExecutor
from tests.emulator import (
    ALICE,
    BOB,
    SIGNING_SECRET,
    actions,
    add_people,
    button,
    client,
    home,
    input_block,
    modal,
    option,
    section,
    text,
)

LEVELS = {
    "type": "radio_buttons",
    "action_id": "level_choice",
    "options": [
        option("Junior", "junior", "Suit la méthode avec aide"),
        option("Intermédiaire", "intermediaire", "Applique seul"),
        option("Senior", "senior", "Forme les autres"),
    ],
}
CHECKIN = modal(
    "Check-in",
    [
        section("*Prospection* — où en êtes-vous ?"),
        input_block("Votre niveau", LEVELS, "level"),
        input_block(
            "Preuve",
            {
                "type": "plain_text_input",
                "action_id": "evidence",
                "multiline": True,
                "max_length": 500,
            },
            "ev",
        ),
        input_block("Date", {"type": "datepicker", "action_id": "when"}, "date"),
        input_block(
            "Compétence",
            {
                "type": "static_select",
                "action_id": "competency",
                "placeholder": text("Choisir"),
                "options": [option("Prospection", "prospection"), option("Négociation", "nego")],
            },
            "comp",
        ),
        input_block(
            "Critères",
            {
                "type": "checkboxes",
                "action_id": "criteria",
                "options": [option("Cible définie", "c1"), option("Relance faite", "c2")],
            },
            "crit",
            optional=True,
        ),
    ],
)


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    # A manual clock: trigger_ids never expire because a CI machine is slow.
    with SlackEmulator(clock=ManualClock()) as emu:
        add_people(emu)
        yield emu


@pytest.fixture
def app(emulator: SlackEmulator) -> App:
    # The token comes with the client: Bolt ignores ``token=`` when ``client=`` is given.
    return App(signing_secret=SIGNING_SECRET, client=client(emulator), process_before_response=True)


@pytest.fixture
def driver(app: App, emulator: SlackEmulator) -> Iterator[SlackDriver]:
    with BoltAppServer(app) as server:
        yield SlackDriver(server.url, SIGNING_SECRET, emulator)


@pytest.fixture
def web(emulator: SlackEmulator) -> WebClient:
    return client(emulator)


def open_checkin_on_command(app: App) -> None:
    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=CHECKIN)


# -- signatures -------------------------------------------------------------------------


def test_signatures_match_slack_sdks_verifier() -> None:
    body = b"token=x&command=%2Fpalier"
    stamp = str(int(time.time()))

    signature = sign_request(SIGNING_SECRET, stamp, body)

    assert SignatureVerifier(SIGNING_SECRET).is_valid(body, stamp, signature)
    assert not SignatureVerifier("another-secret").is_valid(body, stamp, signature)


def test_bolt_accepts_signed_requests_and_refuses_others(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack) -> None:
        ack()

    assert driver.slash_command(ALICE, text="aide").status == 200

    intruder = SlackDriver(driver.request_url, "wrong-secret", emulator)
    assert intruder.slash_command(ALICE).status == 401
    stale = driver.post(
        b"payload=%7B%7D", "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    assert stale.status == 401


def test_url_verification(driver: SlackDriver) -> None:
    assert driver.url_verification("c-123").json() == {"challenge": "c-123"}


# -- slash command → modal → submission -------------------------------------------------------


def test_slash_command_payload_has_slacks_fields(app: App, driver: SlackDriver) -> None:
    seen: dict[str, Any] = {}

    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any]) -> None:
        seen.update(body)
        ack()

    response = driver.slash_command(ALICE, text="checkin maintenant")

    assert response.within_deadline
    assert seen["command"] == "/palier"
    assert seen["text"] == "checkin maintenant"
    assert (seen["user_id"], seen["team_id"]) == (ALICE, "T0PALIER")
    assert seen["channel_id"] == driver.emulator.dm_channel_id(ALICE)
    assert seen["channel_name"] == "directmessage"
    assert seen["trigger_id"] == response.trigger_id
    assert seen["response_url"] == response.response_url


def test_a_command_opens_a_modal_the_driver_fills_and_submits(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    open_checkin_on_command(app)
    received: dict[str, Any] = {}

    @app.view("checkin")
    def submitted(ack: Ack, view: dict[str, Any], body: dict[str, Any]) -> None:
        received.update(view["state"]["values"])
        received["_user"] = body["user"]["id"]
        ack()

    driver.slash_command(ALICE, text="checkin")
    shown = driver.modal(ALICE)
    assert shown is not None
    assert shown.title == "Check-in"
    assert "( ) Senior — Forme les autres" in render_view(shown.data)

    response = driver.submit_view(
        ALICE,
        shown,
        {
            "level": "Senior",  # by block_id, option by visible text
            "evidence": "Démo chez un prospect",  # by action_id
            "Date": "2026-01-12",  # by label
            "comp": "nego",  # option by value
            "crit": ["Cible définie", "c2"],
        },
    )

    assert (response.status, response.outcome) == (200, "close")
    assert driver.modal(ALICE) is None
    assert received["_user"] == ALICE
    assert received["level"]["level_choice"]["selected_option"]["value"] == "senior"
    assert received["ev"]["evidence"] == {
        "type": "plain_text_input",
        "value": "Démo chez un prospect",
    }
    assert received["date"]["when"] == {"type": "datepicker", "selected_date": "2026-01-12"}
    assert received["comp"]["competency"]["selected_option"]["value"] == "nego"
    assert [o["value"] for o in received["crit"]["criteria"]["selected_options"]] == ["c1", "c2"]


def test_response_action_errors_is_read_back_and_the_modal_stays(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    open_checkin_on_command(app)

    @app.view("checkin")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        evidence = view["state"]["values"]["ev"]["evidence"]["value"] or ""
        if len(evidence) < 10:
            ack(
                response_action="errors",
                errors={"ev": "Décrivez la preuve en 10 caractères au moins"},
            )
            return
        ack()

    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None
    values = {"level": "junior", "ev": "court", "date": "2026-01-12", "comp": "prospection"}

    refused = driver.submit_view(ALICE, shown, values)

    assert refused.response_action == "errors"
    assert refused.errors == {"ev": "Décrivez la preuve en 10 caractères au moins"}
    assert refused.outcome == "errors"
    still = driver.modal(ALICE)
    assert still is not None
    assert still.errors == refused.errors

    accepted = driver.submit_view(ALICE, still, {**values, "ev": "Rendez-vous obtenu chez Acme"})
    assert accepted.outcome == "close"
    assert driver.modal(ALICE) is None


def test_errors_keyed_by_something_else_than_a_block_id_are_flagged(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    open_checkin_on_command(app)

    @app.view("checkin")
    def submitted(ack: Ack) -> None:
        ack(response_action="errors", errors={"evidence": "keyed by the action_id: wrong"})

    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None

    response = driver.submit_view(
        ALICE, shown, {"level": "junior", "ev": "x", "date": "2026-01-12", "comp": "nego"}
    )

    assert response.outcome == "invalid"
    (record,) = emulator.calls_to("view_submission.errors")
    assert record.response["not_input_block_ids"] == ["evidence"]


def test_response_actions_update_and_push_change_the_stack(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"], view=modal("Étape 1", [section("1")], callback_id="step")
        )

    @app.view("step")
    def step(ack: Ack, view: dict[str, Any]) -> None:
        if view["title"]["text"] == "Étape 1":
            ack(response_action="update", view=modal("Étape 2", [section("2")], callback_id="step"))
        else:
            ack(response_action="push", view=modal("Détail", [section("3")], callback_id="detail"))

    driver.slash_command(ALICE)
    first = driver.modal(ALICE)
    assert first is not None
    assert driver.submit_view(ALICE, first).outcome == "update"
    second = driver.modal(ALICE)
    assert second is not None
    assert (second.id, second.title) == (first.id, "Étape 2")
    assert driver.submit_view(ALICE, second).outcome == "push"
    assert [v.title for v in emulator.open_views(ALICE)] == ["Étape 2", "Détail"]


def test_default_bolt_mode_acks_first_so_wait_for_the_modal(
    emulator: SlackEmulator, listeners: ListenerExecutor
) -> None:
    app = App(signing_secret=SIGNING_SECRET, client=client(emulator), listener_executor=listeners)
    open_checkin_on_command(app)

    with BoltAppServer(app) as server:
        driver = SlackDriver(server.url, SIGNING_SECRET, emulator)
        assert driver.slash_command(ALICE).ok
        shown = emulator.wait_for(lambda: driver.modal(ALICE))

    assert shown.title == "Check-in"


def test_a_command_answer_is_shown_to_the_person_and_respond_uses_the_response_url(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    @app.command("/palier")
    def command(ack: Ack, respond: Respond) -> None:
        ack("Je prépare votre bilan…")
        respond(text="Votre bilan est prêt", response_type="in_channel")

    driver.slash_command(ALICE, text="bilan")

    assert [m.text for m in emulator.ephemerals_for(ALICE)] == ["Je prépare votre bilan…"]
    assert [m.text for m in emulator.dm_messages(ALICE)] == ["Votre bilan est prêt"]
    via = [(p.via, p.status) for p in emulator.response_url_posts]
    assert via == [("response_url", 200), ("command_ack", 200)]


def test_a_response_url_takes_five_posts(emulator: SlackEmulator) -> None:
    url = emulator.issue_response_url(ALICE, emulator.dm_channel_id(ALICE))
    hook = WebhookClient(url)

    statuses = [hook.send(text=f"réponse {n}").status_code for n in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]
    assert emulator.response_url_posts[-1].answer == "used_url"


# -- block_actions ------------------------------------------------------------------------------


def test_a_click_is_built_from_the_blocks_the_bot_sent(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    seen: dict[str, Any] = {}

    @app.action("start_checkin")
    def start(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        seen.update(body)
        ack()
        respond(replace_original=True, text="C'est parti !")

    web.chat_postMessage(
        channel=ALICE,
        text="Check-in de la semaine",
        blocks=[
            section("C'est l'heure de votre check-in"),
            actions(button("Commencer", "start_checkin", "cycle-3"), button("Plus tard", "snooze")),
        ],
    )
    prompt = driver.latest_dm(ALICE)
    assert prompt is not None
    assert driver.button_labels(prompt) == ["Commencer", "Plus tard"]
    assert driver.find_button(prompt, "plus tard")["action_id"] == "snooze"

    response = driver.click(ALICE, prompt, text="Commencer")

    assert response.ok
    (action,) = seen["actions"]
    assert (action["action_id"], action["value"], action["type"]) == (
        "start_checkin",
        "cycle-3",
        "button",
    )
    assert action["block_id"] == prompt.blocks[1]["block_id"]  # type: ignore[index]
    assert seen["container"] == {
        "type": "message",
        "message_ts": prompt.ts,
        "channel_id": prompt.channel,
        "is_ephemeral": False,
    }
    assert seen["message"]["ts"] == prompt.ts
    assert (seen["trigger_id"], seen["response_url"]) == (
        response.trigger_id,
        response.response_url,
    )
    assert [m.text for m in emulator.dm_messages(ALICE)] == ["C'est parti !"]


def test_selecting_an_option_in_a_message(app: App, driver: SlackDriver, web: WebClient) -> None:
    picked: list[str] = []

    @app.action("competency")
    def chosen(ack: Ack, action: dict[str, Any]) -> None:
        picked.append(action["selected_option"]["value"])
        ack()

    select = {
        "type": "static_select",
        "action_id": "competency",
        "placeholder": text("Compétence"),
        "options": [option("Prospection", "prospection"), option("Négociation", "nego")],
    }
    web.chat_postMessage(channel=ALICE, text="x", blocks=[actions(select)])
    message = driver.latest_dm(ALICE)
    assert message is not None

    driver.click(ALICE, message, "competency", value="Négociation")

    assert picked == ["nego"]


def test_a_click_in_an_ephemeral_has_no_message(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    seen: dict[str, Any] = {}

    @app.action("undo")
    def undo(ack: Ack, body: dict[str, Any]) -> None:
        seen.update(body)
        ack()

    dm = emulator.dm_channel_id(ALICE)
    web.chat_postEphemeral(
        channel=dm, user=ALICE, text="x", blocks=[actions(button("Annuler", "undo"))]
    )
    (ephemeral,) = emulator.ephemerals_for(ALICE)

    driver.click(ALICE, ephemeral, "undo")

    assert seen["container"]["is_ephemeral"] is True
    assert "message" not in seen
    with pytest.raises(DriverError):
        driver.click(BOB, ephemeral, "undo")


def test_a_click_in_a_modal_can_push_a_view(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    seen: dict[str, Any] = {}

    @app.action("more")
    def more(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        seen.update(body)
        ack()
        client.views_push(trigger_id=body["trigger_id"], view=modal("Détail", [section("…")]))

    web.views_open(
        trigger_id=emulator.issue_trigger(ALICE),
        view=modal(
            "Bilan", [section("Votre bilan", accessory=button("Détail", "more"))], submit=None
        ),
    )
    shown = driver.modal(ALICE)
    assert shown is not None

    driver.click(ALICE, shown, text="Détail")

    assert seen["container"] == {"type": "view", "view_id": shown.id}
    assert seen["view"]["id"] == shown.id
    assert "response_url" not in seen
    assert [v.title for v in emulator.open_views(ALICE)] == ["Bilan", "Détail"]


def test_the_driver_refuses_what_a_person_could_not_do(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    open_checkin_on_command(app)
    web.chat_postMessage(channel=ALICE, text="x", blocks=[actions(button("Commencer", "start"))])
    message = driver.latest_dm(ALICE)
    assert message is not None
    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None

    with pytest.raises(DriverError, match=r"start \('Commencer'\)"):
        driver.click(ALICE, message, text="Valider")
    with pytest.raises(DriverError, match="required input 'Votre niveau'"):
        driver.submit_view(ALICE, shown, {"ev": "x", "date": "2026-01-12", "comp": "nego"})
    with pytest.raises(DriverError, match="no input"):
        driver.submit_view(ALICE, shown, {"level": "senior", "nope": "x"})
    with pytest.raises(DriverError, match="no option"):
        driver.submit_view(ALICE, shown, {"level": "Expert"})
    with pytest.raises(DriverError, match="500 characters"):
        driver.submit_view(ALICE, shown, {"level": "senior", "ev": "x" * 501})
    with pytest.raises(DriverError, match="not the modal"):
        driver.submit_view(BOB, shown, {})


def test_closing_a_modal_sends_view_closed_when_asked(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    closed: list[str] = []

    @app.view_closed("checkin")
    def on_close(ack: Ack, view: dict[str, Any]) -> None:
        closed.append(view["id"])
        ack()

    opened = web.views_open(
        trigger_id=emulator.issue_trigger(ALICE),
        view=modal("Check-in", [section("x")], notify_on_close=True),
    )["view"]
    shown = driver.modal(ALICE)
    assert shown is not None

    response = driver.close_view(ALICE, shown)

    assert response is not None
    assert response.ok
    assert closed == [opened["id"]]
    assert emulator.open_views(ALICE) == []


# -- shortcuts and events -------------------------------------------------------------------------


def test_a_message_shortcut_sends_the_message(
    app: App, driver: SlackDriver, emulator: SlackEmulator, web: WebClient
) -> None:
    seen: dict[str, Any] = {}

    @app.shortcut("log_evidence")
    def log_evidence(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        seen.update(body)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal("Preuve", [section("x")]))

    posted = web.chat_postMessage(channel=ALICE, text="RDV signé avec Acme")
    message = emulator.message(posted["channel"], posted["ts"])
    assert message is not None

    driver.message_shortcut(ALICE, message, "log_evidence")

    assert seen["type"] == "message_action"
    assert seen["message"]["text"] == "RDV signé avec Acme"
    assert seen["message_ts"] == posted["ts"]
    assert [v.title for v in emulator.open_views(ALICE)] == ["Preuve"]


def test_a_global_shortcut(app: App, driver: SlackDriver, emulator: SlackEmulator) -> None:
    @app.shortcut("new_checkin")
    def new_checkin(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=CHECKIN)

    assert driver.global_shortcut(BOB, "new_checkin").ok
    assert [v.title for v in emulator.open_views(BOB)] == ["Check-in"]


def test_event_retries_carry_slacks_headers_and_the_same_event_id(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    deliveries: list[tuple[str, list[str], list[str]]] = []

    @app.event("app_home_opened")
    def home_opened(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        request: BoltRequest,
        client: WebClient,
    ) -> None:
        ack()
        headers = request.headers
        retry = list(headers.get("x-slack-retry-num") or [])
        reason = list(headers.get("x-slack-retry-reason") or [])
        deliveries.append((body["event_id"], retry, reason))
        client.views_publish(user_id=event["user"], view=home([section("*Votre progression*")]))

    first = driver.app_home_opened(ALICE)
    driver.event(
        "app_home_opened",
        ALICE,
        event_id=first.event_id,
        retry_num=1,
        channel=emulator.dm_channel_id(ALICE),
        tab="home",
    )

    assert deliveries == [
        (first.event_id, [], []),
        (first.event_id, ["1"], ["http_timeout"]),
    ]
    published = driver.home(ALICE)
    assert published is not None
    assert "Votre progression" in render_view(published.data)


def test_a_dm_from_the_person_reaches_the_bot(
    app: App, driver: SlackDriver, emulator: SlackEmulator
) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], say: Say) -> None:
        say(f"Reçu : {event['text']}")

    driver.send_dm(ALICE, "pause jusqu'à lundi")

    assert [m.text for m in emulator.dm_messages(ALICE)] == [
        "pause jusqu'à lundi",
        "Reçu : pause jusqu'à lundi",
    ]
    assert "Reçu" in driver.screen(ALICE)


# -- views.update after a block action: what the person typed ------------------------------
# Slack's reference (views.update, "Preserving input entry"): data entered in input blocks
# is preserved when the new view has the same input blocks and elements with identical
# block_id and action_id; what is typed there wins over the new view's initial_value.

PICK = {
    "type": "static_select",
    "action_id": "pick",
    "placeholder": text("Choisir"),
    "options": [option("Prospection", "prospection"), option("Négociation", "nego")],
}
NOTE = {"type": "plain_text_input", "action_id": "note_value", "multiline": True}


def _note_form(note_block: str, initial: str | None = None) -> dict[str, Any]:
    note = {**NOTE, **({"initial_value": initial} if initial else {})}
    return modal(
        "Preuve",
        [
            {**input_block("Compétence", PICK, "kind"), "dispatch_action": True},
            input_block("Preuve", note, note_block),
        ],
        callback_id="preuve",
    )


def _updating_app(app: App, note_block_after: str, received: dict[str, Any]) -> None:
    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=_note_form("note"))

    @app.action("pick")
    def picked(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        received["action_state"] = body["view"]["state"]["values"]
        client.views_update(
            view_id=body["view"]["id"],
            hash=body["view"]["hash"],
            view=_note_form(note_block_after, initial="texte de l'app"),
        )

    @app.view("preuve")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        received["submitted"] = view["state"]["values"]
        ack()


def test_typed_text_survives_an_update_that_keeps_its_block_and_action_ids(
    app: App, driver: SlackDriver
) -> None:
    received: dict[str, Any] = {}
    _updating_app(app, "note", received)
    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None

    driver.type_in(ALICE, shown, {"note": "Tapé par Alice"})
    driver.click(ALICE, shown, action_id="pick", value="nego")

    # The block action carried what was typed and what was just picked.
    assert received["action_state"]["note"]["note_value"]["value"] == "Tapé par Alice"
    assert received["action_state"]["kind"]["pick"]["selected_option"]["value"] == "nego"
    updated = driver.modal(ALICE)
    assert updated is not None and updated.hash != shown.hash
    assert driver.submit_view(ALICE, updated).outcome == "close"
    # Kept by Slack over the new view's initial_value.
    assert received["submitted"]["note"]["note_value"]["value"] == "Tapé par Alice"
    assert received["submitted"]["kind"]["pick"]["selected_option"]["value"] == "nego"


def test_typed_text_is_lost_when_the_update_changes_its_block_id(
    app: App, driver: SlackDriver
) -> None:
    received: dict[str, Any] = {}
    _updating_app(app, "note_v2", received)
    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None

    driver.type_in(ALICE, shown, {"note": "Tapé par Alice"})
    driver.click(ALICE, shown, action_id="pick", value="nego")

    updated = driver.modal(ALICE)
    assert updated is not None and updated.hash != shown.hash
    assert driver.submit_view(ALICE, updated).outcome == "close"
    # A new block: its own initial value, what was typed in the old one is gone.
    assert received["submitted"]["note_v2"]["note_value"]["value"] == "texte de l'app"
    assert "note" not in received["submitted"]


def test_type_in_refuses_an_input_the_modal_does_not_have(app: App, driver: SlackDriver) -> None:
    received: dict[str, Any] = {}
    _updating_app(app, "note", received)
    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None
    with pytest.raises(DriverError):
        driver.type_in(ALICE, shown, {"nowhere": "x"})


def test_a_block_action_carries_an_untouched_inputs_initial_value(
    app: App, driver: SlackDriver
) -> None:
    received: dict[str, Any] = {}

    @app.command("/palier")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=_note_form("note", "Prérempli"))

    @app.action("pick")
    def picked(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        received.update(body["view"]["state"]["values"])

    driver.slash_command(ALICE)
    shown = driver.modal(ALICE)
    assert shown is not None
    driver.click(ALICE, shown, action_id="pick", value="prospection")
    assert received["note"]["note_value"]["value"] == "Prérempli"
    assert received["kind"]["pick"]["selected_option"]["value"] == "prospection"
