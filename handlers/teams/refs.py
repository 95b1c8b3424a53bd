"""What Teams needs to write in a conversation again, as the core stores it (opaque text).

A person's direct conversation is the Connector's address for their tenant
(``serviceUrl``) and the conversation's id; a message Palier sent is that and its
activity id. Both are kept as small JSON documents: the ids Teams gives hold ``:``,
``@``, ``;`` and ``|``, and a JSON string holds any of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ConversationRef:
    service_url: str
    conversation_id: str

    def dump(self) -> str:
        return json.dumps({"service": self.service_url, "conversation": self.conversation_id})

    @classmethod
    def load(cls, text: str | None) -> ConversationRef | None:
        try:
            data = json.loads(text or "")
            return cls(str(data["service"]), str(data["conversation"]))
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class MessageRef:
    conversation: ConversationRef
    activity_id: str

    def dump(self) -> str:
        return json.dumps(
            {
                "service": self.conversation.service_url,
                "conversation": self.conversation.conversation_id,
                "activity": self.activity_id,
            }
        )

    @classmethod
    def load(cls, text: str | None) -> MessageRef | None:
        try:
            data = json.loads(text or "")
            conversation = ConversationRef(str(data["service"]), str(data["conversation"]))
            return cls(conversation, str(data["activity"]))
        except (ValueError, TypeError, KeyError):
            return None
