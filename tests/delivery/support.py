"""A messenger as the delivery port describes it, with no platform behind it: it keeps
what it sent and fails as the test tells it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery.messenger import DeliveryUncertain, Marker, OutgoingFile, Recipient
from bot.domain.people import Profile


@dataclass
class Posted:
    ref: str
    recipient: Recipient
    view: object
    marker: Marker | None
    near: str | None


@dataclass
class FakeMessenger:
    posted: list[Posted] = field(default_factory=list)
    updated: list[tuple[str, object]] = field(default_factory=list)
    files: list[tuple[Recipient, OutgoingFile]] = field(default_factory=list)
    profiles: dict[str, Profile] = field(default_factory=dict)
    faults: list[Exception] = field(default_factory=list)  # raised by the next sends, in order
    posted_anyway: bool = False  # an uncertain send went out all the same
    workspace_error: Exception | None = None  # raised by check_workspace
    checks: int = 0
    finds: int = 0
    profile_reads: list[str] = field(default_factory=list)  # user ids, in order

    def check_workspace(self, workspace_id: str) -> None:
        self.checks += 1
        if self.workspace_error is not None:
            raise self.workspace_error

    def profile(self, recipient: Recipient) -> Profile | None:
        self.profile_reads.append(recipient.user_id)
        return self.profiles.get(recipient.user_id)

    def send(
        self,
        recipient: Recipient,
        view: object,
        *,
        marker: Marker | None = None,
        near: str | None = None,
    ) -> str:
        fault = self.faults.pop(0) if self.faults else None
        if fault is not None and not (isinstance(fault, DeliveryUncertain) and self.posted_anyway):
            raise fault
        ref = f"{recipient.user_id}:{len(self.posted) + 1}"
        self.posted.append(Posted(ref, recipient, view, marker, near))
        if fault is not None:
            raise fault
        return ref

    def update(self, recipient: Recipient, ref: str, view: object) -> None:
        self.updated.append((ref, view))

    def conversation_of(self, ref: str) -> str | None:
        return f"D-{ref.split(':')[0]}"  # each person's direct conversation

    def find(self, recipient: Recipient, marker: Marker) -> str | None:
        self.finds += 1
        return next((p.ref for p in self.posted if p.marker == marker), None)

    def send_file(self, recipient: Recipient, file: OutgoingFile) -> None:
        self.files.append((recipient, file))

    def views(self, kind: type) -> list[object]:
        return [p.view for p in self.posted if isinstance(p.view, kind)]
