"""The application layer: one module per user flow, shared by every front end.

An operation takes the acting person (:class:`~bot.app.actor.ActorRef`: platform,
workspace, user) and a typed input; it opens its own unit of work
(:class:`~bot.app.unit_of_work.UnitOfWork`), which resolves the actor once (person,
language, time zone); it applies the access policy and returns an
:class:`~bot.app.outcome.Outcome`: what to show in the actor's language, or why not.
A front end only parses, calls, renders and carries out — it opens no session and
reads no ORM row.

Flows move here one at a time from the Slack front end; :mod:`bot.app.summary` is the
first (``me``, ``help``, the language).
"""
