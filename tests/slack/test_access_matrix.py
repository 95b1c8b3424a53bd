"""Who sees what (issue #5): one matrix of viewers × targets × read paths, end to end.

Two workspaces on one database. In Palier Demo (``T0PALIER``) Manon manages Alice
and Paul, Oscar manages Chloé, Ada is a workspace admin (Slack's ``is_admin``) with
no reports, Nell is known to Palier but on no référentiel, and Sam is in Slack only.
In Other Co (``T0OTHER``, served by its own Palier process with its own bot token)
Zara, a workspace admin, manages Zed and two people Palier keeps only in its
database: "Sam Double", whose Slack user id is Sam's (``U0SAM``), and "Alice Jumelle",
whose id is Alice's (``U0ALICE``) — the emulator refuses one user id in two
workspaces, Enterprise Grid does not. Everyone enrolled has self-ratings awaiting
review and one piece of evidence whose text (``EVID-<who>-<workspace>``) marks their
data wherever it shows.

Each viewer (one World each) types every read command in a channel and forges the
buttons nobody showed them; every answer is classified and the whole row compared
with the expected one below, then with what the services answer when called
directly with the same viewer and targets. Every refusal of a path is the same
bytes, whatever the reason (not allowed, unknown id, in Slack but unknown to Palier,
known but not enrolled, another workspace); it is ephemeral, and nothing reaches a
channel, another person's DM or another person's Home.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session

from bot.domain.access import Viewer, visible_people
from bot.domain.checkin import CheckinService, Refusal, person_for
from bot.domain.exports import COLUMNS
from bot.domain.one_on_one import Brief, OneOnOneRefusal, OneOnOneService
from bot.domain.people import ensure_tenant
from bot.domain.review import ReviewService
from bot.domain.team import TeamRefusal, TeamService
from emulators.slack import SlackDriver
from emulators.slack.server import Message, View
from handlers.slack.builders.summary_builder import summary_text
from handlers.slack.markup import slack_translator
from storage.models import Evidence, Person, Platform, Rater, Rating, Role
from tests.slack.conftest import BOB, DAVID, SIGNING_SECRET, World
from tests.spreadsheets import xlsx_rows

T1, T2 = "T0PALIER", "T0OTHER"
SALES = {T1: "C0SALES", T2: "C0OTHERSALES"}
AE = "account-executive"
COMPETENCIES = ("prospection", "qualification", "justification", "closing", "valeurs")
LEVELS = ("junior", "intermediaire", "senior")
RATED_AT = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # within the 1:1 brief's 14 days
LOGGED_AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
MISSING_ID = 987_654  # no row has this id: a forged value pointing at nothing
T = slack_translator("fr")


@dataclass(frozen=True)
class Who:
    """Someone in the matrix: where they are, in Slack and in Palier's database."""

    team: str
    user_id: str
    name: str
    slack: bool = True  # a Slack user of ``team`` in the emulator
    row: bool = True  # a Person row in ``team``'s tenant
    enrolled: bool = True  # that row has a référentiel
    manager: str | None = None
    role: Role = Role.MEMBER
    slack_admin: bool = False

    @property
    def marker(self) -> str:
        return f"EVID-{self.name.split()[0].lower()}-{'T1' if self.team == T1 else 'T2'}"


