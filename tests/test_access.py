"""The authorization policy as a matrix: viewer role × target × setting (SQLite and PostgreSQL).

The reporting lines: Marion manages Alice and Bruno; Alice manages Chloé (an indirect
report of Marion); Dan is in another team; Eve is an admin; in a second workspace,
Zoé has the same Slack user id as Alice.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.domain.access import (
    Relation,
    Scope,
    Viewer,
    livret_recipient,
    may_receive_livret,
    reports_of,
    scope_over,
    viewer_for,
    visible_people,
)
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import Translator
from storage.db import make_session_factory
from storage.models import Person, Platform, Role
from tests.support.company import statements


@pytest.fixture
def people(migrated_engine: Engine) -> Iterator[dict[str, Person]]:
    session = make_session_factory(migrated_engine)()
    one = ensure_tenant(session, Platform.SLACK, "T1")
    two = ensure_tenant(session, Platform.SLACK, "T2")
    made: dict[str, Person] = {}
    for name, tenant, user in [
        ("marion", one, "UMARION"),
        ("alice", one, "UALICE"),
        ("bruno", one, "UBRUNO"),
        ("chloe", one, "UCHLOE"),
        ("dan", one, "UDAN"),
        ("eve", one, "UEVE"),
        ("zoe", two, "UALICE"),
    ]:
        made[name], _ = upsert_person(session, tenant, Profile(user, display_name=name))
    made["alice"].manager_id = made["marion"].id
    made["bruno"].manager_id = made["marion"].id
    made["chloe"].manager_id = made["alice"].id
    made["eve"].role = Role.ADMIN
    session.flush()
    made["_session"] = session  # type: ignore[assignment]
    yield made
    session.close()


CASES = [
    # viewer, target, indirect allowed, expected scope
    ("alice", "alice", False, Scope.SELF),
    ("alice", "bruno", False, None),  # a peer
    ("alice", "marion", False, None),  # one's manager
    ("alice", "chloe", False, Scope.MANAGER),
    ("marion", "alice", False, Scope.MANAGER),
    ("marion", "chloe", False, None),  # indirect, not allowed
    ("marion", "chloe", True, Scope.MANAGER),  # indirect, allowed
    ("marion", "dan", True, None),  # another team
    ("dan", "alice", True, None),
    ("eve", "dan", False, Scope.ADMIN),
    ("eve", "zoe", False, None),  # an admin never crosses tenants
    ("alice", "zoe", True, None),  # same Slack id, other workspace
    ("zoe", "alice", True, None),
]


@pytest.mark.parametrize(("viewer", "target", "indirect", "expected"), CASES)
def test_scope_matrix(
    people: dict[str, Person], viewer: str, target: str, indirect: bool, expected: Scope | None
) -> None:
    session: Session = people["_session"]  # type: ignore[assignment]
    me = people[viewer]
    who = Viewer(me, is_admin=me.role is Role.ADMIN, indirect=indirect)
    assert scope_over(session, who, people[target]) is expected
    # visible_people agrees with scope_over for every person of both tenants.
    visible = {p.id for p in visible_people(session, who)}
    assert (people[target].id in visible) == (expected is not None)


def test_a_change_of_manager_moves_visibility_and_keeps_nothing_behind(
    people: dict[str, Person],
) -> None:
    session: Session = people["_session"]  # type: ignore[assignment]
    bruno, marion, dan = people["bruno"], people["marion"], people["dan"]
    bruno.manager_id = dan.id
    session.flush()
    assert scope_over(session, Viewer(marion), bruno) is None
    assert scope_over(session, Viewer(dan), bruno) is Scope.MANAGER


def test_cycles_in_reporting_lines_do_not_loop(people: dict[str, Person]) -> None:
    session: Session = people["_session"]  # type: ignore[assignment]
    people["marion"].manager_id = people["chloe"].id  # Marion → Alice → Chloé → Marion
    session.flush()
    tree = reports_of(session, people["marion"], indirect=True)
    assert sorted(p.display_name or "" for p in tree) == ["alice", "bruno", "chloe"]


def test_a_deep_tree_is_read_in_one_statement_nearest_first(
    people: dict[str, Person], migrated_engine: Engine
) -> None:
    """Six levels below Marion: one recursive query, not one per level; the nearest
    reports come first, each level by name; Dan's own report is not Marion's."""
    session: Session = people["_session"]  # type: ignore[assignment]
    tenant = people["marion"].tenant
    boss = people["chloe"]
    for level in range(6):
        below, _ = upsert_person(session, tenant, Profile(f"UL{level}", display_name=f"l{level}"))
        below.manager_id = boss.id
        boss = below
    other, _ = upsert_person(session, tenant, Profile("UDANS", display_name="a-dan-report"))
    other.manager_id = people["dan"].id
    session.flush()
    with statements(migrated_engine) as seen:
        tree = reports_of(session, people["marion"], indirect=True)
    assert len(seen) == 1
    names = [p.display_name for p in tree]
    assert names == ["alice", "bruno", "chloe", "l0", "l1", "l2", "l3", "l4", "l5"]
    assert [p.display_name for p in reports_of(session, people["marion"], False)] == [
        "alice",
        "bruno",
    ]
    assert scope_over(session, Viewer(people["marion"], indirect=True), boss) is Scope.MANAGER
    assert scope_over(session, Viewer(people["marion"], indirect=True), other) is None


def test_an_admin_is_a_viewer_whether_enrolled_or_not(people: dict[str, Person]) -> None:
    """``viewer_for``: an enrolled person, or an admin Palier does not follow, who sees
    their own workspace only; anyone else unknown to Palier is no viewer at all."""
    session: Session = people["_session"]  # type: ignore[assignment]
    assert viewer_for(session, Platform.SLACK, "T1", "UNOBODY", is_admin=False) is None
    assert viewer_for(session, Platform.SLACK, "T9", "UNOBODY", is_admin=True) is None
    admin = viewer_for(session, Platform.SLACK, "T1", "UNOBODY", is_admin=True)
    assert admin is not None and admin.person is None
    seen = {p.display_name for p in visible_people(session, admin)}
    assert seen == {"marion", "alice", "bruno", "chloe", "dan", "eve"}  # not Zoé, in T2
    assert scope_over(session, admin, people["dan"]) is Scope.ADMIN
    assert scope_over(session, admin, people["zoe"]) is None
    enrolled = viewer_for(session, Platform.SLACK, "T1", "UALICE", is_admin=False)
    assert enrolled is not None and enrolled.person is people["alice"]
    with pytest.raises(ValueError):
        Viewer(None, is_admin=False, tenant_id=people["alice"].tenant_id)


LIVRET_CASES = [
    # recipient, owner, consented, may receive the owner's VAE livret
    ("alice", "alice", False, True),  # one's own
    ("alice", "chloe", False, False),  # the direct manager, without consent
    ("alice", "chloe", True, True),  # ... with it
    ("marion", "chloe", True, False),  # a manager further up: never
    ("eve", "dan", True, False),  # an admin: never
    ("bruno", "alice", True, False),  # a peer
    ("zoe", "alice", True, False),  # another workspace
]


@pytest.mark.parametrize(("recipient", "owner", "consented", "expected"), LIVRET_CASES)
def test_a_livret_goes_to_the_direct_manager_only_with_consent(
    people: dict[str, Person], recipient: str, owner: str, consented: bool, expected: bool
) -> None:
    assert may_receive_livret(people[owner], people[recipient], consented=consented) is expected


def test_the_livret_rule_and_what_palier_says_of_it_agree() -> None:
    """The rule lets only the person and, with consent, the direct manager have it; the
    help says exactly that, in both languages."""
    allowed = {
        (relation, consented)
        for relation in Relation
        for consented in (False, True)
        if livret_recipient(relation, consented=consented)
    }
    assert allowed == {
        (Relation.SELF, False),
        (Relation.SELF, True),
        (Relation.MANAGER, True),
    }
    assert "que si vous y consentez" in Translator("fr")("livret_share.privacy")
    assert "only with your consent" in Translator("en")("livret_share.privacy")
    assert "Nobody else receives it" in Translator("en")("livret_share.privacy")
