"""``/palier 1on1`` end to end: the brief, "1:1 done", private notes, refusals, the scheduled DM.

Alice reports to Manon, as does Paul; Chloé is in another team; Zoé works in
another workspace. Alice's history is made by checking in through the driver
week after week (a skip, a missed week), plus a few rows only a manager's review
or an earlier 1:1 would have written. What people see is read from the emulator.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.one_on_one import (
    Brief,
    EvidenceLine,
    NoteLine,
    PersonRef,
    PointReason,
    TalkingPoint,
    TopicLine,
)
from bot.i18n import LOCALES
from emulators.slack import (
    SlackDriver,
    render_blocks,
    render_view,
    validate_blocks,
    validate_view,
)
from emulators.slack.server import Message
from handlers.slack import ids
from handlers.slack.builders.one_on_one_builder import brief_message, note_modal
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog
from storage.models import (
    OneOnOne,
    OneOnOneNote,
    OneOnOneTopic,
    Person,
    Rater,
    Rating,
    Role,
)
from tests.slack.conftest import ALICE, CHLOE, World

_AE = ReferentielCatalog.load(None).get("account-executive")
assert _AE is not None
AE = _AE
MANON = "U0MANON"
ADA = "U0ADA"  # a workspace admin
PAUL = "U0PAUL"
ZOE = "U0ZOE"
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
REFUSED = (
    "Je n'ai pas de brief 1:1 à vous montrer pour cette personne : "
    "il est réservé à la personne elle-même et à son manager."
)


@pytest.fixture
def team(world: World) -> Iterator[World]:
    """Manon manages Alice and Paul; Chloé is enrolled in no one's team."""
    world.emulator.add_user(MANON, "manon", "Manon Leroy", "manon@example.fr")
    world.emulator.add_user(PAUL, "paul", "Paul Girard", "paul@example.fr")
    world.emulator.add_user(ADA, "ada", "Ada Roux", "ada@example.fr", is_admin=True)
    world.emulator.add_workspace("T0OTHER", "Other Co")
    world.emulator.add_user(ZOE, "zoe", "Zoé Blanc", "zoe@other.fr", team_id="T0OTHER")
    for user in (ALICE, PAUL, CHLOE, ADA):
        world.enrol(user)
    world.enrol(MANON, role=Role.MANAGER)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[MANON].id
        people[PAUL].manager_id = people[MANON].id
    yield world


def _person_id(world: World, user: str) -> int:
    with world.session() as session:
        found = session.scalar(select(Person.id).where(Person.platform_user_id == user))
        assert found is not None
        return int(found)


def _ephemeral(world: World, user: str, seen: int) -> Message:
    """The next ephemeral ``user`` sees after the ``seen`` first ones."""
    return world.emulator.wait_for(
        lambda: m[-1] if len(m := world.emulator.ephemerals_for(user)) > seen else None
    )


def _command(world: World, user: str, text: str) -> Message:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    return _ephemeral(world, user, seen)


def _click(world: World, user: str, message: Message, label: str) -> Message:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.click(user, message, text=label).ok
    return _ephemeral(world, user, seen)


def _check_in(world: World, levels: dict[str, str], **extra: str) -> None:
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Faire mon check-in")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    values = {f"level:{c.id}": levels.get(c.id, "Junior") for c in AE.all_competencies()}
    values.update(extra)
    assert world.driver.submit_view(ALICE, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: world.driver.modal(ALICE) is None or None)