PEOPLE: dict[str, Who] = {
    "alice": Who(T1, "U0ALICE", "Alice Martin", manager="manon"),
    "paul": Who(T1, "U0PAUL", "Paul Girard", manager="manon"),
    "chloe": Who(T1, "U0CHLOE", "Chloé Rao", manager="oscar"),
    "manon": Who(T1, "U0MANON", "Manon Leroy", role=Role.MANAGER),
    "oscar": Who(T1, "U0OSCAR", "Oscar Lenoir", role=Role.MANAGER),
    "ada": Who(T1, "U0ADA", "Ada Roux", slack_admin=True),
    "nell": Who(T1, "U0NELL", "Nell Blanc", enrolled=False),  # known, on no référentiel
    "sam": Who(T1, "U0SAM", "Sam Noir", row=False),  # in Slack, unknown to Palier here
    "zara": Who(T2, "U0ZARA", "Zara Klein", role=Role.MANAGER, slack_admin=True),
    "zed": Who(T2, "U0ZED", "Zed Vogel", manager="zara"),
    "sam2": Who(T2, "U0SAM", "Sam Double", slack=False, manager="zara"),  # Sam's id
    "alice2": Who(T2, "U0ALICE", "Alice Jumelle", slack=False, manager="zara"),  # Alice's id
    "nobody": Who(T1, "U0NOBODY", "Nobody Known", slack=False, row=False),
}
MARKERS = {key: who.marker for key, who in PEOPLE.items() if who.row}

TARGETS = ("self", "report", "peer", "other_team", "other_ws", "same_id", "unknown", "not_enrolled")


@dataclass(frozen=True)
class Row:
    """One viewer: who they are, who each kind of target is for them (None: no such person)."""

    who: str
    targets: tuple[str | None, ...]


VIEWERS: dict[str, Row] = {
    "member": Row("paul", ("paul", None, "alice", "chloe", "zed", "sam2", "nobody", "nell")),
    "manager": Row("manon", ("manon", "alice", "oscar", "chloe", "zed", "sam2", "nobody", "nell")),
    "other_manager": Row(
        "oscar", ("oscar", "chloe", "manon", "alice", "zed", "sam2", "nobody", "nell")
    ),
    "admin": Row("ada", ("ada", None, "manon", "alice", "zed", "sam2", "nobody", "nell")),
    # Zara's "same id" is Alice of Palier Demo: ``<@U0ALICE>`` is Alice Jumelle in Other Co.
    "other_admin": Row("zara", ("zara", "zed", None, None, "chloe", "alice", "nobody", "nell")),
    # Two more askers: in Slack but unknown to Palier, and known but not enrolled.
    "stranger": Row("sam", ("sam", None, None, "alice", "zed", "sam2", "nobody", "nell")),
    "not_enrolled": Row("nell", ("nell", None, None, "alice", "zed", "sam2", "nobody", None)),
}

# -- the expected matrix -----------------------------------------------------------------------
# Per target (TARGETS order; "-" where the viewer has no such person):
#   /palier 1on1 <@target>: "own X" (one's own prep), "brief X", "refused",
#     "target not enrolled" (someone the viewer may see, on no référentiel),
#     "asker not enrolled" (one's own prep when Palier does not follow the asker);
#   a forged review_open:<target's person id>: "modal X" or "refused";
#   a forged home_ev_edit:<target's evidence id> on the Home: "own X" or "refused";
#   /palier me <@target>: "own" (exactly what /palier me shows) or "not enrolled".
# Per viewer: /palier team, /palier export (the CSV's people), /palier review (the list),
# the App Home (whose evidence it shows): the people seen, or "refused" / "not enrolled".

