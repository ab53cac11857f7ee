"""The aiokafka adapter of the producer, and :func:`open_producer`, the way applications start one."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaProducer

from ..config import KafkaSettings, Settings
from ..kafka.options import client_options
from .core import DeliveryCallback, Producer, ProducerOptions, Topics
from .packing import Message

KAFKA_OVERHEAD_BYTES = 16 * 1024
"""Room for the record batch framing around the largest message, in the client's request limit."""


class KafkaTransport:
    """aiokafka producer tuned for throughput: record batches linger 20 ms, up to 256 KiB; acks from all replicas."""

    def __init__(
        self,
        kafka: KafkaSettings,
        *,
        max_message_bytes: int,
        compression: str | None = None,
        client_id: str = "undercurrent-producer",
        request_timeout_s: float = 40.0,
    ) -> None:
        self._producer = AIOKafkaProducer(
            **client_options(kafka),
            client_id=client_id,
            acks="all",
            linger_ms=20,
            max_batch_size=256 * 1024,
            max_request_size=max_message_bytes + KAFKA_OVERHEAD_BYTES,
            compression_type=compression,
            request_timeout_ms=int(request_timeout_s * 1000),
        )

    async def start(self) -> None:
        await self._producer.start()

    async def close(self) -> None:
        await self._producer.stop()

    async def __aenter__(self) -> KafkaTransport:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def partitions(self, topic: str) -> list[int]:
        found = await self._producer.partitions_for(topic)
        if not found:
            raise RuntimeError(f"topic {topic!r} has no partitions; create it first")
        return sorted(found)

    async def send(self, message: Message) -> asyncio.Future[Any]:
        delivery: asyncio.Future[Any] = await self._producer.send(
            message.topic, message.value, key=message.key, partition=message.partition
        )
        return delivery


async def open_producer(
    bootstrap: str | None = None,
    *,
    settings: Settings | None = None,
    options: ProducerOptions | None = None,
    on_delivery: DeliveryCallback | None = None,
    compression: str | None = None,
    request_timeout_s: float = 40.0,
) -> Producer:
    """A started producer for the chat and client topics; ``close()`` it to send what is left and stop.

    Connection, security and topic names come from ``settings`` (default: the
    ``UNDERCURRENT_*`` environment); ``bootstrap`` overrides the broker address. A message the
    broker has not acknowledged within ``request_timeout_s`` is reported as failed.
    """
    settings = settings or Settings()
    kafka = settings.kafka if bootstrap is None else settings.kafka.model_copy(update={"bootstrap": bootstrap})
    options = options or ProducerOptions(max_message_bytes=settings.ingest.max_message_bytes)
    transport = KafkaTransport(
        kafka, max_message_bytes=options.max_message_bytes, compression=compression, request_timeout_s=request_timeout_s
    )
    topics = Topics(chat=settings.topics.chat, client=settings.topics.client)
    producer = Producer(transport, topics, options, on_delivery=on_delivery)
    await transport.start()
    return producer
