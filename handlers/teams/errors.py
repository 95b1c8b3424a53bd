"""What stops the Teams front end from starting, as the command line words it (light: it
imports no SDK, so the CLI can catch it without loading Teams)."""

from __future__ import annotations


class MissingTeamsSettingError(Exception):
    """A setting Teams needs is not set; ``variable`` names it."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable
