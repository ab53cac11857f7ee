"""Turn Kafka message bytes into validated events, or into rejects with a reason.

One message holds one event or an envelope ``{"events": [...]}``. A bad event
inside an envelope rejects only itself: its siblings are still accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import msgspec

from .model import CLIENT_TYPES, ChatEvent, ClientEvent, Envelope, Event

TopicKind = Literal["chat", "client"]
RejectReason = Literal["oversized", "malformed_json", "unknown_type", "wrong_topic", "schema"]

_KNOWN_TYPES = frozenset(("turn", *CLIENT_TYPES))


@dataclass(frozen=True, slots=True)
class Reject:
    """Bytes that could not become an event, and why."""

    raw: bytes
    reason: RejectReason
    detail: str


@dataclass(slots=True)
class Decoded:
    events: list[Event] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


class _TypeProbe(msgspec.Struct):
    type: str | None = None


class EventDecoder:
    """Decoder for one input topic; reuse one instance per topic (it is not cheap to build)."""

    def __init__(self, kind: TopicKind, *, max_message_bytes: int = 1_048_576) -> None:
        self.kind = kind
        self.max_message_bytes = max_message_bytes
        self._allowed = frozenset(("turn",)) if kind == "chat" else frozenset(CLIENT_TYPES)
        self._envelope = msgspec.json.Decoder(Envelope)
        self._event = msgspec.json.Decoder(ChatEvent if kind == "chat" else ClientEvent)
        self._probe = msgspec.json.Decoder(_TypeProbe)

    def decode(self, data: bytes) -> Decoded:
        out = Decoded()
        if len(data) > self.max_message_bytes:
            out.rejects.append(
                Reject(data, "oversized", f"message is {len(data)} bytes; limit is {self.max_message_bytes}")
            )
            return out
        try:
            envelope = self._envelope.decode(data)
        except msgspec.ValidationError as exc:
            out.rejects.append(Reject(data, "schema", f"envelope: {exc}"))
            return out
        except msgspec.DecodeError as exc:
            out.rejects.append(Reject(data, "malformed_json", str(exc)))
            return out
        items = [data] if envelope.events is msgspec.UNSET else [bytes(raw) for raw in envelope.events]
        for item in items:
            self._decode_one(item, out)
        return out

    def _decode_one(self, data: bytes, out: Decoded) -> None:
        try:
            out.events.append(self._event.decode(data))
        except msgspec.ValidationError as exc:
            out.rejects.append(self._classify(data, exc))
        except msgspec.DecodeError as exc:
            out.rejects.append(Reject(data, "malformed_json", str(exc)))

    def _classify(self, data: bytes, exc: msgspec.ValidationError) -> Reject:
        try:
            event_type = self._probe.decode(data).type
        except msgspec.DecodeError:
            event_type = None
        if event_type is not None and event_type not in _KNOWN_TYPES:
            return Reject(data, "unknown_type", f"unknown event type {event_type!r}")
        if event_type is not None and event_type not in self._allowed:
            return Reject(data, "wrong_topic", f"type {event_type!r} does not belong on the {self.kind} topic")
        return Reject(data, "schema", str(exc))
