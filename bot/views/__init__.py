"""What people see, built once in the core, for every front end to render.

A view is presentation-neutral: its text is :mod:`bot.i18n.rich` (a catalog message
in neutral markup, and what goes in it — quoted référentiel text, a person's own
words, a mention); :mod:`bot.views.cards` says how a message or a tab is laid out
(headings, paragraphs, notes, dividers). The words, dates and numbers are chosen
here, in the person's language; a front end only renders: Slack's Block Kit
(``handlers.slack.render``), Teams' Adaptive Cards.
"""
