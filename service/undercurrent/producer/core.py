"""The producer: validate, key, batch per partition with a linger time, bound the buffer, report deliveries.

Delivery goes through a :class:`Transport`, so the buffering and linger logic can
run without a broker; :class:`~undercurrent.producer.kafka.KafkaTransport` is the
aiokafka adapter. Which events form an envelope, and when it is due, is decided
by the pure :class:`~undercurrent.producer.packing.Packer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import msgspec

from .packing import Message, Packer, partition_of
from .validate import Validator

DeliveryCallback = Callable[[tuple[str, ...], BaseException | None], None]
"""Called once per message with its event ids and None (acknowledged) or the exception (refused)."""

log = logging.getLogger(__name__)


class Transport(Protocol):
    async def partitions(self, topic: str) -> list[int]: ...

    async def send(self, message: Message) -> asyncio.Future[Any]:
        """Hand the message over; the future resolves on the broker's acknowledgement."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Topics:
    chat: str = "undercurrent.chat"
    client: str = "undercurrent.client"

    def of(self, event: Mapping[str, Any]) -> str:
        return self.chat if event["type"] == "turn" else self.client


@dataclass(frozen=True, slots=True)
class ProducerOptions:
    """``envelope_size=1`` sends one event per message; ``linger_s=None`` waits for a full envelope or a flush."""

    envelope_size: int = 100
    linger_s: float | None = 0.05
    buffer_events: int = 10_000
    max_message_bytes: int = 1_048_576

    def __post_init__(self) -> None:
        if self.buffer_events < 1:
            raise ValueError("buffer_events must be at least 1")


@dataclass(slots=True)
class ProducerStats:
    events: int = 0
    messages: int = 0
    delivered: int = 0
    failed: int = 0


class Producer:
    """Sends contract events to the chat and client topics; see docs/producer.md.

    ``send`` validates the event (an invalid one raises :class:`InvalidEvent` and
    nothing is sent), then takes one place in a buffer of ``buffer_events``; a place
    is given back when the broker acknowledges or refuses the event's message.
    While the buffer is full, ``send`` seals the open envelopes and waits.
    """

    def __init__(
        self,
        transport: Transport,
        topics: Topics | None = None,
        options: ProducerOptions | None = None,
        *,
        on_delivery: DeliveryCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or ProducerOptions()
        self.stats = ProducerStats()
        self._transport = transport
        self._topics = topics or Topics()
        self._on_delivery = on_delivery
        self._clock = clock
        self._validate = Validator(self.options.max_message_bytes)
        self._packer = Packer(self.options.envelope_size, self.options.max_message_bytes, self.options.linger_s)
        self._room = asyncio.Event()
        self._sending = asyncio.Lock()
        self._partitions: dict[str, tuple[int, ...]] = {}
        self._in_flight: set[asyncio.Future[Any]] = set()
        self._wake = asyncio.Event()
        self._linger: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """Events accepted by ``send`` and not yet acknowledged or refused."""
        return self.stats.events - self.stats.delivered - self.stats.failed

    async def send(self, event: Mapping[str, Any] | msgspec.Struct) -> None:
        """Accept one event for sending; raises :class:`InvalidEvent` at once, waits while the buffer is full."""
        valid = self._validate(event)
        topic = self._topics.chat if valid.kind == "chat" else self._topics.client
        key = valid.session_id.encode()
        partition = None
        if self.options.envelope_size > 1:
            partitions = self._partitions.get(topic)
            if partitions is None:
                partitions = self._partitions[topic] = tuple(await self._transport.partitions(topic))
            partition = partition_of(key, partitions)
        if self.pending >= self.options.buffer_events:
            await self._dispatch(self._packer.drain())
            while self.pending >= self.options.buffer_events:
                self._room.clear()
                await self._room.wait()
        self.stats.events += 1
        ready = self._packer.add(topic, partition, key, valid.encoded, valid.event_id, self._clock())
        if ready:
            await self._dispatch(ready)
        if self._linger is None and self._packer.next_due() is not None:
            self._linger = asyncio.create_task(self._lingering())

    async def flush(self) -> None:
        """Send every open envelope and wait until every accepted event is acknowledged or refused."""
        await self._dispatch(self._packer.drain())
        if self._linger is not None:
            self._wake.set()
            await self._linger
        if self._in_flight:
            await asyncio.wait(list(self._in_flight))

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            await self._transport.close()

    async def __aenter__(self) -> Producer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _lingering(self) -> None:
        """Seals envelopes as they come due; ends when none is open (the next one starts it again)."""
        while (deadline := self._packer.next_due()) is not None:
            delay = deadline - self._clock()
            if delay > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
            else:
                await self._dispatch(self._packer.due(self._clock()))
        self._linger = None

    async def _dispatch(self, messages: list[Message]) -> None:
        """Hands messages over in the order they were sealed (one at a time, so a partition keeps its order)."""
        if not messages:
            return
        async with self._sending:
            for message in messages:
                try:
                    future = await self._transport.send(message)
                except Exception as exc:  # refused before reaching the broker: reported like a broker refusal
                    self._settle(message, exc)
                    continue
                self.stats.messages += 1
                self._in_flight.add(future)
                future.add_done_callback(partial(self._done, message))

    def _done(self, message: Message, future: asyncio.Future[Any]) -> None:
        self._in_flight.discard(future)
        error = asyncio.CancelledError() if future.cancelled() else future.exception()
        self._settle(message, error)

    def _settle(self, message: Message, error: BaseException | None) -> None:
        if error is None:
            self.stats.delivered += message.events
        else:
            self.stats.failed += message.events
        self._room.set()
        if self._on_delivery is not None:
            self._on_delivery(message.event_ids, error)
        elif error is not None:
            log.warning("%d events to %s not delivered: %r", message.events, message.topic, error)