R, NA = "refused", "-"
ONE_ON_ONE: dict[str, tuple[str, ...]] = {
    "member": ("own paul", NA, R, R, R, R, R, R),
    "manager": ("own manon", "brief alice", R, R, R, R, R, R),
    "other_manager": ("own oscar", "brief chloe", R, R, R, R, R, R),
    "admin": ("own ada", NA, "brief manon", "brief alice", R, R, R, "target not enrolled"),
    "other_admin": ("own zara", "brief zed", NA, NA, R, "brief alice2", R, R),
    "stranger": ("asker not enrolled", NA, NA, R, R, "asker not enrolled", R, R),
    "not_enrolled": ("asker not enrolled", NA, NA, R, R, R, R, NA),
}
REVIEW_OPEN: dict[str, tuple[str, ...]] = {
    "member": (R, NA, R, R, R, R, R, R),
    "manager": (R, "modal alice", R, R, R, R, R, R),
    "other_manager": (R, "modal chloe", R, R, R, R, R, R),
    # Reviewing is the direct manager's act: an admin reads the workspace but does not
    # review people who are not their reports (Zara reviews Zed as his manager).
    "admin": (R, NA, R, R, R, R, R, R),
    "other_admin": (R, "modal zed", NA, NA, R, R, R, R),
    "stranger": (R, NA, NA, R, R, R, R, R),
    "not_enrolled": (R, NA, NA, R, R, R, R, NA),
}
HOME_EDIT: dict[str, tuple[str, ...]] = {
    "member": ("own paul", NA, R, R, R, R, R, R),
    "manager": ("own manon", R, R, R, R, R, R, R),
    "other_manager": ("own oscar", R, R, R, R, R, R, R),
    "admin": ("own ada", NA, R, R, R, R, R, R),
    "other_admin": ("own zara", R, NA, NA, R, R, R, R),
    "stranger": (R, NA, NA, R, R, R, R, R),
    "not_enrolled": (R, NA, NA, R, R, R, R, NA),
}
T1_ALL = frozenset({"ada", "alice", "chloe", "manon", "nell", "oscar", "paul"})
T2_TEAM = frozenset({"zed", "sam2", "alice2"})
TEAM: dict[str, frozenset[str] | str] = {
    "member": R,
    "manager": frozenset({"alice", "paul"}),
    "other_manager": frozenset({"chloe"}),
    "admin": R,  # an admin's team is their own reports; the workspace is the export
    "other_admin": T2_TEAM,
    "stranger": R,
    "not_enrolled": R,
}
EXPORT: dict[str, frozenset[str] | str] = {
    "member": R,
    "manager": frozenset({"manon", "alice", "paul"}),
    "other_manager": frozenset({"oscar", "chloe"}),
    "admin": T1_ALL,
    "other_admin": T2_TEAM | {"zara"},
    "stranger": R,
    "not_enrolled": R,
}
REVIEW_LIST: dict[str, frozenset[str] | str] = {
    "member": R,
    "manager": frozenset({"alice", "paul"}),
    "other_manager": frozenset({"chloe"}),
    "admin": R,  # direct reports only, as for the forged clicks (see REVIEW_OPEN)
    "other_admin": T2_TEAM,
    "stranger": R,
    "not_enrolled": R,
}
# One's own page; a manager's has their team too (its names: issue #10), the team view's.
HOME: dict[str, frozenset[str] | str] = {
    **{
        name: frozenset({row.who}) | (team if isinstance(team := TEAM[name], frozenset) else set())
        for name, row in VIEWERS.items()
    },
    "stranger": "not enrolled",
    "not_enrolled": "not enrolled",
}

# The one refusal of each path, whatever the reason.
REFUSALS = {
    "1on1": T("one_on_one.refusal.unavailable"),
    "review_open": T("review.gone"),
    "team": T("team.refused"),
    "export": T("privacy.export_refused"),
    "review": T("review.not_manager"),
}


# -- the world ---------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The two workspaces, their Palier processes, and what the viewer was shown."""

    world: World
    drivers: dict[str, SlackDriver]
    ids: dict[str, int]  # person key → Person id
    evidence: dict[str, int]  # person key → their evidence's id
    ephemeral_answers: int = 0
    exports: int = 0
    team_tables: int = 0  # /palier team's messages, each a table in the viewer's DM
    refusals: dict[str, set[str]] = field(default_factory=dict)

    def refused(self, path: str, text: str) -> str:
        self.refusals.setdefault(path, set()).add(text)
        return R