def _history(world: World) -> None:
    """Four weeks of Alice: two check-ins (two rises), a skip, a missed week; a review row."""
    alice, manon = _person_id(world, ALICE), _person_id(world, MANON)
    with world.session() as session, session.begin():
        tenant_id = session.get(Person, alice).tenant_id  # type: ignore[union-attr]
        for competency in AE.all_competencies():  # where Alice stood in October
            session.add(
                Rating(
                    tenant_id=tenant_id,
                    person_id=alice,
                    referentiel_id=AE.id,
                    competency_id=competency.id,
                    level_id="junior",
                    rater=Rater.SELF,
                    rated_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
                )
            )
        earlier = OneOnOne(
            tenant_id=tenant_id,
            manager_id=manon,
            report_id=alice,
            held_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        )
        session.add(earlier)
        session.flush()
        session.add(
            OneOnOneTopic(
                tenant_id=tenant_id,
                person_id=alice,
                raised_by_id=alice,
                text="Un sujet déjà abordé",
                discussed_in_id=earlier.id,
                created_at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
            )
        )
        # The manager's review (another feature) sees closing two levels lower.
        session.add(
            Rating(
                tenant_id=tenant_id,
                person_id=alice,
                referentiel_id=AE.id,
                competency_id="closing",
                level_id="junior",
                rater=Rater.MANAGER,
                rater_person_id=manon,
                rated_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
            )
        )
    world.at(THURSDAY_1600_PARIS)  # week 48
    world.tick()
    _check_in(
        world,
        {"closing": "Intermédiaire"},
        **{
            "evidence:closing": "Signé Acme : 40 licences après une démo au COMEX",
            "link:closing": "https://crm.example.com/deals/42",
            "topic": "Comment préparer un comité de direction ?",
        },
    )
    world.at(THURSDAY_1600_PARIS + timedelta(days=7))  # week 49
    world.tick()
    _check_in(
        world,
        {"prospection": "Intermédiaire", "closing": "Senior"},
        topic="Mon plan de prospection",
    )
    world.at(THURSDAY_1600_PARIS + timedelta(days=14))  # week 50: skipped
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Passer cette semaine")
    world.at(THURSDAY_1600_PARIS + timedelta(days=21))  # week 51: left unanswered
    world.tick()
    world.at(datetime(2026, 12, 21, 10, 0, tzinfo=UTC))  # Monday: week 51 closed, missed
    world.tick()


