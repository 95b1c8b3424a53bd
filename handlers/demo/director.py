"""Plays the story's steps in time order on a player, and narrates what each person saw.

The director keeps the timeline: steps wait in a queue by instant (same instant:
in the order scheduled) and the clock jumps to each one's minute. Palier's ticks
are steps too, one per instant however many people it concerns, each with what it
must deliver to whom; the director checks it did, then schedules each person's
reply as the story says. What people answer in a form (which level, which words)
is decided here, from the story and the référentiel, not by the player.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery.tick import TickReport
from bot.domain.evidence import criterion_choices
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_label
from handlers.demo import story
from handlers.demo.narrator import INDENT, Narrator
from handlers.demo.player import (
    CheckinAnswer,
    CheckinAnswers,
    CheckinForm,
    CommentField,
    DemoError,
    LevelField,
    Player,
    ReviewAnswers,
    ReviewForm,
    ShareField,
    file_line,
    livret_contents,
)
from handlers.demo.story import Expect, Member, Step
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

WORDS = "demo_evidence_livret"  # the catalog's section of the evidence and livret lines


@dataclass(order=True)
class _Scheduled:
    at: datetime
    order: int
    step: Step = field(compare=False)


class Director:
    """Plays ``team``'s weeks on ``player``; ``narrator`` prints them."""

    def __init__(
        self,
        narrator: Narrator,
        player: Player,
        team: Sequence[Member],
        referentiels: ReferentielCatalog,
    ) -> None:
        self.narrator = narrator
        self.t = narrator.t
        self.clock = narrator.clock
        self.player = player
        self.team = tuple(team)
        self.referentiels = referentiels
        self.ranks: dict[str, dict[str, int]] = {member.user_id: {} for member in team}
        self.checkins = 0
        self.index = 0  # the week being played, 0-based
        self._queue: list[_Scheduled] = []
        self._order = 0
        self._ticks: dict[datetime, list[tuple[Member, Expect]]] = {}
        self._reviews: dict[str, ReviewForm] = {}  # manager's user id → the review she opened

    # -- the timeline ----------------------------------------------------------------------

    def schedule(self, at: datetime, step: Step) -> None:
        self._order += 1  # same instant: in the order scheduled
        heapq.heappush(self._queue, _Scheduled(at.astimezone(UTC), self._order, step))

    def tick_at(self, at: datetime) -> list[tuple[Member, Expect]]:
        """The tick at ``at`` (one per instant, however many people it concerns)."""
        at = at.astimezone(UTC)
        if at not in self._ticks:
            self._ticks[at] = []
            self.schedule(at, story.Tick())
        return self._ticks[at]

    def expect(self, at: datetime, member: Member, what: Expect) -> None:
        """A tick at ``at`` delivers ``what`` to ``member``."""
        self.tick_at(at).append((member, what))

    def due(self, at: datetime) -> tuple[tuple[Member, Expect], ...]:
        """What the tick at ``at`` must deliver, to whom (nothing if no tick is due then)."""
        return tuple(self._ticks.get(at.astimezone(UTC), ()))

    def run(self) -> None:
        """Play the scheduled steps in time order, each at its instant (they may add more)."""
        while self._queue:
            scheduled = heapq.heappop(self._queue)
            self.clock.move_to(scheduled.at)
            self._play(scheduled.step, scheduled.at)
            now = self.clock.now()
            for at, member, what in story.expected_after(scheduled.step, now, self.index):
                self.expect(at, member, what)
            follow_up = story.follow_up(scheduled.step, now)
            if follow_up is not None:
                self.schedule(*follow_up)
            edit = story.second_thoughts(scheduled.step, now, self.index)
            if edit is not None:
                self.schedule(*edit)

    def play(self, weeks: int) -> None:
        """The app installed where it must be, a first tick (it plans, sends nothing), the
        weeks, then everyone's summary."""
        self.install()
        self.tick_at(self.clock.now())
        self.run()
        for index in range(weeks):
            self.week_start(index)
            if index == weeks - 1:
                for manager in story.managers(self.team):  # the day after the last check-ins
                    for at, step in story.manager_day(self.team, manager, index):
                        self.schedule(at, step)
            self.run()  # a week's steps all end before the next Thursday
        self.narrator.say()
        self.narrator.say(self.t("demo.summaries", command=self.player.me_command))
        for at, step in story.summaries(self.team, weeks):
            self.schedule(at, step)
        for at, step in story.charts(self.team, weeks):
            self.schedule(at, step)
        livret = self.player.offers_livret
        for at, step in story.evidence_and_livret(self.team, weeks, livret=livret):
            self.schedule(at, step)
        self.run()

    def install(self) -> None:
        """Where Palier can write only to whom the app is installed for (Teams), it is
        installed for the whole team first, and each sees Palier's welcome; elsewhere
        (Slack) the first tick welcomes each newly enrolled person in a DM."""
        for member in self.team:
            welcome = self.player.install(member)
            if welcome is None:  # nothing to install on this platform
                self.expect(self.clock.now(), member, Expect.WELCOME)
                continue
            self._event(member, self.t("demo.what.installed"))
            self.narrator.show(welcome)

    def week_start(self, index: int) -> None:
        self.index = index
        self.narrator.say()
        self.narrator.say(self.t("demo.week", week=story.thursday(index).isocalendar().week))
        for at, member, what in story.prompts(self.team, index):
            self.expect(at, member, what)

    def _play(self, step: Step, at: datetime) -> None:
        match step:
            case story.Tick():
                self._tick(at)
            case story.CheckIn():
                self._check_in(step)
            case story.EditCheckIn(member):
                self._edit_check_in(member)
            case story.Snooze(member):
                pressed = self.player.snooze(member)
                self._event(member, self.t("demo.what.snooze", button=pressed.button))
                self.narrator.show(pressed.text)
            case story.Skip(member):
                pressed = self.player.skip(member)
                what = self.t("demo.what.skip", button=pressed.button, confirm=pressed.confirm)
                self._event(member, what)
                self.narrator.show(pressed.text)
            case story.Ignore(member):
                self._event(member, self.t("demo.what.ignore"))
            case story.Me(member):
                answered = self.player.me(member)
                self._event(member, self.t("demo.what.me", command=answered.typed))
                self.narrator.show(answered.text)
            case story.Chart(member):
                answered = self.player.chart(member)
                self._event(member, self.t("progress_charts.demo.what", command=answered.typed))
                self.narrator.show(answered.text)
            case story.LogEvidence(member):
                self._log_evidence(member)
            case story.Livret(member):
                self._livret(member)
            case _:
                self._manage(step)

    def _event(self, member: Member, what: str) -> None:
        self.narrator.event(member, what)

    # -- Palier's ticks ----------------------------------------------------------------------

    def _tick(self, at: datetime) -> None:
        report = self.player.tick()
        expected = self._ticks.pop(at)
        wanted = TickReport(
            planned=report.planned,
            sent=sum(1 for _, what in expected if what is Expect.PROMPT),
            reminded=sum(
                1 for _, what in expected if what in (Expect.SNOOZE_BACK, Expect.REMINDER)
            ),
            missed=sum(1 for _, what in expected if what is Expect.MISSED),
            welcomed=sum(1 for _, what in expected if what is Expect.WELCOME),
        )
        n = self.narrator
        n.say()
        n.say(self.t("demo.tick", moment=n.moment(at, "UTC"), what=n.counts(report)))
        got = (report.sent, report.reminded, report.missed, report.welcomed, report.failed)
        if got != (wanted.sent, wanted.reminded, wanted.missed, wanted.welcomed, 0):
            raise DemoError(
                "demo.problem.tick",
                moment=n.moment(at, "UTC"),
                got=n.counts(report),
                expected=n.counts(wanted),
            )
        for member, what in expected:
            if what is Expect.MISSED:
                self._missed(member)
            else:
                self._delivered(member, what, at)

    def _delivered(self, member: Member, what: Expect, at: datetime) -> None:
        text = self.player.received(member, what)
        if text is None:
            moment = self.narrator.moment(at, member.timezone)
            raise DemoError("demo.problem.not_delivered", name=member.real_name, moment=moment)
        if what is Expect.WELCOME:
            self._event(member, self.t("french_habits.demo.welcomed"))
        elif what is Expect.PROMPT:
            week = formats.week(story.cycle_key(self.index), self.t)
            self._event(member, self.t("demo.what.prompt", week=week))
        elif what is Expect.SNOOZE_BACK:
            self._event(member, self.t("demo.what.snooze_back"))
        else:
            self._event(member, self.t("demo.what.reminder", hours=story.REMINDER_HOURS))
        self.narrator.show(text)
        reply = story.reply(member, self.index, what)
        if reply is not None:
            self.schedule(self.clock.now() + member.reply_after, reply)

    def _missed(self, member: Member) -> None:
        text = self.player.closed(member)
        if text is None:  # the prompt as delivered: Palier must have updated it since
            moment = self.narrator.moment(self.clock.now(), member.timezone)
            raise DemoError("demo.problem.not_delivered", name=member.real_name, moment=moment)
        self._event(member, self.t("demo.what.missed"))
        self.narrator.show(text)

    # -- check-ins ---------------------------------------------------------------------------

    def _check_in(self, step: story.CheckIn) -> None:
        member, n = step.member, self.narrator
        form = self.player.open_check_in(member, step.on)
        self._event(member, self.t("demo.what.start", button=form.button))
        n.show_form(form.text)
        answers, lines = self._answers(member, form)
        self._event(member, self.t("demo.what.answer", button=form.submit))
        n.show("\n".join(lines))
        summary = self.player.submit_check_in(member, answers)
        self._event(member, self.t("demo.what.summary"))
        n.show(summary)
        self.checkins += 1
        # Palier turns the prompt into "done" before it posts the summary.
        prompt = self.player.prompt(member)
        if prompt is not None:
            self._event(member, self.t("demo.what.prompt_done"))
            n.show(prompt)

    def _edit_check_in(self, member: Member) -> None:
        """The summary's Edit button: the form filled in as sent; only the plan's levels
        changed; the summary updated in place."""
        n, t = self.narrator, self.t
        form = self.player.edit_check_in(member)
        self._event(member, t("checkin_edit.demo.edit", button=form.button))
        n.show_form(form.text)
        pt, referentiel = Translator(member.locale), self._referentiel(member)
        levels = referentiel.scale.levels
        changed: dict[str, str] = {}
        lines: list[str] = []
        for competency_id, rank in member.week(self.index).edit.items():
            competency = referentiel.competency(competency_id)
            if competency is None or competency_id not in form.asked:
                raise DemoError(
                    "demo.problem.script", name=member.real_name, competency=competency_id
                )
            self.ranks[member.user_id][competency_id] = rank
            label = level_label(referentiel, levels[min(rank, len(levels) - 1)], pt)
            changed[competency_id] = label
            name = competency.code or competency.label
            lines.append(t("demo.answer.level", competency=name, level=label))
        self._event(member, t("checkin_edit.demo.changed", button=form.submit))
        n.show("\n".join(lines))
        summary = self.player.submit_edit(member, changed)
        self._event(member, t("checkin_edit.demo.updated"))
        n.show(summary)

    # -- evidence and the livret -------------------------------------------------------------

    def _log_evidence(self, member: Member) -> None:
        """A message logged as evidence: the form Palier filled in, what it suggested
        (quoted from the référentiel), saved as it is with one click."""
        n, t = self.narrator, self.t
        text = Translator(member.locale)(f"{WORDS}.typed.{story.LOGGED_MESSAGE}")
        form = self.player.log_message(member, text)
        self._event(member, t(f"{WORDS}.what.wrote", where=form.where))
        n.show(text)
        self._event(member, t(f"{WORDS}.what.logged", action=form.action))
        n.show_form(form.text)
        referentiel = self._referentiel(member)
        competency = referentiel.competency(form.competency_id or "")
        criterion = next(
            (
                choice.text
                for choice in (criterion_choices(competency) if competency else [])
                if choice.key == form.criterion_key
            ),
            None,
        )
        if competency is None or criterion is None:
            raise DemoError(f"{WORDS}.problem.no_suggestion", name=member.real_name)
        n.say()
        n.say(t(f"{WORDS}.suggested", referentiel=referentiel.title))
        n.show(t(f"{WORDS}.competency", competency=competency.label))
        n.show(t(f"{WORDS}.criterion", criterion=criterion))
        confirmation = self.player.save_evidence(member)
        self._event(member, t(f"{WORDS}.what.saved", button=form.submit))
        n.show(confirmation)

    def _livret(self, member: Member) -> None:
        """The livret asked for: where its files are, and what it holds, read from them."""
        n, t = self.narrator, self.t
        sent = self.player.livret(member)
        self._event(member, t(f"{WORDS}.what.livret", command=sent.typed))
        n.show(sent.text)
        word = next((f for f in sent.files if f.name.endswith(".docx")), None)
        if word is None or not any(f.name.endswith(".pdf") for f in sent.files):
            raise DemoError("demo.problem.no_answer", name=member.real_name, detail=sent.typed)
        n.say()
        n.say(t(f"{WORDS}.stored"))
        n.show("\n".join(file_line(file, t) for file in sent.files))
        contents = livret_contents(word.content)
        total = sum(len(c.criteria) for c in self._referentiel(member).all_competencies())
        n.say(t.plural(f"{WORDS}.blocs", len(contents.blocs)))
        n.show("\n".join(contents.blocs))
        covered = total - len(contents.gaps)
        n.say(t.plural(f"{WORDS}.covered", covered, total=total))
        n.say(t.plural(f"{WORDS}.gaps", len(contents.gaps)))

    def _referentiel(self, member: Member) -> Referentiel:
        referentiel = self.referentiels.get(member.referentiel_id)
        assert referentiel is not None, member.referentiel_id  # built-in référentiels
        return referentiel

    def _answers(self, member: Member, form: CheckinForm) -> tuple[CheckinAnswers, list[str]]:
        """What the person enters in the form, and the lines that tell it."""
        pt = Translator(member.locale)
        plan = member.week(self.index)
        ranks = self.ranks[member.user_id]
        ranks.update(plan.levels)
        referentiel = self._referentiel(member)
        levels = referentiel.scale.levels
        for competency_id in plan.proofs:
            if competency_id not in form.asked:
                name = member.real_name
                raise DemoError("demo.problem.script", name=name, competency=competency_id)
        answers: list[CheckinAnswer] = []
        lines: list[str] = []
        for competency_id in form.asked:
            competency = referentiel.competency(competency_id)
            assert competency is not None  # Palier only asks about its référentiel's
            rank = min(ranks.get(competency_id, member.rank), len(levels) - 1)
            label = level_label(referentiel, levels[rank], pt)
            name = competency.code or competency.label  # a certification's titles are long
            lines.append(self.t("demo.answer.level", competency=name, level=label))
            proof = plan.proofs.get(competency_id)
            text = pt(f"demo.typed.{proof.text}") if proof is not None else None
            link = proof.link if proof is not None else None
            if text is not None:
                lines.append(INDENT + self.t("demo.answer.proof", text=text))
            if link:
                lines.append(INDENT + self.t("demo.answer.link", link=link))
            answers.append(CheckinAnswer(competency_id, label, text, link or None))
        topic = pt(f"demo.typed.{plan.topic}") if plan.topic else None
        if topic is not None:
            lines.append(self.t("demo.answer.topic", text=topic))
        return CheckinAnswers(tuple(answers), topic), lines

    # -- the manager's day -------------------------------------------------------------------

    def _manage(self, step: Step) -> None:
        n, t = self.narrator, self.t
        match step:
            case story.ReviewList(manager):
                n.say()
                n.say(t("demo.manage.title", name=manager.real_name))
                answered = self.player.review_list(manager)
                self._event(manager, t("demo.what.me", command=answered.typed))
                n.show(answered.text)
            case story.OpenReview(manager, report):
                form = self.player.open_review(manager, report)
                self._reviews[manager.user_id] = form
                what = t("demo.manage.open", button=form.button, name=report.real_name)
                self._event(manager, what)
                n.show_form(form.text)
            case story.SubmitReview(manager, report):
                self._submit_review(manager, report, self._reviews.pop(manager.user_id))
            case story.TeamView(manager):
                tables = {member.referentiel_id for member in story.reports(self.team)}
                shown = self.player.team(manager, len(tables))
                self._event(manager, t("demo.what.me", command=shown.typed))
                for index, table in enumerate(shown.tables):
                    if index:
                        n.say()
                    n.show(table)
                n.show(shown.notice)
            case story.Brief(manager, report):
                answered = self.player.brief(manager, report)
                self._event(manager, t("demo.what.me", command=answered.typed))
                n.show(answered.text)
            case story.OneOnOneDone(manager):
                pressed = self.player.one_on_one_done(manager)
                what = t("demo.manage.done", button=pressed.button, confirm=pressed.confirm)
                self._event(manager, what)
                n.show(pressed.text)

    def _submit_review(self, manager: Member, report: Member, form: ReviewForm) -> None:
        """Every level confirmed but one, set a level lower; a comment shared with the report."""
        answers, lines = self._review_answers(manager, report, form)
        self._event(manager, self.t("demo.what.answer", button=form.submit))
        self.narrator.show("\n".join(lines))
        told = self.player.submit_review(manager, report, answers)
        self._event(report, self.t("demo.manage.told", manager=manager.real_name))
        self.narrator.show(told)
        saved = self.player.review_saved(manager)
        self._event(manager, self.t("demo.manage.saved"))
        self.narrator.show(saved)

    def _review_answers(
        self, manager: Member, report: Member, form: ReviewForm
    ) -> tuple[ReviewAnswers, list[str]]:
        """What the manager enters in ``report``'s review, and the lines that tell it."""
        referentiel = self._referentiel(report)
        levels: dict[str, str] = {}
        comment: str | None = None
        share: tuple[str, ...] = ()
        lines: list[str] = []
        for entry in form.fields:
            if isinstance(entry, LevelField):
                competency = referentiel.competency(entry.competency_id)
                assert competency is not None  # Palier only asks about the report's référentiel
                name = competency.code or competency.label
                own, options = entry.own, entry.options
                if entry.competency_id == story.LOWERED and own in options:
                    level = options[max(options.index(own) - 1, 0)]
                    levels[entry.competency_id] = level
                    lines.append(
                        self.t("demo.manage.lowered", competency=name, level=level, own=own)
                    )
                else:
                    lines.append(self.t("demo.manage.confirmed", competency=name, level=own))
            elif isinstance(entry, CommentField):
                comment = Translator(manager.locale)(f"demo.typed.{story.REVIEW_COMMENT}")
                lines.append(self.t("demo.manage.comment", text=comment))
            elif isinstance(entry, ShareField):
                share = entry.options[:1]
                lines.extend(self.t("demo.manage.share", option=option) for option in share)
        if not levels:
            raise DemoError("demo.problem.script", name=manager.real_name, competency=story.LOWERED)
        return ReviewAnswers(levels, comment, share), lines
