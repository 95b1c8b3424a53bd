"""A local Slack for tests and demos: the Web API server, a driver, Block Kit checks.

``SlackEmulator`` answers the bot's Web API calls over real HTTP; ``SlackDriver``
sends the bot what Slack would (signed slash commands, clicks, submissions,
events); ``BoltAppServer`` serves a Bolt app over HTTP; ``render_blocks`` /
``render_view`` show Block Kit as text. No Slack account is involved.
"""

from emulators.clock import ManualClock
from emulators.slack.blockkit import Violation, validate_blocks, validate_view
from emulators.slack.driver import (
    BoltAppServer,
    DriverError,
    DriverResponse,
    SlackDriver,
    sign_request,
)
from emulators.slack.render import render_blocks, render_view
from emulators.slack.server import (
    CallRecord,
    Channel,
    EarlyCall,
    Fault,
    Message,
    SlackEmulator,
    UploadedFile,
    User,
    View,
    Workspace,
)

__all__ = [
    "BoltAppServer",
    "CallRecord",
    "Channel",
    "DriverError",
    "DriverResponse",
    "EarlyCall",
    "Fault",
    "ManualClock",
    "Message",
    "SlackDriver",
    "SlackEmulator",
    "UploadedFile",
    "User",
    "View",
    "Violation",
    "Workspace",
    "render_blocks",
    "render_view",
    "sign_request",
    "validate_blocks",
    "validate_view",
]
