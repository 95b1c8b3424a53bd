"""Slack's user object as Palier's :class:`~bot.domain.people.Profile`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.people import Profile


def to_profile(user: Mapping[str, Any]) -> Profile:
    """A ``users.info`` / ``users.lookupByEmail`` user (``locale`` only with include_locale)."""
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name")
    return Profile(
        user_id=str(user["id"]),
        display_name=str(name) if name else None,
        email=profile.get("email"),
        timezone=user.get("tz"),
        locale=user.get("locale"),
        deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
    )
