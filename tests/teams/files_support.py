"""Files in Teams, for the journeys: the consent cards Palier sent, what the core builds
for someone (to compare with what reached their OneDrive), who is who."""

from __future__ import annotations

from typing import Any

from bot.app.actor import ActorRef
from bot.app.outcome import DeliverFile, FileKind
from emulators.teams import FILE_CONSENT, FILE_INFO, Message, User
from storage.models import Platform
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import sent


def ref(user: User) -> ActorRef:
    return ActorRef(Platform.TEAMS, user.tenant_id, user.aad_object_id)


def built(world: TeamsWorld, user: User, kind: FileKind) -> bytes:
    """The file of ``kind`` as the core builds it for ``user`` now, as bytes."""
    outcome = world.flows.files.build(ref(user), kind)
    [file] = [e for e in outcome.effects if isinstance(e, DeliverFile)]
    return file.content.encode("utf-8") if isinstance(file.content, str) else file.content


def consent_cards(world: TeamsWorld, user: User) -> list[Message]:
    """The consent cards in ``user``'s chat now, oldest first."""
    return [m for m in sent(world, user) if _attachment(m, FILE_CONSENT) is not None]


def file_cards(world: TeamsWorld, user: User) -> list[Message]:
    """The file cards (files put in ``user``'s OneDrive) in their chat, oldest first."""
    return [m for m in sent(world, user) if _attachment(m, FILE_INFO) is not None]


def consent(message: Message) -> dict[str, Any]:
    found = _attachment(message, FILE_CONSENT)
    assert found is not None
    return found


def file_card(message: Message) -> dict[str, Any]:
    found = _attachment(message, FILE_INFO)
    assert found is not None
    return found


def _attachment(message: Message, content_type: str) -> dict[str, Any] | None:
    return next((a for a in message.attachments if a.get("contentType") == content_type), None)