def test_the_managers_brief_then_a_note_then_1on1_done_and_topics_carry_over(
    team: World,
) -> None:
    world = team
    _history(world)
    brief = _command(world, MANON, "1on1 <@U0ALICE|alice>")
    text = render_blocks(brief.blocks)
    assert "Brief 1:1 — Alice Martin" in text
    assert "depuis le dernier 1:1, le 20/11/2026" in text
    assert "2 faits · 1 passé · 1 manqué" in text
    assert "✅ semaine 48 · ✅ semaine 49 · ⏭ semaine 50 · ❌ semaine 51" in text
    assert "• Prospection : Junior → Intermédiaire ↑ (auto-évaluation)" in text
    assert "• Closing : Junior → Senior ↑ (auto-évaluation)" in text
    assert "• Closing : Junior (manager, première évaluation)" in text
    assert "Qualification :" not in text.split("Évolution des niveaux")[1].split("Nouvelles")[0]
    # The evidence with the day it happened (the check-in's, Thursday 26 November).
    assert "26/11/2026 — Signé Acme : 40 licences après une démo au COMEX" in text
    assert "https://crm.example.com/deals/42" in text
    assert "Comment préparer un comité de direction ?" in text
    assert "Mon plan de prospection" in text and "Un sujet déjà abordé" not in text
    assert "auto-évaluation Senior · manager Junior (2 niveaux d'écart)" in text
    # Three talking points, each quoting the level to reach word for word.
    assert "1. Le plus grand écart — Closing" in text
    assert "2. Sans progression depuis le plus longtemps — Qualification" in text
    assert "3. Le point le plus faible — Justification" in text
    for competency_id in ("closing", "qualification", "justification"):
        cell = AE.competency(competency_id).levels["intermediaire"]  # type: ignore[union-attr]
        for aspect in cell.aspects:
            assert aspect.text in text
    assert text.count("Pour atteindre « Intermédiaire »") == 3
    assert "Aucune note pour l'instant" in text
    assert SlackDriver.button_labels(brief) == ["1:1 fait", "Ajouter une note"]

    # A private note, through its modal.
    world.driver.click(MANON, brief, text="Ajouter une note")
    modal = world.emulator.wait_for(lambda: world.driver.modal(MANON))
    assert "Alice" in render_view(modal.data) or "U0ALICE" in render_view(modal.data)
    answer = world.driver.submit_view(
        MANON, modal, {ids.ONE_ON_ONE_NOTE_BLOCK: "Très à l'aise en démo, à pousser sur le closing"}
    )
    assert answer.outcome == "update"
    assert "Note enregistrée" in render_view((world.driver.modal(MANON) or modal).data)

    # Alice's own prep: the same facts, her topics, no note, no button.
    own = _command(world, ALICE, "1on1")
    own_text = render_blocks(own.blocks)
    assert "Votre brief 1:1" in own_text and "Vos sujets pour le 1:1" in own_text
    assert "Mon plan de prospection" in own_text
    assert "1. Le plus grand écart — Closing" in own_text
    assert "Très à l'aise" not in own_text and "notes" not in own_text.lower()
    assert SlackDriver.button_labels(own) == ["Ajouter un sujet de 1:1"]  # nothing to record

    # Alice raises a topic while the 1:1 goes on; Manon then clicks "1:1 done".
    alice = _person_id(world, ALICE)
    with world.session() as session, session.begin():
        session.add(
            OneOnOneTopic(
                tenant_id=session.get(Person, alice).tenant_id,  # type: ignore[union-attr]
                person_id=alice,
                raised_by_id=alice,
                text="Mes objectifs du premier trimestre",
                created_at=world.now() + timedelta(minutes=1),
            )
        )
    world.at(world.now() + timedelta(minutes=30))
    done = render_blocks(_click(world, MANON, brief, "1:1 fait").blocks)
    assert "1:1 avec" in done and "enregistré (lundi 21 décembre à 11:30)" in done
    assert "2 sujets marqués comme abordés." in done
    assert "1 sujet proposé entre-temps reste ouvert pour le prochain 1:1." in done

    after = render_blocks(_command(world, MANON, "1on1 <@U0ALICE|alice>").blocks)
    assert "depuis le dernier 1:1, le 21/12/2026" in after
    assert "Mes objectifs du premier trimestre" in after
    assert "Mon plan de prospection" not in after
    assert "Très à l'aise en démo, à pousser sur le closing" in after  # her notes, for her

    # The first brief's button again: nothing more is recorded.
    again = render_blocks(_click(world, MANON, brief, "1:1 fait").blocks)
    assert "déjà enregistré" in again
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(OneOnOne)) == 2
        assert session.scalar(select(func.count()).select_from(OneOnOneNote)) == 1


def test_peer_other_team_other_workspace_and_unknown_id_get_the_same_words(team: World) -> None:
    world = team
    answers = [
        _command(world, PAUL, "1on1 <@U0ALICE|alice>"),  # a peer
        _command(world, CHLOE, "1on1 <@U0ALICE|alice>"),  # another team
        _command(world, ZOE, "1on1 <@U0ALICE|alice>"),  # another workspace
        _command(world, MANON, "1on1 <@U0NOBODY|nobody>"),  # nobody has this id
        _command(world, PAUL, "1on1 <@U0MANON|manon> schedule jeudi 10:00"),
    ]
    assert [a.text for a in answers] == [REFUSED] * len(answers)
    assert all(SlackDriver.button_labels(a) == [] for a in answers)
    # Forged buttons from a peer: the same words, nothing stored, no modal.
    alice = _person_id(world, ALICE)
    seen = len(world.emulator.ephemerals_for(PAUL))
    forged = f'{{"r": {alice}, "s": "{world.now().isoformat()}", "l": null}}'
    assert world.forge_click(PAUL, ids.ONE_ON_ONE_DONE, forged).ok
    assert _ephemeral(world, PAUL, seen).text == REFUSED
    assert world.forge_click(PAUL, ids.ONE_ON_ONE_NOTE, str(alice)).ok
    assert _ephemeral(world, PAUL, seen + 1).text == REFUSED
    assert world.driver.modal(PAUL) is None
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(OneOnOne)) == 0


