"""The worker's group consumer is built with the configured fetch wait, not faust's fixed 1.5 s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import faust

from undercurrent.kafka.batches import BatchConsumerThread, BatchTransport, consume_batches
from undercurrent.kafka.message import Message


async def ignore(batch: Mapping[str, Sequence[Message]]) -> None:
    return None


async def test_the_group_consumer_fetches_with_the_configured_wait() -> None:
    app = faust.App("fetch-wait", broker="kafka://127.0.0.1:9", web_enabled=False, store="memory://")
    consume_batches(app, [app.topic("inputs", value_serializer="raw")], ignore, fetch_max_wait_ms=100)
    thread = app.consumer._thread
    assert isinstance(thread, BatchConsumerThread) and isinstance(app.transport, BatchTransport)
    consumer = thread._create_worker_consumer(app.transport)  # built, not started: no broker needed
    try:
        assert consumer._fetch_max_wait_ms == 100
    finally:
        await consumer.stop()
        thread.thread_loop.close()
