"""Who sees what, through Teams: Slack's matrix (``tests/slack/test_access_matrix.py``)
played by the same people in Microsoft Teams, with the same expected answers — imported
from it, so the two cannot drift — plus Teams' own paths to someone's data.

Two tenants on one emulator, one Palier (one multi-tenant bot). In Palier Demo Manon
manages Alice and Paul, Oscar manages Chloé, Ada administers Palier (her Entra object id
in ``PALIER_ADMIN_USER_IDS``: Teams tells an app nobody's admin role), Nell is known to
Palier but on no référentiel, and Sam is in Teams only: he has the app (installed while
Palier was down, so Palier never heard of him — the one way to talk to Palier and be
unknown to it). In Other Co Zara (an admin too) manages Zed and two people Palier keeps
only in its database: "Sam Double", whose Entra object id is Sam's, and "Alice Jumelle",
whose id is Alice's — Entra gives one id to one person in one tenant; the rows test
that nothing is looked up outside the asker's tenant. Everyone enrolled has
self-ratings awaiting review and one piece of evidence whose text (``EVID-<who>-<T1|T2>``)
marks their data wherever it shows.

Each viewer types every read command to Palier (someone @mentioned as the Teams client
sends it: their Teams id, found through the Connector; someone the viewer's tenant has
no such person for — another tenant's, a database-only row, nobody — by their Entra
object id, as a forged activity could) and forges the invokes nobody showed them:
``task/fetch`` for a review, a 1:1 note, an evidence's edit; ``Action.Execute`` for
"1:1 done" and an evidence's Delete. Every answer is classified, the row compared with
Slack's expected row, then with what the services answer directly for the same Teams
actor. Every refusal of a path is the same words whatever the reason, and nothing is
posted to anyone but the viewer, in their own chat with Palier.

Teams cannot send a file yet (the file-consent flow): the export's Teams answer is
classified refused or not, and the CSV the export flow would deliver to that same Teams
actor is what is compared with Slack's expected people.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app.actor import ActorRef
from bot.domain.access import Viewer, visible_people
from bot.domain.checkin import person_for
from bot.domain.one_on_one import OneOnOneRefusal, OneOnOneService
from bot.domain.one_on_one_views import Brief
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.review import ReviewService
from bot.domain.team import TeamRefusal, TeamService
from bot.i18n import Translator
from bot.views import actions
from bot.views.one_on_one import DoneValue
from emulators.teams import Message, TeamsDriver, TeamsEmulator, User
from emulators.teams.model import JsonDict
from storage.db import session_scope
from storage.models import Evidence, OneOnOne, Person, Platform, Rater, Rating, Role
from tests.slack.test_access_matrix import (
    EXPORT,
    HOME,
    HOME_EDIT,
    NA,
    ONE_ON_ONE,
    REVIEW_LIST,
    REVIEW_OPEN,
    TARGETS,
    TEAM,
    VIEWERS,
    R,
    Row,
)
from tests.teams.conftest import TeamsWorld, enrol

T2 = "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f"  # Other Co's tenant
AE = "account-executive"
COMPETENCIES = ("prospection", "qualification", "justification", "closing", "valeurs")
LEVELS = ("junior", "intermediaire", "senior")
RATED_AT = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # within the 1:1 brief's 14 days
LOGGED_AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
MISSING_ID = 987_654  # no row has this id: a forged value pointing at nothing
T = Translator("fr")


def _id(name: str) -> str:
    """A person's Entra object id (stable, so PALIER_ADMIN_USER_IDS can name it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"palier-matrix:{name}"))


@dataclass(frozen=True)
class Who:
    """Someone in the matrix (Slack's ``Who``, for Teams)."""

    other_tenant: bool  # in Other Co (else Palier Demo)
    name: str
    teams: bool = True  # a Teams user of their tenant in the emulator, the app installed
    row: bool = True  # a Person row in their tenant
    enrolled: bool = True
    manager: str | None = None
    role: Role = Role.MEMBER
    admin: bool = False  # in PALIER_ADMIN_USER_IDS
    same_id_as: str | None = None  # a database-only row whose Entra id is this person's
    heard: bool = True  # Palier heard the app's installation (Sam: it did not)

    @property
    def marker(self) -> str:
        return f"EVID-{self.name.split()[0].lower()}-{'T2' if self.other_tenant else 'T1'}"


