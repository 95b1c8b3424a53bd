"""Palier's Slack front end, and the Slack emulator its tests and demo run against."""
