"""A claimed session as it crosses to the close stages: its stored events, still encoded.

Kept apart from the Redis store so that a close process, which only decodes and builds, does not
import the Redis client.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from ..events.model import Event
from .model import CloseReason, SessionSnapshot, build_snapshot

_event_decoder = msgspec.json.Decoder(Event)


class ClaimedSession(msgspec.Struct, frozen=True, array_like=True):
    """A claimed session as loaded for closing; decoding its events is part of closing it, off the ingest loop."""

    session_id: str
    reason: CloseReason
    entries: list[bytes]
    wall_ms: int

    def snapshot(self) -> SessionSnapshot:
        return build_snapshot(self.session_id, decode_entries(self.entries), close_reason=self.reason)


def decode_entries(entries: Iterable[bytes]) -> list[tuple[Event, bool]]:
    """Stored events (each prefixed A, accepted, or L, late) with their late flag."""
    return [(_event_decoder.decode(entry[1:]), entry[:1] == b"L") for entry in entries]
