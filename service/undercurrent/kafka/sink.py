"""Where the service writes Kafka records: a narrow interface over a producer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .message import Headers

if TYPE_CHECKING:
    from faust.types import ProducerT


class RecordSink(Protocol):
    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers = ()) -> Awaitable[Any]:
        """Schedule one record; the returned awaitable resolves when the broker has it."""


class FaustProducerSink:
    """Writes through the faust app's producer (aiokafka underneath)."""

    def __init__(self, producer: ProducerT) -> None:
        self._producer = producer

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers = ()) -> Awaitable[Any]:
        return await self._producer.send(topic, key, value, None, None, list(headers))


async def send_all(sink: RecordSink, topic: str, records: Sequence[tuple[bytes | None, bytes, Headers]]) -> None:
    """Send records and wait until the broker acknowledged every one."""
    pending = [await sink.send(topic, key, value, headers) for key, value, headers in records]
    await asyncio.gather(*pending)