def _people(world: World) -> tuple[dict[str, int], dict[str, int]]:
    """Everyone into the emulator and the database; ratings awaiting review, evidence."""
    emulator = world.emulator
    emulator.add_workspace(T2, "Other Co")
    for who in PEOPLE.values():
        if not who.slack:
            continue
        first = who.name.split()[0].lower()
        if who.user_id in ("U0ALICE", "U0CHLOE"):  # already there (tests/slack/conftest.py)
            continue
        emulator.add_user(
            who.user_id, first, who.name, f"{first}@{who.team.lower()}.example", team_id=who.team
        )
        if who.slack_admin:
            emulator.update_user(who.user_id, is_admin=True)
    for team, channel in SALES.items():
        members = [w.user_id for w in PEOPLE.values() if w.slack and w.team == team]
        emulator.add_channel(channel, "ventes", members=members, team_id=team)
    ids: dict[str, int] = {}
    for key, who in PEOPLE.items():
        if who.slack and who.row:
            ids[key] = world.enrol(who.user_id, role=who.role)
    with world.session() as session, session.begin():
        other = ensure_tenant(session, Platform.SLACK, T2, "Other Co")
        for key, who in PEOPLE.items():
            if who.row and not who.slack:  # the database-only twins of Other Co
                person = Person(
                    tenant_id=other.id,
                    platform_user_id=who.user_id,
                    display_name=who.name,
                    email=f"{key}@other.example",
                    locale="fr",
                    timezone="Europe/Paris",
                    referentiel_id=AE,
                    active=True,
                )
                session.add(person)
                session.flush()
                ids[key] = person.id
        people = {key: session.get(Person, person_id) for key, person_id in ids.items()}
        evidence = {}
        for index, (key, found) in enumerate(people.items()):
            assert found is not None
            person = found
            who = PEOPLE[key]
            person.display_name = who.name
            if who.manager:
                person.manager_id = ids[who.manager]
            if not who.enrolled:
                person.referentiel_id = None  # rated once, then taken off the référentiel
            # Everyone's own levels (1 to 5 competencies, levels shifted): no two summaries alike.
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


def _matrix(world: World, viewer: Who) -> Matrix:
    """The world for one viewer: Other Co gets its own Palier only when the viewer is there."""
    ids, evidence = _people(world)
    drivers = {T1: world.driver}
    if viewer.team == T2:
        # Other Co's Palier: the same app and database, Other Co's bot token.
        world.process(SLACK_BOT_TOKEN=world.emulator.workspace_of(T2).bot_token)
        drivers[T2] = SlackDriver(world.servers[-1].url, SIGNING_SECRET, world.emulator)
    world.emulator.clear_calls()
    return Matrix(world, drivers, ids, evidence)


# -- what the viewer is shown ------------------------------------------------------------------


def _content(item: Message | View) -> str:
    if isinstance(item, Message):
        return json.dumps([item.text, item.blocks, item.attachments], ensure_ascii=False)
    return json.dumps(item.data.get("blocks"), ensure_ascii=False)


def _seen(item: Message | View) -> set[str]:
    """Whose data shows: their evidence marker or their name."""
    content = _content(item)
    return {
        key
        for key, who in PEOPLE.items()
        if who.row and (who.marker in content or who.name in content)
    }


def _one(found: set[str], label: str) -> str:
    assert len(found) == 1, f"{label}: shows {sorted(found)}"
    return f"{label} {found.pop()}"


def _new_ephemeral(m: Matrix, user: str, seen: int) -> Message:
    emulator = m.world.emulator
    [message] = emulator.wait_for(lambda: emulator.ephemerals_for(user)[seen:] or None)
    m.ephemeral_answers += 1
    assert message.ephemeral_for == user
    return message


def _command(m: Matrix, viewer: Who, text: str) -> Message:
    """``/palier <text>`` typed in the viewer's sales channel; the one ephemeral answer."""
    seen = len(m.world.emulator.ephemerals_for(viewer.user_id))
    answer = m.drivers[viewer.team].slash_command(
        viewer.user_id, "/palier", text, channel_id=SALES[viewer.team]
    )
    assert answer.ok and answer.within_deadline
    message = _new_ephemeral(m, viewer.user_id, seen)
    assert message.channel == SALES[viewer.team]
    return message


