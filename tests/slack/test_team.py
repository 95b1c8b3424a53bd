"""``/palier team`` through the emulator: tables privately, refusals, files in the DM only.

Manon manages Alice, Bob and Chloé. The command is typed in a public channel on
purpose: whatever comes back must stay private to Manon (ephemeral answers, files
in her own DM with Palier), and nothing may appear in the channel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from bot.domain.progress import summarize
from bot.domain.scheduling import cycle_by_key
from bot.domain.team import CompetencyLine, Participation, ReportOverview, TeamOverview
from bot.views import charts
from bot.views import team_files as tf
from bot.views import team_heatmap as th
from bot.views.team import COMPETENCY_CELL_MAX
from emulators.slack import render_blocks
from emulators.slack.blockkit import validate_blocks, validate_message
from emulators.slack.server import Message
from handlers.slack.builders import team_builder as tb
from handlers.slack.markup import slack_translator
from handlers.slack.team_commands import batches
from referentiels.loader import ReferentielCatalog
from storage.models import CheckinPrompt, Person, PromptStatus, Rater, Rating, Role
from tests.slack.conftest import ALICE, BOB, CHLOE, World

MANON = "U0MANON"
SALES = "C0SALES"
AE = "account-executive"
CQP = "manager-equipe-vendeurs-b2b"
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 3, 15, 0, tzinfo=UTC)


def _setup(world: World, referentiels: dict[str, str]) -> dict[str, int]:
    """Manon (manager) and her reports, enrolled; the sales channel, with everyone in it."""
    world.emulator.add_user(MANON, "manon", "Manon Leroy", "manon@example.fr")
    world.emulator.add_channel(SALES, "ventes", members=[MANON, *referentiels])
    ids = {MANON: world.enrol(MANON, CQP, role=Role.MANAGER)}
    for user, referentiel in referentiels.items():
        ids[user] = world.enrol(user, referentiel)
    with world.session() as session, session.begin():
        for user in referentiels:
            person = session.get(Person, ids[user])
            assert person is not None
            person.manager_id = ids[MANON]
    return ids


def _rate(
    world: World,
    ids: dict[str, int],
    rows: Iterable[tuple[str, str, str, datetime, Rater]],
    referentiel: str = AE,
) -> None:
    with world.session() as session, session.begin():
        tenant = session.get(Person, ids[MANON])
        assert tenant is not None
        for user, competency, level, at, rater in rows:
            session.add(
                Rating(
                    tenant_id=tenant.tenant_id,
                    person_id=ids[user],
                    referentiel_id=referentiel,
                    competency_id=competency,
                    level_id=level,
                    rater=rater,
                    rater_person_id=ids[MANON] if rater is Rater.MANAGER else ids[user],
                    rated_at=at,
                )
            )


def _prompts(world: World, person_id: int, weeks: dict[int, PromptStatus]) -> None:
    with world.session() as session, session.begin():
        person = session.get(Person, person_id)
        assert person is not None
        for week, status in weeks.items():
            cycle = cycle_by_key(f"2026-W{week:02d}", "Europe/Paris")
            session.add(
                CheckinPrompt(
                    tenant_id=person.tenant_id,
                    person_id=person_id,
                    cycle_key=cycle.key,
                    scheduled_at=cycle.starts_at + timedelta(days=3, hours=15),
                    closes_at=cycle.ends_at,
                    status=status,
                )
            )


def _check_in(world: World, user: str, level: str) -> None:
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    world.driver.click(user, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {
        b["block_id"]: level for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    assert world.driver.submit_view(user, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(user)) >= 2 or None)


def _team(world: World, user: str = MANON, count: int = 1, text: str = "team") -> list[Message]:
    """``/palier <text>`` typed in the sales channel; the ephemeral answers that came back."""
    seen = len(world.emulator.ephemerals_for(user))
    answer = world.driver.slash_command(user, "/palier", text, channel_id=SALES)
    assert answer.ok and answer.within_deadline
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) >= seen + count and m
    )
    return found[seen:]


def _team_tables(
    world: World, user: str = MANON, count: int = 1, text: str = "team"
) -> list[Message]:
    """``/palier <text>`` in the sales channel: the ``count`` messages with a table that
    came to the asker's DM, once the ephemeral answer saying so has shown."""
    seen = len(world.dms(user))
    [notice] = _team(world, user, text=text)
    assert notice.ephemeral_for == user and notice.channel == SALES and _tables(notice) == []
    assert "message privé avec Palier" in (notice.text or "")
    found = [message for message in world.dms(user)[seen:] if _tables(message)]
    assert len(found) == count
    return found


