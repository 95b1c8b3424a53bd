"""The Home flow of the application layer, called directly as any front end would: what
the Home shows, check in now, pause and resume, one's own slot and language.

Alice is in Kolkata: at NOW (Thursday 26 November 2026, 15:00 UTC) it is 20:30 there."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from bot.app.home import PauseChoice, ScheduleChoice
from bot.app.outcome import Problem, RefreshHome
from bot.app.summary import LANGUAGE_USAGE
from bot.bootstrap import Core, Flows
from bot.domain.people import Profile
from storage.models import CheckinPrompt, Person, PromptStatus
from tests.app.support import ALICE, STRANGER, Directory, counting_sql

TODAY = date(2026, 11, 26)  # Alice's local day at NOW
REFRESH = (RefreshHome("U0ALICE"),)


def _alice(core: Core) -> Person:
    with core.sessions() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()


def test_the_home_is_the_persons_own_page_in_their_zone(flows: Flows) -> None:
    outcome = flows.home.home(ALICE, page=3)
    home = outcome.view
    assert outcome.locale == "en-GB" and home is not None
    assert home.referentiel.id == "account-executive" and home.timezone == "Asia/Kolkata"
    assert len(home.competencies) == 5 and home.evidence.total == 0
    assert home.evidence.page == 0  # a page past the end shows the last one
    assert home.schedule.paused_until is None and not home.schedule.done_this_week


def test_someone_not_followed_has_no_home_and_is_told_in_their_language(flows: Flows) -> None:
    directory = Directory(Profile("U0NOBODY", locale="en-US"))
    outcome = flows.home.home(STRANGER, directory=directory)
    assert (outcome.view, outcome.refusal, outcome.locale) == (None, "not_enrolled", "en-US")
    for refused in (
        flows.home.check_in_now(STRANGER),
        flows.home.pause_form(STRANGER),
        flows.home.resume(STRANGER),
        flows.home.schedule_form(STRANGER),
        flows.home.language_form(STRANGER),
        flows.home.set_language(STRANGER, "en"),
    ):
        assert refused.refusal == "not_enrolled" and refused.effects == ()


def test_check_in_now_makes_this_weeks_prompt_once_and_refuses_it_when_done(
    core: Core, flows: Flows
) -> None:
    outcome = flows.home.check_in_now(ALICE)
    form = outcome.view
    assert form is not None and outcome.effects == REFRESH
    assert len(form.items) == 5
    assert flows.home.check_in_now(ALICE).view.prompt_id == form.prompt_id  # type: ignore[union-attr]
    with core.sessions.begin() as session:
        prompt = session.get(CheckinPrompt, form.prompt_id)
        assert prompt is not None
        prompt.status = PromptStatus.DONE
    done = flows.home.check_in_now(ALICE)
    assert (done.view, done.refusal, done.effects) == (None, "already_done", ())
    assert flows.home.home(ALICE).view.schedule.done_this_week  # type: ignore[union-attr]


def test_a_pause_is_checked_in_the_persons_calendar_then_ends_on_resume(
    core: Core, flows: Flows
) -> None:
    form = flows.home.pause_form(ALICE).view
    assert form is not None and (form.today, form.paused_until) == (TODAY, None)
    problems = {
        None: "home.pause.problem.missing",
        TODAY - timedelta(days=1): "home.pause.problem.past",
        TODAY + timedelta(days=366): "home.pause.problem.too_far",
    }
    for until, key in problems.items():
        outcome = flows.home.pause(ALICE, PauseChoice(until))
        assert outcome.problems == (Problem("until", key),) and outcome.effects == ()
    assert _alice(core).paused_until is None
    until = TODAY + timedelta(days=14)
    assert flows.home.pause(ALICE, PauseChoice(until)).effects == REFRESH
    assert _alice(core).paused_until == until
    assert flows.home.pause_form(ALICE).view.paused_until == until  # type: ignore[union-attr]
    assert flows.home.resume(ALICE).effects == REFRESH
    assert _alice(core).paused_until is None


def test_ones_own_slot_is_checked_then_kept_and_back_to_the_default(
    core: Core, flows: Flows
) -> None:
    bad = flows.home.set_schedule(ALICE, ScheduleChoice("9", "25:00"))
    assert set(bad.problems) == {
        Problem("weekday", "home.schedule.problem.bad_weekday"),
        Problem("time", "home.schedule.problem.bad_time"),
    }
    assert flows.home.set_schedule(ALICE, ScheduleChoice("0", "09:30")).effects == REFRESH
    alice = _alice(core)
    assert (alice.checkin_weekday, alice.checkin_time) == (0, time(9, 30))
    form = flows.home.schedule_form(ALICE).view
    assert form is not None and form.timezone == "Asia/Kolkata"
    assert (form.schedule.weekday, form.schedule.own_weekday) == (0, True)
    assert flows.home.set_schedule(ALICE, ScheduleChoice()).ok
    alice = _alice(core)
    assert (alice.checkin_weekday, alice.checkin_time) == (None, None)


def test_a_chosen_language_is_kept_and_the_answer_is_in_it(core: Core, flows: Flows) -> None:
    assert flows.home.language_form(ALICE).locale == "en-GB"
    unknown = flows.home.set_language(ALICE, "de")
    assert (unknown.refusal, unknown.locale) == (LANGUAGE_USAGE, "en-GB")
    chosen = flows.home.set_language(ALICE, "fr")
    assert (chosen.locale, chosen.effects) == ("fr-GB", REFRESH)
    alice = _alice(core)
    assert (alice.locale, alice.locale_chosen) == ("fr-GB", True)
    assert flows.home.home(ALICE).locale == "fr-GB"


def test_the_home_looks_the_actor_up_once_in_one_transaction(core: Core, flows: Flows) -> None:
    with counting_sql(core.engine) as (seen, begun):
        assert flows.home.home(ALICE).view is not None
    # The actor is looked up once (the workspace by its platform id, then the person);
    # the workspace's own row is read again only for its default slot, by its key. The
    # people read besides are the actor's reports (a manager's Home has their team).
    lookups = [sql for sql in seen if "FROM tenants" in sql and "external_id =" in sql]
    people = [sql for sql in seen if "FROM people" in sql and "tree" not in sql]
    assert len(lookups) == 1 and len(people) == 1
    assert len(begun) == 1