def _forge(m: Matrix, viewer: Who, action_id: str, value: str) -> Message | View:
    """A signed click on a button nobody showed the viewer (``World.forge_click``, in the
    viewer's own workspace): the ephemeral answer, or the modal it opened."""
    emulator = m.world.emulator
    seen = len(emulator.ephemerals_for(viewer.user_id))
    opened = len(emulator.calls_to("views.open"))
    payload = {
        "type": "block_actions",
        "team": {"id": viewer.team, "domain": viewer.team.lower()},
        "user": {"id": viewer.user_id, "team_id": viewer.team},
        "api_app_id": "A0PALIERAPP",
        "token": "x",
        "trigger_id": emulator.issue_trigger(viewer.user_id),
        "response_url": emulator.issue_response_url(
            viewer.user_id, emulator.dm_channel_id(viewer.user_id)
        ),
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert m.drivers[viewer.team].post(body, "application/x-www-form-urlencoded").ok

    def answered() -> Message | View | None:
        if len(emulator.ephemerals_for(viewer.user_id)) > seen:
            return _new_ephemeral(m, viewer.user_id, seen)
        calls = emulator.calls_to("views.open")
        if len(calls) > opened:
            assert [c.ok for c in calls[opened:]] == [True]
            return emulator.open_views(viewer.user_id)[-1]
        return None

    found = cast(Message | View, emulator.wait_for(answered))
    if isinstance(found, Message):
        assert found.channel == emulator.dm_channel_id(viewer.user_id)
    return found


def _mention(who: Who) -> str:
    return f"<@{who.user_id}|{who.name.split()[0].lower()}>"


def _target_row(m: Matrix, key: str) -> int:
    return m.ids.get(key, MISSING_ID)


# -- the paths, through Slack ------------------------------------------------------------------


def _slack_one_on_one(m: Matrix, viewer: Who, target: Who) -> str:
    message = _command(m, viewer, f"1on1 {_mention(target)}")
    text = message.text or ""
    labels = {
        REFUSALS["1on1"]: R,
        T("one_on_one.refusal.target_not_enrolled"): "target not enrolled",
        T("one_on_one.refusal.not_enrolled"): "asker not enrolled",
    }
    if text in labels:
        assert _seen(message) == set()
        return m.refused("1on1", text) if labels[text] == R else labels[text]
    if text == T("one_on_one.fallback_own"):
        return _one(_seen(message), "own")
    label = _one(_seen(message), "brief")
    assert text == T("one_on_one.fallback", name=PEOPLE[label.split()[1]].name)
    return label


def _slack_review_open(m: Matrix, viewer: Who, target: str) -> str:
    found = _forge(m, viewer, f"review_open:{_target_row(m, target)}", str(_target_row(m, target)))
    if isinstance(found, View):
        assert found.callback_id == "review_submit"
        m.world.emulator.close_view(viewer.user_id, found.id)
        return _one(_seen(found), "modal")
    assert _seen(found) == set()
    return m.refused("review_open", found.text or "")


def _slack_home_edit(m: Matrix, viewer: Who, target: str) -> str:
    evidence = m.evidence.get(target, MISSING_ID)
    found = _forge(m, viewer, f"home_ev_edit:{evidence}", str(evidence))
    assert isinstance(found, View), "the Home answers its buttons with a modal"
    m.world.emulator.close_view(viewer.user_id, found.id)
    if found.callback_id == "home_notice":
        assert _seen(found) == set()
        return m.refused("home_edit", _content(found))
    return _one({k for k, mark in MARKERS.items() if mark in _content(found)}, "own")


def _slack_team(m: Matrix, viewer: Who) -> frozenset[str] | str:
    emulator = m.world.emulator
    seen = len(emulator.dm_messages(viewer.user_id))
    message = _command(m, viewer, "team")
    if message.text == REFUSALS["team"]:
        assert len(emulator.dm_messages(viewer.user_id)) == seen
        return m.refused("team", message.text)
    # The tables came to the viewer's own DM, in attachments (Slack's only place for them).
    [posted] = emulator.dm_messages(viewer.user_id)[seen:]
    m.team_tables += 1
    assert _seen(message) == set() and not posted.is_ephemeral
    tables = [b for a in posted.attachments or [] for b in a["blocks"] if b["type"] == "table"]
    people = {row[0]["text"] for table in tables for row in table["rows"][1:]}
    found = frozenset(k for k, who in PEOPLE.items() if who.row and who.name in people)
    assert len(found) == len(people) and found == _seen(posted)
    return found


def _slack_export(m: Matrix, viewer: Who) -> frozenset[str] | str:
    emulator = m.world.emulator
    message = _command(m, viewer, "export")
    if message.text == REFUSALS["export"]:
        assert len(emulator.files) == m.exports
        return m.refused("export", message.text)
    assert message.text == T("privacy.sent_to_dm")
    m.exports += 1
    files = emulator.files
    assert len(files) == m.exports
    assert files[-1].channels == [emulator.dm_channel_id(viewer.user_id)]
    # The workbook's rows by column id (its header is in the viewer's words).
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in xlsx_rows(files[-1].content)[1:]]
    assert {row["workspace"] for row in rows} == {viewer.team}
    names = {row["person"] for row in rows}
    found = frozenset(k for k, who in PEOPLE.items() if who.row and who.name in names)
    assert len(found) == len(names)
    content = "\n".join(str(cell) for row in rows for cell in row.values())
    assert all(PEOPLE[k].marker not in content for k in MARKERS if k not in found)
    return found


