"""``palier demo``'s run: a database, a clock, a platform's stage, the team, the story.

The demo runs on an empty database it is given, or on a SQLite file in a
temporary directory; the clock starts where the story does; the platform's stage
(an emulator and Palier on it) is opened for them; the team is enrolled directly
in the database, as an import would; then the director plays the weeks and the
narrator prints them. Everything started is stopped and removed, whatever happens.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from bot.domain.people import ensure_tenant, upsert_person, welcome_due
from bot.i18n import Locale, Translator
from handlers.demo import story
from handlers.demo.clock import ManualClock
from handlers.demo.director import Director
from handlers.demo.narrator import Narrator, Reworded
from handlers.demo.player import DemoError, Scene, Stage, StageOpener
from handlers.demo.story import Member
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Role

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_WEEKS = 52


def run_demo(
    out: TextIO,
    open_stage: StageOpener,
    *,
    team: Sequence[Member] = story.TEAM,
    locale: Locale = "fr",
    weeks: int = 4,
    database_url: str | None = None,
) -> int:
    """Play ``weeks`` weeks of ``team``'s check-ins on the stage ``open_stage`` opens; print them.

    ``locale`` is the language of the demo's own lines (each person still sees
    Palier in their platform's language). ``database_url`` must name an empty
    database (its tables are created); without it, a temporary SQLite file is used
    and removed. Returns 0, 1 when Palier did not behave as the story expects (the
    reason is printed), 2 for a bad ``weeks`` or a database that is not empty.
    """
    t = Translator(locale)
    if not 1 <= weeks <= MAX_WEEKS:
        print(t("demo.bad_weeks", max=MAX_WEEKS, weeks=weeks), file=out)
        return EXIT_USAGE
    with ExitStack() as stack:
        url = stack.enter_context(_database(database_url))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        # Palier's tick writes to every enrolled person it finds: never run it on
        # a database that holds anything.
        if inspect(engine).get_table_names():
            shown = make_url(url).render_as_string(hide_password=True)
            print(t("demo.database_not_empty", url=shown), file=out)
            return EXIT_USAGE
        migrate.upgrade(engine)
        clock = ManualClock(story.START)
        stage = stack.enter_context(open_stage(Scene(engine, url, clock, team, story.SETTINGS)))
        _enrol(engine, stage, team)
        narrator = Narrator(out, Reworded(locale, stage.words), clock)
        narrator.introduce(team, weeks, stage.workspace, stage.referentiels)
        director = Director(narrator, stage.player, team, stage.referentiels)
        try:
            director.play(weeks)
        except DemoError as error:
            print(file=out)
            print(t("demo.failed", problem=t(error.key, **error.params)), file=out)
            return EXIT_FAILED
        print(file=out)
        print(t.plural("demo.end", director.checkins, weeks=weeks, people=len(team)), file=out)
    return EXIT_OK


def _enrol(engine: Engine, stage: Stage, team: Sequence[Member]) -> None:
    """Enrol the team directly in the database, as an import would (managers first): each
    person's welcome is due."""
    with session_scope(make_session_factory(engine)) as session:
        manager_id: int | None = None
        for member in team:
            account = stage.accounts[member.user_id]
            ref = account.ref
            tenant = ensure_tenant(session, ref.platform, ref.workspace_id, stage.workspace)
            person, _ = upsert_person(session, tenant, account.profile)
            person.referentiel_id = member.referentiel_id
            person.role = member.role
            welcome_due(person)
            if member.role is Role.MANAGER:
                session.flush()
                manager_id = person.id
            else:
                person.manager_id = manager_id


@contextmanager
def _database(database_url: str | None) -> Iterator[str]:
    """The demo's database URL: the one given, else a SQLite file in a temporary directory."""
    if database_url is not None:
        yield database_url
        return
    with tempfile.TemporaryDirectory(prefix="palier-demo-") as directory:
        yield f"sqlite:///{Path(directory) / 'palier-demo.db'}"
