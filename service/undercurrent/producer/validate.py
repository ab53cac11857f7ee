"""Check an event against contract v1 before it is sent, with the workers' own decoder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from ..errors import UndercurrentError
from ..events import EventDecoder, Reject, Turn


class InvalidEvent(UndercurrentError, ValueError):
    """The event breaks the contract and was not sent; ``reason`` is the dead-letter reason it would get."""

    def __init__(self, event_id: str | None, reason: str, detail: str) -> None:
        self.event_id = event_id
        self.reason = reason
        self.detail = detail
        named = f"event {event_id!r}" if event_id else "event"
        super().__init__(f"{named} not sent ({reason}): {detail}")


@dataclass(frozen=True, slots=True)
class ValidEvent:
    kind: Literal["chat", "client"]
    event_id: str
    session_id: str
    encoded: bytes


class Validator:
    """Encodes an event (a mapping or a contract struct) and decodes it back as the ingest worker would."""

    def __init__(self, max_message_bytes: int) -> None:
        self.max_message_bytes = max_message_bytes
        self._encode = msgspec.json.Encoder().encode
        self._chat = EventDecoder("chat", max_message_bytes=max_message_bytes)
        self._client = EventDecoder("client", max_message_bytes=max_message_bytes)

    def __call__(self, event: Mapping[str, Any] | msgspec.Struct) -> ValidEvent:
        if type(event) is dict or isinstance(event, Mapping):
            chat = event.get("type") == "turn"
            event_id = event.get("event_id")
        elif isinstance(event, msgspec.Struct):
            chat = isinstance(event, Turn)
            event_id = getattr(event, "event_id", None)
        else:
            raise TypeError(f"an event is a mapping or a contract struct, not {type(event).__name__}")
        name = event_id if isinstance(event_id, str) else None
        try:
            encoded = self._encode(event)
        except (TypeError, ValueError) as exc:
            raise InvalidEvent(name, "schema", f"not encodable as JSON: {exc}") from exc
        if len(encoded) > self.max_message_bytes:
            raise InvalidEvent(
                name, "oversized", f"event is {len(encoded)} bytes; limit is {self.max_message_bytes}"
            )
        decoded = (self._chat if chat else self._client).decode_event(encoded)
        if isinstance(decoded, Reject):
            raise InvalidEvent(name, decoded.reason, decoded.detail)
        return ValidEvent("chat" if chat else "client", decoded.event_id, decoded.session_id, encoded)