def _slack_review_list(m: Matrix, viewer: Who) -> frozenset[str] | str:
    message = _command(m, viewer, "review")
    if message.text == REFUSALS["review"]:
        return m.refused("review", message.text)
    return frozenset(_seen(message))


def _slack_home(m: Matrix, viewer: Who) -> frozenset[str] | str:
    emulator = m.world.emulator
    assert m.drivers[viewer.team].app_home_opened(viewer.user_id).ok
    home = emulator.wait_for(lambda: emulator.home_view(viewer.user_id))
    seen = frozenset(_seen(home))
    if not seen and T("home.not_enrolled.title") in _content(home):
        return "not enrolled"
    return seen


def _slack_me(m: Matrix, viewer: Who, row: Row) -> tuple[str, ...]:
    """``/palier me``, then ``/palier me <@target>``: the same answer, the asker's own."""
    mine = _command(m, viewer, "me")
    if mine.text == T("refusal.not_enrolled"):
        own = "not enrolled"
    else:
        own = "own"
        checkins = CheckinService(m.world.palier.core.referentiels)
        with m.world.session() as session:
            summary = checkins.summary(session, viewer.team, viewer.user_id, m.world.now())
            assert not isinstance(summary, Refusal)
            assert mine.text == summary_text(summary, T)

    def again(key: str) -> str:
        answer = _command(m, viewer, f"me {_mention(PEOPLE[key])}")
        return own if (answer.text, answer.blocks) == (mine.text, mine.blocks) else "other"

    return _each(row, again)


# -- the same questions, to the services directly ----------------------------------------------