def test_a_scheduled_brief_whose_connection_dropped_after_it_went_out_is_not_sent_again(
    team: World,
) -> None:
    world = team
    world.at(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    _command(world, MANON, "1on1 <@U0ALICE|alice> schedule jeudi 18:00")
    world.at(datetime(2026, 11, 26, 15, 59, tzinfo=UTC))
    world.tick()  # this week's prompts go out first: the fault is for the brief
    world.emulator.inject("chat.postMessage", reset_after=True)
    world.at(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))  # 17:00 in Paris: an hour before
    report = world.tick()
    assert report.briefs == 0 and any("unknown_outcome" in e for e in report.errors)
    world.at(datetime(2026, 11, 26, 16, 30, tzinfo=UTC))
    world.tick()
    briefs = [m for m in world.dms(MANON) if (m.text or "").startswith("Brief 1:1")]
    assert len(briefs) == 1  # Slack posted it once; nobody posts it again


def test_the_scheduled_brief_arrives_once_an_hour_before_even_with_two_processes(
    team: World,
) -> None:
    world = team
    world.at(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))  # Thursday, 11:00 in Paris
    reply = _command(world, MANON, "1on1 <@U0ALICE|alice> schedule jeudi 18:00")
    assert "chaque jeudi à 18:00 (Europe/Paris)" in (reply.text or "")
    assert "Prochain 1:1 : jeudi 26 novembre à 18:00" in (reply.text or "")
    world.process()  # a second Palier on the same database

    def briefs() -> list[Message]:
        return [m for m in world.dms(MANON) if (m.text or "").startswith("Brief 1:1")]

    def tick_both() -> int:
        barrier = threading.Barrier(2)
        sent: list[int] = []

        def run(index: int) -> None:
            barrier.wait()
            sent.append(world.tick(world.apps[index]).briefs)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(sent)

    world.at(datetime(2026, 11, 26, 15, 59, tzinfo=UTC))  # 16:59 in Paris
    assert tick_both() == 0 and briefs() == []
    world.at(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))  # 17:00: an hour before
    assert tick_both() == 1
    world.at(datetime(2026, 11, 26, 16, 30, tzinfo=UTC))
    assert tick_both() == 0
    [dm] = briefs()
    text = render_blocks(dm.blocks)
    assert "Votre 1:1 avec @U0ALICE commence jeudi 26 novembre à 18:00" in text
    assert "🔁 1:1 chaque jeudi à 18:00" in text
    assert SlackDriver.button_labels(dm) == ["1:1 fait", "Ajouter une note"]
    # The DM's own "1:1 done" works like the command's.
    done = render_blocks(_click(world, MANON, dm, "1:1 fait").blocks)
    assert "enregistré (jeudi 26 novembre à 17:30)" in done

    world.at(datetime(2026, 12, 3, 16, 0, tzinfo=UTC))  # the next Thursday
    assert tick_both() == 1 and len(briefs()) == 2
    assert "depuis le dernier 1:1, le 26/11/2026" in render_blocks(briefs()[-1].blocks)
    off = _command(world, MANON, "1on1 <@U0ALICE|alice> schedule off")
    assert "plus de brief automatique" in (off.text or "")
    world.at(datetime(2026, 12, 10, 16, 0, tzinfo=UTC))
    assert tick_both() == 0 and len(briefs()) == 2


def test_usage_and_enrolment_answers(team: World) -> None:
    world = team
    assert "`/palier 1on1`" in (_command(world, MANON, "1on1 alice").text or "")
    bad = _command(world, MANON, "1on1 <@U0ALICE|alice> schedule someday 25:00")
    assert "Usage : `/palier 1on1 @personne schedule" in (bad.text or "")
    with world.session() as session, session.begin():
        paul = session.scalars(select(Person).where(Person.platform_user_id == PAUL)).one()
        paul.referentiel_id = None
    answer = _command(world, MANON, "1on1 <@U0PAUL|paul>")
    assert "pas encore inscrite sur un référentiel" in (answer.text or "")
    # Someone Palier does not know asks for their own prep.
    zoe = _command(world, ZOE, "1on1")
    assert "pas encore inscrit·e dans Palier" in (zoe.text or "")