def _tables(message: Message) -> list[list[list[str]]]:
    """The tables of a message: in its attachments, the one place Slack takes them."""
    return [
        [[cell["text"] for cell in row] for row in block["rows"]]
        for attachment in message.attachments or []
        for block in attachment.get("blocks", [])
        if block["type"] == "table"
    ]


def _nothing_public(
    world: World, asker: str = MANON, bystanders: Iterable[str] = (ALICE, BOB, CHLOE)
) -> None:
    """No message in any channel but a DM, no file anywhere but the asker's DM, nothing
    shown to the people who asked nothing."""
    assert world.emulator.messages_in(SALES) == []
    assert all(
        # the channel Slack posted in (a user id as the channel posts in their DM)
        str(call.response.get("channel", "")).startswith("D")
        for call in world.emulator.calls_to("chat.postMessage")
    )
    for file in world.emulator.files:
        assert file.channels == [world.emulator.dm_channel_id(asker)]
    for user in bystanders:
        assert world.emulator.ephemerals_for(user) == []


def test_a_manager_gets_the_table_privately(world: World) -> None:
    ids = _setup(world, {ALICE: AE, BOB: AE, CHLOE: AE})
    # Alice checks in for real this week (everything « Intermédiaire »); her history
    # and her manager's ratings are already there.
    world.at(THURSDAY_1600_PARIS + timedelta(hours=1))
    world.tick()
    _check_in(world, ALICE, "Intermédiaire")
    _rate(
        world,
        ids,
        [
            (ALICE, "prospection", "junior", SEPTEMBER, Rater.SELF),
            (ALICE, "prospection", "senior", THURSDAY_1600_PARIS, Rater.MANAGER),
            (ALICE, "closing", "intermediaire", THURSDAY_1600_PARIS, Rater.MANAGER),
            (BOB, "closing", "senior", SEPTEMBER, Rater.SELF),
        ],
    )

    [message] = _team_tables(world)
    [table] = _tables(message)
    assert table[0] == [
        "Personne",
        "Compétence",
        "Auto-évaluation",
        "Manager",
        "Écart",
        "4 semaines",
        "Trimestre",
        "Preuves",
    ]
    assert len(table) == 1 + 3 * 5
    rows = {(row[0], row[1]): row for row in table[1:]}
    assert rows[("Alice Martin", "Prospection")][2:7] == [
        "Intermédiaire",
        "Senior",
        "+1",
        "↑ 1",  # since September, before the last four weeks
        "↑ 1",
    ]
    assert rows[("Alice Martin", "Closing")][2:5] == ["Intermédiaire", "Intermédiaire", "="]
    assert rows[("Alice Martin", "Qualification")][3:7] == ["–", "–", "=", "="]
    assert rows[("Bob Stone", "Closing")][2:7] == ["Senior", "–", "–", "=", "="]
    assert rows[("Chloé Rao", "Prospection")][2:7] == ["–"] * 5
    text = render_blocks(message.blocks)
    assert "Votre équipe — Account Executive" in text
    assert "Alice Martin · niveau atteint : Intermédiaire, vers « Senior » : 0/5" in text
    assert "participation : 1/1 sur 4 semaines" in text
    assert "écart d'au moins un niveau avec le manager sur 1 compétence" in text
    # Manon sees it, in her language, in her own DM; nobody else was told anything.
    assert message.channel == world.emulator.dm_channel_id(MANON) and not message.is_ephemeral
    assert [block["type"] for block in message.blocks or []].count("table") == 0
    assert world.emulator.files == []
    _nothing_public(world)


def test_a_member_and_a_stranger_get_the_same_polite_refusal(world: World) -> None:
    _setup(world, {ALICE: AE, BOB: AE})
    world.emulator.add_user("U0ZOE", "zoe", "Zoé Blanc", "zoe@example.fr")  # unknown to Palier
    world.emulator.add_channel("C0OTHER", "autre", members=["U0ZOE", ALICE])
    [refusal] = _team(world, ALICE)
    seen = len(world.emulator.ephemerals_for("U0ZOE"))
    world.driver.slash_command("U0ZOE", "/palier", "equipe", channel_id="C0OTHER")
    stranger = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for("U0ZOE")) and len(m) > seen and m
    )[-1]
    assert refusal.text == stranger.text
    assert refusal.text is not None and "réservé aux managers" in refusal.text
    assert "inscrit" not in refusal.text and _tables(refusal) == []
    # An English speaker gets it in English.
    [english] = _team(world, BOB)
    assert english.text is not None and "is for managers" in english.text
    assert world.emulator.files == []
    _nothing_public(world, bystanders=(CHLOE, MANON))