PEOPLE: dict[str, Who] = {
    "alice": Who(False, "Alice Martin", manager="manon"),
    "paul": Who(False, "Paul Girard", manager="manon"),
    "chloe": Who(False, "Chloé Rao", manager="oscar"),
    "manon": Who(False, "Manon Leroy", role=Role.MANAGER),
    "oscar": Who(False, "Oscar Lenoir", role=Role.MANAGER),
    "ada": Who(False, "Ada Roux", admin=True),
    "nell": Who(False, "Nell Blanc", enrolled=False),
    "sam": Who(False, "Sam Noir", row=False, heard=False),
    "zara": Who(True, "Zara Klein", role=Role.MANAGER, admin=True),
    "zed": Who(True, "Zed Vogel", manager="zara"),
    "sam2": Who(True, "Sam Double", teams=False, manager="zara", same_id_as="sam"),
    "alice2": Who(True, "Alice Jumelle", teams=False, manager="zara", same_id_as="alice"),
    "nobody": Who(False, "Nobody Known", teams=False, row=False),
}
MARKERS = {key: who.marker for key, who in PEOPLE.items() if who.row}

# -- Teams' own paths, their expected answers from the policy ------------------------------
# A 1:1 note and "1:1 done" are the direct manager's acts (bot.domain.one_on_one_access.
# may_act), as reviewing is: Slack's REVIEW_OPEN row for row ("modal X": the form opens).
NOTE = REVIEW_OPEN
DONE = {
    viewer: tuple(c.replace("modal", "recorded") for c in row)
    for viewer, row in REVIEW_OPEN.items()
}
# Deleting evidence is editing it: one's own, from one's page (Slack's HOME_EDIT).
HOME_DELETE = HOME_EDIT
# ``admin status``: Palier's admins of the tenant (bot.domain.admin.is_admin).
ADMIN = {viewer: "status" if PEOPLE[row.who].admin else R for viewer, row in VIEWERS.items()}
# Erasure: one's own data, when Palier holds any (bot.app.privacy.erase_mine).
ERASE = {viewer: f"own {row.who}" if PEOPLE[row.who].row else R for viewer, row in VIEWERS.items()}

# The one refusal of each path, whatever the reason (a fragment of its words; an
# evidence's Edit and Delete, and Erase, are checked the same without: Edit says "not
# enrolled" to whoever is not, Delete answers with the viewer's own page).
ONE_ON_ONE_REFUSED = "Je n'ai pas de brief 1:1 à vous montrer pour cette personne"
REFUSALS: dict[str, str] = {
    "1on1": ONE_ON_ONE_REFUSED,
    "review_open": T("review.gone"),
    "note": ONE_ON_ONE_REFUSED,
    "done": ONE_ON_ONE_REFUSED,
    "team": "est réservé aux managers",
    "export": "L'export est réservé aux managers",
    "review": T("review.not_manager"),
    "admin": T("teams_admin.refused"),
}
# Self is a refusal of its own on the manager's acts: one is not one's own manager.
MANAGER_ONLY = "Seul le manager de cette personne peut enregistrer un 1:1"


@pytest.fixture(autouse=True)
def admins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ada and Zara administer Palier (read when the world builds its settings)."""
    ids = ",".join(_id(who.name) for who in PEOPLE.values() if who.admin)
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ids)


# -- the world ---------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The two tenants, who is who, and what the viewer was shown."""

    world: TeamsWorld
    users: dict[str, User]  # person key → Teams user
    aad: dict[str, str]  # person key → Entra object id (their platform user id)
    ids: dict[str, int]  # person key → Person id
    evidence: dict[str, int]  # person key → their evidence's id
    seen_before: dict[str, int]  # Teams user id → messages in their chat before the viewer acts
    refusals: dict[str, set[str]] = field(default_factory=dict)

    @property
    def emulator(self) -> TeamsEmulator:
        return self.world.emulator

    def tenant(self, who: Who) -> str:
        return T2 if who.other_tenant else self.emulator.tenant_id

    def refused(self, path: str, text: str) -> str:
        self.refusals.setdefault(path, set()).add(text)
        return R


