"""Group encoded events into Kafka messages: one event each, or envelopes.

An envelope ``{"events": [...]}`` only holds events bound for the same topic
partition, namely the partition that the session id key of each of its events
maps to. Keying the envelope by its first event's session id therefore keeps
every session on one partition, in order, whichever sessions share an envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_OPEN = b'{"events":['
_CLOSE = b"]}"


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int | None
    key: bytes
    value: bytes
    events: int


@dataclass(slots=True)
class _Envelope:
    key: bytes
    items: list[bytes] = field(default_factory=list)
    size: int = len(_OPEN) + len(_CLOSE)

    def fits(self, item: bytes, max_bytes: int) -> bool:
        return self.size + len(item) + 1 <= max_bytes


class Packer:
    """Accumulates events; returns each message as soon as it is complete."""

    def __init__(self, envelope_size: int, max_bytes: int) -> None:
        if envelope_size < 1:
            raise ValueError("envelope_size must be at least 1")
        self.envelope_size = envelope_size
        self.max_bytes = max_bytes
        self._open: dict[tuple[str, int], _Envelope] = {}

    def add(self, topic: str, partition: int | None, key: bytes, item: bytes) -> list[Message]:
        if len(item) > self.max_bytes:
            raise ValueError(f"event of {len(item)} bytes exceeds the {self.max_bytes} byte message limit")
        if self.envelope_size == 1 or partition is None:
            return [Message(topic, partition, key, item, 1)]
        slot = (topic, partition)
        ready: list[Message] = []
        envelope = self._open.get(slot)
        if envelope is not None and not envelope.fits(item, self.max_bytes):
            ready.append(self._seal(slot))
            envelope = None
        if envelope is None:
            envelope = self._open[slot] = _Envelope(key)
        envelope.items.append(item)
        envelope.size += len(item) + 1
        if len(envelope.items) >= self.envelope_size:
            ready.append(self._seal(slot))
        return ready

    def drain(self) -> list[Message]:
        return [self._seal(slot) for slot in list(self._open)]

    def _seal(self, slot: tuple[str, int]) -> Message:
        envelope = self._open.pop(slot)
        value = _OPEN + b",".join(envelope.items) + _CLOSE
        return Message(slot[0], slot[1], envelope.key, value, len(envelope.items))
