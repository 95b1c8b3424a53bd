"""``palier demo`` apart from any chat platform: the story, the director, the runner.

The demo's story (who is in the team, what each does which week, the manager's day)
is the same whichever platform plays it; only the player, which clicks and reads on
that platform, is platform-specific (Slack's: :mod:`handlers.slack.demo_player`).
Nothing here imports a front end, an emulator or a chat SDK (the import contract
in pyproject.toml says so).
"""