def test_a_workspace_admin_reads_the_brief_but_cannot_act_nor_see_notes(team: World) -> None:
    world = team
    _history(world)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        session.add(
            OneOnOneNote(
                tenant_id=people[ALICE].tenant_id,
                person_id=people[ALICE].id,
                author_id=people[MANON].id,
                text="Note privée de Manon",
                created_at=world.now(),
            )
        )
    brief = _command(world, ADA, "1on1 <@U0ALICE|alice>")
    text = render_blocks(brief.blocks)
    assert "Brief 1:1 — Alice Martin" in text and "Mon plan de prospection" in text
    assert "Note privée de Manon" not in text and "Vos notes privées" not in text
    assert SlackDriver.button_labels(brief) == []
    refused = _command(world, ADA, "1on1 <@U0ALICE|alice> schedule mardi 10:00")
    assert refused.text == (
        "Seul le manager de cette personne peut enregistrer un 1:1, "
        "écrire une note ou programmer un brief."
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_a_huge_brief_stays_within_slacks_limits(locale: str) -> None:
    """The longest certification criteria, dozens of long entries: still one valid message."""
    referentiel = ReferentielCatalog.load(None).get("responsable-developpement-commercial")
    assert referentiel is not None
    t = slack_translator(locale)  # type: ignore[arg-type]
    now = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    longest = sorted(
        referentiel.all_competencies(), key=lambda c: -sum(len(x.text) for x in c.criteria)
    )[:3]
    level = referentiel.scale.levels[2]
    long_text = "Un texte très long & <b>balisé</b> " * 120
    brief = Brief(
        report=PersonRef(1, "U0ALICE", "Alice Martin"),
        referentiel=referentiel,
        own=False,
        can_act=True,
        generated_at=now,
        since=now - timedelta(days=14),
        last_one_on_one_at=None,
        last_one_on_one_id=None,
        checkins=[],
        changes=[],
        evidence=[
            EvidenceLine(c.label, long_text, "https://x.example.com/" + "a|b" * 900, None, now)
            for c in referentiel.all_competencies()
        ],
        topics=[TopicLine(i, long_text, now) for i in range(40)],
        gaps=[],
        points=[TalkingPoint(PointReason.NEXT, c, None, None, level, None) for c in longest],
        notes=[NoteLine(i, long_text, now) for i in range(5)],
    )
    blocks = [b.to_dict() for b in brief_message(brief, "Europe/Paris", t)[1]]
    assert len(blocks) <= 50 and validate_blocks(blocks) == []
    assert blocks[-2]["type"] == "actions"  # the buttons survive any cut
    assert "<b>" not in str(blocks) and "&lt;b&gt;" in str(blocks)  # what people wrote is escaped
    for competency in longest:  # the criteria are quoted whole
        for criterion in competency.criteria:
            assert criterion.text.replace("&", "&amp;").replace("<", "&lt;") in str(blocks)
    assert validate_view(note_modal(brief.report, t).to_dict()) == []


def test_a_1on1_schedule_reads_a_time_written_the_french_way(team: World) -> None:
    world = team
    world.at(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # Thursday, 07:00 in Paris
    for typed in ("9h30", "9 h 30", "09:30"):
        reply = _command(world, MANON, f"1on1 <@U0ALICE|alice> schedule jeudi {typed}")
        assert "chaque jeudi à 09:30 (Europe/Paris)" in (reply.text or ""), typed
    refused = _command(world, MANON, "1on1 <@U0ALICE|alice> schedule jeudi 9h75")
    assert "chaque jeudi" not in (refused.text or "")
