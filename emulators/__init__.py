"""The project's emulators of the chat platforms Palier runs on (Slack now, Teams next).

Test and demo infrastructure, not product code: each follows its platform's published
reference (not Palier) and imports nothing of Palier, so that a journey test through
it can disagree with Palier wherever the platform would (the import contract in
``pyproject.toml`` holds it to that).
"""
