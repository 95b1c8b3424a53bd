"""``palier privacy export|delete --platform teams``: an operator acts for someone Palier
knows from Microsoft Teams (their tenant and Entra object id) — what a person asking
for their data in Teams, where no file can be sent yet, is told to ask for."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.domain.people import Profile, ensure_tenant, upsert_person
from handlers.cli import main
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Platform

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ALICE = "0a1b2c3d-0000-4000-8000-00000000a11c"


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'palier.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        tenant = ensure_tenant(session, Platform.TEAMS, TENANT)
        person, _ = upsert_person(session, tenant, Profile(ALICE, "Alice Martin"))
        person.referentiel_id = "account-executive"
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)


def _palier(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_an_operator_exports_and_erases_someone_known_from_teams(database: None) -> None:
    who = ("--workspace", TENANT, "--user", ALICE)
    status, out, _ = _palier("privacy", "export", "--platform", "teams", *who)
    assert status == 0 and json.loads(out)["profile"]["display_name"] == "Alice Martin"
    assert _palier("privacy", "export", *who)[0] == 1  # not a Slack person
    status, out, _ = _palier("privacy", "delete", "--platform", "teams", *who, "--yes")
    assert status == 0
    status, out, _ = _palier("privacy", "export", "--platform", "teams", *who)
    assert json.loads(out)["profile"]["display_name"] is None