def test_mixed_referentiels_get_one_table_each(world: World) -> None:
    ids = _setup(world, {ALICE: AE, BOB: AE, CHLOE: CQP})
    _rate(world, ids, [(CHLOE, "C2.1", "acquis", THURSDAY_1600_PARIS, Rater.SELF)], CQP)
    _rate(world, ids, [(CHLOE, "C2.1", "en_cours", THURSDAY_1600_PARIS, Rater.MANAGER)], CQP)
    first, second = _team_tables(world, count=2, text="équipe")
    [matrix] = _tables(first)
    [cqp] = _tables(second)
    assert {row[0] for row in matrix[1:]} == {"Alice Martin", "Bob Stone"}
    assert len(matrix) == 1 + 2 * 5
    assert {row[0] for row in cqp[1:]} == {"Chloé Rao"} and len(cqp) == 1 + 17
    c21 = next(row for row in cqp if row[1].startswith("C2.1 "))
    assert c21[2:5] == ["Acquis", "En cours d'acquisition", "−1"]
    assert all(len(row[1]) <= COMPETENCY_CELL_MAX for row in cqp)
    assert "Votre équipe — Manager d'équipe de vendeurs B to B" in render_blocks(second.blocks)
    _nothing_public(world)


def test_flags_show_on_each_report(world: World) -> None:
    ids = _setup(world, {ALICE: AE, BOB: AE, CHLOE: AE})
    now = THURSDAY_1600_PARIS
    _rate(
        world,
        ids,
        [
            # Alice: the same levels since September — no progress for eight weeks.
            (ALICE, "prospection", "junior", SEPTEMBER, Rater.SELF),
            (ALICE, "prospection", "junior", now - timedelta(days=7), Rater.SELF),
            # Bob: rose since September, but his manager sees him two levels lower.
            (BOB, "closing", "intermediaire", SEPTEMBER, Rater.SELF),
            (BOB, "closing", "senior", now - timedelta(days=7), Rater.SELF),
            (BOB, "closing", "junior", now - timedelta(days=6), Rater.MANAGER),
        ],
    )
    # Chloé missed the last two weeks.
    _prompts(world, ids[CHLOE], {45: PromptStatus.DONE, 46: PromptStatus.MISSED})
    _prompts(world, ids[CHLOE], {47: PromptStatus.MISSED})
    [message] = _team_tables(world)
    lines = {
        line.split(" · ")[0]: line
        for line in render_blocks(message.blocks).splitlines()
        if " · participation" in line
    }
    assert "pas de progrès depuis 8 semaines" in lines["Alice Martin"]
    assert "écart" not in lines["Alice Martin"] and "manqués" not in lines["Alice Martin"]
    assert "écart d'au moins un niveau avec le manager sur 1 compétence" in lines["Bob Stone"]
    assert "progrès" not in lines["Bob Stone"]
    assert "2 check-ins manqués d'affilée" in lines["Chloé Rao"]
    assert "participation : 1/3 sur 4 semaines, 1/3 sur 12" in lines["Chloé Rao"]
    [table] = _tables(message)
    bob = next(row for row in table if row[:2] == ["Bob Stone", "Closing"])
    assert bob[2:6] == ["Senior", "Junior", "−2", "↑ 1"]
    _nothing_public(world)


def _large_team(world: World, size: int) -> tuple[dict[str, int], list[str]]:
    users = [f"U0R{index:02d}" for index in range(size)]
    for index, user in enumerate(users):
        world.emulator.add_user(user, f"r{index:02d}", f"Report {index:02d}", None)
    return _setup(world, dict.fromkeys(users, AE)), users


