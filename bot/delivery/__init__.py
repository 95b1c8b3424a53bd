"""Delivery: the messages Palier sends on its own, whichever process ticks.

Every such message — the weekly prompt, its reminder, the managers' weekly review,
the brief of a recurring 1:1 — goes the same way (:mod:`bot.delivery.claims`): it is
claimed by one conditional UPDATE, sent through the platform's
:class:`~bot.delivery.messenger.Messenger`, and its outcome recorded; what a failure
means (this person cannot be written to, the workspace's token fails, the platform
asks to wait, the message may have gone out) is decided in that one place, and each
kind of message only says what to record. The tick (:mod:`bot.delivery.tick`) runs the steps:
planning and closing weeks (:mod:`~bot.delivery.planning`), prompts, reminders,
digests and briefs, each in its module, and the workspaces' pauses
(:mod:`~bot.delivery.workspaces`).
"""
