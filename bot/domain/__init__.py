"""Palier's domain: the rules of check-ins, progress, access, people and 1:1s, and the
services that apply them to the database within a session a flow opened.

No chat platform and no presentation here: the application layer (:mod:`bot.app`)
calls these with the resolved actor inside its unit of work; views (:mod:`bot.views`)
turn what they return into what people see.
"""
