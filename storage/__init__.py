"""Persistence: SQLAlchemy models, migrations and sessions. No chat-platform code."""
