"""Turn Kafka message bytes into validated events, or into rejects with a reason.

One message holds one event or an envelope ``{"events": [...]}``. A bad event
inside an envelope rejects only itself: its siblings are still accepted.

Two rules go beyond the JSON Schema: ``attrs`` may nest at most
:data:`MAX_ATTRS_DEPTH` levels (deeper JSON cannot be decoded, stored and read
back safely), and an event may not lie further in the future than the caller's
``not_after_ms`` (it would hold its session open for the maximum duration).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import msgspec

from .model import CLIENT_TYPES, ChatEvent, ClientEvent, Envelope, Event, ts_millis

TopicKind = Literal["chat", "client", "otlp"]
RejectReason = Literal[
    "oversized", "malformed_json", "malformed_otlp", "unknown_type", "wrong_topic", "schema", "future_timestamp",
    "processing_error",
]
MAX_ATTRS_DEPTH = 32

_KNOWN_TYPES = frozenset(("turn", *CLIENT_TYPES))
_TOO_DEEP = "JSON nested too deeply to decode"


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


class MessageDecoder(Protocol):
    """What the pipeline needs of a topic's decoder."""

    def decode(self, data: bytes, *, not_after_ms: int | None = None) -> Decoded: ...


class _TypeProbe(msgspec.Struct):
    type: str | None = None


def nesting_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` (decoded JSON) nests dicts or lists more than ``limit`` levels deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class EventDecoder:
    """Decoder for one input topic; reuse one instance per topic (it is not cheap to build)."""

    def __init__(self, kind: Literal["chat", "client"], *, max_message_bytes: int = 1_048_576) -> None:
        self.kind = kind
        self.max_message_bytes = max_message_bytes
        self._allowed = frozenset(("turn",)) if kind == "chat" else frozenset(CLIENT_TYPES)
        self._envelope = msgspec.json.Decoder(Envelope)
        self._event = msgspec.json.Decoder(ChatEvent if kind == "chat" else ClientEvent)
        self._probe = msgspec.json.Decoder(_TypeProbe)

    def decode(self, data: bytes, *, not_after_ms: int | None = None) -> Decoded:
        """Events and rejects of one message; events later than ``not_after_ms`` are rejected."""
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
        except RecursionError:
            out.rejects.append(Reject(data, "schema", _TOO_DEEP))
            return out
        items = [data] if envelope.events is msgspec.UNSET else [bytes(raw) for raw in envelope.events]
        for item in items:
            result = self.decode_event(item, not_after_ms=not_after_ms)
            if isinstance(result, Reject):
                out.rejects.append(result)
            else:
                out.events.append(result)
        return out

    def decode_event(self, data: bytes, *, not_after_ms: int | None = None) -> Event | Reject:
        """One event (never an envelope), or why it is not one."""
        try:
            event = self._event.decode(data)
        except msgspec.ValidationError as exc:
            return self._classify(data, exc)
        except msgspec.DecodeError as exc:
            return Reject(data, "malformed_json", str(exc))
        except RecursionError:
            return Reject(data, "schema", _TOO_DEEP)
        if event.attrs and nesting_exceeds(event.attrs, MAX_ATTRS_DEPTH):
            return Reject(data, "schema", f"attrs nest deeper than {MAX_ATTRS_DEPTH} levels")
        if not_after_ms is not None and ts_millis(event.ts) > not_after_ms:
            return Reject(data, "future_timestamp", f"ts {event.ts} is after {not_after_ms} ms")
        return event

    def _classify(self, data: bytes, exc: msgspec.ValidationError) -> Reject:
        try:
            event_type = self._probe.decode(data).type
        except (msgspec.DecodeError, RecursionError):
            event_type = None
        if event_type is not None and event_type not in _KNOWN_TYPES:
            return Reject(data, "unknown_type", f"unknown event type {event_type!r}")
        if event_type is not None and event_type not in self._allowed:
            return Reject(data, "wrong_topic", f"type {event_type!r} does not belong on the {self.kind} topic")
        return Reject(data, "schema", str(exc))