def _users(world: TeamsWorld) -> tuple[dict[str, User], dict[str, str]]:
    emulator = world.emulator
    emulator.add_tenant(T2, "Other Co")
    users = {"alice": world.alice}
    for key, who in PEOPLE.items():
        if who.teams and key not in users:
            first = who.name.split()[0].lower()
            tenant = T2 if who.other_tenant else emulator.tenant_id
            users[key] = emulator.add_user(
                who.name,
                f"{first}@{tenant[:8]}.example",
                aad_object_id=_id(who.name),
                tenant_id=tenant,
            )
    aad = {key: user.aad_object_id for key, user in users.items()}
    for key, who in PEOPLE.items():
        if key not in aad:
            aad[key] = aad[who.same_id_as] if who.same_id_as else _id(who.name)
    return users, aad


def _people(
    world: TeamsWorld, users: dict[str, User], aad: dict[str, str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Everyone into the database: ratings awaiting review, one piece of evidence each."""
    for key, who in PEOPLE.items():
        if who.teams and who.row and key != "alice":  # Alice: the world's, enrolled
            enrol(world.core, users[key])
    ids: dict[str, int] = {}
    with session_scope(world.core.sessions) as session:
        other = ensure_tenant(session, Platform.TEAMS, T2, "Other Co")
        for key, who in PEOPLE.items():
            if who.row and not who.teams:  # Other Co's database-only twins
                person, _ = upsert_person(
                    session,
                    other,
                    Profile(aad[key], who.name, f"{key}@other.example", "Europe/Paris", "fr"),
                )
                person.referentiel_id = AE
        session.flush()
        rows = {
            p.platform_user_id + p.tenant.external_id: p for p in session.scalars(select(Person))
        }
        people = {}
        for key, who in PEOPLE.items():
            if who.row:
                tenant = T2 if who.other_tenant else world.emulator.tenant_id
                people[key] = rows[aad[key] + tenant]
                ids[key] = people[key].id
        evidence = {}
        for index, (key, person) in enumerate(people.items()):
            who = PEOPLE[key]
            person.display_name = who.name
            person.role = who.role
            if who.manager:
                person.manager_id = ids[who.manager]
            if not who.enrolled:
                person.referentiel_id = None  # rated once, then taken off the référentiel
            for rank, competency in enumerate(COMPETENCIES[: 1 + index % 5]):
                session.add(
                    Rating(
                        tenant_id=person.tenant_id,
                        person_id=person.id,
                        referentiel_id=AE,
                        competency_id=competency,
                        level_id=LEVELS[(index + rank) % 3],
                        rater=Rater.SELF,
                        rater_person_id=person.id,
                        rated_at=RATED_AT,
                    )
                )
            item = Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id=AE,
                competency_id="prospection",
                text=who.marker,
                created_at=LOGGED_AT,
                updated_at=LOGGED_AT,
            )
            session.add(item)
            session.flush()
            evidence[key] = item.id
    return ids, evidence


def _matrix(world: TeamsWorld) -> Matrix:
    users, aad = _users(world)
    ids, evidence = _people(world, users, aad)
    for key, user in users.items():
        if PEOPLE[key].heard:
            world.teams.install(user)  # welcomed; Palier learns their conversation
        else:
            world.emulator.install(user)  # the app is there; Palier never heard of it
    world.emulator.clear_calls()
    seen = {user.id: len(world.teams.messages(user)) for user in users.values()}
    return Matrix(world, users, aad, ids, evidence, seen)


# -- what the viewer is shown ------------------------------------------------------------------


def _seen(content: str) -> set[str]:
    """Whose data shows: their evidence marker or their name."""
    return {
        key
        for key, who in PEOPLE.items()
        if who.row and (who.marker in content or who.name in content)
    }


def _one(found: set[str], label: str) -> str:
    assert len(found) == 1, f"{label}: shows {sorted(found)}"
    return f"{label} {found.pop()}"


def _new(m: Matrix, viewer: str) -> list[Message]:
    """What Palier posted in the viewer's chat since last asked."""
    user = m.users[viewer]
    messages = m.world.teams.messages(user)
    new = [msg for msg in messages[m.seen_before[user.id] :] if msg.from_bot]
    m.seen_before[user.id] = len(messages)
    return new


def _conversation(m: Matrix, viewer: str) -> Any:
    conversation = m.emulator.conversation(
        m.emulator.personal_conversation_id(m.users[viewer]) or ""
    )
    assert conversation is not None
    return conversation


def _say(m: Matrix, viewer: str, text: str, target: str | None = None) -> list[Message]:
    """``viewer`` writes ``text`` to Palier (``target`` @mentioned after it); what Palier
    answered in their chat."""
    teams, emulator = m.world.teams, m.emulator
    if target is None:
        assert teams.send_message(m.users[viewer], text).ok
        return _new(m, viewer)
    mentioned = m.users.get(target)
    me = PEOPLE[viewer]
    if mentioned is not None and PEOPLE[target].other_tenant == me.other_tenant:
        # As the Teams client sends it: the tag, and an entity with their Teams id.
        answer = teams.send_message(
            m.users[viewer], f"{text} {teams.mention(mentioned)}", mentions=[mentioned]
        )
        assert answer.ok
        return _new(m, viewer)
    # Nobody of this name in the viewer's tenant: the entity names them by Entra id.
    name = PEOPLE[target].name
    tag = f"<at>{name}</at>"
    person = emulator.user(m.users[viewer])
    posted = emulator.post_user_message(person, f"{text} {tag}")
    activity = teams.factory.message(
        person, _conversation(m, viewer), emulator.clock(), f"{text} {tag}", posted.id
    )
    mention = {"type": "mention", "mentioned": {"id": m.aad[target], "name": name}, "text": tag}
    activity["entities"] = [mention, *activity.get("entities", [])]
    assert teams.deliver(activity).ok
    return _new(m, viewer)


def _render(messages: list[Message]) -> str:
    return "\n".join(TeamsDriver.render(message) for message in messages)


def _invoke(m: Matrix, viewer: str, name: str, value: JsonDict) -> Any:
    """A signed invoke from the viewer's chat that no card of theirs offered; its answer."""
    teams, emulator = m.world.teams, m.emulator
    activity = teams.factory.invoke(
        emulator.user(m.users[viewer]), _conversation(m, viewer), emulator.clock(), name, value
    )
    answer = teams.deliver(activity)
    assert answer.status == 200, answer.text
    return answer.body


def _fetch(m: Matrix, viewer: str, action: str, value: str) -> tuple[str, str]:
    """A forged ``task/fetch``: ("dialog", its card) or ("said", the text in its place)."""
    data = {"msteams": {"type": "task/fetch"}, "action": action, "value": value}
    body = _invoke(m, viewer, "task/fetch", m.world.teams.factory.task_value("task/fetch", data))
    task = body["task"]
    if task["type"] == "continue":
        return "dialog", json.dumps(task["value"]["card"]["content"], ensure_ascii=False)
    assert task["type"] == "message"
    return "said", str(task["value"])


def _execute(m: Matrix, viewer: str, data: JsonDict) -> Any:
    """A forged ``Action.Execute`` (``adaptiveCard/action``) with ``data``."""
    value = m.world.teams.factory.execute_value({"type": "Action.Execute"}, data)
    return _invoke(m, viewer, "adaptiveCard/action", value)


def _row(m: Matrix, key: str) -> str:
    return str(m.ids.get(key, MISSING_ID))


# -- the paths, through Teams ------------------------------------------------------------------


def _one_on_one(m: Matrix, viewer: str, target: str) -> str:
    [answer] = _say(m, viewer, "1on1", target)
    text = _render([answer])
    if REFUSALS["1on1"] in text:
        assert _seen(text) == set()
        return m.refused("1on1", text)
    if T("one_on_one.refusal.target_not_enrolled") in text:
        return "target not enrolled"
    if "Vous n'êtes pas encore inscrit·e dans Palier : pas de brief 1:1" in text:
        return "asker not enrolled"
    if "Votre brief 1:1" in text:
        return _one(_seen(text), "own")
    return _one(_seen(text), "brief")


def _review_open(m: Matrix, viewer: str, target: str) -> str:
    kind, shown = _fetch(m, viewer, actions.REVIEW_OPEN, _row(m, target))
    if kind == "dialog":
        return _one(_seen(shown), "modal")
    assert _seen(shown) == set()
    return m.refused("review_open", shown)


def _note(m: Matrix, viewer: str, target: str) -> str:
    kind, shown = _fetch(m, viewer, actions.ONE_ON_ONE_NOTE, _row(m, target))
    if kind == "dialog":
        return _one(_seen(shown), "modal")
    assert _seen(shown) == set()
    if target == viewer and MANAGER_ONLY in shown:
        return R  # about oneself: nothing of anyone else to hide
    return m.refused("note", shown)


def _done(m: Matrix, viewer: str, target: str) -> str:
    before = _count_one_on_ones(m)
    value = DoneValue(int(_row(m, target)), m.world.clock.now, None).dump()
    _execute(m, viewer, {"action": actions.ONE_ON_ONE_DONE, "value": value})
    [answer] = _new(m, viewer)
    text = _render([answer])
    if _count_one_on_ones(m) > before:
        return _one(_seen(text) - {viewer}, "recorded")
    assert _seen(text) == set()
    if target == viewer and MANAGER_ONLY in text:
        return R
    return m.refused("done", text)


def _count_one_on_ones(m: Matrix) -> int:
    with session_scope(m.world.core.sessions) as session:
        return len(session.scalars(select(OneOnOne)).all())


def _home_edit(m: Matrix, viewer: str, target: str) -> str:
    evidence = str(m.evidence.get(target, MISSING_ID))
    kind, shown = _fetch(m, viewer, actions.HOME_EVIDENCE_EDIT, evidence)
    if kind == "dialog":
        return _one({k for k, mark in MARKERS.items() if mark in shown}, "own")
    assert _seen(shown) == set()
    return m.refused("home_edit", shown)


def _home_delete(m: Matrix, viewer: str, target: str) -> str:
    evidence = m.evidence.get(target, MISSING_ID)
    body = _execute(m, viewer, {"action": actions.HOME_EVIDENCE_DELETE, "value": str(evidence)})
    with session_scope(m.world.core.sessions) as session:
        gone = session.get(Evidence, evidence) is None and target in m.evidence
    answer = json.dumps(body, ensure_ascii=False)
    if gone:
        assert PEOPLE[target].marker not in answer
        return f"own {target}"
    return m.refused("home_delete", answer)


def _me(m: Matrix, viewer: str, row: Row) -> tuple[str, ...]:
    """``moi``, then ``moi @target``: the same answer, the asker's own."""
    [mine] = _say(m, viewer, "moi")
    own = "not enrolled" if T("refusal.not_enrolled") in _render([mine]) else "own"
    if own == "own":
        assert _seen(_render([mine])) <= {viewer}

    def again(key: str) -> str:
        [answer] = _say(m, viewer, "moi", key)
        return own if answer.card == mine.card else "other"

    return _each(row, again)


def _team(m: Matrix, viewer: str) -> frozenset[str] | str:
    answers = _say(m, viewer, "équipe")
    text = _render(answers)
    tables = [t for a in answers for t in _elements(a.card, "Table")]
    if not tables:
        assert len(answers) == 1 and _seen(text) == set()
        return m.refused("team", text)
    people = {_cell(row["cells"][0]) for table in tables for row in table["rows"][1:]}
    found = frozenset(k for k, who in PEOPLE.items() if who.row and who.name in people)
    assert len(found) == len(people) and found == _seen(text)
    return found


def _elements(element: Any, kind: str) -> list[dict[str, Any]]:
    if isinstance(element, list):
        return [found for item in element for found in _elements(item, kind)]
    if not isinstance(element, dict):
        return []
    found = [f for value in element.values() for f in _elements(value, kind)]
    return [element, *found] if element.get("type") == kind else found


def _cell(cell: dict[str, Any]) -> str:
    return "".join(run["text"] for block in cell["items"] for run in block["inlines"])


def _export(m: Matrix, viewer: str) -> frozenset[str] | str:
    """The Teams answer (refused, or where to have the file), then the CSV the export flow
    builds for that same Teams actor."""
    [answer] = _say(m, viewer, "export")
    text = _render([answer])
    teams_refused = REFUSALS["export"] in text
    who = PEOPLE[viewer]
    ref = ActorRef(Platform.TEAMS, m.tenant(who), m.aad[viewer])
    outcome = m.world.flows.export.team_ratings(ref, _Itself(m.aad[viewer], who.name))
    if outcome.view is None:
        assert teams_refused, text
        return m.refused("export", text)
    assert not teams_refused and _seen(text) == set()
    rows = outcome.view.table.records()
    content = "\n".join(str(cell) for row in outcome.view.table.rows for cell in row)
    assert {row["workspace"] for row in rows} == {m.tenant(who)}
    names = {row["person"] for row in rows}
    found = frozenset(k for k, w in PEOPLE.items() if w.row and w.name in names)
    assert len(found) == len(names)
    assert all(PEOPLE[k].marker not in content for k in MARKERS if k not in found)
    return found


@dataclass(frozen=True)
class _Itself:
    """What Teams says of the one acting (their profile from the activity): the
    :class:`~bot.domain.people.Directory` of the flow called directly."""

    user_id: str
    name: str

    def profile(self, user_id: str) -> Profile | None:
        return Profile(self.user_id, self.name) if user_id == self.user_id else None

    def lookup_by_email(self, email: str) -> Profile | None:
        return None


def _review_list(m: Matrix, viewer: str) -> frozenset[str] | str:
    [answer] = _say(m, viewer, "revue")
    text = _render([answer])
    if REFUSALS["review"] in text:
        return m.refused("review", text)
    return frozenset(_seen(text))


def _home(m: Matrix, viewer: str) -> frozenset[str] | str:
    [answer] = _say(m, viewer, "accueil")
    text = _render([answer])
    seen = frozenset(_seen(text))
    if not seen and "Vous n'êtes pas encore inscrit·e" in text:
        return "not enrolled"
    return seen


def _admin(m: Matrix, viewer: str) -> str:
    [answer] = _say(m, viewer, "admin status")
    text = _render([answer])
    if REFUSALS["admin"] in text:
        return m.refused("admin", text)
    assert text.startswith("Palier dans votre organisation")
    same_tenant = {
        k for k, who in PEOPLE.items() if who.other_tenant == PEOPLE[viewer].other_tenant
    }
    assert _seen(text) <= same_tenant, text  # only their own tenant's people named
    return "status"


def _erase(m: Matrix, viewer: str) -> str:
    teams = m.world.teams
    [question] = _say(m, viewer, "privacy delete")
    if "Tout effacer" not in teams.buttons(question):
        text = _render([question])
        assert _seen(text) == set()
        return m.refused("erase", text)
    assert teams.click(m.users[viewer], question, "Effacer").status == 200
    with session_scope(m.world.core.sessions) as session:
        left = {e.text for e in session.scalars(select(Evidence))}
        erased = [k for k, mark in MARKERS.items() if mark not in left]
    assert erased == [viewer] or (erased == [] and viewer not in m.evidence)
    return f"own {viewer}"


def _each(row: Row, ask: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(NA if key is None else ask(key) for key in row.targets)


# -- the same questions, to the services directly ----------------------------------------------


def _services(m: Matrix, viewer: str, row: Row) -> dict[str, Any]:
    world = m.world
    catalog = world.core.referentiels
    review_service = ReviewService(catalog)
    now = world.clock.now
    who = PEOPLE[viewer]
    tenant, admin = m.tenant(who), who.admin
    with session_scope(world.core.sessions) as session:
        me = person_for(session, Platform.TEAMS, tenant, m.aad[viewer])
        teams = TeamService(catalog, platform=Platform.TEAMS)
        overview = teams.overview(session, tenant, m.aad[viewer], now, is_admin=admin)
        team: frozenset[str] | str = (
            R
            if isinstance(overview, TeamRefusal)
            else frozenset(_key_of(session, r.person_id) for r in overview.reports)
        )
        visible = visible_people(session, Viewer(me, is_admin=admin)) if me else []
        export: frozenset[str] | str = (
            frozenset(_key_of(session, p.id) for p in visible) if len(visible) > 1 else R
        )
        one_on_ones = OneOnOneService(catalog, platform=Platform.TEAMS)
        briefs, reviews = [], []
        for key in row.targets:
            if key is None:
                briefs.append(NA)
                reviews.append(NA)
                continue
            brief = one_on_ones.brief(
                session, tenant, m.aad[viewer], m.aad[key], now, is_admin=admin
            )
            briefs.append(_brief_label(session, brief))
            target = session.get(Person, int(_row(m, key)))
            allowed = (
                me is not None
                and target is not None
                and review_service.may_review(session, Viewer(me, admin), target)
            )
            pending = review_service.pending_for(session, target) if target else None
            reviews.append(
                f"modal {_key_of(session, target.id)}"
                if allowed and target and pending and pending.pending
                else R
            )
    return {"team": team, "export": export, "1on1": tuple(briefs), "review_open": tuple(reviews)}


def _key_of(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    assert person is not None
    [key] = [k for k, who in PEOPLE.items() if who.row and who.name == person.display_name]
    return key


def _brief_label(session: Session, brief: Brief | OneOnOneRefusal) -> str:
    labels = {
        OneOnOneRefusal.UNAVAILABLE: R,
        OneOnOneRefusal.TARGET_NOT_ENROLLED: "target not enrolled",
        OneOnOneRefusal.NOT_ENROLLED: "asker not enrolled",
    }
    if isinstance(brief, OneOnOneRefusal):
        return labels[brief]
    return f"{'own' if brief.own else 'brief'} {_key_of(session, brief.report.person_id)}"


# -- the matrix --------------------------------------------------------------------------------


def _differences(shown: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    lines = []
    for path, cells in shown.items():
        if isinstance(cells, tuple) and len(cells) == len(TARGETS):
            pairs = zip(TARGETS, cells, expected[path], strict=True)
            lines += [f"{path} × {t}: {a!r} != {b!r}" for t, a, b in pairs if a != b]
        elif cells != expected[path]:
            lines.append(f"{path}: {cells!r} != {expected[path]!r}")
    return lines


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_who_sees_what_in_teams(world: TeamsWorld, viewer: str) -> None:
    row = VIEWERS[viewer]
    me = row.who
    m = _matrix(world)

    reads = {
        "1on1": _each(row, lambda k: _one_on_one(m, me, k)),
        "review_open": _each(row, lambda k: _review_open(m, me, k)),
        "note": _each(row, lambda k: _note(m, me, k)),
        "home_edit": _each(row, lambda k: _home_edit(m, me, k)),
        "me": _me(m, me, row),
        "team": _team(m, me),
        "export": _export(m, me),
        "review": _review_list(m, me),
        "home": _home(m, me),
        "admin": _admin(m, me),
    }
    own = "own" if PEOPLE[me].row and PEOPLE[me].enrolled else "not enrolled"
    expected = {
        "1on1": ONE_ON_ONE[viewer],
        "review_open": REVIEW_OPEN[viewer],
        "note": NOTE[viewer],
        "home_edit": HOME_EDIT[viewer],
        "me": tuple(NA if key is None else own for key in row.targets),
        "team": TEAM[viewer],
        "export": EXPORT[viewer],
        "review": REVIEW_LIST[viewer],
        "home": HOME[viewer],
        "admin": ADMIN[viewer],
    }
    assert _differences(reads, expected) == []
    # The services answer the same on their own, given who is asking.
    assert _differences(_services(m, me, row), reads) == []

    # What changes data, last: one's own only.
    writes = {
        "done": _each(row, lambda k: _done(m, me, k)),
        "home_delete": _each(row, lambda k: _home_delete(m, me, k)),
        "erase": _erase(m, me),
    }
    expected = {"done": DONE[viewer], "home_delete": HOME_DELETE[viewer], "erase": ERASE[viewer]}
    assert _differences(writes, expected) == []

    # Leaks nothing: on each path, every refusal is the same words, whatever the reason.
    for path, texts in m.refusals.items():
        assert len(texts) == 1, (path, texts)
        fragment = REFUSALS.get(path)
        if fragment is not None:
            assert fragment in next(iter(texts)), (path, texts)

    # Private: nothing was posted to anyone but the viewer, in their own chat.
    for key, user in m.users.items():
        if key != me:
            assert len(world.teams.messages(user)) == m.seen_before[user.id], key
    mine = world.emulator.personal_conversation_id(m.users[me])
    for call in world.emulator.calls:
        if call.operation in ("send", "reply", "update", "delete"):
            assert call.conversation_id == mine, call
