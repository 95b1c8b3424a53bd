"""What a person reads about a file Palier offers where it asks first (Teams' file
consent): that a large team's detail follows as files, and the answers to their yes or
no — declined, could not be delivered, not a file Palier knows, or not theirs to have
(the refusal of the flow that builds it).
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.rich import Plain, Rich
from bot.views import privacy, progress_chart, team, vae_livret, vae_share


def team_files_follow(t: Translator, maps: int = 1) -> Rich:
    """A large team's summary: its detail follows as files, each to accept (the CSV and
    ``maps`` pictures of levels)."""
    if maps <= 1:
        return t.rich("teams_files.team_large")
    return t.rich_plural("progress_charts.teams_team_large", maps)


def declined(t: Translator) -> Rich:
    """The person said no: nothing was uploaded."""
    return t.rich("teams_files.declined")


def not_delivered(name: str, t: Translator) -> Rich:
    """The upload failed: nothing is left behind, and accepting again tries again."""
    return t.rich("teams_files.failed", name=Plain(name))


def unknown(t: Translator) -> Rich:
    """A consent that names no file Palier builds (altered, or from an older Palier)."""
    return t.rich("teams_files.unknown")


def refusal(code: str | None, t: Translator, *, chart: bool = False) -> Rich:
    """Why the file is not the accepting person's to have, in the words of the flow that
    builds it (the team summary's, the export's, the privacy flow's or the livret's codes;
    ``chart``: the progress chart's, whoever's it is)."""
    if code == "gone":
        return t.rich("progress_charts.gone")
    if chart or code in ("no_data", "not_enrolled"):  # one's own chart's
        return progress_chart.refusal(code, t)
    if code is None or code in team.REFUSALS:
        return team.refusal(code, t)
    if code == "not_certification":  # one's own livret (bot.app.vae)
        return vae_livret.refusal(code, t)
    if t.has(f"{vae_share.WORDS}.refusal.{code}"):  # a livret shared with one
        return vae_share.refusal(code, t)
    return privacy.refusal(code, t)