def test_a_team_of_60_gets_a_summary_and_files_in_the_dm(world: World) -> None:
    ids, users = _large_team(world, 60)
    now = THURSDAY_1600_PARIS
    rows: list[tuple[str, str, str, datetime, Rater]] = [
        (users[0], "prospection", "senior", now, Rater.SELF),
        (users[0], "prospection", "junior", now, Rater.MANAGER),  # a gap
        (users[1], "closing", "junior", SEPTEMBER, Rater.SELF),  # no progress since
        (users[1], "closing", "junior", now, Rater.SELF),
        (users[2], "valeurs", "intermediaire", now, Rater.SELF),
    ]
    _rate(world, ids, rows)
    _prompts(world, ids[users[3]], {46: PromptStatus.MISSED, 47: PromptStatus.MISSED})

    [summary] = _team(world)
    text = render_blocks(summary.blocks)
    assert _tables(summary) == []
    assert "Votre équipe : 60 personnes" in text
    assert "• Account Executive : 60 personnes" in text
    assert "Pas de progrès depuis 8 semaines (1) : Report 01" in text
    assert "Écart d'au moins un niveau avec le manager (1) : Report 00" in text
    assert "2 check-ins manqués d'affilée (1) : Report 03" in text
    assert "message privé" in text

    files = world.emulator.wait_for(lambda: (f := world.emulator.files) and len(f) == 2 and f)
    by_name = {file.name: file for file in files}
    assert set(by_name) == {"palier-equipe.csv", "palier-equipe.png"}
    [upload] = [m for m in world.dms(MANON) if m.files]
    assert upload.text == "Le résumé de votre équipe : 60 personnes."

    content = (by_name["palier-equipe.csv"].content or b"").decode()
    assert content.startswith("\ufeffPersonne;")  # as Excel opens it in France
    table = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    header, body = table[0], table[1:]
    assert len(body) == 60 * 5
    assert {row[0] for row in body} == {f"Report {index:02d}" for index in range(60)}
    record = dict(zip(header, next(r for r in body if r[0] == "Report 00"), strict=True))
    assert record["Compétence"] == "Prospection"
    assert record["Auto-évaluation"] == "Senior"
    assert record["Niveau donné par le manager"] == "Junior"
    assert record["Écart (manager − auto-évaluation)"] == "-2"
    assert "écart d'au moins un niveau" in record["Points d'attention"]

    picture = Image.open(io.BytesIO(by_name["palier-equipe.png"].content or b""))
    picture.load()
    assert picture.format == "PNG" and picture.mode == "RGB"
    # One picture a screen can show: two blocks of 30 people side by side.
    [page] = th.pages(_overview({AE: 60}))
    assert (page.blocks, page.rows) == (2, 30)
    assert picture.size == page.size and picture.size[0] <= 1600 and picture.size[1] <= 1100
    pixels: Any = picture

    def cell(block: int, row: int | None, column: int) -> tuple[int, int, int, int]:
        """A cell's box; ``row`` None: the team's average."""
        x = th.block_left(page, block) + th.NAME_W + column * th.CELL_W
        y = th.grid_top() if row is None else th.people_top() + row * th.CELL_H
        return x, y, x + th.CELL_W - 2, y + th.CELL_H - 2

    def inside(box: tuple[int, int, int, int]) -> tuple[int, int, int]:
        left, _top, _right, bottom = box
        return tuple(pixels.getpixel((left + 3, bottom - 3)))

    # Lowest average first: Report 01 (Junior), Report 02 (Intermédiaire), Report 00
    # (Senior); then those with nothing rated, by name.
    assert inside(cell(0, 0, 3)) == th.level_colour(0, 3)  # Report 01, Closing
    assert inside(cell(0, 1, 4)) == th.level_colour(1, 3)  # Report 02, Valeurs
    left, top, right, bottom = cell(0, 2, 0)  # Report 00, Prospection: Senior, a gap
    assert inside((left, top, right, bottom)) == th.level_colour(2, 3)
    assert tuple(pixels.getpixel((right - 2, top + 2))) == th.GAP_COLOUR
    left, top, right, bottom = cell(0, 1, 4)  # no gap: no corner
    assert tuple(pixels.getpixel((right - 2, top + 2))) == th.level_colour(1, 3)
    assert inside(cell(1, 29, 2)) == th.UNRATED  # the last report, unrated
    # The team's average, above everyone, in both blocks: Prospection 3, Qualification
    # unrated, Closing 1, Valeurs 2; and everyone's (6 ratings, 2.0) in the last column.
    for block in (0, 1):
        assert inside(cell(block, None, 0)) == th.level_colour(2, 3)
        assert inside(cell(block, None, 1)) == th.UNRATED
        assert inside(cell(block, None, 3)) == th.level_colour(0, 3)
        assert inside(cell(block, None, 4)) == th.level_colour(1, 3)
    overall = cell(0, None, 5)
    assert tuple(pixels.getpixel((overall[0] + 3, overall[3] - 3))) == th.shade(0.5)

    # The files went to Manon's DM, with nothing in the channel she typed in.
    _nothing_public(world)
    assert world.emulator.ephemerals_for(MANON, SALES) and not world.emulator.ephemerals_for(
        MANON, world.emulator.dm_channel_id(MANON)
    )


