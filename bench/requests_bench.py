"""SQL statements and transactions per interactive request, through the real Slack path.

One person is enrolled and prompted; then each kind of request is sent the way Slack
sends it (signed, over HTTP, to the real Bolt app) and everything Palier's database
saw until the listeners it started are done is counted: statements and transactions.
The figures are the "before" and "after" of the core redesign (issue: one application
core): a request should resolve its actor once and run in one transaction where it can.

    .venv/bin/python bench/requests_bench.py [--postgres SERVER_URL]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, event
from tick_bench import fresh_database  # the script's own folder is on sys.path

from bot.domain.people import ensure_tenant, find_person, upsert_person
from bot.settings import load_settings
from emulators.slack import BoltAppServer, ManualClock, SlackDriver, SlackEmulator
from emulators.slack.listeners import ListenerExecutor
from handlers.slack.app import build_app
from handlers.slack.profiles import to_profile
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform

DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
SECRET = "bench-signing-secret"
USER = "U0ALICE"
ADMIN = "U0ADMIN"  # a workspace admin (Slack's word): /palier admin …
NEWCOMER = "U0CHLOE"  # whom the admin enrols and removes
MANAGER = "U0MARC"  # who becomes Alice's manager, last: the review and /palier team
# The 1:1, privacy and export commands, as Alice (no reports, not an admin) types them.
ONE_ON_ONE_AND_PRIVACY = (
    "1on1",
    f"1on1 <@{USER}> schedule jeudi 10:00",
    "privacy export",
    "privacy delete",
    "export",
)


@dataclass
class Count:
    statements: int = 0
    transactions: int = 0
    tenant_reads: int = 0
    profile_reads: int = 0  # Slack's users.info calls


@contextmanager
def counting(engine: Engine) -> Iterator[Count]:
    """Count what ``engine`` executes inside the block (every connection, every thread)."""
    count = Count()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        count.statements += 1
        if sql.lstrip().upper().startswith("SELECT") and "FROM tenants" in sql:
            count.tenant_reads += 1

    def begin(_conn: Any) -> None:
        count.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)


def run(database_url: str) -> dict[str, Count]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    results: dict[str, Count] = {}
    with SlackEmulator(clock=ManualClock(DUE.timestamp())) as emulator:
        emulator.add_user(USER, "alice", "Alice Martin", "alice@example.fr")
        emulator.add_user(ADMIN, "admin", "Adèle Admin", "admin@example.fr", is_admin=True)
        emulator.add_user(NEWCOMER, "chloe", "Chloé Durand", "chloe@example.fr")
        settings = load_settings(
            env_file=None,
            SLACK_BOT_TOKEN=emulator.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=emulator.api_url,
        )
        listeners = ListenerExecutor()
        emulator.watch(listeners)
        palier = build_app(settings, engine=engine, clock=lambda: DUE, listener_executor=listeners)
        with session_scope(palier.core.sessions) as session:
            tenant = ensure_tenant(session, Platform.SLACK, emulator.workspace.team_id)
            user = emulator.user(USER)
            person, _ = upsert_person(session, tenant, to_profile(user.to_api(0)))
            person.referentiel_id = "account-executive"
        assert palier.ticker.tick(DUE).sent == 1
        with BoltAppServer(palier.bolt) as server:
            driver = SlackDriver(server.url, SECRET, emulator)

            def measure(name: str, request: Callable[[], object]) -> None:
                profiles = len(emulator.calls_to("users.info"))
                with counting(engine) as count:
                    request()
                    emulator.settle()
                count.profile_reads = len(emulator.calls_to("users.info")) - profiles
                results[name] = count

            def click(name: str, action_id: str) -> None:
                prompt = driver.latest_dm(USER)
                assert prompt is not None
                measure(name, lambda: driver.click(USER, prompt, action_id))

            # Snoozed, then skipped, then started anyway: the week stays open throughout.
            click("Snooze click", "checkin_snooze:evening")  # one of the snooze choices
            click("Skip click", "checkin_skip")
            click("Start click (opens the modal)", "checkin_start")
            modal = driver.modal(USER)
            assert modal is not None
            levels = {
                b["block_id"]: "junior"
                for b in modal.blocks
                if b.get("block_id", "").startswith("level:")
            }
            measure("check-in submission", lambda: driver.submit_view(USER, modal, levels))
            measure("/palier me", lambda: driver.slash_command(USER, "/palier", "me"))
            measure("App Home opened", lambda: driver.app_home_opened(USER))
            measure_admin(measure, driver)
            emulator.update_user(USER, tz="America/New_York")
            measure("user_change event", lambda: driver.user_change(USER))
            for text in ONE_ON_ONE_AND_PRIVACY:
                measure(f"/palier {text}", partial(driver.slash_command, USER, "/palier", text))
            measure("/palier log", lambda: driver.slash_command(USER, "/palier", "log"))
            log_modal = driver.modal(USER)
            assert log_modal is not None
            measure(
                "evidence competency chosen",
                lambda: driver.click(
                    USER, log_modal, action_id="ev_competency_choice", value="Closing"
                ),
            )
            chosen = driver.modal(USER)
            assert chosen is not None
            measure(
                "evidence submission",
                lambda: driver.submit_view(USER, chosen, {"ev_text": "Un deal signé"}),
            )
            measure_manager(palier, emulator, driver, measure)
        palier.close()
    engine.dispose()
    return results


def measure_admin(measure: Callable[[str, Callable[[], object]], None], driver: Any) -> None:
    """``/palier admin …`` by a workspace admin Palier does not follow."""

    def admin(text: str) -> Callable[[], object]:
        return lambda: driver.slash_command(ADMIN, "/palier", f"admin {text}")

    measure("/palier admin status", admin("status"))
    measure("/palier admin enrol", admin(f"enrol <@{NEWCOMER}|chloe> account-executive"))
    measure("/palier admin schedule", admin("schedule friday 10:00"))
    measure("/palier admin remove", admin(f"remove <@{NEWCOMER}|chloe>"))
    measure(
        "/palier admin (refused)", lambda: driver.slash_command(USER, "/palier", "admin status")
    )


def measure_manager(
    palier: Any,
    emulator: SlackEmulator,
    driver: SlackDriver,
    measure: Callable[[str, Callable[[], object]], None],
) -> None:
    """Marc becomes Alice's manager (after the requests above, which stay as they were):
    his review of Alice's check-in, a page of his weekly digest, his team summary, his
    App Home (his own page and his team's section), his help twice."""
    emulator.add_user(MANAGER, "marc", "Marc Lefèvre", "marc@example.fr")
    with session_scope(palier.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, emulator.workspace.team_id)
        marc, _ = upsert_person(session, tenant, to_profile(emulator.user(MANAGER).to_api(0)))
        marc.referentiel_id = "account-executive"
        session.flush()
        alice = find_person(session, tenant.id, USER)
        assert alice is not None
        alice.manager_id = marc.id
    measure("/palier review", lambda: driver.slash_command(MANAGER, "/palier", "review"))
    listing = emulator.ephemerals_for(MANAGER)[-1]
    button = next(b["accessory"]["action_id"] for b in listing.blocks if b.get("accessory"))
    measure("Review click (opens the modal)", lambda: driver.click(MANAGER, listing, button))
    modal = driver.modal(MANAGER)
    assert modal is not None
    measure("review submission", lambda: driver.submit_view(MANAGER, modal, {}))
    assert any("a revu" in (m.text or "") for m in emulator.dm_messages(USER))
    measure("digest page click", lambda: _digest_page(driver, emulator))
    measure("/palier team", lambda: driver.slash_command(MANAGER, "/palier", "team"))
    measure("manager's App Home opened", lambda: driver.app_home_opened(MANAGER))
    measure("/palier help", lambda: driver.slash_command(MANAGER, "/palier", "help"))
    measure("/palier help (again)", lambda: driver.slash_command(MANAGER, "/palier", "help"))


def _digest_page(driver: SlackDriver, emulator: SlackEmulator) -> object:
    """Next on this week's digest (a button a team of more than 22 gets), as Slack sends it."""
    team = emulator.workspace.team_id
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "palier-demo"},
        "user": {"id": MANAGER, "team_id": team},
        "api_app_id": "A0PALIERAPP",
        "token": "x",
        "trigger_id": emulator.issue_trigger(MANAGER),
        "response_url": emulator.issue_response_url(MANAGER, emulator.dm_channel_id(MANAGER)),
        "actions": [
            {
                "action_id": "digest_page:next",
                "block_id": "b",
                "type": "button",
                "value": "2026-W48/1",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return driver.post(body, "application/x-www-form-urlencoded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="SERVER_URL", help="also on this PostgreSQL server")
    args = parser.parse_args()
    servers: list[str | None] = [None, *([args.postgres] if args.postgres else [])]
    for server in servers:
        with fresh_database(server) as url:
            backend = "PostgreSQL" if server else "SQLite"
            for name, count in run(url).items():
                print(
                    f"{backend:10} {name:32} {count.statements:4} statements "
                    f"{count.transactions:3} transactions {count.tenant_reads:3} reads of tenants "
                    f"{count.profile_reads:2} users.info"
                )


if __name__ == "__main__":
    main()
