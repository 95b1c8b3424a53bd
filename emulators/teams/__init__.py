"""A local Microsoft Teams for tests and demos: the Connector, its identity services, a driver.

``TeamsEmulator`` answers a bot's calls over real HTTP: the Bot Framework Connector REST
API v3, Entra ID's token endpoint and Bot Framework's OpenID metadata and signing keys,
Microsoft Graph's users, and the OneDrive upload sessions of the files people accept.
``TeamsDriver`` plays the people and the Teams client: it sends the bot signed
activities (installs, messages, card actions, dialogs, message actions, file consents)
and reads back what they see. No Microsoft account is involved.

Test and demo infrastructure: it follows Microsoft's published wire formats, not
Palier's, and imports neither Palier nor the Teams SDK (``pyproject.toml``'s import
contract holds it to that), so a test through it can disagree with both.
"""

from emulators.clock import ManualClock
from emulators.teams.cards import Violation, validate_activity, validate_card
from emulators.teams.drive import DriveFile
from emulators.teams.driver import TeamsDriver
from emulators.teams.files import FILE_CONSENT, FILE_INFO
from emulators.teams.identity import SigningKey
from emulators.teams.inputs import DriverError
from emulators.teams.model import (
    CallRecord,
    Conversation,
    Fault,
    InboundRecord,
    Message,
    Team,
    Tenant,
    User,
)
from emulators.teams.ratelimit import RateLimits
from emulators.teams.render import card_texts, render_card
from emulators.teams.responses import Dialog, TeamsResponse
from emulators.teams.server import TeamsEmulator

__all__ = [
    "FILE_CONSENT",
    "FILE_INFO",
    "CallRecord",
    "Conversation",
    "Dialog",
    "DriveFile",
    "DriverError",
    "Fault",
    "InboundRecord",
    "ManualClock",
    "Message",
    "RateLimits",
    "SigningKey",
    "Team",
    "TeamsDriver",
    "TeamsEmulator",
    "TeamsResponse",
    "Tenant",
    "User",
    "Violation",
    "card_texts",
    "render_card",
    "validate_activity",
    "validate_card",
]