def test_the_same_command_shows_an_admins_own_reports(world: World) -> None:
    _setup(world, {ALICE: AE})
    world.enrol(BOB)
    world.emulator.update_user(MANON, is_admin=True)
    [message] = _team_tables(world)
    [table] = _tables(message)
    assert {row[0] for row in table[1:]} == {"Alice Martin"}  # not Bob, not the workspace
    with world.session() as session:
        assert (
            session.scalar(select(Person.manager_id).where(Person.platform_user_id == BOB)) is None
        )


# -- the builders alone: where the tables stop, and the picture without a system font --

CATALOG = ReferentielCatalog.load()


def _overview(sizes: dict[str, int]) -> TeamOverview:
    """Reports with nothing rated yet, ``sizes[référentiel]`` of them on each."""
    reports = []
    for referentiel_id, size in sizes.items():
        referentiel = CATALOG.get(referentiel_id)
        assert referentiel is not None
        for index in range(size):
            summary = summarize(referentiel, [], {}, [], SEPTEMBER)
            lines = [
                CompetencyLine(item.competency, None, None, None, None, None, 0)
                for item in summary.competencies
            ]
            reports.append(
                ReportOverview(
                    person_id=len(reports),
                    name=f"{referentiel_id} {index:02d}",
                    referentiel=referentiel,
                    summary=summary,
                    competencies=lines,
                    participation_short=Participation(0, 0),
                    participation_long=Participation(0, 0),
                    flags=frozenset(),
                )
            )
    return TeamOverview(reports)


def test_tables_stop_at_slacks_limits() -> None:
    t = slack_translator("fr")
    # 19 reports × 5 competencies + a header row: 96 rows, within the 100 Slack takes.
    assert tb.fits_in_messages(_overview({AE: 19}))
    [message] = tb.team_messages(_overview({AE: 19}), t)
    blocks = [block.to_dict() for block in message.blocks]
    assert validate_message(blocks, message.attachments(), tables_allowed=True) == []
    assert not tb.fits_in_messages(_overview({AE: 20}))  # 101 rows
    assert not tb.fits_in_messages(_overview({"business-developer": 5}))  # 20 competencies each
    # One DM message per référentiel, at most four of them; past that, the summary and files.
    four = {AE: 1, CQP: 1, "business-developer": 1, "manager-grands-comptes": 1}
    assert tb.fits_in_messages(_overview(four))
    assert not tb.fits_in_messages(_overview({**four, "responsable-developpement-commercial": 1}))
    summary = tb.team_summary(_overview({**four, "responsable-developpement-commercial": 1}), t)
    assert validate_blocks([block.to_dict() for block in summary.blocks]) == []
    assert "Aucun point d'attention." in render_blocks([b.to_dict() for b in summary.blocks])


@pytest.mark.parametrize("people", [60, 300])
def test_the_heatmap_pictures_each_fit_a_screen(people: int) -> None:
    """Whatever the référentiel (5 to 20 competencies), each picture is at most 1,600
    pixels wide and about a screen tall; more people make more pictures, not longer ones."""
    for referentiel in CATALOG:
        overview = _overview({referentiel.id: people})
        found = th.pages(overview)
        assert sum(len(page.people) for page in found) == people
        for page in found:
            width, height = page.size
            assert width <= 1600 and height <= 1100, (referentiel.id, page.size)
    # 300 Account Executives (5 competencies): up to three blocks of 30 a picture, so 4
    # pictures, as even as can be; 31 on 17 competencies (one block a picture): 16 and 15.
    found = th.pages(_overview({AE: 300}))
    assert [(len(p.people), p.blocks, p.rows) for p in found] == [(75, 3, 25)] * 4
    assert [len(p.people) for p in th.pages(_overview({CQP: 31}))] == [16, 15]


