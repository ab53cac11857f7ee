"""Reading a topic back from its start to its current end, outside any consumer group."""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from ..config import KafkaSettings
from ..kafka.options import client_options


async def _caught_up(consumer: AIOKafkaConsumer, tp: TopicPartition) -> bool:
    highwater = consumer.highwater(tp)
    return highwater is not None and await consumer.position(tp) >= highwater


class TopicReadError(RuntimeError):
    """The topic does not exist or the broker could not be read."""


async def read_topic(kafka: KafkaSettings, topic: str, *, poll_ms: int = 500, timeout_s: float = 300.0) -> list[bytes]:
    """Every message value in ``topic``, from the earliest offset until each partition is caught up.

    Caught up means the position reached the high-water mark the last fetch reported (ListOffsets is
    not used: some Kafka-compatible brokers answer it per record batch). No group is joined and no
    offset committed, so reading never moves a worker's position.
    """
    consumer = AIOKafkaConsumer(**client_options(kafka), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            await consumer.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise TopicReadError(f"topic {topic!r} does not exist on {kafka.bootstrap}")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        deadline = time.monotonic() + timeout_s
        pending, values = set(assigned), list[bytes]()
        while pending:
            if time.monotonic() > deadline:
                raise TopicReadError(f"topic {topic!r}: partitions {sorted(tp.partition for tp in pending)} "
                                     f"not read to their end within {timeout_s:.0f}s")
            batch = await consumer.getmany(*pending, timeout_ms=poll_ms)
            for messages in batch.values():
                values.extend(m.value for m in messages if m.value is not None)
            pending = {tp for tp in pending if not await _caught_up(consumer, tp)}
        return values
    finally:
        await consumer.stop()
