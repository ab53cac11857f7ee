"""Group encoded events into Kafka messages: one event each, or envelopes that linger.

An envelope ``{"events": [...]}`` only holds events bound for the same topic
partition, namely the partition that the session id key of each of its events
maps to. Keying the envelope by its first event's session id therefore keeps
every session on one partition, in order, whichever sessions share an envelope.

An envelope is sealed when it is full (``envelope_size`` events, or the next
event would pass ``max_bytes``), when its oldest event has waited ``linger_s``
(:meth:`Packer.due`), or on :meth:`Packer.drain`. Time is passed in, never read,
so every decision here is a pure function of the calls made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from aiokafka.partitioner import DefaultPartitioner

_OPEN = b'{"events":['
_CLOSE = b"]}"
_ENVELOPE_BYTES = len(_OPEN) + len(_CLOSE)


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int | None
    key: bytes
    value: bytes
    event_ids: tuple[str, ...]

    @property
    def events(self) -> int:
        return len(self.event_ids)


@lru_cache(maxsize=65536)
def partition_of(key: bytes, partitions: tuple[int, ...]) -> int:
    """The partition Kafka's default (murmur2) partitioner picks for ``key``."""
    partition: int = DefaultPartitioner()(key, list(partitions), list(partitions))
    return partition


@dataclass(slots=True)
class _Envelope:
    key: bytes
    opened_at: float
    items: list[bytes] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    size: int = _ENVELOPE_BYTES

    def fits(self, item: bytes, max_bytes: int) -> bool:
        return self.size + len(item) + 1 <= max_bytes


class Packer:
    """Accumulates events; returns each message as soon as it is complete.

    ``linger_s=None`` keeps an envelope open until it is full or drained.
    """

    def __init__(self, envelope_size: int, max_bytes: int, linger_s: float | None = None) -> None:
        if envelope_size < 1:
            raise ValueError("envelope_size must be at least 1")
        if linger_s is not None and linger_s < 0:
            raise ValueError("linger_s must not be negative")
        self.envelope_size = envelope_size
        self.max_bytes = max_bytes
        self.linger_s = linger_s
        self._open: dict[tuple[str, int], _Envelope] = {}

    @property
    def buffered(self) -> int:
        """Events held in open envelopes."""
        return sum(len(envelope.items) for envelope in self._open.values())

    def add(
        self, topic: str, partition: int | None, key: bytes, item: bytes, event_id: str, now: float
    ) -> list[Message]:
        if len(item) > self.max_bytes:
            raise ValueError(f"event of {len(item)} bytes exceeds the {self.max_bytes} byte message limit")
        if self.envelope_size == 1 or partition is None:
            return [Message(topic, partition, key, item, (event_id,))]
        slot = (topic, partition)
        ready: list[Message] = []
        if len(item) + _ENVELOPE_BYTES + 1 > self.max_bytes:  # too big for any envelope: alone, after its partition
            if slot in self._open:
                ready.append(self._seal(slot))
            return [*ready, Message(topic, partition, key, item, (event_id,))]
        envelope = self._open.get(slot)
        if envelope is not None and not envelope.fits(item, self.max_bytes):
            ready.append(self._seal(slot))
            envelope = None
        if envelope is None:
            envelope = self._open[slot] = _Envelope(key, now)
        envelope.items.append(item)
        envelope.ids.append(event_id)
        envelope.size += len(item) + 1
        if len(envelope.items) >= self.envelope_size:
            ready.append(self._seal(slot))
        return ready

    def next_due(self) -> float | None:
        """When the oldest open envelope has lingered long enough; None if none is open or nothing lingers."""
        if self.linger_s is None or not self._open:
            return None
        return min(envelope.opened_at for envelope in self._open.values()) + self.linger_s

    def due(self, now: float) -> list[Message]:
        """Seal every envelope whose oldest event has waited ``linger_s`` by ``now``."""
        if self.linger_s is None:
            return []
        linger_s = self.linger_s
        return [
            self._seal(slot) for slot, envelope in list(self._open.items()) if envelope.opened_at + linger_s <= now
        ]

    def drain(self) -> list[Message]:
        return [self._seal(slot) for slot in list(self._open)]

    def _seal(self, slot: tuple[str, int]) -> Message:
        envelope = self._open.pop(slot)
        value = _OPEN + b",".join(envelope.items) + _CLOSE
        return Message(slot[0], slot[1], envelope.key, value, tuple(envelope.ids))