def test_the_same_team_gives_the_same_pictures_and_files_are_named_in_order() -> None:
    overview = _overview({CQP: 40, AE: 2})
    en = slack_translator("en")
    first, again = tf.team_files(overview, en), tf.team_files(overview, en)
    assert [f.content for f in first.files] == [f.content for f in again.files]
    assert [f.filename for f in first.files] == [
        "palier-team.csv",
        "palier-team-1.png",
        "palier-team-2.png",
        "palier-team-3.png",
    ]
    assert first.files[2].title == "Your team — map of levels (2/3)"
    for file in first.files[1:]:
        assert isinstance(file.content, bytes)
        picture = Image.open(io.BytesIO(file.content))
        picture.load()
        assert picture.format == "PNG" and picture.getextrema() != ((255, 255),) * 3
        assert b"Software" not in file.content and b"tIME" not in file.content


def test_a_team_nobody_in_which_is_followed_says_so() -> None:
    [message] = tb.team_messages(TeamOverview([], ["Gus <Martin>"]), slack_translator("fr"))
    text = render_blocks([block.to_dict() for block in message.blocks])
    assert "Personne de votre équipe n'est suivi par Palier pour l'instant." in text
    assert "(sans référentiel, ou retirée du suivi) : Gus <Martin>" in text
    context = message.blocks[-1].to_dict()
    assert context["elements"][0]["text"].endswith("Gus &lt;Martin&gt;")  # escaped for mrkdwn
    assert validate_blocks([block.to_dict() for block in message.blocks]) == []


def test_indirect_reports_appear_only_when_the_workspace_allows_it(world: World) -> None:
    """Manon manages Alice, who manages Chloé: Chloé is Manon's indirect report."""
    from emulators.slack import SlackDriver
    from tests.slack.conftest import SIGNING_SECRET

    ids = _setup(world, {ALICE: AE})
    ids[CHLOE] = world.enrol(CHLOE, AE)
    with world.session() as session, session.begin():
        chloe = session.get(Person, ids[CHLOE])
        assert chloe is not None
        chloe.manager_id = ids[ALICE]

    def team_text(driver: SlackDriver, seen: int) -> str:
        dms = len(world.dms(MANON))
        driver.slash_command(MANON, "/palier", "team")
        world.emulator.wait_for(
            lambda: (m := world.emulator.ephemerals_for(MANON)) and len(m) > seen and m
        )
        found = world.dms(MANON)[dms:]
        return "\n".join(render_blocks(m.blocks) + str(_tables(m)) for m in found)

    direct_only = team_text(world.driver, 0)
    assert "Alice Martin" in direct_only and "Chloé Rao" not in direct_only
    allowing = world.process(PALIER_MANAGERS_SEE_INDIRECT="true")
    assert allowing.settings.managers_see_indirect
    wider = SlackDriver(world.servers[-1].url, SIGNING_SECRET, world.emulator)
    seen = len(world.emulator.ephemerals_for(MANON))
    both = team_text(wider, seen)
    assert "Alice Martin" in both and "Chloé Rao" in both


def test_a_large_teams_files_go_ten_to_a_message() -> None:
    files = [tf.TeamFile(f"f{n}.png", f"f{n}", b"") for n in range(11)]
    assert [[f.filename for f in batch] for batch in batches(files)] == [
        [f"f{n}.png" for n in range(10)],
        ["f10.png"],
    ]
    assert batches(files[:10]) == [files[:10]]


def test_a_name_is_drawn_as_typed_on_one_line() -> None:
    overview = _overview({AE: 3})
    first, second, third = overview.reports
    odd = [
        replace(first, name="Emma\nMartin\tx"),
        replace(second, name="$\\frac{ <b>Zoé</b> & Léa"),  # not mathtext, not markup
        replace(third, name="Éloïse " + "très-long-nom-" * 10),
    ]
    named = TeamOverview(odd)
    [page] = th.pages(named)
    picture = Image.open(io.BytesIO(th.draw(page, slack_translator("fr"))))
    picture.load()  # before: Pillow refused to measure a multi-line name
    assert picture.size == page.size
    with charts.canvas(200, 50) as drawn:
        assert drawn.fit("Emma\nMartin\tx", 500, 10) == "Emma Martin x"
        shortened = drawn.fit(odd[2].name, th.NAME_W - 8, th.FONT_SIZE)
        assert shortened.endswith("…") and drawn.measure(shortened, th.FONT_SIZE) <= th.NAME_W - 8
