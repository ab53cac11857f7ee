"""Send synthesised sessions to Kafka, interleaved by event time.

``turn`` events go to the chat topic, every other type to the client topic; the
key is the session id. Delivery goes through a :class:`Sender`, so the loop can
be exercised without a broker; :class:`KafkaSender` is the aiokafka adapter.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import msgspec
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from ..config import KafkaSettings, Settings
from ..ingest.kafka import client_options
from .packing import Message, Packer
from .schedule import Event, interleave

ProgressCallback = Callable[[int, int], None]
"""Called with (conversations started, events sent) so far."""

_PROGRESS_EVERY = 1000
_MAX_IN_FLIGHT = 5000
_KAFKA_OVERHEAD_BYTES = 16 * 1024


class Sender(Protocol):
    async def partitions(self, topic: str) -> list[int]: ...

    async def send(self, message: Message) -> asyncio.Future[Any]: ...


@dataclass(slots=True)
class ReplaySummary:
    conversations: int = 0
    events: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    oversized: int = 0
    seconds: float = 0.0

    @property
    def events_total(self) -> int:
        return sum(self.events.values())

    @property
    def events_per_s(self) -> float:
        return self.events_total / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Topics:
    chat: str
    client: str

    def of(self, event: Event) -> str:
        return self.chat if event["type"] == "turn" else self.client


@lru_cache(maxsize=65536)
def partition_of(key: bytes, partitions: tuple[int, ...]) -> int:
    """The partition Kafka's default (murmur2) partitioner picks for ``key``."""
    return DefaultPartitioner()(key, list(partitions), list(partitions))


async def replay(
    sessions: Iterable[list[Event]],
    sender: Sender,
    topics: Topics,
    *,
    envelope_size: int = 1,
    max_message_bytes: int = 1_048_576,
    on_progress: ProgressCallback | None = None,
) -> ReplaySummary:
    summary = ReplaySummary()
    packer = Packer(envelope_size, max_message_bytes)
    partitions = {}
    if envelope_size > 1:
        partitions = {topic: tuple(await sender.partitions(topic)) for topic in (topics.chat, topics.client)}
    encode = msgspec.json.Encoder().encode
    in_flight: list[asyncio.Future[Any]] = []
    started = time.perf_counter()

    async def send(messages: list[Message]) -> None:
        for message in messages:
            in_flight.append(await sender.send(message))
            summary.messages += 1
        if len(in_flight) >= _MAX_IN_FLIGHT:
            await asyncio.gather(*in_flight)
            in_flight.clear()

    for event in interleave(_counted(sessions, summary)):
        topic = topics.of(event)
        key = event["session_id"].encode()
        item = encode(event)
        if len(item) > max_message_bytes:
            summary.oversized += 1
            continue
        partition = partition_of(key, partitions[topic]) if partitions else None
        await send(packer.add(topic, partition, key, item))
        summary.events[event["type"]] += 1
        if on_progress and summary.events_total % _PROGRESS_EVERY == 0:
            on_progress(summary.conversations, summary.events_total)
    await send(packer.drain())
    await asyncio.gather(*in_flight)
    summary.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(summary.conversations, summary.events_total)
    return summary


async def replay_to_kafka(
    sessions: Iterable[list[Event]],
    settings: Settings,
    *,
    envelope_size: int = 1,
    compression: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ReplaySummary:
    """:func:`replay` into the chat and client topics of ``settings``, with a producer sized for its limits."""
    max_bytes = settings.ingest.max_message_bytes
    topics = Topics(chat=settings.topics.chat, client=settings.topics.client)
    async with KafkaSender(
        settings.kafka, max_request_size=max_bytes + _KAFKA_OVERHEAD_BYTES, compression=compression
    ) as sender:
        return await replay(
            sessions,
            sender,
            topics,
            envelope_size=envelope_size,
            max_message_bytes=max_bytes,
            on_progress=on_progress,
        )


def _counted(sessions: Iterable[list[Event]], summary: ReplaySummary) -> Iterator[list[Event]]:
    for events in sessions:
        summary.conversations += 1
        yield events


class KafkaSender:
    """aiokafka producer tuned for throughput: batches linger briefly, no compression by default."""

    def __init__(
        self, kafka: KafkaSettings, *, max_request_size: int, compression: str | None = None
    ) -> None:
        self._producer = AIOKafkaProducer(
            **client_options(kafka),
            client_id="undercurrent-replay",
            linger_ms=20,
            max_batch_size=256 * 1024,
            max_request_size=max_request_size,
            compression_type=compression,
        )

    async def __aenter__(self) -> KafkaSender:
        await self._producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._producer.stop()

    async def partitions(self, topic: str) -> list[int]:
        found = await self._producer.partitions_for(topic)
        if not found:
            raise RuntimeError(f"topic {topic!r} has no partitions; create it first")
        return sorted(found)

    async def send(self, message: Message) -> asyncio.Future[Any]:
        return await self._producer.send(
            message.topic, message.value, key=message.key, partition=message.partition
        )