def _services(m: Matrix, viewer: Who, row: Row) -> dict[str, Any]:
    world = m.world
    catalog = world.palier.core.referentiels
    review_service = ReviewService(catalog)
    now = world.now()
    admin = viewer.slack_admin
    with world.session() as session:
        me = person_for(session, Platform.SLACK, viewer.team, viewer.user_id)
        overview = TeamService(catalog).overview(
            session, viewer.team, viewer.user_id, now, is_admin=admin
        )
        team: frozenset[str] | str = (
            R
            if isinstance(overview, TeamRefusal)
            else frozenset(_key_of(session, r.person_id) for r in overview.reports)
        )
        visible = visible_people(session, Viewer(me, is_admin=admin)) if me else []
        export: frozenset[str] | str = (
            frozenset(_key_of(session, p.id) for p in visible) if len(visible) > 1 else R
        )
        briefs, reviews = [], []
        for key in row.targets:
            if key is None:
                briefs.append(NA)
                reviews.append(NA)
                continue
            brief = OneOnOneService(catalog).brief(
                session, viewer.team, viewer.user_id, PEOPLE[key].user_id, now, is_admin=admin
            )
            briefs.append(_brief_label(session, brief))
            target = session.get(Person, _target_row(m, key))
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
    [key] = [
        k
        for k, who in PEOPLE.items()
        if who.row and who.user_id == person.platform_user_id and who.name == person.display_name
    ]
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
    """One line per cell that differs: path, target, what was shown, what was expected."""
    lines = []
    for path, cells in shown.items():
        if isinstance(cells, tuple) and len(cells) == len(TARGETS):
            pairs = zip(TARGETS, cells, expected[path], strict=True)
            lines += [f"{path} × {t}: {a!r} != {b!r}" for t, a, b in pairs if a != b]
        elif cells != expected[path]:
            lines.append(f"{path}: {cells!r} != {expected[path]!r}")
    return lines


def _each(row: Row, ask: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(NA if key is None else ask(key) for key in row.targets)


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_who_sees_what(world: World, viewer: str) -> None:
    row = VIEWERS[viewer]
    me = PEOPLE[row.who]
    m = _matrix(world, me)
    emulator = m.world.emulator

    shown = {
        "1on1": _each(row, lambda k: _slack_one_on_one(m, me, PEOPLE[k])),
        "review_open": _each(row, lambda k: _slack_review_open(m, me, k)),
        "home_edit": _each(row, lambda k: _slack_home_edit(m, me, k)),
        "me": _slack_me(m, me, row),
        "team": _slack_team(m, me),
        "export": _slack_export(m, me),
        "review": _slack_review_list(m, me),
        "home": _slack_home(m, me),
    }
    own = "own" if me.row and me.enrolled else "not enrolled"
    expected = {
        "1on1": ONE_ON_ONE[viewer],
        "review_open": REVIEW_OPEN[viewer],
        "home_edit": HOME_EDIT[viewer],
        "me": tuple(NA if key is None else own for key in row.targets),
        "team": TEAM[viewer],
        "export": EXPORT[viewer],
        "review": REVIEW_LIST[viewer],
        "home": HOME[viewer],
    }
    assert _differences(shown, expected) == []

    # Leaks nothing: on each path, every refusal is the same bytes, whatever the reason.
    for path, texts in m.refusals.items():
        if path == "home_edit":
            assert len(texts) == 1, texts  # a notice modal on the Home, the same one
        else:
            assert texts == {REFUSALS[path]}, path

    # Private: only the viewer was shown anything, and only in ephemerals, their own
    # modals and Home, and (exports, team tables) their own DM.
    assert len(emulator.ephemerals_for(me.user_id)) == m.ephemeral_answers
    everyone = {who.user_id for who in PEOPLE.values() if who.slack} | {BOB, DAVID}
    for user in everyone - {me.user_id}:
        assert emulator.ephemerals_for(user) == []
        assert emulator.dm_messages(user) == []
        assert emulator.home_view(user) is None
        assert emulator.open_views(user) == []
    for channel in SALES.values():
        assert emulator.messages_in(channel) == []
    posted = emulator.calls_to("chat.postMessage")
    assert [c.params.get("channel") for c in posted] == [emulator.dm_channel_id(me.user_id)] * (
        m.team_tables
    )
    assert emulator.calls_to("chat.postEphemeral") == []
    assert len(emulator.dm_messages(me.user_id)) == m.exports + m.team_tables
    assert all(f.channels == [emulator.dm_channel_id(me.user_id)] for f in emulator.files)
    assert {c.params.get("user_id") for c in emulator.calls_to("views.publish")} == {me.user_id}

    # The services answer the same on their own, given who is asking (and what the
    # platform says of them), not what a handler filtered first.
    services = _services(m, me, row)
    assert _differences(services, shown) == []
